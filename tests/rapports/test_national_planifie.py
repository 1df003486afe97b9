"""Le rapport national consolidé du semestre écoulé : par la ligne de commande et par la
planification (Celery beat, le 1er janvier et le 1er juillet), comme le rapport semestriel.

Sur SQLite sans courtier, la tâche s'exécute sur place ; avec Redis et PostgreSQL, un vrai
worker la produit (`tests.rapports.test_worker`)."""

import io
from datetime import date

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from core.factories import DispositifFactory, HabilitationNationaleFactory
from core.models import HabilitationNationale
from logisens_suivi.celery import app
from menages.factories import MenageFactory, OrientationFactory
from rapports import documents, national, services, tasks
from rapports.enums import StatutRapport
from rapports.models import RapportNational
from tests.rapports.test_worker import attendre, worker  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def deux_dispositifs():
    for nom, nombre in (("Alpha", 6), ("Beta", 7)):
        dispositif = DispositifFactory(nom=nom)
        for rang in range(nombre):
            OrientationFactory(
                menage=MenageFactory(dispositif=dispositif, nom=f"Nomcache{nom}{rang}"),
                date_orientation=date(2026, 3, 2),
            )


def texte_du_pdf(rapport):
    lecteur = PdfReader(io.BytesIO(documents.lire(rapport.fichier_pdf)))
    return "\n".join(page.extract_text() for page in lecteur.pages)


def test_la_planification_demande_le_rapport_national_du_semestre_ecoule():
    entrees = [
        entree
        for entree in settings.CELERY_BEAT_SCHEDULE.values()
        if entree["task"] == "rapports.tasks.rapport_national_du_semestre_ecoule"
    ]
    assert len(entrees) == 1
    horaire = entrees[0]["schedule"]
    assert horaire.day_of_month == {1} and horaire.month_of_year == {1, 7}
    # Après les rapports des dispositifs (2 h 00) : 2 h 30.
    assert horaire.hour == {2} and horaire.minute == {30}


def test_la_commande_produit_le_rapport_tout_de_suite(capsys):
    deux_dispositifs()
    call_command("rapport_national", "--semestre", "2026-S1", "--sync")
    rapport = RapportNational.objects.get(annee=2026, semestre=1)
    assert rapport.statut == StatutRapport.PRET, rapport.erreur
    assert rapport.demande_par is None
    assert capsys.readouterr().out.strip() == documents.emplacement(rapport.fichier_pdf)
    pdf = texte_du_pdf(rapport)
    assert "Alpha" in pdf and "Beta" in pdf and "Nomcache" not in pdf
    assert rapport.chiffres["ensemble"]["orientations"]["recues"] == 13
    classeur = load_workbook(io.BytesIO(documents.lire(rapport.fichier_xlsx)))
    assert "Définitions" in classeur.sheetnames


def test_la_commande_met_en_file_sans_sync(capsys, django_capture_on_commit_callbacks):
    deux_dispositifs()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("rapport_national", "--semestre", "2026-S1")
    rapport = RapportNational.objects.get(annee=2026, semestre=1)
    # Sans courtier, la tâche s'exécute sur place.
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.PRET, rapport.erreur
    sortie = capsys.readouterr().out
    assert national.noms_des_fichiers(rapport)["pdf"] in sortie


def test_la_commande_refuse_un_semestre_mal_ecrit():
    with pytest.raises(CommandError, match="Semestre invalide"):
        call_command("rapport_national", "--semestre", "2026-S3", "--sync")
    assert not RapportNational.objects.exists()


def test_la_tache_planifiee_produit_le_semestre_ecoule(django_capture_on_commit_callbacks):
    deux_dispositifs()
    app.loader.import_default_modules()
    with django_capture_on_commit_callbacks(execute=True):
        pk = app.tasks["rapports.tasks.rapport_national_du_semestre_ecoule"].apply().get()
    rapport = RapportNational.objects.get(pk=pk)
    annee, semestre = services.indicateurs.semestre_ecoule(date.today())
    assert (rapport.annee, rapport.semestre) == (annee, semestre)
    assert rapport.statut == StatutRapport.PRET, rapport.erreur
    assert rapport.demande_par is None


def test_le_service_du_semestre_ecoule_lit_la_date():
    rapport = services.demander_national_semestre_ecoule(date(2026, 7, 1))
    assert (rapport.annee, rapport.semestre) == (2026, 1)
    rapport = services.demander_national_semestre_ecoule(date(2027, 1, 1))
    assert (rapport.annee, rapport.semestre) == (2026, 2)


def test_la_tache_revérifie_les_droits_du_demandeur(django_capture_on_commit_callbacks):
    """Un rapport demandé par un financeur dont l'habilitation tombe avant la production échoue,
    même relancé par la tâche planifiée qui reprend l'identifiant."""
    deux_dispositifs()
    financeur = HabilitationNationaleFactory().user
    with django_capture_on_commit_callbacks(execute=False):
        rapport, _ = services.demander_rapport_national(financeur, 2026, 1)
    HabilitationNationale.objects.filter(user=financeur).update(actif=False)
    assert tasks.produire_rapport_national(rapport.pk) == StatutRapport.ECHEC
    rapport.refresh_from_db()
    assert "habilitation nationale" in rapport.erreur and not rapport.fichier_pdf


def test_la_tache_planifiee_est_produite_par_le_worker(worker):  # noqa: F811
    """Avec Redis et PostgreSQL, la tâche planifiée met le rapport en file et un vrai worker le
    produit ; sinon tout s'exécute sur place."""
    deux_dispositifs()
    rapport = services.demander_national_semestre_ecoule(date(2026, 7, 1))
    rapport = attendre(rapport, worker)
    assert rapport.statut == StatutRapport.PRET, rapport.erreur
    pdf = texte_du_pdf(rapport)
    assert "Alpha" in pdf and "Nomcache" not in pdf
