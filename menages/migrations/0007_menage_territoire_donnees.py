"""Remplit `Menage.territoire` : le territoire du logement actuel de chaque ménage.

Les orientations déjà enregistrées n'ont pas gardé de territoire (il n'était noté que sur le
logement) : un ménage sans logement reste sans territoire, comme avant. Le retour arrière vide
le champ.
"""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def remplir(apps, schema_editor):
    Menage = apps.get_model("menages", "Menage")
    Logement = apps.get_model("menages", "Logement")
    Menage.objects.update(
        territoire=Subquery(
            Logement.objects.filter(menage=OuterRef("pk"), actuel=True).values("territoire")[:1]
        )
    )


def vider(apps, schema_editor):
    apps.get_model("menages", "Menage").objects.update(territoire=None)


class Migration(migrations.Migration):
    dependencies = [("menages", "0006_menage_orientation_territoire")]

    operations = [migrations.RunPython(remplir, vider)]
