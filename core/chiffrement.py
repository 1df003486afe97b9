"""Chiffrement au niveau du champ des textes libres qui peuvent décrire la santé.

Les notes d'intervention, les synthèses de bilan, les structures autour du ménage, les
objectifs du plan, les commentaires de progression et de clôture, la description et le motif
d'une orientation, les motifs d'une décision de comité sont chiffrés avant d'entrer en base
(Fernet : AES-128-CBC et HMAC-SHA256, `cryptography`) et déchiffrés à la lecture : une copie de
la base, une sauvegarde `pg_dump` ou un `dumpdata` ne les montrent jamais en clair.

Les clés viennent de l'environnement : `CLES_CHIFFREMENT`, des clés Fernet séparées par des
virgules. La première chiffre, toutes déchiffrent (`MultiFernet`) ; la rotation met une
nouvelle clé en tête, lance `manage.py rechiffrer`, puis retire l'ancienne. En développement
(`DEBUG=1`) sans clé, une clé est dérivée de `SECRET_KEY` ; hors développement, aucune clé par
défaut : le serveur et le worker refusent de démarrer (`logisens_suivi.demarrage`).

Un texte chiffré ne se recherche pas en SQL : seuls `isnull` et l'égalité au texte vide
s'appliquent au champ ; toute autre recherche lève `FieldError`.
"""

import base64
import hashlib
import re
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.db import models
from django.db.models.lookups import Exact, IsNull, Lookup

# Un jeton Fernet : version 0x80 en base64 URL (« gAAAAA… »), au moins 100 caractères.
JETON = re.compile(r"gAAAAA[A-Za-z0-9_\-]{94,}={0,2}")


def cles():
    """Les clés Fernet en service, la première chiffre."""
    if settings.CLES_CHIFFREMENT:
        return list(settings.CLES_CHIFFREMENT)
    if settings.DEBUG:
        return [cle_de_developpement(settings.SECRET_KEY)]
    raise ImproperlyConfigured(
        "CLES_CHIFFREMENT doit être définie hors du mode développement (DEBUG=1) : "
        "les notes sont chiffrées en base."
    )


def cle_de_developpement(secret):
    """La clé du développement et de la démonstration, dérivée de `SECRET_KEY`."""
    empreinte = hashlib.sha256(("logisens-suivi/chiffrement/" + secret).encode()).digest()
    return base64.urlsafe_b64encode(empreinte).decode()


def cle_valide(cle):
    try:
        Fernet(cle)
    except (ValueError, TypeError):
        return False
    return True


def coffre():
    return _coffre(tuple(cles()))


@lru_cache(maxsize=8)
def _coffre(cles_en_service):
    invalides = [rang for rang, cle in enumerate(cles_en_service, 1) if not cle_valide(cle)]
    if invalides:
        raise ImproperlyConfigured(
            f"CLES_CHIFFREMENT : la clé n° {invalides[0]} n'est pas une clé Fernet "
            "(32 octets en base64 URL, 44 caractères)."
        )
    return MultiFernet([Fernet(cle) for cle in cles_en_service])


def chiffrer(texte):
    """Le jeton du texte ; le texte vide reste vide (rien à protéger, et `note=""` marche)."""
    if not texte:
        return texte
    return coffre().encrypt(texte.encode()).decode()


def dechiffrer(jeton):
    if not jeton:
        return jeton
    try:
        return coffre().decrypt(jeton.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "Un texte chiffré ne se déchiffre avec aucune des clés de CLES_CHIFFREMENT : "
            "la clé qui l'a chiffré a été retirée trop tôt, ou ce n'est pas la bonne base."
        ) from None


def rechiffrer_jeton(jeton):
    """Le même texte, chiffré par la première clé (rien à faire pour un texte vide)."""
    if not jeton:
        return jeton
    return coffre().rotate(jeton.encode()).decode()


def est_un_jeton(valeur):
    return isinstance(valeur, str) and JETON.fullmatch(valeur) is not None


class RechercheImpossible(Lookup):
    def __init__(self, lhs, rhs):
        raise FieldError(
            f"{lhs.target.model.__name__}.{lhs.target.name} est chiffré : il ne se recherche "
            "pas en base (seuls isnull et l'égalité au texte vide s'appliquent)."
        )


class EgalVide(Exact):
    """`champ=""` : le texte vide est le seul qui reste en clair, donc le seul comparable."""

    def get_prep_lookup(self):
        if self.rhs != "":
            raise FieldError(
                f"{self.lhs.target.model.__name__}.{self.lhs.target.name} est chiffré : "
                "seule l'égalité au texte vide se vérifie en base."
            )
        return super().get_prep_lookup()


class TexteChiffre(models.TextField):
    """Un texte chiffré à l'écriture, déchiffré à la lecture (voir le module)."""

    description = "Texte chiffré"

    def from_db_value(self, value, expression, connection):
        return dechiffrer(value)

    def to_python(self, value):
        # Un jeton vient d'un `dumpdata` (loaddata) : on le déchiffre, pour le rechiffrer à
        # l'enregistrement. Un texte saisi n'a jamais cette forme.
        if est_un_jeton(value):
            try:
                return coffre().decrypt(value.encode()).decode()
            except InvalidToken:
                raise ValidationError(
                    "Texte chiffré illisible avec les clés de CLES_CHIFFREMENT.",
                    code="cle_inconnue",
                ) from None
        return super().to_python(value)

    def get_db_prep_value(self, value, connection, prepared=False):
        value = super().get_db_prep_value(value, connection, prepared)
        return None if value is None else chiffrer(value)

    def value_to_string(self, obj):
        """Ce que `dumpdata` écrit : le jeton, jamais le texte."""
        return chiffrer(self.value_from_object(obj))

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return EgalVide
        return RechercheImpossible


# --- Migrations : chiffrer l'existant --------------------------------------------------------


def chiffrement_de_l_existant(app_label, champs, lot=500):
    """L'opération de migration (réversible) qui chiffre les lignes existantes de `champs`.

    `champs` : [(nom du modèle, nom du champ)]. À placer après les `AlterField` qui posent
    `TexteChiffre`. En SQL brut, par lots : les modèles historiques portent déjà le champ
    chiffré et déchiffreraient à la lecture. Une valeur déjà chiffrée est laissée telle (une
    migration relancée) ; le retour arrière déchiffre. Il faut les clés dès qu'une ligne a du
    texte.
    """
    from django.db import migrations

    def transformer(apps, schema_editor, transformation):
        connection = schema_editor.connection
        for modele, champ in champs:
            meta = apps.get_model(app_label, modele)._meta
            _transformer_colonne(connection, meta, meta.get_field(champ), transformation, lot)

    def chiffrer_l_existant(apps, schema_editor):
        transformer(apps, schema_editor, lambda v: v if est_un_jeton(v) else chiffrer(v))

    def dechiffrer_l_existant(apps, schema_editor):
        transformer(apps, schema_editor, lambda v: dechiffrer(v) if est_un_jeton(v) else v)

    return migrations.RunPython(chiffrer_l_existant, dechiffrer_l_existant, elidable=False)


def _transformer_colonne(connection, meta, champ, transformation, lot):
    """Applique `transformation` à chaque valeur non vide de la colonne ; rend le nombre vu."""
    nom = connection.ops.quote_name
    table, colonne, cle = nom(meta.db_table), nom(champ.column), nom(meta.pk.column)
    nombre, dernier = 0, None
    with connection.cursor() as cursor:
        while True:
            apres = "" if dernier is None else f" AND {cle} > %s"
            cursor.execute(
                f"SELECT {cle}, {colonne} FROM {table} WHERE {colonne} <> ''{apres} "
                f"ORDER BY {cle} LIMIT {int(lot)}",
                [] if dernier is None else [dernier],
            )
            lignes = cursor.fetchall()
            if not lignes:
                return nombre
            dernier = lignes[-1][0]
            changees = [
                (nouvelle, pk)
                for pk, valeur in lignes
                if (nouvelle := transformation(valeur)) != valeur
            ]
            if changees:
                cursor.executemany(f"UPDATE {table} SET {colonne} = %s WHERE {cle} = %s", changees)
            nombre += len(lignes)


# --- Rotation des clés --------------------------------------------------------------------------


def champs_chiffres():
    """(modèle, champ) de chaque texte chiffré du produit, tables d'historique comprises."""
    from django.apps import apps

    return [
        (modele, champ)
        for modele in apps.get_models()
        if modele._meta.managed and not modele._meta.proxy
        for champ in modele._meta.local_concrete_fields
        if isinstance(champ, TexteChiffre)
    ]


def rechiffrer_tout(lot=500):
    """Rechiffre chaque texte par la première clé de `CLES_CHIFFREMENT`, tout ou rien.

    En SQL brut, par lots, dans une seule transaction ; la date d'origine de chaque jeton est
    gardée (`MultiFernet.rotate`). Rend {"app.Modele.champ": nombre de textes rechiffrés}.
    Ensuite, plus rien n'a besoin des autres clés : elles peuvent être retirées.
    Refus : `cryptography.fernet.InvalidToken` si un texte ne se déchiffre avec aucune clé.
    """
    from django.db import connection, transaction

    with transaction.atomic():
        return {
            f"{modele._meta.label}.{champ.name}": _transformer_colonne(
                connection, modele._meta, champ, rechiffrer_jeton, lot
            )
            for modele, champ in champs_chiffres()
        }
