import os

import pytest
from django.db import connection

# Playwright (API synchrone) tourne dans une boucle asyncio : Django doit l'accepter dans les
# tests navigateur, où le serveur de test et le navigateur partagent le processus.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Les fichiers les plus longs : un parcours dans Chromium ou la démonstration chargée ; puis le
# test d'accès généré, long aussi, mais sans la démonstration.
MARQUEURS_LONGS = ("navigateur", "demo")
LONGS_SANS_DEMO = "acces"

# Les fixtures qui ouvrent la base de test (directement ou par une fixture qui en dépend) ;
# `django_db_blocker` n'en est pas : les fixtures automatiques de pytest-django le demandent
# toutes, et il n'ouvre la base que sur une base de test déjà créée (`django_db_setup`).
FIXTURES_DE_LA_BASE = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "django_db_setup",
    "live_server",
}


def pytest_itemcollected(item):
    """Un test qui n'ouvre pas la base de test est marqué `sans_base` : pytest-django lui en
    refuse l'accès, son résultat ne dépend donc pas du moteur ; la passe SQLite de `.ci/run` ne
    le rejoue pas."""
    if not item.get_closest_marker("django_db") and not (
        FIXTURES_DE_LA_BASE & set(getattr(item, "fixturenames", ()))
    ):
        item.add_marker(pytest.mark.sans_base)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """En parallèle (pytest-xdist), les fichiers longs partent les premiers : les fichiers courts,
    distribués à la fin, équilibrent les processus au lieu qu'un seul finisse un long parcours.

    Les fichiers qui chargent la démonstration alternent avec ceux du test d'accès généré : le
    premier processus reçoit les deux premiers des uns et charge la démonstration, le second les
    deux premiers des autres, et trouve la démonstration prête quand il en a besoin
    (`tests/conftest.py:demo_chargee`, une fois pour toute la session) au lieu de l'attendre.

    Chaque processus trie la même collection de la même façon (tri stable), comme xdist l'exige ;
    lancée dans un seul processus, la suite garde l'ordre de pytest-django.
    """
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    avec_demo, sans_demo = {}, {}
    for item in items:
        if any(map(item.get_closest_marker, MARQUEURS_LONGS)):
            avec_demo.setdefault(item.path, len(avec_demo))
        elif item.path.parent.name == LONGS_SANS_DEMO:
            sans_demo.setdefault(item.path, len(sans_demo))
    # Rang d'un fichier long : 0, 2, 4… pour ceux de la démonstration, 1, 3, 5… pour les autres.
    rangs = {chemin: 2 * rang for chemin, rang in avec_demo.items()}
    rangs |= {chemin: 2 * rang + 1 for chemin, rang in sans_demo.items()}
    items.sort(key=lambda item: rangs.get(item.path, len(rangs) * 2))


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
