"""Le croisement problématique × territoire des orientations reçues (catégorie sensible :
secret statistique, appliqué par `masquage.appliquer` sur les effectifs bruts calculés ici).
"""

from collections import Counter

from menages.enums import Problematique

from .mise_en_forme import colonnes_territoires

TITRE = "Problématiques par territoire"

DEFINITIONS = {
    "croisement_problematique_territoire.colonnes": "Territoire du logement actuel du ménage "
    "orienté (au jour du calcul) : les territoires du dispositif par ordre alphabétique, puis "
    "« non renseigné » (pas de logement actuel, ou logement sans territoire).",
    "croisement_problematique_territoire.lignes": "Pour chaque problématique, nombre "
    "d'orientations reçues dans la période qui la portent, par territoire, et son total (le "
    "nombre de la section Orientations) ; une case de 1 à 4 se lit « < 5 », 0 reste 0.",
    "croisement_problematique_territoire.totaux_colonnes": "Pour chaque territoire, total de "
    "sa colonne : problématiques des orientations reçues dans la période (une orientation à "
    "plusieurs problématiques compte dans chacune).",
    "croisement_problematique_territoire.total": "Total général du tableau : somme des totaux "
    "par problématique, et des totaux par territoire.",
    "croisement_problematique_territoire.secret_statistique": "Secret statistique : une case "
    "de 1 à 4 se lit « < 5 » ; pour qu'aucune ne se retrouve par différence avec un total ou "
    "un autre tableau du rapport, toute ligne et toute colonne qui aurait une seule case "
    "masquée en reçoit une autre, la plus petite case non nulle (un total en dernier recours), "
    "qui se lit « s », et l'on vérifie que chaque case masquée garde au moins deux valeurs "
    "possibles compte tenu de tout ce qui est publié.",
}


def tableau(problematiques, territoire_de, territoires):
    """Le tableau problématique × territoire, effectifs bruts (masqués ensuite par
    `masquage.appliquer`, avec les marges).

    `problematiques` : [(orientation, code)] des orientations reçues ; `territoire_de` :
    orientation → territoire (« non renseigné » compris) ; `territoires` : ceux du dispositif.
    """
    croisement = Counter((code, territoire_de[pk]) for pk, code in problematiques)
    colonnes = colonnes_territoires(territoires, set(territoire_de.values()))
    return {
        "colonnes": colonnes,
        "lignes": [
            {
                "code": code,
                "libelle": str(libelle),
                "cellules": [croisement.get((code, nom), 0) for nom in colonnes],
            }
            for code, libelle in Problematique.choices
        ],
    }
