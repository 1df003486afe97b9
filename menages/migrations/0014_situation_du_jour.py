"""La situation du jour portée par le ménage (file active) : dernière orientation, sa date et
son statut, dernière dette et sa date ; remplie pour les ménages existants, par lots, avant les
index de tri. Le retour arrière vide les champs (puis les retire).
"""

import django.core.validators
import django.db.models.deletion
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

LOT = 1000


def remplir(apps, schema_editor):
    # La même règle que `menages.services.actualiser_situation`, sur les modèles historiques.
    Menage = apps.get_model("menages", "Menage")
    Orientation = apps.get_model("menages", "Orientation")
    DetteLocative = apps.get_model("menages", "DetteLocative")
    orientations = Orientation.objects.filter(menage=OuterRef("pk")).order_by(
        "-date_orientation", "-cree_le", "-pk"
    )
    dettes = DetteLocative.objects.filter(menage=OuterRef("pk")).order_by("-date", "-pk")
    ids = list(Menage.objects.order_by("pk").values_list("pk", flat=True))
    for debut in range(0, len(ids), LOT):
        Menage.objects.filter(pk__in=ids[debut : debut + LOT]).update(
            derniere_orientation=Subquery(orientations.values("pk")[:1]),
            date_derniere_orientation=Subquery(orientations.values("date_orientation")[:1]),
            statut_derniere_orientation=Subquery(orientations.values("statut")[:1]),
            derniere_dette=Subquery(dettes.values("montant")[:1]),
            date_derniere_dette=Subquery(dettes.values("date")[:1]),
        )


def vider(apps, schema_editor):
    apps.get_model("menages", "Menage").objects.update(
        derniere_orientation=None,
        date_derniere_orientation=None,
        statut_derniere_orientation=None,
        derniere_dette=None,
        date_derniere_dette=None,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0016_capacite_des_territoires"),
        ("menages", "0013_index_tri_file_active"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="menage",
            name="date_derniere_dette",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="menage",
            name="date_derniere_orientation",
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="menage",
            name="derniere_dette",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                editable=False,
                max_digits=10,
                null=True,
                validators=[django.core.validators.MinValueValidator(Decimal("0"))],
                verbose_name="dernière dette connue",
            ),
        ),
        migrations.AddField(
            model_name="menage",
            name="derniere_orientation",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="menages.orientation",
            ),
        ),
        migrations.AddField(
            model_name="menage",
            name="statut_derniere_orientation",
            field=models.CharField(
                blank=True,
                choices=[
                    ("a_rattacher", "À rattacher"),
                    ("recue", "Reçue"),
                    ("a_examiner", "À examiner en COTECH"),
                    ("admise", "Admise"),
                    ("refusee", "Refusée"),
                    ("reorientee", "Réorientée"),
                    ("en_attente", "En attente"),
                ],
                editable=False,
                max_length=20,
                null=True,
            ),
        ),
        migrations.RunPython(remplir, vider),
        migrations.AddIndex(
            model_name="menage",
            index=models.Index(
                fields=["dispositif", "date_derniere_orientation", "id"],
                name="menage_file_active_date",
            ),
        ),
        migrations.AddIndex(
            model_name="menage",
            index=models.Index(
                fields=["dispositif", "statut_derniere_orientation", "id"],
                name="menage_file_active_statut",
            ),
        ),
        migrations.AddIndex(
            model_name="menage",
            index=models.Index(
                fields=["dispositif", "derniere_dette", "id"], name="menage_file_active_dette"
            ),
        ),
    ]
