"""La fiche d'orientation en PDF, pour qui voit l'orientation ; l'édition est journalisée."""

from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.models import JournalAudit
from core.pdf import rendre_pdf, reponse_pdf
from core.services import journaliser

from . import selectors


def fiche_orientation(request, public_id):
    orientation = get_object_or_404(
        selectors.orientations_visibles(request.user)
        .select_related("menage__dispositif__porteur", "prescripteur", "orientee_par")
        .prefetch_related("problematiques"),
        public_id=public_id,
    )
    menage = orientation.menage
    logement = menage.logements.filter(actuel=True).select_related("territoire").first()
    contexte = {
        "orientation": orientation,
        "menage": menage,
        "logement": logement,
        "taux_effort": logement.taux_effort(menage.ressources_mensuelles) if logement else None,
        "voit_dette": selectors.peut_voir_dette(request.user, menage),
        "edition": timezone.localtime(),
        "editeur": request.user,
    }
    journaliser(
        request.user,
        JournalAudit.Action.EXPORT,
        dispositif=menage.dispositif,
        objet=orientation,
        detail="fiche d'orientation (PDF)",
        request=request,
    )
    return reponse_pdf(rendre_pdf("pdf/fiche_orientation.html", contexte), "fiche-orientation.pdf")
