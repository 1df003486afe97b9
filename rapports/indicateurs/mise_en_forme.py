"""La mise en forme des chiffres : arrondis, taux, médianes, répartitions, dates, territoires.

Tout ce qui sort d'ici est sérialisable en JSON et toujours dans le même ordre.
"""

import statistics
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

NON_RENSEIGNE = "non renseigné"


def date_fr(jour):
    return jour.strftime("%d/%m/%Y")


def arrondi(valeur, decimales):
    """Arrondi au plus proche (0,05 → 0,1), rendu en float ; None reste None."""
    if valeur is None:
        return None
    pas = Decimal(1).scaleb(-decimales)
    return float(Decimal(str(valeur)).quantize(pas, rounding=ROUND_HALF_UP))


def euros(montant):
    return arrondi(montant, 2)


def taux(numerateur, denominateur):
    """Pourcentage à une décimale ; None quand le dénominateur est nul."""
    if not denominateur:
        return None
    return arrondi(Decimal(numerateur) * 100 / Decimal(denominateur), 1)


def mediane(valeurs):
    """Médiane (moyenne des deux valeurs du milieu pour un nombre pair) ; None si vide."""
    if not valeurs:
        return None
    return statistics.median(sorted(valeurs))


def repartition(choix, compteur):
    """Une ligne par catégorie, dans l'ordre de l'énumération, zéros compris."""
    return [
        {"code": valeur, "libelle": str(libelle), "nombre": compteur.get(valeur, 0)}
        for valeur, libelle in choix.choices
    ]


def ordre_alphabetique(nom):
    """Clé de tri « à la française » et indépendante de la base : Écully avant Lille."""
    sans_accents = unicodedata.normalize("NFKD", nom).encode("ascii", "ignore").decode()
    return sans_accents.casefold(), nom


def colonnes_territoires(noms_du_dispositif, noms_trouves):
    """Territoires du dispositif (par nom), puis les autres rencontrés, puis « non renseigné »."""
    connus = {*noms_du_dispositif, NON_RENSEIGNE}
    autres = {nom for nom in noms_trouves if nom and nom not in connus}
    return [
        *sorted(noms_du_dispositif, key=ordre_alphabetique),
        *sorted(autres, key=ordre_alphabetique),
        NON_RENSEIGNE,
    ]
