# Les chiffres d'une période (tableau de bord, rapport semestriel, vue nationale) se lisent dans
# cet index seul : parcours d'index seul sur la période, sans lire les lignes des interventions.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accompagnement", "0008_bilan_loyer_et_logement"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="intervention",
            index=models.Index(
                fields=[
                    "date_heure",
                    "accompagnement",
                    "type",
                    "profession_auteur",
                    "duree_minutes",
                    "id",
                ],
                name="intervention_periode_idx",
            ),
        ),
    ]
