"""Écritures du socle : journal d'audit."""

from .models import JournalAudit
from .permissions import roles


def journaliser(user, action, *, dispositif=None, objet=None, detail="", request=None):
    """Écrit une ligne du journal d'audit (jamais le contenu lu ou exporté).

    `objet` est un modèle dont on garde le type et l'identifiant public ; `detail` décrit
    l'opération (« export CSV de la file active, 42 lignes »), pas les données.
    """
    ligne = _ligne(user, action, dispositif, objet, detail, request)
    ligne.save()
    return ligne


def journaliser_en_lot(user, action, objets_par_dispositif, request=None):
    """Une ligne par couple (dispositif, objet), en une seule écriture."""
    return JournalAudit.objects.bulk_create(
        _ligne(user, action, dispositif, objet, "", request)
        for dispositif, objet in objets_par_dispositif
    )


def _ligne(user, action, dispositif, objet, detail, request):
    dispositif_id = getattr(dispositif, "pk", dispositif)
    return JournalAudit(
        user=user if user is not None and user.is_authenticated else None,
        email=getattr(user, "email", "") or "",
        roles=",".join(sorted(roles(user, dispositif_id))) if dispositif_id and user else "",
        dispositif_id=dispositif_id,
        action=action,
        objet_type=objet._meta.label if objet is not None else "",
        objet_id=str(getattr(objet, "public_id", getattr(objet, "pk", ""))) if objet else "",
        detail=detail[:255],
        adresse_ip=_adresse_ip(request),
    )


def _adresse_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
