from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations


class Migration(migrations.Migration):
    """La fonction `unaccent` de PostgreSQL, pour les recherches sans accents
    (`core.sans_accents`). Sans effet sous SQLite, qui la reçoit à chaque connexion."""

    dependencies = [("core", "0016_capacite_des_territoires")]

    operations = [UnaccentExtension()]
