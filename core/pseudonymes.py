"""Pseudonymes et tranches des extraits pour l'évaluation (DESIGN.md §3, « pseudonymised »).

Un pseudonyme est un HMAC-SHA256 de l'identifiant interne du ménage, sous une clé propre à
chaque évaluateur : HMAC(clé de l'instance, « evaluateur:<id du compte> »). La clé de l'instance
est le réglage `CLE_PSEUDONYMISATION`, ou à défaut `SECRET_KEY`. D'où :

- stable : le même évaluateur retrouve le même pseudonyme pour le même ménage d'un extrait à
  l'autre, d'un semestre à l'autre (il suit un ménage dans le temps) ;
- différent d'un évaluateur à l'autre : deux évaluateurs ne peuvent pas croiser leurs extraits ;
- sans retour : sans la clé, qui ne quitte jamais le serveur, on ne remonte pas du pseudonyme à
  l'identifiant (un simple hachage de l'identifiant, lui, se retrouverait en essayant les
  entiers).

Les tranches ramènent une valeur précise (une dette, des ressources, une année de naissance) à
un intervalle : la valeur exacte ne sert pas à reconnaître une personne.
"""

import hashlib
import hmac
from decimal import Decimal

from django.conf import settings

LONGUEUR = 16  # caractères hexadécimaux gardés (64 bits : pas de collision à l'échelle visée)


def _cle_de_l_instance():
    return (settings.CLE_PSEUDONYMISATION or settings.SECRET_KEY).encode()


def cle_de(evaluateur):
    """La clé propre à un évaluateur (un compte)."""
    return hmac.new(
        _cle_de_l_instance(), f"evaluateur:{evaluateur.pk}".encode(), hashlib.sha256
    ).digest()


def pseudonymiseur(evaluateur):
    """Une fonction id du ménage → pseudonyme, pour cet évaluateur (la clé dérivée une fois)."""
    cle = cle_de(evaluateur)

    def pseudonyme(menage_id):
        if menage_id is None:
            return ""
        empreinte = hmac.new(cle, str(menage_id).encode(), hashlib.sha256).hexdigest()
        return "M-" + empreinte[:LONGUEUR]

    return pseudonyme


# --- Tranches ----------------------------------------------------------------------------------

# Les bornes des tranches, en euros : « moins de 500 € », « 500 à 1 499 € »… « 10 000 € ou plus ».
TRANCHES_DETTE = (500, 1500, 3000, 6000, 10000)
TRANCHES_RESSOURCES = (500, 1000, 1500, 2000, 3000)
TRANCHES_ANNEES = 10  # décennies de naissance


def tranche_montant(montant, bornes):
    """« 0 € », « moins de 500 € », « 500 à 1 499 € », « 10 000 € ou plus » ; vide si inconnu."""
    if montant is None:
        return ""
    montant = Decimal(montant)
    if montant <= 0:
        return "0 €"
    if montant < bornes[0]:
        return f"moins de {_euros(bornes[0])} €"
    for bas, haut in zip(bornes, bornes[1:], strict=False):
        if bas <= montant < haut:
            return f"{_euros(bas)} à {_euros(haut - 1)} €"
    return f"{_euros(bornes[-1])} € ou plus"


def tranche_dette(montant):
    return tranche_montant(montant, TRANCHES_DETTE)


def tranche_ressources(montant):
    return tranche_montant(montant, TRANCHES_RESSOURCES)


def tranche_annee(annee):
    """L'année de naissance en décennie : « 1980-1989 » ; vide si inconnue."""
    if not annee:
        return ""
    debut = annee - annee % TRANCHES_ANNEES
    return f"{debut}-{debut + TRANCHES_ANNEES - 1}"


def _euros(valeur):
    return f"{int(valeur):,}".replace(",", "\u202f")
