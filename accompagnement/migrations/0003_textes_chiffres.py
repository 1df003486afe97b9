"""Chiffre les textes libres qui peuvent décrire la santé (core.chiffrement).

Le schéma ne change pas (du texte ; le commentaire de progression passe de varchar(500) à text,
pour tenir son jeton). Les lignes existantes sont chiffrées en SQL brut, par lots : les modèles
historiques portent déjà le champ chiffré et déchiffreraient à la lecture. Le retour arrière
déchiffre. Il faut les clés (CLES_CHIFFREMENT, ou DEBUG=1) dès qu'une ligne a du texte.
"""

import core.chiffrement
from django.db import migrations

CHAMPS = [
    ("intervention", "note"),
    ("bilan", "synthese"),
    ("planaction", "structures_autour"),
    ("progressionobjectif", "commentaire"),
    ("cloture", "commentaire"),
]
LOT = 500


def _transformer(apps, schema_editor, transformation):
    connection = schema_editor.connection
    nom = connection.ops.quote_name
    for modele, champ in CHAMPS:
        meta = apps.get_model("accompagnement", modele)._meta
        table, colonne = nom(meta.db_table), nom(meta.get_field(champ).column)
        cle = nom(meta.pk.column)
        dernier = None
        while True:
            with connection.cursor() as cursor:
                condition = "" if dernier is None else f" AND {cle} > %s"
                cursor.execute(
                    f"SELECT {cle}, {colonne} FROM {table} WHERE {colonne} <> ''{condition} "
                    f"ORDER BY {cle} LIMIT {LOT}",
                    [] if dernier is None else [dernier],
                )
                lignes = cursor.fetchall()
                if not lignes:
                    break
                dernier = lignes[-1][0]
                changees = [
                    (nouveau, pk)
                    for pk, valeur in lignes
                    if (nouveau := transformation(valeur)) != valeur
                ]
                cursor.executemany(f"UPDATE {table} SET {colonne} = %s WHERE {cle} = %s", changees)


def _chiffrer(valeur):
    # Une ligne déjà chiffrée (migration relancée après un retour arrière partiel) reste telle.
    return valeur if core.chiffrement.est_un_jeton(valeur) else core.chiffrement.chiffrer(valeur)


def _dechiffrer(valeur):
    return core.chiffrement.dechiffrer(valeur) if core.chiffrement.est_un_jeton(valeur) else valeur


def chiffrer_l_existant(apps, schema_editor):
    _transformer(apps, schema_editor, _chiffrer)


def dechiffrer_l_existant(apps, schema_editor):
    _transformer(apps, schema_editor, _dechiffrer)


class Migration(migrations.Migration):
    dependencies = [
        ("accompagnement", "0002_auteurs_ouverture_et_equipe"),
    ]

    operations = [
        migrations.AlterField(
            model_name="bilan",
            name="synthese",
            field=core.chiffrement.TexteChiffre(blank=True, verbose_name="synthèse"),
        ),
        migrations.AlterField(
            model_name="cloture",
            name="commentaire",
            field=core.chiffrement.TexteChiffre(blank=True),
        ),
        migrations.AlterField(
            model_name="intervention",
            name="note",
            field=core.chiffrement.TexteChiffre(blank=True),
        ),
        migrations.AlterField(
            model_name="planaction",
            name="structures_autour",
            field=core.chiffrement.TexteChiffre(
                blank=True,
                help_text="Les organismes et personnes qui interviennent déjà.",
                verbose_name="structures autour du ménage",
            ),
        ),
        migrations.AlterField(
            model_name="progressionobjectif",
            name="commentaire",
            field=core.chiffrement.TexteChiffre(blank=True, max_length=500),
        ),
        migrations.RunPython(chiffrer_l_existant, dechiffrer_l_existant),
    ]
