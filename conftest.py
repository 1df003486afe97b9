import os

import pytest

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
