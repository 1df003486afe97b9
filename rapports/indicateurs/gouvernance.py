"""Gouvernance : séances des comités du dispositif et décisions prises."""

from django.db.models import Count

from comites.enums import TypeComite, TypeDecision
from comites.models import Decision, Seance

from .mise_en_forme import repartition
from .perimetre import du_perimetre
from .periode import bornes_horaires

TITRE = "Gouvernance"

DEFINITIONS = {
    "gouvernance.seances_total": "Séances des comités du dispositif dont la date (heure de "
    "Paris) est dans la période.",
    "gouvernance.seances_par_type": "Ces séances par type de comité.",
    "gouvernance.decisions_total": "Décisions prises lors de ces séances.",
    "gouvernance.decisions_par_type": "Ces décisions par nature.",
}


def calculer(dispositif, debut, fin):
    """Séances tenues par type de comité, décisions par nature."""
    debut_h, fin_h = bornes_horaires(debut, fin)
    seances = Seance.objects.filter(
        **du_perimetre("comite__dispositif", dispositif), date__gte=debut_h, date__lt=fin_h
    )
    par_type = dict(
        seances.values("comite__type")
        .annotate(nombre=Count("pk"))
        .order_by()
        .values_list("comite__type", "nombre")
    )
    decisions = dict(
        Decision.objects.filter(seance__in=seances)
        .values("type")
        .annotate(nombre=Count("pk"))
        .order_by()
        .values_list("type", "nombre")
    )
    return {
        "seances_total": sum(par_type.values()),
        "seances_par_type": repartition(TypeComite, par_type),
        "decisions_total": sum(decisions.values()),
        "decisions_par_type": repartition(TypeDecision, decisions),
    }
