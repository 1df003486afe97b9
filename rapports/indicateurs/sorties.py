"""Sorties : les clôtures de la période et la durée des épisodes terminés."""

from collections import Counter

from accompagnement.enums import MotifCloture

from .mise_en_forme import arrondi, mediane, repartition, taux

TITRE = "Sorties"

DEFINITIONS = {
    "sorties.total": "Clôtures (fiches de clôture) datées dans la période.",
    "sorties.par_motif": "Ces clôtures par motif.",
    "sorties.maintien_dans_logement": "Clôtures de la période où le ménage est resté dans son "
    "logement.",
    "sorties.part_maintien": "Maintiens dans le logement ÷ clôtures de la période, en pourcentage.",
    "sorties.relogements": "Clôtures de la période au motif « relogement / mutation ».",
    "sorties.duree_mediane_jours": "Médiane, en jours, de (date de fin − date de début) des "
    "épisodes dont la date de fin est dans la période.",
    "sorties.episodes_mesures": "Nombre d'épisodes sur lesquels la durée médiane est calculée.",
}


def calculer(episodes, clotures, debut, fin):
    """Clôtures de la période par motif, maintien, relogements ; durée médiane des épisodes."""
    durees = [
        (e.date_fin - e.date_debut).days
        for e in episodes
        if e.date_fin and debut <= e.date_fin <= fin
    ]
    maintien = sum(1 for _, reste_dans_le_logement, _ in clotures if reste_dans_le_logement)
    return {
        "total": len(clotures),
        "par_motif": repartition(MotifCloture, Counter(motif for motif, _, _ in clotures)),
        "maintien_dans_logement": maintien,
        "part_maintien": taux(maintien, len(clotures)),
        "relogements": sum(1 for motif, _, _ in clotures if motif == MotifCloture.RELOGEMENT),
        "duree_mediane_jours": arrondi(mediane(durees), 1),
        "episodes_mesures": len(durees),
    }
