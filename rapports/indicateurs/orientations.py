"""Orientations reçues, décisions sur les orientations, délais."""

from collections import Counter

from django.db.models import Count

from comites.enums import TypeDecision
from comites.models import Decision
from menages.enums import Problematique, Source, StatutOrientation
from menages.models import Orientation, ProblematiqueOrientation

from . import croisement
from .chargements import avec_territoire_actuel
from .mise_en_forme import NON_RENSEIGNE, arrondi, mediane, repartition
from .perimetre import du_perimetre
from .periode import bornes_horaires, jour_local

TITRE = "Orientations"

DEFINITIONS = {
    "orientations.recues": "Orientations des ménages du dispositif dont la date d'orientation "
    "est dans la période. Une orientation « à rattacher » (sur un ménage provisoire) n'y compte "
    "qu'une fois rattachée au ménage déjà connu ou gardée à part par la coordination.",
    "orientations.par_source": "Orientations reçues dans la période, par service ou structure "
    "qui oriente.",
    "orientations.par_problematique": "Orientations reçues dans la période portant chaque "
    "problématique ; une orientation à plusieurs problématiques compte dans chacune, le total "
    "dépasse donc le nombre d'orientations. Ce sont les totaux de ligne du croisement "
    "problématique × territoire : masqués (« s ») quand ils redonneraient une case « < 5 ».",
    "orientations.decisions": "Orientations du dispositif dont le statut est « admise », "
    "« refusée » ou « réorientée » et dont la date de ce statut est dans la période, quelle que "
    "soit leur date d'orientation.",
    "orientations.delai_premier_contact": "Médiane, en jours, de (date du premier contact − "
    "date de l'orientation qui a ouvert l'épisode), pour les épisodes commencés dans la période "
    "qui ont une date de premier contact et une orientation ; « nombre » dit sur combien "
    "d'épisodes elle est calculée (médiane vide s'il n'y en a aucun).",
    "orientations.delai_decision_cotech": "Médiane, en jours, de (date de la séance − date de "
    "l'orientation), pour les décisions d'admission, de refus ou de réorientation prises en "
    "séance dans la période sur un point de l'ordre du jour lié à une orientation ; « nombre » "
    "dit sur combien de décisions elle est calculée.",
}


STATUTS_DECIDES = (
    StatutOrientation.ADMISE,
    StatutOrientation.REFUSEE,
    StatutOrientation.REORIENTEE,
)


DECISIONS_SUR_ORIENTATION = (
    TypeDecision.ADMISSION,
    TypeDecision.REFUS,
    TypeDecision.REORIENTATION,
)


def calculer(dispositif, episodes, debut, fin, territoires):
    """Orientations reçues, décisions, délais ; et le croisement problématique × territoire.

    Rend (section orientations, section croisement) : les deux lisent les mêmes orientations,
    chargées une fois.
    """
    # Les orientations « à rattacher » attendent la coordination sur un ménage provisoire : elles
    # ne comptent qu'une fois rattachées au ménage connu ou gardées à part.
    du_dispositif = Orientation.objects.filter(
        **du_perimetre("menage__dispositif", dispositif), menage__provisoire=False
    )
    recues_qs = du_dispositif.filter(date_orientation__range=(debut, fin))
    recues = list(
        avec_territoire_actuel(recues_qs, "menage__logements")
        .order_by("pk")
        .values_list("pk", "source", "territoire_nom")
    )
    territoire_de = {pk: territoire or NON_RENSEIGNE for pk, _, territoire in recues}
    problematiques = list(
        ProblematiqueOrientation.objects.filter(orientation__in=recues_qs)
        .order_by("pk")
        .values_list("orientation_id", "code")
    )
    decisions = dict(
        du_dispositif.filter(
            statut__in=STATUTS_DECIDES,
            date_statut__range=(debut, fin),
        )
        .values("statut")
        .annotate(nombre=Count("pk"))
        .order_by()
        .values_list("statut", "nombre")
    )

    delais_contact = [
        (e.date_premier_contact - e.date_orientation).days
        for e in episodes
        if debut <= e.date_debut <= fin and e.date_premier_contact and e.date_orientation
    ]
    debut_h, fin_h = bornes_horaires(debut, fin)
    decisions_cotech = Decision.objects.filter(
        **du_perimetre("seance__comite__dispositif", dispositif),
        seance__date__gte=debut_h,
        seance__date__lt=fin_h,
        type__in=DECISIONS_SUR_ORIENTATION,
        point__orientation__isnull=False,
    ).values_list("seance__date", "point__orientation__date_orientation")
    delais_cotech = [
        (jour_local(moment) - date_orientation).days
        for moment, date_orientation in decisions_cotech
    ]

    section = {
        "recues": len(recues),
        "par_source": repartition(Source, Counter(source for _, source, _ in recues)),
        "par_problematique": repartition(Problematique, Counter(c for _, c in problematiques)),
        "decisions": {
            "total": sum(decisions.values()),
            "par_statut": [
                {"code": statut.value, "libelle": statut.label, "nombre": decisions.get(statut, 0)}
                for statut in STATUTS_DECIDES
            ],
        },
        "delai_premier_contact": {
            "mediane_jours": arrondi(mediane(delais_contact), 1),
            "nombre": len(delais_contact),
        },
        "delai_decision_cotech": {
            "mediane_jours": arrondi(mediane(delais_cotech), 1),
            "nombre": len(delais_cotech),
        },
    }

    return section, croisement.tableau(problematiques, territoire_de, territoires)
