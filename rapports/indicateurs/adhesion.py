"""Adhésion : la part des ménages contactés qui acceptent l'accompagnement."""

from collections import Counter

from accompagnement.enums import Adhesion

from .mise_en_forme import repartition, taux

TITRE = "Adhésion"

DEFINITIONS = {
    "adhesion.episodes_avec_premier_contact": "Épisodes actifs sur la période ayant une date "
    "de premier contact (dénominateur du taux).",
    "adhesion.acceptee": "Parmi ces épisodes, ceux dont l'adhésion est « acceptée » "
    "(numérateur du taux).",
    "adhesion.taux": "Adhésion acceptée ÷ épisodes avec un premier contact, en pourcentage à "
    "une décimale ; vide quand aucun épisode actif n'a de premier contact.",
    "adhesion.par_adhesion": "Épisodes actifs sur la période par état de l'adhésion, premier "
    "contact ou non.",
}


def calculer(episodes, debut, fin):
    """Taux d'adhésion : acceptée ÷ épisodes actifs ayant un premier contact."""
    actifs = [e for e in episodes if e.actif_entre(debut, fin)]
    contactes = [e for e in actifs if e.date_premier_contact]
    acceptee = sum(1 for e in contactes if e.adhesion == Adhesion.ACCEPTEE)
    return {
        "episodes_avec_premier_contact": len(contactes),
        "acceptee": acceptee,
        "taux": taux(acceptee, len(contactes)),
        "par_adhesion": repartition(Adhesion, Counter(e.adhesion for e in actifs)),
    }
