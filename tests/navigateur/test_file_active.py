"""La file active dans Chromium : la recherche part quand on tape ou qu'on change un filtre,
jamais quand on quitte le champ de recherche.

Un clic sur un ménage fait d'abord perdre le focus au champ de recherche. Si cette sortie du
champ relançait la recherche, ses résultats remplaceraient la liste entre l'appui et le
relâchement du bouton : le clic, parti sur un lien disparu, n'ouvrirait rien.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.comites.situations import Programme

from .conftest import chercher_en_file_active, se_connecter

MOT_DE_PASSE = "mot-de-passe-de-test"


@pytest.fixture
def programme(transactional_db):
    programme = Programme()
    programme.accompagne(nom="Vialatte")
    programme.accompagne(nom="Chaudesaigues")
    return programme


def recherches(page):
    """Les demandes de la liste envoyées par la page (htmx), notées au fil de l'eau."""
    envoyees = []
    page.on(
        "request",
        lambda demande: (
            envoyees.append(demande.url)
            if demande.headers.get("hx-request") and "/menages/?" in demande.url
            else None
        ),
    )
    return envoyees


def test_le_clic_sur_un_menage_ne_relance_pas_la_recherche(programme, page, live_server):
    se_connecter(page, live_server, programme.coordinateur.email, MOT_DE_PASSE)
    page.goto(f"{live_server.url}/menages/")
    envoyees = recherches(page)
    resultats = page.locator("#resultats")

    chercher_en_file_active(page, "Vial")
    expect(resultats.get_by_text("1 ménage")).to_be_visible()
    assert len(envoyees) == 1

    resultats.get_by_role("link", name="Vialatte Hortense").click()

    expect(page).to_have_url(re.compile(r"/menages/[0-9a-f-]{36}/$"))
    expect(page.get_by_role("heading", name=re.compile("Vialatte"))).to_be_visible()
    assert len(envoyees) == 1


def test_un_filtre_change_la_liste_sur_le_champ(programme, page, live_server):
    se_connecter(page, live_server, programme.coordinateur.email, MOT_DE_PASSE)
    page.goto(f"{live_server.url}/menages/")
    envoyees = recherches(page)
    resultats = page.locator("#resultats")
    expect(resultats.get_by_text("2 ménages")).to_be_visible()

    page.get_by_label("Trier par").select_option(label="Nom (décroissant)")

    expect(resultats.locator("tbody a").first).to_have_text("Vialatte Hortense")
    expect(page).to_have_url(re.compile(r"tri=-nom\b"))
    assert len(envoyees) == 1


@pytest.mark.parametrize("largeur", [1280, 1366, 1440])
def test_la_barre_tient_dans_l_ecran_meme_avec_un_nom_long(programme, page, live_server, largeur):
    coordinateur = programme.coordinateur
    coordinateur.first_name, coordinateur.last_name = "Marie-Christine", "Dupont-Lefebvre de Tour"
    coordinateur.save()
    page.set_viewport_size({"width": largeur, "height": 800})
    se_connecter(page, live_server, coordinateur.email, MOT_DE_PASSE)
    page.goto(f"{live_server.url}/menages/")

    # Rien ne déborde à droite : la page ne défile pas en largeur.
    expect(page.get_by_role("heading", name="File active")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Le lien d'accueil garde son nom (écrit, ou lu seulement par un lecteur d'écran entre
    # 1 200 et 1 400 px) ; le nom coupé de la personne est entier au survol.
    expect(page.get_by_role("link", name="Suivi des situations complexes")).to_be_visible()
    nom = page.locator(".nom-connecte")
    expect(nom).to_have_attribute("title", "Marie-Christine Dupont-Lefebvre de Tour")
