"""Objectifs des plans d'action des épisodes actifs, par statut."""

from django.db.models import Count

from accompagnement.enums import StatutObjectif
from accompagnement.models import Objectif

from .chargements import episodes_actifs_qs
from .mise_en_forme import repartition, taux

TITRE = "Objectifs"

DEFINITIONS = {
    "objectifs.fixes": "Objectifs des plans d'action des épisodes actifs sur la période, "
    "quel que soit leur statut.",
    "objectifs.atteints": "Parmi eux, ceux dont le statut actuel est « atteint ».",
    "objectifs.partiellement_atteints": "Parmi eux, ceux dont le statut actuel est "
    "« partiellement atteint ».",
    "objectifs.abandonnes": "Parmi eux, ceux dont le statut actuel est « abandonné ».",
    "objectifs.taux_atteints": "Objectifs atteints ÷ objectifs fixés, en pourcentage.",
    "objectifs.taux_partiellement_atteints": "Objectifs partiellement atteints ÷ objectifs "
    "fixés, en pourcentage.",
    "objectifs.taux_abandonnes": "Objectifs abandonnés ÷ objectifs fixés, en pourcentage.",
    "objectifs.par_statut": "Objectifs fixés par statut actuel.",
}


def calculer(dispositif, debut, fin):
    """Objectifs des épisodes actifs : fixés, atteints, partiellement, abandonnés (taux)."""
    par_statut = dict(
        Objectif.objects.filter(accompagnement__in=episodes_actifs_qs(dispositif, debut, fin))
        .values("statut")
        .annotate(nombre=Count("pk"))
        .order_by()
        .values_list("statut", "nombre")
    )
    fixes = sum(par_statut.values())
    atteints = par_statut.get(StatutObjectif.ATTEINT, 0)
    partiels = par_statut.get(StatutObjectif.PARTIELLEMENT_ATTEINT, 0)
    abandonnes = par_statut.get(StatutObjectif.ABANDONNE, 0)
    return {
        "fixes": fixes,
        "atteints": atteints,
        "partiellement_atteints": partiels,
        "abandonnes": abandonnes,
        "taux_atteints": taux(atteints, fixes),
        "taux_partiellement_atteints": taux(partiels, fixes),
        "taux_abandonnes": taux(abandonnes, fixes),
        "par_statut": repartition(StatutObjectif, par_statut),
    }
