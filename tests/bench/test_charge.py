"""L'essai de charge prépare des travailleurs de terrain déjà connectés, sur leurs propres
ménages ; le CPU des processus se lit dans /proc. (L'essai lui-même, gunicorn et locust, se
lance à la main : docs/performance.md.)"""

import os

import pytest
from django.conf import settings
from django.test import Client

from bench import etalon
from bench.charge import TICKS, _temps_cpu, cpu_postgresql, preparer_les_comptes
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


def _processus(proc, pid, nom, parent, utime, stime, cutime, cstime):
    # Le format de /proc/<pid>/stat : pid (nom) état parent … utime stime cutime cstime …
    dossier = proc / str(pid)
    dossier.mkdir()
    champs = ["S", parent, *[0] * 9, utime, stime, cutime, cstime, 20, 0]
    (dossier / "stat").write_text(f"{pid} ({nom}) " + " ".join(map(str, champs)))


def test_le_temps_cpu_de_postgresql_compte_chaque_processus_une_fois(tmp_path):
    """Le processus principal avec ses enfants terminés, chaque connexion avec son seul temps
    (ce qu'elle a lancé et fini compte déjà chez elle s'il y a lieu), rien des autres
    programmes."""
    _processus(tmp_path, 1, "init", 0, 50, 50, 900, 900)
    _processus(tmp_path, 100, "postgres", 1, 10, 5, 7, 3)
    _processus(tmp_path, 101, "postgres", 100, 4, 1, 99, 99)
    _processus(tmp_path, 102, "postgres", 100, 6, 2, 0, 0)
    _processus(tmp_path, 200, "gunicorn", 1, 1000, 1000, 0, 0)
    (tmp_path / "self").mkdir()  # les entrées qui ne sont pas des processus sont ignorées
    assert cpu_postgresql(tmp_path) == pytest.approx((10 + 5 + 7 + 3 + 4 + 1 + 6 + 2) / TICKS)


def test_sans_postgresql_sur_la_machine_le_temps_est_nul(tmp_path):
    _processus(tmp_path, 1, "init", 0, 50, 50, 900, 900)
    assert cpu_postgresql(tmp_path) == 0.0


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


def test_l_etalon_mesure_un_travail_fixe_en_temps_de_cpu():
    # Le même travail, le même résultat : l'étalon ne dépend que de la machine.
    assert etalon._travail() == etalon._travail() > etalon.LIGNES
    assert etalon.etalon_ms(repetitions=1) > 0
