"""Dette locative (à l'entrée et dernière connue), plans d'apurement, procédures et
expulsions.
"""

from collections import Counter, defaultdict
from decimal import Decimal

from accompagnement.enums import MotifCloture
from menages.enums import StadeProcedure
from menages.models import DetteLocative, PlanApurement

from .chargements import episodes_actifs_qs
from .masquage import MASQUE_COMPLEMENTAIRE, SEUIL_SECRET
from .mise_en_forme import euros, mediane, repartition

TITRE = "Dette locative et expulsions"

DEFINITIONS = {
    "dette_et_expulsions.menages_avec_dette": "Ménages ayant un épisode actif sur la période "
    "et au moins un relevé de dette locative daté au plus tard du dernier jour de la période ; "
    "les chiffres de dette portent sur eux.",
    "dette_et_expulsions.entree_total": "Somme des dettes à l'entrée : pour chaque ménage, le "
    "dernier relevé daté au plus tard du début de son premier épisode actif sur la période, à "
    "défaut son premier relevé (en euros).",
    "dette_et_expulsions.entree_mediane": "Médiane des dettes à l'entrée ainsi définies.",
    "dette_et_expulsions.derniere_total": "Somme des dernières dettes connues : pour chaque "
    "ménage, le dernier relevé daté au plus tard du dernier jour de la période (en euros).",
    "dette_et_expulsions.derniere_mediane": "Médiane des dernières dettes connues. Quand "
    "1 à 4 ménages seulement ont une dette connue, les quatre montants (totaux et médianes) "
    "sont masqués (« s ») : la dette d'un ménage seul s'y lirait telle quelle.",
    "dette_et_expulsions.menages_dette_en_baisse": "Ménages dont la dernière dette connue est "
    "strictement inférieure à la dette à l'entrée.",
    "dette_et_expulsions.plans_apurement_en_place": "Ménages ayant un épisode actif sur la "
    "période et au moins un plan d'apurement actif commencé au plus tard le dernier jour de la "
    "période.",
    "dette_et_expulsions.procedures_a_l_entree": "Épisodes actifs sur la période pour lesquels "
    "une procédure d'expulsion était engagée à l'entrée (stade renseigné et différent de "
    "« aucune »).",
    "dette_et_expulsions.procedures_par_stade": "Ces épisodes par stade de la procédure à "
    "l'entrée.",
    "dette_et_expulsions.expulsions_evitees": "Clôtures datées dans la période marquées "
    "« expulsion évitée » (procédure engagée à l'entrée et ménage toujours dans son logement).",
    "dette_et_expulsions.expulsions": "Clôtures datées dans la période dont le motif est "
    "« expulsion ».",
}


def calculer(dispositif, episodes, clotures, debut, fin):
    """Dette à l'entrée et dernière connue, plans d'apurement, procédures, expulsions."""
    actifs = [e for e in episodes if e.actif_entre(debut, fin)]
    entree_du_menage = {}
    for e in actifs:
        entree_du_menage[e.menage_id] = min(e.date_debut, entree_du_menage.get(e.menage_id, fin))
    menages_actifs = episodes_actifs_qs(dispositif, debut, fin).values("menage_id")

    releves = defaultdict(list)  # ménage → [(date, montant)] dans l'ordre (date, pk)
    for menage_id, jour, montant in (
        DetteLocative.objects.filter(menage__in=menages_actifs, date__lte=fin)
        .order_by("menage_id", "date", "pk")
        .values_list("menage_id", "date", "montant")
    ):
        releves[menage_id].append((jour, montant))

    dettes_entree, dettes_dernieres, en_baisse = [], [], 0
    for menage_id, suite in sorted(releves.items()):
        debut_menage = entree_du_menage[menage_id]
        avant = [montant for jour, montant in suite if jour <= debut_menage]
        entree = avant[-1] if avant else suite[0][1]
        derniere = suite[-1][1]
        dettes_entree.append(entree)
        dettes_dernieres.append(derniere)
        en_baisse += derniere < entree

    plans = (
        PlanApurement.objects.filter(menage__in=menages_actifs, actif=True, date_debut__lte=fin)
        .values("menage_id")
        .distinct()
        .count()
    )
    procedures = Counter(
        e.stade_procedure_entree
        for e in actifs
        if e.stade_procedure_entree and e.stade_procedure_entree != StadeProcedure.AUCUNE
    )
    return {
        "menages_avec_dette": len(dettes_entree),
        **_montants(dettes_entree, dettes_dernieres),
        "menages_dette_en_baisse": en_baisse,
        "plans_apurement_en_place": plans,
        "procedures_a_l_entree": sum(procedures.values()),
        "procedures_par_stade": [
            ligne
            for ligne in repartition(StadeProcedure, procedures)
            if ligne["code"] != StadeProcedure.AUCUNE
        ],
        "expulsions_evitees": sum(1 for _, _, evitee in clotures if evitee),
        "expulsions": sum(1 for motif, _, _ in clotures if motif == MotifCloture.EXPULSION),
    }


def _montants(dettes_entree, dettes_dernieres):
    """Totaux et médianes, en euros ; masqués (« s ») quand 1 à 4 ménages ont une dette : un
    montant calculé sur si peu de ménages redonnerait la dette de l'un d'eux."""
    if 0 < len(dettes_entree) < SEUIL_SECRET:
        return dict.fromkeys(
            ("entree_total", "entree_mediane", "derniere_total", "derniere_mediane"),
            MASQUE_COMPLEMENTAIRE,
        )
    return {
        "entree_total": euros(sum(dettes_entree, Decimal(0))),
        "entree_mediane": euros(mediane(dettes_entree)),
        "derniere_total": euros(sum(dettes_dernieres, Decimal(0))),
        "derniere_mediane": euros(mediane(dettes_dernieres)),
    }
