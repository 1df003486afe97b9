"""Le rapport mis en file et produit par un vrai worker Celery.

Avec un courtier Redis et PostgreSQL (l'intégration continue), le test lance un worker dans un
autre processus, qui lit la même base de test et écrit le PDF dans le même dossier privé. Sans
courtier (SQLite embarqué), la même demande s'exécute sur place : le parcours et les
vérifications sont les mêmes.
"""

import io
import os
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from pypdf import PdfReader

from core.enums import Role
from core.factories import DispositifFactory, MembreFactory
from logisens_suivi.celery import app
from menages.factories import MenageFactory, OrientationFactory
from rapports import documents, services
from rapports.enums import StatutRapport

RACINE = Path(__file__).resolve().parents[2]
COURTIER = os.environ.get("CELERY_BROKER_URL", "")
AVEC_WORKER = bool(COURTIER) and connection.vendor == "postgresql"


def url_de_la_base_de_test():
    base = settings.DATABASES["default"]
    hote = base.get("HOST") or "127.0.0.1"
    port = base.get("PORT") or 5432
    mot_de_passe = f":{base['PASSWORD']}" if base.get("PASSWORD") else ""
    return f"postgres://{base.get('USER') or 'postgres'}{mot_de_passe}@{hote}:{port}/{base['NAME']}"


@pytest.fixture
def worker(transactional_db):
    """Un worker Celery sur une file à part, ou rien quand les tâches s'exécutent sur place."""
    if not AVEC_WORKER:
        yield None
        return
    file = f"tests-{os.getpid()}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "logisens_suivi.settings",
        "DATABASE_URL": url_de_la_base_de_test(),
        "CELERY_BROKER_URL": COURTIER,
        "VAR_DIR": str(settings.VAR_DIR),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    processus = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "logisens_suivi",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            file,
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=RACINE,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    anciens = {k: app.conf[k] for k in ("task_always_eager", "broker_url", "task_default_queue")}
    app.conf.update(task_always_eager=False, broker_url=COURTIER, task_default_queue=file)
    try:
        yield processus
    finally:
        app.conf.update(anciens)
        processus.terminate()
        try:
            processus.wait(timeout=20)
        except subprocess.TimeoutExpired:
            processus.kill()


def attendre(rapport, processus, delai=120):
    limite = time.monotonic() + delai
    while time.monotonic() < limite:
        rapport.refresh_from_db()
        if rapport.statut in (StatutRapport.PRET, StatutRapport.ECHEC):
            return rapport
        if processus is not None and processus.poll() is not None:
            pytest.fail(f"Le worker s'est arrêté :\n{processus.stdout.read()}")
        time.sleep(0.5)
    pytest.fail(f"Rapport toujours « {rapport.get_statut_display()} » après {delai} s.")


def test_un_rapport_mis_en_file_est_produit_par_le_worker(worker):
    dispositif = DispositifFactory(nom="Bien vivre dans mon logement")
    coordinateur = MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user
    # Quatre orientations au premier semestre 2026, une au second : 4 reçues en 2026-S1.
    for jour in (date(2026, 1, 5), date(2026, 2, 10), date(2026, 4, 1), date(2026, 6, 30)):
        OrientationFactory(menage=MenageFactory(dispositif=dispositif), date_orientation=jour)
    OrientationFactory(
        menage=MenageFactory(dispositif=dispositif), date_orientation=date(2026, 7, 1)
    )

    rapport, lance = services.demander_rapport(coordinateur, dispositif, 2026, 1)
    assert lance
    rapport = attendre(rapport, worker)

    assert rapport.statut == StatutRapport.PRET, rapport.erreur
    texte = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(documents.lire(rapport.fichier_pdf))).pages
    )
    assert "Bien vivre dans mon logement" in texte
    assert re.search(r"Total reçu\s*4", texte)
    assert re.search(r"4\s*orientations reçues", texte)
    assert rapport.chiffres["orientations"]["recues"] == 4
