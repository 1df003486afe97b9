"""Chiffre les textes libres qui peuvent décrire la santé (core.chiffrement) ; réversible."""

import core.chiffrement
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("menages", "0007_menage_territoire_donnees"),
    ]

    operations = [
        migrations.AlterField(
            model_name="orientation",
            name="description",
            field=core.chiffrement.TexteChiffre(
                blank=True, verbose_name="description de la situation"
            ),
        ),
        migrations.AlterField(
            model_name="orientation",
            name="motif_statut",
            field=core.chiffrement.TexteChiffre(blank=True, max_length=500, verbose_name="motif"),
        ),
        core.chiffrement.chiffrement_de_l_existant(
            "menages", [("orientation", "description"), ("orientation", "motif_statut")]
        ),
    ]
