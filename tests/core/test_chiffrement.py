"""Les textes qui peuvent décrire la santé sont chiffrés en base (core.chiffrement).

Une note « soignants » marquée ne se retrouve en clair ni dans la table, ni dans un `dumpdata`,
ni dans une copie de toute la base (`pg_dump` sur PostgreSQL, `.dump` sur SQLite).
"""

import io
import os
import shutil
import subprocess
from datetime import date

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accompagnement.enums import Confidentialite, MotifCloture
from accompagnement.factories import (
    AccompagnementFactory,
    BilanFactory,
    InterventionFactory,
    ObjectifFactory,
)
from accompagnement.models import (
    Bilan,
    Cloture,
    Intervention,
    Objectif,
    PlanAction,
    ProgressionObjectif,
)
from comites.factories import DecisionFactory
from comites.models import Decision
from core import chiffrement
from menages.factories import OrientationFactory
from menages.models import Orientation

pytestmark = pytest.mark.django_db

MARQUEUR = "MARQUEUR-SANTE-7f3a9c : suivi psychiatrique au CMP, traitement en cours"
CLE_A, CLE_B = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def texte_brut(modele, champ, pk):
    """La valeur telle qu'elle est dans la table, sans passer par le champ."""
    meta = modele._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {meta.get_field(champ).column} FROM {meta.db_table} WHERE id = %s", [pk]
        )
        return cursor.fetchone()[0]


def toutes_les_lignes(modele):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {modele._meta.db_table}")
        return repr(cursor.fetchall())


def note_soignants(texte=MARQUEUR):
    return InterventionFactory(
        note=texte,
        confidentialite=Confidentialite.SOIGNANTS,
        profession_auteur="infirmier",
    )


def test_les_champs_chiffres_sont_ceux_qui_peuvent_decrire_la_sante():
    assert {
        f"{modele._meta.label}.{champ.name}" for modele, champ in chiffrement.champs_chiffres()
    } == {
        "accompagnement.Intervention.note",
        "accompagnement.Bilan.synthese",
        "accompagnement.PlanAction.structures_autour",
        "accompagnement.ProgressionObjectif.commentaire",
        "accompagnement.Cloture.commentaire",
        "accompagnement.Objectif.libelle",
        "accompagnement.Objectif.indicateur",
        "menages.Orientation.description",
        "menages.Orientation.motif_statut",
        "comites.Decision.motifs",
        # L'explication d'une décision à transmettre au ménage par le prescripteur, et le
        # contenu d'une décision avant sa correction.
        "comites.Decision.explication_prescripteur",
        "comites.DecisionCorrection.anciens_motifs",
        # La version remplacée d'une intervention corrigée par son auteur.
        "accompagnement.InterventionVersion.note",
        # Parcours accès : précisions des besoins (santé, handicap), refus du ménage, motif ou
        # condition de la CAL, explication au prescripteur.
        "acces.BesoinsLogement.commentaire",
        "acces.Proposition.motif_refus",
        "acces.DecisionCAL.motif",
        "acces.DecisionCAL.explication_prescripteur",
        # Le rôle d'une structure autour du ménage (« CMP : suivi psychiatrique »).
        "acces.OrganisationAutour.role",
        # Les tables d'historique (rgpd.models) copient les champs chiffrés, donc leur chiffrement.
        "rgpd.HistoricalIntervention.note",
        "rgpd.HistoricalBilan.synthese",
        "rgpd.HistoricalObjectif.libelle",
        "rgpd.HistoricalObjectif.indicateur",
        "rgpd.HistoricalOrientation.description",
        "rgpd.HistoricalOrientation.motif_statut",
    }


def test_une_note_soignants_est_chiffree_en_base_et_lue_en_clair():
    note = note_soignants()
    brut = texte_brut(Intervention, "note", note.pk)
    assert "MARQUEUR" not in brut
    assert chiffrement.est_un_jeton(brut)
    assert "MARQUEUR" not in toutes_les_lignes(Intervention)
    assert Intervention.objects.get(pk=note.pk).note == MARQUEUR
    assert Intervention.objects.values_list("note", flat=True).get(pk=note.pk) == MARQUEUR


@pytest.mark.parametrize("confidentialite", [Confidentialite.EQUIPE, Confidentialite.PERSONNELLE])
def test_toutes_les_notes_sont_chiffrees(confidentialite):
    note = InterventionFactory(note=MARQUEUR, confidentialite=confidentialite)
    assert "MARQUEUR" not in texte_brut(Intervention, "note", note.pk)


def test_les_autres_textes_de_sante_sont_chiffres():
    accompagnement = AccompagnementFactory()
    PlanAction.objects.filter(accompagnement=accompagnement).update(structures_autour=MARQUEUR)
    bilan = BilanFactory(accompagnement=accompagnement, synthese=MARQUEUR)
    progression = ProgressionObjectif.objects.create(
        bilan=bilan,
        objectif=ObjectifFactory(accompagnement=accompagnement),
        statut="en_cours",
        commentaire=MARQUEUR,
    )
    cloture = Cloture.objects.create(
        accompagnement=accompagnement,
        date=date(2026, 6, 1),
        motif=MotifCloture.choices[0][0],
        maintien_dans_logement=True,
        expulsion_evitee=False,
        commentaire=MARQUEUR,
    )
    for modele in (PlanAction, Bilan, ProgressionObjectif, Cloture):
        assert "MARQUEUR" not in toutes_les_lignes(modele), modele
    assert PlanAction.objects.get(accompagnement=accompagnement).structures_autour == MARQUEUR
    assert Bilan.objects.get(pk=bilan.pk).synthese == MARQUEUR
    assert ProgressionObjectif.objects.get(pk=progression.pk).commentaire == MARQUEUR
    assert Cloture.objects.get(pk=cloture.pk).commentaire == MARQUEUR


def test_objectifs_orientations_et_decisions_sont_chiffres():
    objectif = ObjectifFactory(libelle=MARQUEUR, indicateur=MARQUEUR)
    orientation = OrientationFactory(description=MARQUEUR, motif_statut=MARQUEUR)
    decision = DecisionFactory(motifs=MARQUEUR)
    for modele in (Objectif, Orientation, Decision):
        assert "MARQUEUR" not in toutes_les_lignes(modele), modele
    objectif.refresh_from_db()
    orientation.refresh_from_db()
    decision.refresh_from_db()
    assert (objectif.libelle, objectif.indicateur) == (MARQUEUR, MARQUEUR)
    assert (orientation.description, orientation.motif_statut) == (MARQUEUR, MARQUEUR)
    assert decision.motifs == MARQUEUR


def test_bulk_update_chiffre_aussi():
    note = note_soignants("avant")
    note.note = MARQUEUR
    Intervention.objects.bulk_update([note], ["note"])
    assert "MARQUEUR" not in texte_brut(Intervention, "note", note.pk)
    assert Intervention.objects.get(pk=note.pk).note == MARQUEUR


def test_une_note_vide_reste_vide_et_se_filtre():
    vide = InterventionFactory(note="")
    note_soignants()
    assert texte_brut(Intervention, "note", vide.pk) == ""
    assert list(Intervention.objects.filter(note="")) == [vide]


@pytest.mark.parametrize("recherche", ["note__icontains", "note__startswith", "note"])
def test_le_texte_chiffre_ne_se_recherche_pas_en_sql(recherche):
    with pytest.raises(FieldError, match="chiffré"):
        list(Intervention.objects.filter(**{recherche: "CMP"}))


def test_dumpdata_ne_montre_pas_le_texte_et_loaddata_le_retrouve(tmp_path):
    note = note_soignants()
    sortie = io.StringIO()
    OrientationFactory(description=MARQUEUR)
    call_command("dumpdata", "accompagnement", "menages", "comites", stdout=sortie)
    assert "MARQUEUR" not in sortie.getvalue()

    fichier = tmp_path / "accompagnement.json"
    fichier.write_text(sortie.getvalue())
    Intervention.objects.filter(pk=note.pk).update(note="écrasé")
    call_command("loaddata", str(fichier), verbosity=0)
    assert Intervention.objects.get(pk=note.pk).note == MARQUEUR
    assert "MARQUEUR" not in texte_brut(Intervention, "note", note.pk)


@pytest.mark.django_db(transaction=True)
def test_une_copie_de_toute_la_base_ne_montre_pas_la_note():
    note_soignants()
    if connection.vendor == "postgresql":
        # Le client PostgreSQL (pg_dump) fait partie de ce que la CI et la production ont.
        assert shutil.which("pg_dump"), "pg_dump introuvable : installez le client PostgreSQL."
        reglages = connection.settings_dict
        copie = subprocess.run(
            [
                "pg_dump",
                "--data-only",
                "-h",
                reglages["HOST"] or "127.0.0.1",
                "-p",
                str(reglages["PORT"] or 5432),
                "-U",
                reglages["USER"],
                reglages["NAME"],
            ],
            env={**os.environ, "PGPASSWORD": reglages["PASSWORD"] or ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    else:
        connection.ensure_connection()
        copie = "\n".join(connection.connection.iterdump())
    assert "accompagnement_intervention" in copie
    assert "gAAAAA" in copie
    assert "MARQUEUR" not in copie


# --- Les clés --------------------------------------------------------------------------------


def test_rotation_des_cles(settings):
    settings.CLES_CHIFFREMENT = [CLE_A]
    note = note_soignants()
    avant = texte_brut(Intervention, "note", note.pk)

    # Nouvelle clé en tête, l'ancienne derrière : tout se lit encore, puis tout se rechiffre.
    settings.CLES_CHIFFREMENT = [CLE_B, CLE_A]
    assert Intervention.objects.get(pk=note.pk).note == MARQUEUR
    sortie = io.StringIO()
    call_command("rechiffrer", stdout=sortie)
    assert "accompagnement.Intervention.note : 1 texte rechiffré." in sortie.getvalue()
    assert texte_brut(Intervention, "note", note.pk) != avant

    # L'ancienne clé retirée, la note se lit ; avec l'ancienne seule, plus rien.
    settings.CLES_CHIFFREMENT = [CLE_B]
    assert Intervention.objects.get(pk=note.pk).note == MARQUEUR
    settings.CLES_CHIFFREMENT = [CLE_A]
    with pytest.raises(ImproperlyConfigured, match="aucune des clés"):
        Intervention.objects.get(pk=note.pk)


def test_rechiffrer_sans_l_ancienne_cle_refuse_et_ne_change_rien(settings):
    settings.CLES_CHIFFREMENT = [CLE_A]
    note = note_soignants()
    avant = texte_brut(Intervention, "note", note.pk)
    settings.CLES_CHIFFREMENT = [CLE_B]
    with pytest.raises(CommandError, match="gardez l'ancienne clé"):
        call_command("rechiffrer", stdout=io.StringIO())
    assert texte_brut(Intervention, "note", note.pk) == avant


def test_en_developpement_sans_cle_une_cle_derivee_de_secret_key(settings):
    settings.CLES_CHIFFREMENT = []
    settings.DEBUG = True
    assert chiffrement.cles() == [chiffrement.cle_de_developpement(settings.SECRET_KEY)]
    note = note_soignants()
    assert Intervention.objects.get(pk=note.pk).note == MARQUEUR


def test_hors_developpement_sans_cle_rien_ne_se_chiffre(settings):
    settings.CLES_CHIFFREMENT = []
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured, match="CLES_CHIFFREMENT doit être définie"):
        note_soignants()


def test_une_cle_mal_formee_est_refusee_clairement(settings):
    settings.CLES_CHIFFREMENT = [CLE_A, "pas-une-cle"]
    with pytest.raises(ImproperlyConfigured, match="la clé n° 2 n'est pas une clé Fernet"):
        note_soignants()


# --- La migration ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_la_migration_chiffre_l_existant_et_se_defait():
    note = note_soignants()
    bilan = BilanFactory(accompagnement=note.accompagnement, synthese=MARQUEUR)
    orientation = OrientationFactory(description=MARQUEUR)

    def migrer(*cibles):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(list(cibles))

    migrer(
        ("accompagnement", "0002_auteurs_ouverture_et_equipe"),
        ("menages", "0007_menage_territoire_donnees"),
    )
    assert texte_brut(Intervention, "note", note.pk) == MARQUEUR
    assert texte_brut(Bilan, "synthese", bilan.pk) == MARQUEUR
    assert texte_brut(Orientation, "description", orientation.pk) == MARQUEUR

    try:
        migrer(("accompagnement", "0003_textes_chiffres"), ("menages", "0008_textes_chiffres"))
        assert "MARQUEUR" not in texte_brut(Intervention, "note", note.pk)
        assert "MARQUEUR" not in texte_brut(Bilan, "synthese", bilan.pk)
        assert "MARQUEUR" not in texte_brut(Orientation, "description", orientation.pk)
    finally:
        # Les tests suivants de ce processus retrouvent le schéma complet (migrations d'après
        # comprises : revenir en arrière avait retiré leurs tables).
        executor = MigrationExecutor(connection)
        migrer(*executor.loader.graph.leaf_nodes())
    # Le schéma complet rétabli, l'application relit les textes chiffrés par la migration.
    assert Intervention.objects.get(pk=note.pk).note == MARQUEUR
    assert Bilan.objects.get(pk=bilan.pk).synthese == MARQUEUR
    assert Orientation.objects.get(pk=orientation.pk).description == MARQUEUR
