"""Chiffre le rôle d'une structure autour du ménage (il peut dire la santé) ; réversible."""

import core.chiffrement
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("acces", "0003_retrait_logement_vacant"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organisationautour",
            name="role",
            field=core.chiffrement.TexteChiffre(
                max_length=200, verbose_name="ce qu'elle fait auprès du ménage"
            ),
        ),
        core.chiffrement.chiffrement_de_l_existant("acces", [("organisationautour", "role")]),
    ]
