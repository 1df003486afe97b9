"""Interventions de la période : par type, par profession, heures, orientations vers
un partenaire.
"""

from collections import Counter
from decimal import Decimal

from django.db.models import Count, Sum

from accompagnement.enums import DestinationPartenaire, TypeIntervention
from accompagnement.models import Intervention, OrientationPartenaire
from core.enums import Profession

from .mise_en_forme import arrondi, repartition
from .perimetre import du_perimetre
from .periode import bornes_horaires

TITRE = "Interventions"

DEFINITIONS = {
    "interventions.total": "Interventions des épisodes du dispositif dont la date (heure de "
    "Paris) est dans la période.",
    "interventions.par_type": "Ces interventions par type.",
    "interventions.par_profession": "Ces interventions par profession de leur auteur·rice au "
    "moment de la saisie.",
    "interventions.visites_domicile": "Interventions de type « visite à domicile » (le ménage "
    "a été vu).",
    "interventions.visites_sans_reponse": "Interventions de type « visite à domicile sans "
    "réponse » (visites infructueuses).",
    "interventions.heures_total": "Somme des durées des interventions de la période, en "
    "heures à une décimale.",
    "interventions.heures_par_profession": "Somme des durées des interventions de la période "
    "par profession de l'auteur·rice, en heures à une décimale.",
    "interventions.orientations_partenaires": "Orientations vers un partenaire notées dans les "
    "interventions de la période, par destination (une intervention peut en compter plusieurs).",
}


def calculer(dispositif, debut, fin):
    """Interventions de la période : par type, par profession, heures, orientations."""
    debut_h, fin_h = bornes_horaires(debut, fin)
    de_la_periode = Intervention.objects.filter(
        **du_perimetre("accompagnement__dispositif", dispositif),
        date_heure__gte=debut_h,
        date_heure__lt=fin_h,
    )
    groupes = list(
        de_la_periode.values("type", "profession_auteur")
        .annotate(nombre=Count("pk"), minutes=Sum("duree_minutes"))
        .order_by()
        .values_list("type", "profession_auteur", "nombre", "minutes")
    )
    par_type, par_profession, minutes_par_profession = Counter(), Counter(), Counter()
    for type_, profession, nombre, minutes in groupes:
        par_type[type_] += nombre
        par_profession[profession] += nombre
        minutes_par_profession[profession] += minutes
    # Une jointure, et non `intervention__in=` : PostgreSQL prend alors les interventions de la
    # période dans l'index de période seul (sans lire les lignes) et les joint aux orientations,
    # au lieu de hacher d'abord toutes les interventions de la période (docs/performance.md).
    destinations = dict(
        OrientationPartenaire.objects.filter(
            **du_perimetre("intervention__accompagnement__dispositif", dispositif),
            intervention__date_heure__gte=debut_h,
            intervention__date_heure__lt=fin_h,
        )
        .values("destination")
        .annotate(nombre=Count("pk"))
        .order_by()
        .values_list("destination", "nombre")
    )
    return {
        "total": sum(par_type.values()),
        "par_type": repartition(TypeIntervention, par_type),
        "par_profession": repartition(Profession, par_profession),
        "visites_domicile": par_type.get(TypeIntervention.VISITE_DOMICILE, 0),
        "visites_sans_reponse": par_type.get(TypeIntervention.VISITE_SANS_REPONSE, 0),
        "heures_total": _heures(sum(minutes_par_profession.values())),
        "heures_par_profession": [
            {
                "code": valeur,
                "libelle": str(libelle),
                "heures": _heures(minutes_par_profession.get(valeur, 0)),
            }
            for valeur, libelle in Profession.choices
        ],
        "orientations_partenaires": {
            "total": sum(destinations.values()),
            "par_destination": repartition(DestinationPartenaire, destinations),
        },
    }


def _heures(minutes):
    return arrondi(Decimal(minutes) / 60, 1)
