"""La fiche d'orientation en PDF, pour qui voit l'orientation ; l'édition est journalisée."""

from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.exports import exporter_pdf

from . import selectors


def fiche_orientation(request, public_id):
    orientation = get_object_or_404(
        selectors.orientations_visibles(request.user)
        .select_related("menage__dispositif__porteur", "prescripteur", "orientee_par")
        .prefetch_related("problematiques"),
        public_id=public_id,
    )
    menage = orientation.menage
    voit_dette = selectors.peut_voir_dette(request.user, menage)
    if not voit_dette:
        selectors.sans_dette([orientation])
    logement = menage.logements.filter(actuel=True).select_related("territoire").first()
    contexte = {
        "orientation": orientation,
        "menage": menage,
        "logement": logement,
        "taux_effort": logement.taux_effort(menage.ressources_mensuelles) if logement else None,
        "voit_dette": voit_dette,
        "edition": timezone.localtime(),
        "editeur": request.user,
    }
    return exporter_pdf(
        request,
        "pdf/fiche_orientation.html",
        contexte,
        "fiche-orientation.pdf",
        quoi="fiche d'orientation",
        dispositif=menage.dispositif,
        objet=orientation,
    )
