"""Les fiches que les partenaires s'échangent, en PDF : suivi social, bilan, clôture.

Chaque fiche ne contient que ce que la personne qui l'édite peut voir (mêmes sélecteurs que les
pages), chaque édition est journalisée comme un export, et les notes « soignants » imprimées
comme des lectures.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.exports import exporter_pdf
from core.permissions import Donnee
from menages import selectors as selectors_menages

from . import selectors, services
from .models import Accompagnement


def _contexte(request, accompagnement):
    """Ce que toutes les fiches montrent, déjà réduit à ce que cette ligne-ci permet : le plan
    complet, son résumé ou rien ; l'équipe avec ses professions, ou le seul référent."""
    menage = accompagnement.menage
    logement = menage.logements.filter(actuel=True).select_related("territoire").first()
    return {
        "menage": menage,
        "accompagnement": accompagnement,
        "logement": logement,
        "taux_effort": logement.taux_effort(menage.ressources_mensuelles) if logement else None,
        **selectors.plan_ou_resume(accompagnement),
        "equipe": selectors.equipe_vue(accompagnement),
        "voit_dette": accompagnement.voit_dette,
        "edition": timezone.localtime(),
        "editeur": request.user,
    }


def _accompagnement(request, public_id, donnee=Donnee.IDENTITE):
    try:
        return selectors.accompagnement_pour(request.user, public_id, donnee)
    except Accompagnement.DoesNotExist:
        raise Http404("Accompagnement introuvable.") from None


def fiche_suivi(request, public_id):
    accompagnement = _accompagnement(request, public_id)
    contexte = _contexte(request, accompagnement)
    interventions = list(
        selectors.interventions_de(request.user, accompagnement).order_by("date_heure")
    )
    services.journaliser_lectures(request.user, interventions, request, accompagnement.menage)
    contexte["interventions"] = interventions
    contexte["dettes"] = selectors_menages.dettes_du_menage(request.user, accompagnement.menage)
    return exporter_pdf(
        request,
        "pdf/fiche_suivi.html",
        contexte,
        "fiche-de-suivi.pdf",
        quoi="fiche de suivi social",
        dispositif=accompagnement.dispositif,
        objet=accompagnement,
    )


def fiche_bilan(request, public_id):
    bilan = get_object_or_404(
        selectors.bilans_visibles(request.user).select_related("accompagnement"),
        public_id=public_id,
    )
    accompagnement = _accompagnement(request, bilan.accompagnement.public_id, Donnee.PLAN)
    contexte = _contexte(request, accompagnement)
    contexte["bilan"] = bilan
    contexte["progressions"] = bilan.progressions.select_related("objectif")
    return exporter_pdf(
        request,
        "pdf/bilan.html",
        contexte,
        f"bilan-{bilan.type}.pdf",
        quoi=bilan.get_type_display().lower(),
        dispositif=accompagnement.dispositif,
        objet=bilan,
    )


def fiche_cloture(request, public_id):
    try:
        accompagnement = selectors.accompagnement_pour(request.user, public_id, Donnee.PLAN)
    except Accompagnement.DoesNotExist:
        raise Http404("Fiche introuvable.") from None
    cloture = selectors.cloture_vue(accompagnement)
    if cloture is None:
        raise Http404("Cet accompagnement n'est pas clos.")
    contexte = _contexte(request, accompagnement)
    contexte["cloture"] = cloture
    return exporter_pdf(
        request,
        "pdf/cloture.html",
        contexte,
        "fiche-de-cloture.pdf",
        quoi="fiche de clôture",
        dispositif=accompagnement.dispositif,
        objet=accompagnement,
    )
