"""Chiffre les textes libres qui peuvent décrire la santé (core.chiffrement).

Le schéma ne change pas (du texte ; les champs courts passent de varchar à text, pour tenir leur
jeton). Les lignes existantes sont chiffrées ; le retour arrière les déchiffre.
"""

import core.chiffrement
from django.db import migrations


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
        migrations.AlterField(
            model_name="objectif",
            name="libelle",
            field=core.chiffrement.TexteChiffre(max_length=250, verbose_name="objectif"),
        ),
        migrations.AlterField(
            model_name="objectif",
            name="indicateur",
            field=core.chiffrement.TexteChiffre(
                blank=True,
                help_text="Ce qui dira que l'objectif avance : « loyer payé 3 mois de suite »…",
                max_length=250,
                verbose_name="indicateur de progression",
            ),
        ),
        core.chiffrement.chiffrement_de_l_existant(
            "accompagnement",
            [
                ("intervention", "note"),
                ("bilan", "synthese"),
                ("planaction", "structures_autour"),
                ("progressionobjectif", "commentaire"),
                ("cloture", "commentaire"),
                ("objectif", "libelle"),
                ("objectif", "indicateur"),
            ],
        ),
    ]
