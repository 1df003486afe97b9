"""Le parcours des liens du banc : chaque compte suit ce que le produit lui montre, chaque page
atteinte est mesurée et imprimée ; un lien qui ne s'ouvre pas est signalé. Jamais une durée
n'est une assertion."""

import pytest

from bench.__main__ import main
from bench.mesurer import Jeu
from bench.parcourir import _liens, atteindre

pytestmark = pytest.mark.django_db


@pytest.fixture
def jeu_du_banc():
    assert main(["construire", "--menages", "20", "--second", "0", "--interventions", "5"]) == 0


def test_le_parcours_imprime_les_pages_atteintes_de_chaque_compte(jeu_du_banc, capsys):
    capsys.readouterr()
    # Toutes les pages imprimées : les plus lentes d'abord, l'ordre suit le bruit de la machine.
    assert (
        main(
            [
                "parcourir",
                "--roles",
                "coordination,ts.repere",
                "--repetitions",
                "1",
                "--premieres",
                "1000",
            ]
        )
        == 0
    )
    sortie = capsys.readouterr().out
    assert "coordination : " in sortie and "ts.repere : " in sortie
    lignes = [ligne for ligne in sortie.splitlines() if " ms " in ligne]
    assert any("ecrans:accueil" in ligne for ligne in lignes)
    assert any("ecrans:menage" in ligne for ligne in lignes)
    assert "Chaque lien montré s'ouvre." in sortie


def test_un_lien_qui_ne_s_ouvre_pas_est_signale(jeu_du_banc):
    client = Jeu().client("ts.repere")
    pages, refus = atteindre(client, 2, 10, depart="/tableau-de-bord/banc-national/")
    assert pages == []
    assert refus and refus[0][1] == "/tableau-de-bord/banc-national/"
    assert refus[0][2] in (403, 404)


def test_ni_fichier_ni_envoi_ni_lien_externe_ne_se_suit():
    page = (
        '<a href="/menages/">file</a><a href="/menages/export.csv">csv</a>'
        '<a href="/accompagnements/x/fiche-de-suivi.pdf">pdf</a>'
        '<a href="/dispositifs/d/membres/export/?format=xlsx">xlsx</a>'
        '<a href="/compte/deconnexion/">sortie</a><a href="https://exemple.fr/">dehors</a>'
        '<a href="#contenu">ancre</a><span hx-get="/rapports/?a=1&amp;b=2"></span>'
    )
    assert list(_liens("/", page)) == ["/menages/", "/rapports/?a=1&b=2"]


def test_les_fichiers_se_suivent_quand_on_le_demande():
    page = '<a href="/menages/export.csv">csv</a><a href="/compte/deconnexion/">sortie</a>'
    assert list(_liens("/", page, fichiers=True)) == ["/menages/export.csv"]
