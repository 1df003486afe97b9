"""Le croisement problématique × territoire des orientations reçues (catégorie sensible :
secret statistique).
"""

from collections import Counter

from menages.enums import Problematique

from .masquage import masquer
from .mise_en_forme import colonnes_territoires

TITRE = "Problématiques par territoire"

DEFINITIONS = {
    "croisement_problematique_territoire.colonnes": "Territoire du logement actuel du ménage "
    "orienté (au jour du calcul) : les territoires du dispositif par ordre alphabétique, puis "
    "« non renseigné » (pas de logement actuel, ou logement sans territoire).",
    "croisement_problematique_territoire.lignes": "Pour chaque problématique, nombre "
    "d'orientations reçues dans la période qui la portent, par territoire ; toute case de 1 à "
    "4 se lit « < 5 » (secret statistique), 0 reste 0.",
}


def tableau(problematiques, territoire_de, territoires):
    """Le tableau problématique × territoire, cases masquées de 1 à 4.

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
                "cellules": [masquer(croisement.get((code, nom), 0)) for nom in colonnes],
            }
            for code, libelle in Problematique.choices
        ],
    }
