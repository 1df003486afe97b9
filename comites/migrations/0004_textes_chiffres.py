"""Chiffre les textes libres qui peuvent décrire la santé (core.chiffrement) ; réversible."""

import core.chiffrement
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("comites", "0003_auteurs_des_changements_decides"),
    ]

    operations = [
        migrations.AlterField(
            model_name="decision",
            name="motifs",
            field=core.chiffrement.TexteChiffre(blank=True),
        ),
        core.chiffrement.chiffrement_de_l_existant("comites", [("decision", "motifs")]),
    ]
