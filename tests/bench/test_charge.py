"""L'essai de charge prépare des travailleurs de terrain déjà connectés, sur leurs propres
ménages ; le CPU des processus se lit dans /proc. (L'essai lui-même, gunicorn et locust, se
lance à la main : docs/performance.md.)"""

import os

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from bench.charge import _temps_cpu, cpu_postgresql, preparer_les_comptes
from bench.construire import construire
from bench.rythme import prochaine_tache

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


def test_le_temps_cpu_de_postgresql_avance_quand_la_base_travaille():
    if connection.vendor != "postgresql" or connection.settings_dict["HOST"] not in (
        "127.0.0.1",
        "localhost",
    ):
        # L'essai de charge se lance sur PostgreSQL ; ce cas tourne dans la passe PostgreSQL
        # de .ci/run, où la base est sur la même machine.
        pytest.skip("La base n'est pas un PostgreSQL de cette machine.")
    avant = cpu_postgresql()
    with connection.cursor() as curseur:
        curseur.execute("SELECT count(*) FROM generate_series(1, 3000000)")
    # Le travail de la base se lit dans ses processus, pas dans celui des tests.
    assert cpu_postgresql() - avant > 0.05


def test_chaque_utilisateur_garde_son_instant_dans_la_seconde():
    # Une tâche commencée à 10,3 s et finie à 10,5 s : la suivante à 11,3 s, pas à 11 s.
    assert prochaine_tache(10.3, 10.5) == pytest.approx((11.3, 0.8))
    # D'un utilisateur à l'autre, les instants restent ceux tirés au démarrage.
    assert prochaine_tache(10.7, 10.75)[0] == pytest.approx(11.7)


def test_une_tache_trop_longue_decale_la_suite_sans_rafale():
    # Commencée à 10,3 s, finie à 12 s : la suivante part tout de suite, puis une par seconde
    # à partir de là (pas deux d'un coup pour rattraper).
    prochaine, attente = prochaine_tache(10.3, 12.0)
    assert (prochaine, attente) == (12.0, 0.0)
    assert prochaine_tache(prochaine, 12.2) == pytest.approx((13.0, 0.8))
