"""Remplit `Orientation.organisation` : la structure que nomme l'adhésion de l'auteur
(`orientee_par`) au dispositif du ménage, quand elle en nomme une.

Une personne qui tient plusieurs rôles dans le dispositif : la structure de son adhésion de
prescripteur d'abord, puis d'agent du bailleur, puis de tout autre rôle. Les orientations sans
auteur, ou d'un auteur sans structure, restent sans structure (elles n'ouvrent rien à un
prescripteur). Le retour arrière vide le champ.
"""

from django.db import migrations

ORDRE_DES_ROLES = ["prescripteur", "agent_bailleur"]


def _rang(role):
    return ORDRE_DES_ROLES.index(role) if role in ORDRE_DES_ROLES else len(ORDRE_DES_ROLES)


def remplir(apps, schema_editor):
    Membre = apps.get_model("core", "Membre")
    Orientation = apps.get_model("menages", "Orientation")
    adhesions = sorted(
        Membre.objects.filter(organisation__isnull=False).values_list(
            "user_id", "dispositif_id", "role", "organisation_id"
        ),
        key=lambda adhesion: _rang(adhesion[2]),
    )
    for user_id, dispositif_id, _role, organisation_id in adhesions:
        Orientation.objects.filter(
            orientee_par_id=user_id,
            menage__dispositif_id=dispositif_id,
            organisation__isnull=True,
        ).update(organisation_id=organisation_id)


def vider(apps, schema_editor):
    apps.get_model("menages", "Orientation").objects.update(organisation=None)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0014_prescripteur_et_structures_partenaires"),
        ("menages", "0011_orientation_structure_qui_oriente"),
    ]

    operations = [migrations.RunPython(remplir, vider)]
