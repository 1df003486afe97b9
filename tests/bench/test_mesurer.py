"""La commande de mesure tourne sur un petit jeu et imprime ses colonnes ; jamais une durée
n'est une assertion (les chiffres se lisent dans docs/performance.md)."""

import gc
import json

import pytest

from bench.__main__ import main
from bench.mesurer import COLONNES, Resultat, bilan_des_budgets, juger

pytestmark = pytest.mark.django_db

CAS = ",".join(
    [
        "accueil (coordination)",
        "accueil (ts.repere)",
        "accueil (agent.bailleur)",
        "accueil (prescripteur)",
        "accueil (cotech)",
        "file active tri=nom page 1",
        "ménage à 30 interventions (ts.repere)",
        "accompagnement à 30 interventions (coordination)",
        "séance COTECH passée (cotech)",
        "mes orientations (agent.bailleur)",
        "membres du dispositif page 10",
        "accès et comptes page 10",
        "logements vacants page 10",
        "journal d'accès page 1",
        "décision d'un point (coordination)",
        "parcours accès d'un ménage (coordination)",
        "historique d'un ménage à 500 interventions (coordination)",
        "tableau de bord (coordination)",
        "fiche de clôture PDF",
        "dossier du droit d'accès PDF à 30 interventions",
        "export CSV de la file active",
        "export XLSX de la file active",
        "export XLSX de la file active (face au CSV)",
        "extrait CSV des épisodes (évaluation)",
    ]
)


@pytest.fixture
def jeu_du_banc():
    assert main(["construire", "--menages", "20", "--second", "0", "--interventions", "5"]) == 0


@pytest.fixture
def rien_de_gele():
    """La mesure gèle le tas de son processus, comme un worker de production ; le processus des
    tests le dégèle ensuite, pour que les tests suivants libèrent leur mémoire."""
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_la_mesure_imprime_ses_colonnes_et_son_json(jeu_du_banc, rien_de_gele, capsys, tmp_path):
    capsys.readouterr()
    sortie_json = tmp_path / "mesure.json"
    assert gc.get_freeze_count() == 0
    code = main(
        [
            "mesurer",
            "--repetitions",
            "1",
            "--filtre",
            CAS,
            "--sans-rapport",
            "--json",
            str(sortie_json),
        ]
    )
    assert code == 0
    # Ce que l'échauffement a chargé est gelé : une collecte complète ne le reparcourt pas
    # pendant les mesures (« Mesurer », docs/performance.md).
    assert gc.get_freeze_count() > 0
    sortie = capsys.readouterr().out
    lignes = sortie.splitlines()
    entete = next(ligne for ligne in lignes if ligne.startswith("cas"))
    for colonne, _ in COLONNES:
        assert colonne in entete
    for nom in CAS.split(","):
        ligne = next(ligne for ligne in lignes if ligne.startswith(nom[:40]))
        assert "erreur" not in ligne, ligne
        assert " ms" in ligne and "×" in ligne
        assert "tenu" in ligne.lower() or "—" in ligne
    assert "Budgets tenus" in sortie

    assert "étalon de la machine" in lignes[0]
    ecrit = json.loads(sortie_json.read_text())
    assert ecrit["machine"]["etalon_ms"] > 0
    resultats = ecrit["resultats"]
    assert {r["nom"] for r in resultats} == set(CAS.split(","))
    for r in resultats:
        assert r["requetes"] > 0 and r["ratio"] is not None and r["erreur"] == ""
        assert r["premier_appel_ms"] > 0  # l'échauffement, cache vidé : le temps à froid
    pdf = next(r for r in resultats if r["categorie"] == "pdf")
    assert pdf["base_requetes"] == 0  # WeasyPrint seul, sans base de données


def test_la_fin_d_un_passage_nomme_chaque_budget_non_tenu_et_ce_qui_le_depasse():
    resultats = [
        Resultat("tenue", "page", "coordination", "/", ratio=2.5, p95_ms=120),
        Resultat("trop lente", "page", "cotech", "/", ratio=3.4, p95_ms=180),
        Resultat("fiche", "pdf", "coordination", "/", ratio=2.3),
        Resultat("rapport", "rapport", "tâche", "", ratio=1.1, memoire_mio=300),
        Resultat("face au csv", "classeur_csv", "coordination", "/", ratio=13),
        Resultat("cassée", "page", "ts", "/", erreur="HTTP 500"),
    ]
    for resultat in resultats:
        if not resultat.erreur:
            juger(resultat)

    lignes = bilan_des_budgets([r for r in resultats if not r.erreur] + resultats[-1:])

    assert lignes[0] == "Budgets tenus : 1 / 4 ; erreurs : 1."
    assert lignes[1:] == [
        "  non tenu : trop lente (cotech) : 3.4× sa base, p95 180 ms ; "
        "budget ≤ 3× base, p95 ≤ 150 ms",
        "  non tenu : fiche (coordination) : 2.3× sa base ; budget ≤ 2× base",
        "  non tenu : rapport (tâche) : 300 Mio ; budget ≤ 2× base, ≤ 256 Mio",
    ]


def test_le_jugement_suit_les_budgets_de_chaque_categorie():
    page = Resultat("p", "page", "coordination", "/", ratio=2.5, p95_ms=120)
    juger(page)
    assert page.tenu is True
    lente = Resultat("p", "page", "coordination", "/", ratio=2.5, p95_ms=151)
    juger(lente)
    assert lente.tenu is False
    pdf = Resultat("f", "pdf", "coordination", "/", ratio=2.1)
    juger(pdf)
    assert pdf.tenu is False
    rapport = Resultat("r", "rapport", "tâche", "", ratio=1.5, memoire_mio=300)
    juger(rapport)
    assert rapport.tenu is False and "256 Mio" in rapport.budget
    # Un classeur XLSX face à openpyxl seul sur les mêmes lignes : le budget d'une fiche PDF
    # face à WeasyPrint seul ; face à un csv.writer, il est montré, hors budget.
    classeur = Resultat("x", "classeur", "coordination", "/", ratio=1.2)
    juger(classeur)
    assert classeur.tenu is True and classeur.budget == "≤ 2× base"
    lent = Resultat("x", "classeur", "coordination", "/", ratio=2.1)
    juger(lent)
    assert lent.tenu is False
    face_au_csv = Resultat("x", "classeur_csv", "coordination", "/", ratio=13)
    juger(face_au_csv)
    assert face_au_csv.tenu is None and face_au_csv.budget == "hors budget"
