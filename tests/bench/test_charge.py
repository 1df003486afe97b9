"""L'essai de charge prépare des travailleurs de terrain déjà connectés, sur leurs propres
ménages ; le CPU des processus se lit dans /proc. (L'essai lui-même, gunicorn et locust, se
lance à la main : docs/performance.md.)"""

import os

import pytest
from django.conf import settings
from django.test import Client

from bench.charge import _temps_cpu, preparer_les_comptes
from bench.construire import construire

pytestmark = pytest.mark.django_db


def test_chaque_compte_prepare_ouvre_ses_propres_menages():
    construire(menages=20, second=0, interventions=5, sortie=None)
    comptes = preparer_les_comptes(3)
    assert comptes
    for compte in comptes:
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = compte["session"]
        assert client.get("/").status_code == 200
        suivi = compte["suivis"][0]
        assert client.get(f"/menages/{suivi['menage']}/").status_code == 200
        assert (
            client.get(f"/accompagnements/{suivi['accompagnement']}/intervention/").status_code
            == 200
        )


def test_le_temps_cpu_se_lit_pour_un_processus_vivant():
    assert _temps_cpu(os.getpid()) > 0
    assert _temps_cpu(2**22 + 12345) == 0.0
