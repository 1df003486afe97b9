"""Les changements déjà appliqués par des décisions de comité reçoivent leur auteur : la
personne qui a enregistré la décision (ouverture de l'épisode et son équipe, statut de
l'orientation, fiche de clôture). Seuls les champs encore vides sont remplis ; le retour en
arrière n'a rien à défaire (les champs disparaissent avec les migrations qui les ont créés)."""

from django.db import migrations

ADMISSION = "admission"
FIN_D_ORIENTATION = ("admission", "refus", "reorientation")
CLOTURE_VALIDEE = "cloture_validee"


def remplir(apps, schema_editor):
    Decision = apps.get_model("comites", "Decision")
    Accompagnement = apps.get_model("accompagnement", "Accompagnement")
    MembreEquipe = apps.get_model("accompagnement", "MembreEquipe")
    Cloture = apps.get_model("accompagnement", "Cloture")
    Orientation = apps.get_model("menages", "Orientation")
    decisions = (
        Decision.objects.exclude(auteur=None)
        .filter(type__in=[*FIN_D_ORIENTATION, CLOTURE_VALIDEE])
        .values_list("type", "auteur_id", "accompagnement_id", "point__orientation_id")
        .order_by("pk")
    )
    for type_decision, auteur_id, accompagnement_id, orientation_id in decisions.iterator():
        if type_decision == ADMISSION and accompagnement_id:
            Accompagnement.objects.filter(pk=accompagnement_id, ouvert_par=None).update(
                ouvert_par_id=auteur_id
            )
            MembreEquipe.objects.filter(
                accompagnement_id=accompagnement_id, ajoute_par=None
            ).update(ajoute_par_id=auteur_id)
        if type_decision in FIN_D_ORIENTATION and orientation_id:
            Orientation.objects.filter(pk=orientation_id, statut_modifie_par=None).update(
                statut_modifie_par_id=auteur_id
            )
        if type_decision == CLOTURE_VALIDEE and accompagnement_id:
            Cloture.objects.filter(accompagnement_id=accompagnement_id, auteur=None).update(
                auteur_id=auteur_id
            )


class Migration(migrations.Migration):
    dependencies = [
        ("comites", "0002_rapport_semestriel_vers_rapports"),
        ("accompagnement", "0002_auteurs_ouverture_et_equipe"),
        ("menages", "0003_orientation_statut_modifie_par"),
    ]

    operations = [migrations.RunPython(remplir, migrations.RunPython.noop)]
