import os

import pytest
from django.db import connection

# Playwright (API synchrone) tourne dans une boucle asyncio : Django doit l'accepter dans les
# tests navigateur, où le serveur de test et le navigateur partagent le processus.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Les fichiers les plus longs : un parcours dans Chromium ou la démonstration chargée.
MARQUEURS_LONGS = ("navigateur", "demo")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """En parallèle (pytest-xdist), les fichiers longs partent les premiers : les fichiers courts,
    distribués à la fin, équilibrent les processus au lieu qu'un seul finisse un long parcours.

    Chaque processus trie la même collection de la même façon (tri stable), comme xdist l'exige ;
    lancée dans un seul processus, la suite garde l'ordre de pytest-django.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    longs = {item.path for item in items if any(map(item.get_closest_marker, MARQUEURS_LONGS))}
    items.sort(key=lambda item: item.path not in longs)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Avant que pytest-django supprime la base de test PostgreSQL, les sessions restées ouvertes
    sont fermées : un parcours dans Chromium laisse la sienne (ouverte dans le contexte de la
    boucle asyncio de Playwright, hors de portée de Django), et elle empêcherait la suppression."""
    yield
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as curseur:
            curseur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
