"""Le rapport semestriel, venu de l'app `comites` : repris dans l'état sur sa table existante.

Aucune opération sur la base pour le modèle (la table `comites_rapportsemestriel` a été créée
par `comites.0001` et garde son nom, ses lignes, ses clés et ses contraintes). Le type de
contenu du modèle change d'app, pour que les permissions déjà attribuées le suivent.
"""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _renommer_type_de_contenu(apps, schema_editor, de, vers):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if types.filter(app_label=vers, model="rapportsemestriel").exists():
        return
    types.filter(app_label=de, model="rapportsemestriel").update(app_label=vers)


def type_de_contenu_vers_rapports(apps, schema_editor):
    _renommer_type_de_contenu(apps, schema_editor, "comites", "rapports")


def type_de_contenu_vers_comites(apps, schema_editor):
    _renommer_type_de_contenu(apps, schema_editor, "rapports", "comites")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("comites", "0002_rapport_semestriel_vers_rapports"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RapportSemestriel",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "public_id",
                            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                        ),
                        ("annee", models.PositiveSmallIntegerField(verbose_name="année")),
                        (
                            "semestre",
                            models.PositiveSmallIntegerField(choices=[(1, "S1"), (2, "S2")]),
                        ),
                        (
                            "statut",
                            models.CharField(
                                choices=[
                                    ("en_attente", "En attente"),
                                    ("en_cours", "En cours"),
                                    ("pret", "Prêt"),
                                    ("echec", "Échec"),
                                ],
                                default="en_attente",
                                max_length=20,
                            ),
                        ),
                        ("erreur", models.TextField(blank=True)),
                        ("fichier_pdf", models.CharField(blank=True, max_length=300)),
                        ("fichier_xlsx", models.CharField(blank=True, max_length=300)),
                        ("chiffres", models.JSONField(blank=True, default=dict)),
                        ("demande_le", models.DateTimeField(default=django.utils.timezone.now)),
                        ("termine_le", models.DateTimeField(blank=True, null=True)),
                        (
                            "demande_par",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "dispositif",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="rapports",
                                to="core.dispositif",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "rapport semestriel",
                        "verbose_name_plural": "rapports semestriels",
                        "db_table": "comites_rapportsemestriel",
                        "ordering": ["-annee", "-semestre"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("dispositif", "annee", "semestre"),
                                name="rapport_unique_par_semestre",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(type_de_contenu_vers_rapports, type_de_contenu_vers_comites),
    ]
