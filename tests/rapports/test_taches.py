"""Les tâches du rapport gardent le nom qu'elles avaient dans `comites` : le planning de Celery
beat (réglages et base de django-celery-beat) et les messages déjà en file les appellent ainsi."""

from datetime import date

import pytest
from django.conf import settings

from core.enums import Role
from core.factories import DispositifFactory, MembreFactory
from logisens_suivi.celery import app
from menages.factories import MenageFactory, OrientationFactory
from rapports import services, tasks
from rapports.enums import StatutRapport

NOMS = {
    "produire_rapport_semestriel": "comites.tasks.produire_rapport_semestriel",
    "rapports_du_semestre_ecoule": "comites.tasks.rapports_du_semestre_ecoule",
}


@pytest.fixture(scope="module", autouse=True)
def taches_decouvertes():
    # Ce que fait le worker au démarrage : importer le module `tasks` de chaque app.
    app.loader.import_default_modules()


def test_les_taches_du_rapport_sont_enregistrees_sous_leur_ancien_nom():
    for fonction, nom in NOMS.items():
        tache = getattr(tasks, fonction)
        assert tache.name == nom
        assert app.tasks[nom].run is tache.run
    # Aucune n'est enregistrée une seconde fois sous le nom de son module actuel.
    # Les seules tâches nées dans `rapports` sont celles du rapport national consolidé et le
    # rafraîchissement des chiffres des tableaux de bord.
    assert sorted(nom for nom in app.tasks if nom.startswith("rapports.")) == [
        "rapports.tasks.produire_rapport_national",
        "rapports.tasks.rafraichir_les_chiffres",
        "rapports.tasks.rapport_national_du_semestre_ecoule",
    ]


def test_chaque_tache_planifiee_est_connue_du_worker():
    planifiees = {entree["task"] for entree in settings.CELERY_BEAT_SCHEDULE.values()}
    assert NOMS["rapports_du_semestre_ecoule"] in planifiees
    assert "rapports.tasks.rapport_national_du_semestre_ecoule" in planifiees
    assert planifiees <= set(app.tasks)


@pytest.mark.django_db
def test_un_message_deja_en_file_sous_l_ancien_nom_produit_le_rapport(
    django_capture_on_commit_callbacks,
):
    dispositif = DispositifFactory()
    OrientationFactory(
        menage=MenageFactory(dispositif=dispositif), date_orientation=date(2026, 2, 2)
    )
    coordinateur = MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user
    with django_capture_on_commit_callbacks(execute=False):
        rapport, _ = services.demander_rapport(coordinateur, dispositif, 2026, 1)

    # Le message tel qu'un worker le reçoit : le nom de la tâche et l'identifiant.
    app.tasks[NOMS["produire_rapport_semestriel"]].apply(args=[rapport.pk])

    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.PRET
    assert rapport.chiffres["orientations"]["recues"] == 1
