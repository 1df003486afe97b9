"""La vie du rapport semestriel : demande, production, échec et relance, droits, fichiers privés,
téléchargement journalisé, commande et planification."""

import io
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.core.management import CommandError, call_command
from django.urls import reverse
from pypdf import PdfReader

from core.enums import Role
from core.factories import DispositifFactory, MembreFactory, UserFactory
from core.models import JournalAudit
from menages.factories import MenageFactory, OrientationFactory
from rapports import documents, indicateurs, services
from rapports.enums import StatutRapport
from rapports.models import RapportSemestriel

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispositif():
    dispositif = DispositifFactory(nom="Face à des situations complexes")
    for jour in (date(2026, 1, 12), date(2026, 3, 3), date(2026, 6, 30)):
        OrientationFactory(
            menage=MenageFactory(dispositif=dispositif, nom="DUPRÉ-SECRET"),
            date_orientation=jour,
        )
    return dispositif


@pytest.fixture
def demander(django_capture_on_commit_callbacks):
    """Demande un rapport et exécute la mise en file à la validation, comme en vrai."""

    def _demander(user, dispositif, annee=2026, semestre=1):
        with django_capture_on_commit_callbacks(execute=True):
            return services.demander_rapport(user, dispositif, annee, semestre)

    return _demander


def coordinateur(dispositif):
    return MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user


def texte_pdf(source):
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    return "\n".join(page.extract_text() for page in PdfReader(source).pages)


def fichiers_du_dossier():
    stockage = storages["default"]
    return sorted(stockage.listdir("rapports")[1]) if stockage.exists("rapports") else []


def test_la_coordination_obtient_un_rapport_pret_et_prive(dispositif, demander):
    rapport, lance = demander(coordinateur(dispositif), dispositif, 2026, 1)
    rapport.refresh_from_db()
    assert lance
    assert rapport.statut == StatutRapport.PRET
    assert documents.existe(rapport.fichier_pdf) and documents.existe(rapport.fichier_xlsx)
    pdf = Path(documents.emplacement(rapport.fichier_pdf))
    assert Path(settings.VAR_DIR) / "prive" in pdf.parents
    assert Path(settings.STATIC_ROOT) not in pdf.parents
    assert settings.STORAGES["default"]["OPTIONS"]["base_url"] is None
    texte = texte_pdf(pdf)
    assert "Face à des situations complexes" in texte
    assert rapport.chiffres["orientations"]["recues"] == 3
    assert "DUPRÉ-SECRET" not in texte


def test_un_role_sans_droit_ne_demande_pas_de_rapport(dispositif):
    for role in (Role.TRAVAILLEUR_SOCIAL, Role.MEMBRE_COPIL, Role.MEMBRE_COTECH):
        with pytest.raises(PermissionDenied):
            services.demander_rapport(
                MembreFactory(dispositif=dispositif, role=role).user, dispositif, 2026, 1
            )
    assert not RapportSemestriel.objects.exists()


def test_demander_deux_fois_pendant_la_production_n_en_lance_pas_deux(
    dispositif, django_capture_on_commit_callbacks
):
    user = coordinateur(dispositif)
    with django_capture_on_commit_callbacks(execute=False) as files:
        premier, lance = services.demander_rapport(user, dispositif, 2026, 1)
        second, relance = services.demander_rapport(user, dispositif, 2026, 1)
    assert (lance, relance) == (True, False)
    assert premier.pk == second.pk
    assert len(files) == 1
    assert RapportSemestriel.objects.count() == 1


def test_un_seul_worker_produit_un_rapport(dispositif, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        rapport, _ = services.demander_rapport(coordinateur(dispositif), dispositif, 2026, 1)
    assert services.produire_rapport(rapport.pk) == StatutRapport.PRET
    # Un second message pour le même rapport ne le refait pas.
    rapport.refresh_from_db()
    termine = rapport.termine_le
    assert services.produire_rapport(rapport.pk) == StatutRapport.PRET
    rapport.refresh_from_db()
    assert rapport.termine_le == termine


def test_un_echec_ne_laisse_aucun_fichier_dit_pourquoi_et_se_relance(
    dispositif, monkeypatch, demander
):
    user = coordinateur(dispositif)
    avant = fichiers_du_dossier()

    def classeur_en_panne(rapport, chiffres):
        raise OSError("disque plein")

    monkeypatch.setattr(documents, "classeur", classeur_en_panne)
    rapport, _ = demander(user, dispositif, 2026, 1)
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.ECHEC
    assert "disque plein" in rapport.erreur
    assert "réessayer" in rapport.erreur
    assert fichiers_du_dossier() == avant  # ni PDF ni fichier partiel
    monkeypatch.undo()
    _, lance = demander(user, dispositif, 2026, 1)
    rapport.refresh_from_db()
    assert lance and rapport.statut == StatutRapport.PRET and rapport.erreur == ""


def test_la_tache_reverifie_les_droits_du_demandeur(dispositif, django_capture_on_commit_callbacks):
    user = coordinateur(dispositif)
    with django_capture_on_commit_callbacks(execute=False):
        rapport, _ = services.demander_rapport(user, dispositif, 2026, 1)
    user.adhesions.update(actif=False)
    user.refresh_from_db()
    assert services.produire_rapport(rapport.pk) == StatutRapport.ECHEC
    rapport.refresh_from_db()
    assert "n'a plus les droits" in rapport.erreur
    assert not rapport.fichier_pdf


@pytest.mark.parametrize(
    "role",
    [
        Role.COORDINATEUR,
        Role.TRAVAILLEUR_SOCIAL,
        Role.INFIRMIER,
        Role.PSYCHOLOGUE,
        Role.MEMBRE_COTECH,
        Role.MEMBRE_COPIL,
    ],
)
def test_le_telechargement_est_ouvert_aux_roles_prevus_et_journalise(
    client, dispositif, role, demander
):
    rapport, _ = demander(coordinateur(dispositif), dispositif, 2026, 1)
    client.force_login(MembreFactory(dispositif=dispositif, role=role).user)
    reponse = client.get(reverse("rapports:pdf", args=[rapport.public_id]))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert b"".join(reponse.streaming_content).startswith(b"%PDF")
    entree = JournalAudit.objects.get(action="telechargement_rapport")
    assert entree.objet_id == str(rapport.public_id)
    xlsx = client.get(reverse("rapports:xlsx", args=[rapport.public_id]))
    assert xlsx.status_code == 200


@pytest.mark.parametrize("qui", ["agent", "autre_dispositif", "admin", "anonyme"])
def test_le_telechargement_est_refuse_aux_autres(client, dispositif, qui, demander):
    rapport, _ = demander(coordinateur(dispositif), dispositif, 2026, 1)
    if qui == "agent":
        client.force_login(MembreFactory(dispositif=dispositif, role=Role.AGENT_BAILLEUR).user)
    elif qui == "autre_dispositif":
        client.force_login(MembreFactory(role=Role.COORDINATEUR).user)
    elif qui == "admin":
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
    reponse = client.get(reverse("rapports:pdf", args=[rapport.public_id]))
    assert reponse.status_code in (302, 404)
    assert not JournalAudit.objects.filter(action="telechargement_rapport").exists()


def test_la_page_des_rapports_montre_l_echec_et_propose_de_reessayer(
    client, dispositif, django_capture_on_commit_callbacks
):
    RapportSemestriel.objects.create(
        dispositif=dispositif,
        annee=2026,
        semestre=1,
        statut=StatutRapport.ECHEC,
        erreur="La production a échoué (OSError : disque plein). Vous pouvez réessayer.",
    )
    client.force_login(coordinateur(dispositif))
    contenu = client.get(reverse("rapports:liste")).content.decode()
    assert "disque plein" in contenu
    assert "Réessayer" in contenu
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(
            reverse("rapports:demander", args=[dispositif.slug]), {"semestre": "2026-S1"}
        )
    assert reponse.status_code == 302
    assert RapportSemestriel.objects.get().statut == StatutRapport.PRET


def test_un_semestre_illisible_est_refuse_en_francais(client, dispositif):
    client.force_login(coordinateur(dispositif))
    reponse = client.post(
        reverse("rapports:demander", args=[dispositif.slug]),
        {"semestre": "2026-S3"},
        follow=True,
    )
    assert "semestre" in reponse.content.decode().lower()
    assert not RapportSemestriel.objects.exists()


def test_la_commande_sync_affiche_le_chemin_du_pdf(dispositif):
    sortie = io.StringIO()
    call_command(
        "rapport_semestriel",
        "--dispositif",
        dispositif.slug,
        "--semestre",
        "2026-S1",
        "--sync",
        stdout=sortie,
    )
    chemin = Path(sortie.getvalue().strip())
    assert chemin.exists() and chemin.suffix == ".pdf"
    assert "orientations reçues" in texte_pdf(chemin)


def test_la_commande_met_en_file_et_affiche_le_chemin(
    dispositif, django_capture_on_commit_callbacks
):
    sortie = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "rapport_semestriel",
            "--dispositif",
            dispositif.slug,
            "--semestre",
            "2026-S1",
            stdout=sortie,
        )
    # Sans courtier, la file s'exécute sur place : le rapport est prêt.
    assert Path(sortie.getvalue().strip().splitlines()[-1]).exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--dispositif", "inconnu", "--semestre", "2026-S1"], "Dispositif inconnu"),
        (["--semestre", "2026-S3"], "emestre"),
    ],
)
def test_la_commande_refuse_clairement(dispositif, arguments, message):
    if "--dispositif" not in arguments:
        arguments = ["--dispositif", dispositif.slug, *arguments]
    with pytest.raises(CommandError, match=message):
        call_command("rapport_semestriel", *arguments)


def test_la_planification_produit_le_semestre_ecoule_de_chaque_dispositif(dispositif):
    autre = DispositifFactory()
    produits = services.demander_semestre_ecoule(date(2027, 1, 1))
    assert {(r.dispositif_id, r.annee, r.semestre) for r in produits} == {
        (dispositif.pk, 2026, 2),
        (autre.pk, 2026, 2),
    }
    assert services.demander_semestre_ecoule(date(2026, 7, 1))[0].semestre == 1
    entree = settings.CELERY_BEAT_SCHEDULE["rapports-du-semestre-ecoule"]
    assert entree["task"] == "comites.tasks.rapports_du_semestre_ecoule"
    assert str(entree["schedule"].month_of_year) == "{1, 7}"
    assert entree["schedule"].day_of_month == {1}


def test_les_memes_donnees_donnent_le_meme_texte(dispositif, demander):
    user = coordinateur(dispositif)
    premier, _ = demander(user, dispositif, 2026, 1)
    premier.refresh_from_db()
    texte = texte_pdf(documents.lire(premier.fichier_pdf))
    demander(user, dispositif, 2026, 1)
    premier.refresh_from_db()
    second = texte_pdf(documents.lire(premier.fichier_pdf))
    # Seule la date de production peut différer (à la minute près).
    assert texte.split("Produit le")[0] == second.split("Produit le")[0]
    # Les chiffres gardés : ceux du calcul, plus les cibles en vigueur (aucune ici).
    attendus = {
        **indicateurs.calculer(dispositif, 2026, 1),
        "cibles": [],
        "capacites_territoires": [],
    }
    assert attendus == premier.chiffres


def test_les_adresses_des_rapports_n_ont_pas_change():
    public_id = uuid.uuid4()
    assert reverse("rapports:liste") == "/rapports/"
    assert reverse("rapports:demander", args=["cantal"]) == "/rapports/cantal/demander/"
    assert reverse("rapports:pdf", args=[public_id]) == f"/rapports/{public_id}/rapport.pdf"
    assert reverse("rapports:xlsx", args=[public_id]) == f"/rapports/{public_id}/chiffres.xlsx"
    assert reverse("rapports:tableau_de_bord", args=["cantal"]) == "/tableau-de-bord/cantal/"
