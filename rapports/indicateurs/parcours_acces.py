"""Parcours accès : signalements, propositions, décisions de la CAL, délais, baux et maintien.

Cinq chargements `values_list` pour tout le dispositif, quel que soit le nombre de ménages. Les
décisions par issue sont un petit tableau où un effectif de 1 à 4 désignerait presque un ménage :
elles passent par `masquage.proteger` (« < 5 », et « s » en complément pour qu'aucune case ne se
retrouve par différence avec le total).
"""

from dateutil.relativedelta import relativedelta

from acces.enums import IssueCAL, TypeBail
from acces.models import Bail, DecisionCAL, Mutation, Proposition
from core.enums import Parcours
from menages.models import Orientation

from .masquage import proteger
from .mise_en_forme import arrondi, mediane
from .perimetre import du_perimetre

TITRE = "Parcours accès"

DEFINITIONS = {
    "parcours_acces.menages_signales": "Ménages dont une orientation du parcours accès est datée "
    "dans la période.",
    "parcours_acces.propositions": "Logements proposés à un ménage, datés dans la période.",
    "parcours_acces.menages_proposes": "Ménages qui ont reçu au moins une proposition dans la "
    "période.",
    "parcours_acces.decisions_par_issue": "Décisions de la CAL (séances de la période) par issue : "
    "attribution, attribution sous condition, non-attribution, refus du ménage ; « < 5 » pour un "
    "effectif de 1 à 4, « s » pour une case masquée en complément.",
    "parcours_acces.decisions_total": "Total des décisions de la CAL de la période (masqué comme "
    "ses cases au besoin).",
    "parcours_acces.delai_median_signalement_proposition_jours": "Médiane, en jours, de la "
    "première orientation accès du ménage à sa première proposition, pour les premières "
    "propositions datées dans la période.",
    "parcours_acces.delai_median_signalement_cal_jours": "Médiane, en jours, de la première "
    "orientation accès du ménage à la séance de sa première décision de CAL, quand cette séance "
    "est dans la période.",
    "parcours_acces.delai_median_signalement_bail_jours": "Médiane, en jours, de la première "
    "orientation accès du ménage à la signature de son bail, pour les baux signés dans la période.",
    "parcours_acces.baux_signes": "Baux signés dans la période (directs et glissants).",
    "parcours_acces.baux_glissants": "Parmi eux, baux glissants (une association preneuse).",
    "parcours_acces.glissements_faits": "Baux glissants dont le glissement au ménage est daté "
    "dans la période.",
    "parcours_acces.baux_de_plus_de_12_mois": "Baux signés au moins 12 mois avant la fin de la "
    "période.",
    "parcours_acces.toujours_loges_12_mois": "Parmi eux, ménages toujours logés : le logement du "
    "bail est encore leur logement actuel, ou ils ont été mutés dans le parc du bailleur.",
}


def _premieres(couples):
    """{ménage: la plus ancienne date} d'une liste de (ménage, date)."""
    premieres = {}
    for menage_id, jour in couples:
        if jour is not None and (menage_id not in premieres or jour < premieres[menage_id]):
            premieres[menage_id] = jour
    return premieres


def _delai(depuis, jusqu_a, debut, fin):
    """La médiane des jours entre `depuis[m]` et `jusqu_a[m]`, pour `jusqu_a[m]` dans la période."""
    jours = [
        (jour - depuis[menage_id]).days
        for menage_id, jour in jusqu_a.items()
        if debut <= jour <= fin and menage_id in depuis and jour >= depuis[menage_id]
    ]
    return arrondi(mediane(jours), 1)


def calculer(dispositif, debut, fin):
    signalements = list(
        Orientation.objects.filter(
            **du_perimetre("menage__dispositif", dispositif), parcours=Parcours.ACCES
        ).values_list("menage_id", "date_orientation")
    )
    propositions = list(
        Proposition.objects.filter(**du_perimetre("menage__dispositif", dispositif)).values_list(
            "menage_id", "date_proposition"
        )
    )
    decisions = list(
        DecisionCAL.objects.filter(
            **du_perimetre("proposition__menage__dispositif", dispositif)
        ).values_list("proposition__menage_id", "seance__date", "issue")
    )
    baux = list(
        Bail.objects.filter(**du_perimetre("menage__dispositif", dispositif)).values_list(
            "menage_id", "date_signature", "type", "glissement_fait_le", "logement__actuel"
        )
    )
    mutes = set(
        Mutation.objects.filter(**du_perimetre("menage__dispositif", dispositif)).values_list(
            "menage_id", flat=True
        )
    )
    premier_signalement = _premieres(signalements)
    dans = [d for d in decisions if debut <= d[1] <= fin]
    par_issue = [sum(1 for d in dans if d[2] == issue) for issue in IssueCAL]
    protege = proteger([[nombre] for nombre in par_issue])
    baux_periode = [b for b in baux if debut <= b[1] <= fin]
    anciens = [b for b in baux if b[1] <= fin - relativedelta(months=12)]
    return {
        "menages_signales": len({m for m, jour in signalements if debut <= jour <= fin}),
        "propositions": sum(1 for _, jour in propositions if debut <= jour <= fin),
        "menages_proposes": len({m for m, jour in propositions if debut <= jour <= fin}),
        "decisions_par_issue": [
            {"code": issue.value, "libelle": issue.label, "nombre": ligne[0]}
            for issue, ligne in zip(IssueCAL, protege["cellules"], strict=True)
        ],
        "decisions_total": protege["total"],
        "delai_median_signalement_proposition_jours": _delai(
            premier_signalement, _premieres(propositions), debut, fin
        ),
        "delai_median_signalement_cal_jours": _delai(
            premier_signalement, _premieres((m, jour) for m, jour, _ in decisions), debut, fin
        ),
        "delai_median_signalement_bail_jours": _delai(
            premier_signalement, _premieres((b[0], b[1]) for b in baux), debut, fin
        ),
        "baux_signes": len(baux_periode),
        "baux_glissants": sum(1 for b in baux_periode if b[2] == TypeBail.GLISSANT),
        "glissements_faits": sum(1 for b in baux if b[3] is not None and debut <= b[3] <= fin),
        "baux_de_plus_de_12_mois": len(anciens),
        "toujours_loges_12_mois": sum(1 for b in anciens if b[4] or b[0] in mutes),
    }
