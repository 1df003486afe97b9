from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from accompagnement.services import journaliser_lectures
from core import permissions
from core.exports import exporter_pdf
from core.permissions import Action
from menages import selectors as selectors_menages
from menages.models import Menage

from .droit_d_acces import dossier
from .historique import historique_du_menage


def _menage(request, public_id, action):
    """Le ménage, si la personne en voit l'identité (sinon 404) et peut faire `action` dans son
    dispositif (sinon 403)."""
    try:
        menage = selectors_menages.menage_pour(request.user, public_id)
    except Menage.DoesNotExist:
        raise Http404("Ménage introuvable.") from None
    if not permissions.peut(request.user, action, menage.dispositif):
        raise PermissionDenied
    return menage


def historique(request, public_id):
    """L'historique des modifications du ménage, pour sa coordination."""
    menage = _menage(request, public_id, Action.CONSULTER_HISTORIQUE)
    return render(
        request,
        "rgpd/historique.html",
        {
            "menage": menage,
            "versions": historique_du_menage(request.user, menage, request.GET.get("page")),
        },
    )


def droit_d_acces(request, public_id):
    """La page qui explique le dossier du droit d'accès avant de le produire."""
    menage = _menage(request, public_id, Action.DROIT_D_ACCES)
    return render(request, "rgpd/droit_d_acces.html", {"menage": menage})


def droit_d_acces_pdf(request, public_id):
    """Le dossier PDF de tout ce qui est détenu sur le ménage (RGPD art. 15), journalisé."""
    menage = _menage(request, public_id, Action.DROIT_D_ACCES)
    contexte = dossier(menage)
    contexte["editeur"] = request.user
    journaliser_lectures(request.user, contexte["notes"], request, menage)
    return exporter_pdf(
        request,
        "pdf/droit_d_acces.html",
        contexte,
        f"droit-d-acces-{timezone.localdate():%Y%m%d}.pdf",
        quoi=(
            f"dossier du droit d'accès (art. 15), {len(contexte['notes'])} notes dont "
            f"{contexte['nombre_soignants']} soignants et {contexte['nombre_personnelles']} "
            "personnelles"
        ),
        dispositif=menage.dispositif,
        objet=menage,
    )
