"""Les chiffres du rapport d'activité semestriel d'un dispositif (DESIGN.md §4).

Fonctions de lecture sur la base, pour UN dispositif et UNE période [debut, fin] (dates
incluses ; un semestre : S1 = 1er janvier – 30 juin, S2 = 1er juillet – 31 décembre).

`calculer(dispositif, annee, semestre)` rend un dictionnaire sérialisable en JSON : entiers,
décimaux arrondis à 1 chiffre (taux en pourcentage, jours, heures), montants arrondis au
centime, chaînes, listes et dictionnaires, dates au format « JJ/MM/AAAA ». Le même jeu de
données donne toujours le même dictionnaire : clés et listes dans un ordre fixe (catégories dans
l'ordre de leur énumération, territoires par ordre alphabétique puis « non renseigné »). Seuls
les bilans d'une période pas encore terminée dépendent du jour du calcul
(`bilans.date_reference`) ; le territoire est celui du logement actuel du ménage.

Aucun chiffre ne porte sur un ménage nommé : le dictionnaire ne contient ni nom, ni référence,
ni adresse, ni texte libre saisi ; les seuls libellés venus des données sont les noms de
territoires du dispositif. Le croisement problématique × territoire (catégorie sensible) affiche
« < 5 » dans toute case de 1 à 4, et « s » dans les cases masquées en complément pour qu'aucune
ne se retrouve par différence : `masquage.appliquer`, appelée une fois par calcul sur les
chiffres bruts ; le PDF, le classeur et le tableau de bord rendent ces chiffres-là.

Le nombre de requêtes SQL est fixe (`NOMBRE_DE_REQUETES`), quel que soit le nombre de ménages :
agrégats en base ou quelques chargements `values_list` (`chargements`), jamais une requête par
ménage.

Une section du rapport, un module (`file_active`, `orientations`, … `gouvernance`) : son titre,
ses définitions et son calcul. Chaque chiffre est défini, en une phrase, dans `DEFINITIONS`
(clé « section.chiffre »), que le rapport imprime sur sa page de définitions.
"""

from datetime import date

from django.utils import timezone

from core.models import Territoire

from . import (
    adhesion,
    bilans,
    chargements,
    cout,
    croisement,
    dette_et_expulsions,
    file_active,
    gouvernance,
    interventions,
    masquage,
    objectifs,
    orientations,
    parcours_acces,
    periode,
    resultats,
    sorties,
)
from .masquage import MASQUE, MASQUE_COMPLEMENTAIRE, SEUIL_SECRET
from .mise_en_forme import date_fr
from .perimetre import Ensemble, du_perimetre
from .periode import bornes_semestre, parse_semestre, semestre_ecoule, semestres_proposes

__all__ = [
    "DEFINITIONS",
    "MASQUE",
    "MASQUE_COMPLEMENTAIRE",
    "NOMBRE_DE_REQUETES",
    "SEUIL_SECRET",
    "TITRES_SECTIONS",
    "VERSION",
    "bornes_semestre",
    "Ensemble",
    "calculer",
    "calculer_ensemble",
    "calculer_periode",
    "parse_semestre",
    "semestre_ecoule",
    "semestres_proposes",
]

# Requêtes SQL d'un calcul complet, quelle que soit la taille du dispositif (vérifié en test).
NOMBRE_DE_REQUETES = 24

# La version du calcul, dans la clé du cache des chiffres (`rapports.chiffres_servis`) : à
# augmenter quand un chiffre change de définition ou de forme, pour qu'aucune instance ne serve
# des chiffres calculés par l'ancien code après un déploiement.
VERSION = 1

# Les sections dans l'ordre du rapport : clé du dictionnaire des chiffres → module.
SECTIONS = {
    "periode": periode,
    "file_active": file_active,
    "orientations": orientations,
    "adhesion": adhesion,
    "interventions": interventions,
    "objectifs": objectifs,
    "bilans": bilans,
    "dette_et_expulsions": dette_et_expulsions,
    "sorties": sorties,
    "parcours_acces": parcours_acces,
    "resultats": resultats,
    "cout": cout,
    "gouvernance": gouvernance,
    "croisement_problematique_territoire": croisement,
}

TITRES_SECTIONS = {cle: module.TITRE for cle, module in SECTIONS.items()}

DEFINITIONS = {
    cle: texte for module in SECTIONS.values() for cle, texte in module.DEFINITIONS.items()
}


def calculer_periode(dispositif, debut, fin, *, aujourd_hui=None):
    """Tous les chiffres de §4 pour [debut, fin] ; le coût porte sur l'année de `debut`.

    Les chiffres rendus sont déjà masqués (secret statistique) : rien d'autre ne doit être
    publié que ce dictionnaire.
    """
    if debut > fin:
        raise ValueError("La période commence après sa fin.")
    aujourd_hui = aujourd_hui or timezone.localdate()
    annee = debut.year
    # Un nom de territoire porté par deux dispositifs d'un ensemble n'est qu'une colonne.
    territoires = sorted(
        set(
            Territoire.objects.filter(**du_perimetre("dispositif", dispositif)).values_list(
                "nom", flat=True
            )
        )
    )
    # Un seul chargement sert la période et l'année civile (coût par ménage).
    episodes = chargements.charger_episodes(
        dispositif, min(debut, date(annee, 1, 1)), max(fin, date(annee, 12, 31)), fin
    )
    clotures = chargements.charger_clotures(dispositif, debut, fin)
    section_orientations, section_croisement = orientations.calculer(
        dispositif, episodes, debut, fin, territoires
    )
    bruts = {
        "periode": {"debut": date_fr(debut), "fin": date_fr(fin)},
        "file_active": file_active.calculer(episodes, debut, fin, territoires),
        "orientations": section_orientations,
        "adhesion": adhesion.calculer(episodes, debut, fin),
        "interventions": interventions.calculer(dispositif, debut, fin),
        "objectifs": objectifs.calculer(dispositif, debut, fin),
        "bilans": bilans.calculer(dispositif, debut, fin, aujourd_hui),
        "dette_et_expulsions": dette_et_expulsions.calculer(
            dispositif, episodes, clotures, debut, fin
        ),
        "sorties": sorties.calculer(episodes, clotures, debut, fin),
        "parcours_acces": parcours_acces.calculer(dispositif, debut, fin),
        "resultats": resultats.calculer(dispositif, clotures, debut, fin),
        "cout": cout.calculer(dispositif, episodes, annee),
        "gouvernance": gouvernance.calculer(dispositif, debut, fin),
        "croisement_problematique_territoire": section_croisement,
    }
    return masquage.appliquer(bruts)


def calculer(dispositif, annee, semestre, *, aujourd_hui=None):
    """Les chiffres du rapport semestriel de `dispositif` (voir `DEFINITIONS`).

    `aujourd_hui` (par défaut la date du jour, heure de Paris) ne compte que pour les bilans
    d'un semestre pas encore terminé.
    """
    debut, fin = bornes_semestre(annee, semestre)
    chiffres = calculer_periode(dispositif, debut, fin, aujourd_hui=aujourd_hui)
    chiffres["periode"] = {
        "annee": annee,
        "semestre": semestre,
        "libelle": f"{annee}-S{semestre}",
        **chiffres["periode"],
    }
    return chiffres


def calculer_ensemble(dispositifs, annee, semestre, *, aujourd_hui=None):
    """Les chiffres consolidés de plusieurs dispositifs (vue nationale).

    Recalculés sur les données de l'ensemble, puis masqués une fois : jamais la somme de
    chiffres déjà masqués. Le coût prévu par ménage, propre à chaque dispositif, est vide.
    """
    return calculer(Ensemble(tuple(dispositifs)), annee, semestre, aujourd_hui=aujourd_hui)
