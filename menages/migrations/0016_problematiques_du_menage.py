"""Les problématiques des orientations portées par le ménage (codes triés, sans doublon, joints
par des virgules), avec sa situation du jour ; remplies pour les ménages existants, par lots.
Le retour arrière retire la colonne.
"""

from django.db import migrations, models
from django.db.models import OuterRef

from core.expressions import ValeursJointes

LOT = 1000


def remplir(apps, schema_editor):
    # La même règle que `menages.services._situation`, sur les modèles historiques.
    Menage = apps.get_model("menages", "Menage")
    ProblematiqueOrientation = apps.get_model("menages", "ProblematiqueOrientation")
    codes = (
        ProblematiqueOrientation.objects.filter(orientation__menage=OuterRef("pk"))
        .values("code")
        .distinct()
        .order_by("code")
    )
    ids = list(Menage.objects.order_by("pk").values_list("pk", flat=True))
    for debut in range(0, len(ids), LOT):
        Menage.objects.filter(pk__in=ids[debut : debut + LOT]).update(
            codes_problematiques=ValeursJointes(codes, separateur=",")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("menages", "0015_orientation_par_auteur_date"),
    ]

    operations = [
        migrations.AddField(
            model_name="menage",
            name="codes_problematiques",
            field=models.TextField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(remplir, migrations.RunPython.noop, elidable=True),
    ]
