"""Bilans prévus dans la période : à temps, en retard, manquants, pas encore dus."""

from datetime import timedelta

from accompagnement.models import Bilan

from .mise_en_forme import date_fr, taux
from .perimetre import du_perimetre

TITRE = "Bilans"

DEFINITIONS = {
    "bilans.prevus": "Bilans des épisodes du dispositif dont la date prévue est dans la période.",
    "bilans.realises_a_temps": "Parmi eux, ceux réalisés au plus tard 15 jours après la date "
    "prévue.",
    "bilans.realises_en_retard": "Parmi eux, ceux réalisés plus de 15 jours après la date prévue.",
    "bilans.manquants": "Parmi eux, ceux non réalisés dont la date prévue est antérieure à la "
    "date de référence.",
    "bilans.non_echus": "Parmi eux, ceux non réalisés dont la date prévue n'est pas antérieure "
    "à la date de référence (pas encore dus au jour du calcul).",
    "bilans.date_reference": "Le plus tôt du dernier jour de la période et du jour du calcul : "
    "une période terminée donne toujours les mêmes chiffres.",
    "bilans.taux_a_temps": "Bilans réalisés à temps ÷ bilans prévus, en pourcentage.",
    "bilans.taux_en_retard": "Bilans réalisés en retard ÷ bilans prévus, en pourcentage.",
    "bilans.taux_manquants": "Bilans manquants ÷ bilans prévus, en pourcentage.",
}


DELAI_BILAN_A_TEMPS = timedelta(days=15)


def calculer(dispositif, debut, fin, aujourd_hui):
    """Bilans prévus dans la période : à temps, en retard, manquants, pas encore dus."""
    reference = min(aujourd_hui, fin)
    prevus = list(
        # Un bilan annulé à la clôture (il attendait encore) n'était plus dû.
        Bilan.objects.filter(
            **du_perimetre("accompagnement__dispositif", dispositif),
            date_prevue__range=(debut, fin),
            annule_le__isnull=True,
        ).values_list("date_prevue", "date_realisation")
    )
    a_temps = en_retard = manquants = non_echus = 0
    for prevue, realisation in prevus:
        if realisation is not None:
            if realisation <= prevue + DELAI_BILAN_A_TEMPS:
                a_temps += 1
            else:
                en_retard += 1
        elif prevue < reference:
            manquants += 1
        else:
            non_echus += 1
    return {
        "prevus": len(prevus),
        "realises_a_temps": a_temps,
        "realises_en_retard": en_retard,
        "manquants": manquants,
        "non_echus": non_echus,
        "date_reference": date_fr(reference),
        "taux_a_temps": taux(a_temps, len(prevus)),
        "taux_en_retard": taux(en_retard, len(prevus)),
        "taux_manquants": taux(manquants, len(prevus)),
    }
