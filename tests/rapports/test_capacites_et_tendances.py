"""La capacité cible de chaque territoire (Haute-Savoie : 15 à Annecy, 10 sur le Léman, 5 sur
l'Arve) à côté des accompagnements actifs du territoire ; la tendance et la phrase de lecture
des chiffres sans cible ; chaque chiffre du tableau de bord et du rapport avec sa cible et le
semestre précédent."""

import io
import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from core import reglages
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory, TerritoireFactory
from core.models import HistoriqueReglage
from menages.factories import MenageFactory, OrientationFactory
from rapports import documents, indicateurs, pilotage, services
from rapports.models import RapportSemestriel
from tests.outils import texte

from .test_indicateurs import episode

pytestmark = pytest.mark.django_db


def coordination(dispositif):
    return MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user


@pytest.fixture
def savoie():
    """Un dispositif à trois territoires et leurs capacités cibles ; 3 accompagnements actifs à
    Annecy et 1 sur le Léman au second semestre 2025."""
    dispositif = DispositifFactory(nom="Un logement pérenne", slug="savoie")
    user = coordination(dispositif)
    territoires = {
        nom: TerritoireFactory(dispositif=dispositif, nom=nom)
        for nom in ("Annecy", "Léman", "Arve")
    }
    for nom, capacite in (("Annecy", 15), ("Léman", 10), ("Arve", 5)):
        reglages.fixer_capacite_territoire(user, territoires[nom], capacite)
    for _ in range(3):
        episode(dispositif, date(2025, 7, 1), territoire=territoires["Annecy"])
    episode(dispositif, date(2025, 7, 1), territoire=territoires["Léman"])
    return dispositif, user, territoires


@pytest.fixture
def produire(django_capture_on_commit_callbacks):
    def _produire(user, dispositif, annee, semestre):
        with django_capture_on_commit_callbacks(execute=True):
            rapport, _ = services.demander_rapport(user, dispositif, annee, semestre)
        rapport.refresh_from_db()
        assert rapport.fichier_pdf, rapport.erreur
        return rapport

    return _produire


def lu(rapport):
    lecteur = PdfReader(io.BytesIO(documents.lire(rapport.fichier_pdf)))
    return " ".join(" ".join(page.extract_text() for page in lecteur.pages).split())


# --- La capacité d'un territoire : un réglage de la coordination ----------------------------


def test_la_capacite_d_un_territoire_se_regle_et_s_inscrit_dans_l_historique(savoie):
    dispositif, user, territoires = savoie
    assert reglages.fixer_capacite_territoire(user, territoires["Annecy"], 20)
    assert not reglages.fixer_capacite_territoire(user, territoires["Annecy"], 20)
    territoires["Annecy"].refresh_from_db()
    assert territoires["Annecy"].capacite == 20
    dernier = HistoriqueReglage.objects.filter(dispositif=dispositif).first()
    assert (dernier.reglage, dernier.ancienne_valeur, dernier.nouvelle_valeur) == (
        "Capacité du territoire Annecy",
        "15",
        "20",
    )


def test_une_capacite_impossible_est_refusee(savoie):
    _, user, territoires = savoie
    for valeur in (-1, 100_001, None):
        with pytest.raises(ValidationError):
            reglages.fixer_capacite_territoire(user, territoires["Arve"], valeur)


@pytest.mark.parametrize("role", [r for r in Role if r != Role.COORDINATEUR], ids=lambda r: r.value)
def test_seule_la_coordination_regle_la_capacite(savoie, role):
    dispositif, _, territoires = savoie
    autre = MembreFactory(dispositif=dispositif, role=role).user
    with pytest.raises(PermissionDenied):
        reglages.fixer_capacite_territoire(autre, territoires["Arve"], 8)


def test_la_coordination_territoriale_ne_regle_pas_la_capacite(savoie):
    dispositif, _, territoires = savoie
    territoriale = MembreFactory(
        dispositif=dispositif, role=Role.COORDINATEUR, territoire=territoires["Annecy"]
    ).user
    with pytest.raises(PermissionDenied):
        reglages.fixer_capacite_territoire(territoriale, territoires["Annecy"], 30)


def test_la_page_des_reglages_modifie_nom_et_capacite(client, savoie):
    dispositif, user, territoires = savoie
    client.force_login(user)
    adresse = reverse("core:reglages", args=[dispositif.slug])
    reponse = client.post(
        adresse,
        {
            "action": "renommer_territoire",
            "territoire": territoires["Arve"].pk,
            "nom": "Arve",
            "capacite": "7",
        },
    )
    assert reponse.status_code == 302
    territoires["Arve"].refresh_from_db()
    assert territoires["Arve"].capacite == 7
    page = texte(client.get(adresse))
    assert "Capacité du territoire Arve" in page
    assert 'name="capacite"' in page


def test_une_capacite_mal_ecrite_est_refusee_en_francais(client, savoie):
    dispositif, user, territoires = savoie
    client.force_login(user)
    reponse = client.post(
        reverse("core:reglages", args=[dispositif.slug]),
        {
            "action": "renommer_territoire",
            "territoire": territoires["Arve"].pk,
            "nom": "Arve",
            "capacite": "cinq",
        },
    )
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Saisissez un nombre entier" in page
    # La saisie refusée reste dans le champ.
    assert re.search(rf'id="capacite-{territoires["Arve"].pk}"[^>]*value="cinq"', page)
    territoires["Arve"].refresh_from_db()
    assert territoires["Arve"].capacite == 5


# --- La capacité à côté du chiffre réel, figée dans le rapport ------------------------------


def test_le_rapport_compare_chaque_territoire_a_sa_capacite_et_la_garde(savoie, produire):
    dispositif, user, territoires = savoie
    ancien = produire(user, dispositif, 2025, 2)
    assert ancien.chiffres["capacites_territoires"] == [
        {"territoire": "Annecy", "valeur": 15},
        {"territoire": "Arve", "valeur": 5},
        {"territoire": "Léman", "valeur": 10},
    ]
    texte_pdf = lu(ancien)
    assert "Capacité cible" in texte_pdf
    assert re.search(r"Annecy 3 15 —", texte_pdf)
    assert (
        "3 accompagnements actifs sur le territoire Annecy, en dessous de la cible de 15 ; "
        "premier semestre mesuré." in texte_pdf
    )

    # La capacité change après le rapport : le rapport rendu ne bouge pas, le suivant compare
    # à la nouvelle capacité et au chiffre stocké du semestre précédent.
    reglages.fixer_capacite_territoire(user, territoires["Annecy"], 20)
    episode(dispositif, date(2026, 2, 1), territoire=territoires["Annecy"])
    assert RapportSemestriel.objects.get(pk=ancien.pk).chiffres["capacites_territoires"][0] == {
        "territoire": "Annecy",
        "valeur": 15,
    }
    suivant = produire(user, dispositif, 2026, 1)
    texte_pdf = lu(suivant)
    assert re.search(r"Annecy 4 20 3", texte_pdf)
    assert (
        "4 accompagnements actifs sur le territoire Annecy, en dessous de la cible de 20 ; "
        "3 au semestre précédent." in texte_pdf
    )
    classeur = load_workbook(io.BytesIO(documents.lire(suivant.fichier_xlsx)))
    cibles = {r[3]: r[1] for r in classeur["Cibles"].iter_rows(min_row=2, values_only=True)}
    assert cibles["file_active.par_territoire.Annecy"] == 20
    tendances = [
        (r[1], r[2], r[3])
        for r in classeur["Tendances"].iter_rows(min_row=2, values_only=True)
        if r[5] == "file_active.par_territoire.Annecy"
    ]
    assert tendances == [("2025-S2", 3, 20), ("2026-S1", 4, 20)]


def test_le_tableau_de_bord_montre_les_territoires_et_leur_capacite(client, savoie):
    dispositif, user, _ = savoie
    client.force_login(user)
    page = texte(
        client.get(
            reverse("rapports:tableau_de_bord", args=[dispositif.slug]), {"semestre": "2025-S2"}
        )
    )
    bloc = page[page.index('id="territoires"') :]
    assert re.search(r"Annecy</th>\s*<td[^>]*>3</td>\s*<td[^>]*>15</td>", bloc)
    assert re.search(r"Arve</th>\s*<td[^>]*>0</td>\s*<td[^>]*>5</td>", bloc)
    assert "3 accompagnements actifs sur le territoire Annecy, en dessous de la cible de 15" in page


# --- Les chiffres sans cible : tendance et lecture ; chaque chiffre avec son précédent --------


def test_les_chiffres_sans_cible_ont_leur_tendance_et_leur_phrase():
    dispositif = DispositifFactory()
    RapportSemestriel.objects.create(
        dispositif=dispositif,
        annee=2025,
        semestre=2,
        statut="pret",
        chiffres={"orientations": {"recues": 4}},
    )
    for _ in range(6):
        OrientationFactory(
            menage=MenageFactory(dispositif=dispositif), date_orientation=date(2026, 3, 2)
        )
    chiffres = pilotage.avec_cibles(indicateurs.calculer(dispositif, 2026, 1), dispositif)
    lignes = pilotage.comparer(chiffres, pilotage.semestres_precedents(dispositif, 2026, 1))
    recues = next(ligne for ligne in lignes if ligne["cle"] == "orientations.recues")
    assert recues["lecture"] == "6 orientations reçues ; 4 au semestre précédent."
    assert [(p["semestre"], p["valeur"]) for p in recues["serie"]] == [
        ("2025-S2", 4),
        ("2026-S1", 6),
    ]
    assert "<title>" in recues["graphique"] or "aria-label" in recues["graphique"]
    assert "Orientations reçues" in recues["graphique"]
    assert not recues["principal"]
    # Chaque chiffre suivi sans cible a une courbe et une phrase.
    cles = {ligne["cle"] for ligne in lignes}
    assert {suivi.cle for suivi in pilotage.SUIVIS} <= cles


def test_chaque_tuile_du_tableau_de_bord_porte_cible_et_semestre_precedent(client):
    dispositif = DispositifFactory()
    RapportSemestriel.objects.create(
        dispositif=dispositif,
        annee=2025,
        semestre=2,
        statut="pret",
        chiffres={"orientations": {"recues": 4}, "interventions": {"total": 9}},
    )
    client.force_login(MembreFactory(dispositif=dispositif, role=Role.MEMBRE_COPIL).user)
    page = texte(
        client.get(
            reverse("rapports:tableau_de_bord", args=[dispositif.slug]), {"semestre": "2026-S1"}
        )
    )
    tuiles = re.findall(r'<div class="carte-chiffre.*?</div>\s*</div></div>', page, re.S)
    assert len(tuiles) == 8
    for tuile in tuiles:
        assert "semestre précédent" in tuile, tuile
    assert any("semestre précédent : 4" in t and "orientations reçues" in t for t in tuiles)
    assert any("semestre précédent : 9" in t and "interventions" in t for t in tuiles)


def test_chaque_chiffre_du_rapport_porte_son_semestre_precedent(produire):
    dispositif = DispositifFactory()
    user = coordination(dispositif)
    for jour in (date(2025, 8, 1), date(2025, 9, 1)):
        OrientationFactory(menage=MenageFactory(dispositif=dispositif), date_orientation=jour)
    produire(user, dispositif, 2025, 2)
    for _ in range(5):
        OrientationFactory(
            menage=MenageFactory(dispositif=dispositif), date_orientation=date(2026, 3, 2)
        )
    texte_pdf = lu(produire(user, dispositif, 2026, 1))
    # Le tableau des orientations : 5 reçues, 2 au semestre précédent.
    assert re.search(r"Total reçu 5 2", texte_pdf)
    assert "5 orientations reçues ; 2 au semestre précédent." in texte_pdf
    assert texte_pdf.count("Sem. préc.") >= 15
    # Chaque tuile de « L'essentiel » porte le rappel.
    essentiel = texte_pdf[texte_pdf.index("L'essentiel du semestre") : texte_pdf.index("Cibles et")]
    assert essentiel.count("semestre précédent") == 12
