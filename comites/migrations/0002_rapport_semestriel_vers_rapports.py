"""Le rapport semestriel passe dans l'app `rapports` : retiré de l'état de `comites` seulement.

La table `comites_rapportsemestriel` et ses lignes ne bougent pas ; `rapports.0001_initial`
reprend le modèle sur la même table.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("comites", "0001_comites_seances_rapports"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="RapportSemestriel")],
            database_operations=[],
        ),
    ]
