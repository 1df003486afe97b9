"""Les bornes des valeurs saisies : dates, identifiants, nombres.

Une saisie hors bornes est une erreur de formulaire (ou le refus d'un service), jamais une
exception de la base : une date de l'an 1 ou 9999 déborde dès qu'on lui ajoute un jour ou qu'on
la convertit en UTC, un identifiant de vingt chiffres ne tient pas dans un entier SQLite.

Les formulaires s'en servent par leurs champs (`core.forms`) ; les services qui reçoivent une
date d'ailleurs (import, commande) la vérifient avec `verifier_date`.
"""

import re
import uuid
from datetime import date, datetime, time

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

# Aucune donnée du produit n'est antérieure : ni une visite, ni un plan, ni une séance.
DATE_MINIMUM = date(2000, 1, 1)
# Ce qui se prévoit (un accompagnement qui commence, une séance, un plan) : un an au plus.
UN_AN = relativedelta(years=1)
AUCUN_FUTUR = relativedelta()

ENTIER_64_MAXIMUM = 2**63 - 1
# Au-delà, une saisie n'est ni un identifiant, ni une date, ni un montant : refusée avant toute
# conversion (un entier de 5 000 chiffres coûte cher à convertir, et Python le refuse).
LONGUEUR_MAXIMUM_D_UNE_VALEUR = 40

_ENTIER = re.compile(r"\d{1,19}")


def date_maximum(futur=UN_AN):
    return timezone.localdate() + futur


def debut_du_jour(jour):
    """Minuit, heure locale, au début de `jour` : la borne d'un jour entier pour les dates et
    heures enregistrées."""
    return timezone.make_aware(datetime.combine(jour, time.min))


def _francaise(jour):
    return jour.strftime("%d/%m/%Y")


def erreur_de_date(jour, futur=UN_AN, quoi="La date"):
    """Le message qui refuse `jour`, ou None s'il est dans les bornes."""
    if jour < DATE_MINIMUM:
        return f"{quoi} ne peut pas être antérieure au {_francaise(DATE_MINIMUM)}."
    maximum = date_maximum(futur)
    if jour > maximum:
        if futur == AUCUN_FUTUR:
            return f"{quoi} ne peut pas être dans le futur."
        return f"{quoi} ne peut pas être postérieure au {_francaise(maximum)}."
    return None


def verifier_date(jour, futur=UN_AN, quoi="La date"):
    """`ValidationError` si `jour` est avant 2000 ou plus loin que `futur` après aujourd'hui."""
    message = erreur_de_date(jour, futur, quoi)
    if message:
        raise ValidationError(message, code="date_hors_bornes")


# --- Identifiants ------------------------------------------------------------------------------

_TYPES_ENTIERS = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
}


def cle_valide(champ: models.Field, valeur) -> bool:
    """`valeur` (telle que reçue d'une requête) a-t-elle la forme d'une clé de `champ` ?

    Vérifie la forme et l'intervalle avant toute requête : un entier positif de 64 bits au plus
    pour une clé entière, un UUID pour un identifiant public, une longueur permise sinon.
    """
    if isinstance(valeur, models.Model):
        return True
    texte = str(valeur).strip()
    if not texte or len(texte) > LONGUEUR_MAXIMUM_D_UNE_VALEUR:
        return False
    type_interne = champ.get_internal_type()
    if type_interne in _TYPES_ENTIERS:
        return bool(_ENTIER.fullmatch(texte)) and int(texte) <= ENTIER_64_MAXIMUM
    if type_interne == "UUIDField":
        try:
            uuid.UUID(texte)
        except ValueError:
            return False
        return True
    longueur = getattr(champ, "max_length", None)
    return "\x00" not in texte and (longueur is None or len(texte) <= longueur)
