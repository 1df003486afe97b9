"""Le secret statistique : dans un croisement d'une catégorie sensible, une case de 1 à 4 ménages
se lit « < 5 » (0 reste 0), pour qu'aucun ménage ne se reconnaisse dans un petit effectif.
"""

SEUIL_SECRET = 5
MASQUE = "< 5"


def masquer(nombre):
    """Secret statistique : 1 à 4 → « < 5 » ; 0 et 5 ou plus restent des nombres."""
    return MASQUE if 0 < nombre < SEUIL_SECRET else nombre
