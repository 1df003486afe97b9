"""Chromium de Debian piloté par Playwright, pour les parcours des utilisateurs."""

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as ErreurPlaywright
from playwright.sync_api import expect, sync_playwright

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
OPTIONS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CAPTURES = Path(__file__).resolve().parents[2] / "captures"
# Ce qu'une assertion attend avant d'échouer : autant qu'une action (set_default_timeout). La
# suite tourne sur une machine partagée, à côté des autres tests : une page peut y mettre
# plusieurs secondes à venir, et les 5 s de Playwright ont déjà fait échouer un parcours sans
# défaut.
DELAI_MS = 15_000
expect.set_options(timeout=DELAI_MS)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/navigateur/" in str(item.fspath):
            item.add_marker(pytest.mark.navigateur)


@pytest.fixture
def demo(demos, transactional_db):
    """La démonstration du jour en base pour un parcours (mot de passe : demo-logisens).

    Chargée une fois par jour de la session (tests/conftest.py), rechargée ici depuis son
    export : le serveur de test lit une base réelle, vidée après chaque parcours. Un parcours
    qui commence après minuit, heure de Paris, a la démonstration du nouveau jour (sa séance
    « du jour », ses visites de la semaine).
    """
    demos.du_jour().recharger()


@pytest.fixture(scope="session")
def navigateur():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=OPTIONS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(navigateur, live_server):
    contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    contexte.set_default_timeout(DELAI_MS)
    onglet = contexte.new_page()
    yield onglet
    contexte.close()


@pytest.fixture
def telephone(navigateur, live_server):
    """Un écran de téléphone (390 × 844), tactile."""
    contexte = navigateur.new_context(
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    contexte.set_default_timeout(DELAI_MS)
    onglet = contexte.new_page()
    yield onglet
    contexte.close()


def capture(page, nom):
    """Garde une image de la page (captures/, hors dépôt) pour la relire et pour la doc."""
    CAPTURES.mkdir(exist_ok=True)
    page.screenshot(path=CAPTURES / f"{nom}.png", full_page=True)


def changer_de_largeur(page, largeur, hauteur):
    """Donne cette taille à la fenêtre et attend que le script de la page y ait réagi : le
    navigateur envoie `resize` avant de dessiner l'image suivante, deux images plus tard c'est
    fait (static/js/app.js, zones défilantes)."""
    page.set_viewport_size({"width": largeur, "height": hauteur})
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def se_connecter(page, live_server, email, mot_de_passe="demo-logisens"):
    page.goto(f"{live_server.url}/compte/connexion/")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(mot_de_passe)
    page.get_by_role("button", name="Se connecter").click()
    # Le clic rend la main dès que la page suivante commence à arriver : ce qui suit la lit
    # entière (une entrée comptée sur une page à moitié lue manquerait).
    page.wait_for_load_state("domcontentloaded")


def changer_de_personne(page):
    """Oublie la personne connectée dans ce navigateur, avant qu'une autre s'y connecte.

    Une demande encore en route (la clé du hors-ligne, demandée après le chargement)
    reposerait sinon, en arrivant, le cookie CSRF de la session d'avant par-dessus celui de la
    page de connexion, qui refuserait alors le formulaire. Quitter le document ne suffit pas :
    la demande annulée peut avoir déjà reçu ses en-têtes, et le cookie s'écrit après
    `clear_cookies` (vu une fois sur une trentaine d'intégrations). On attend donc que la page
    n'ait plus rien en route, puis on la quitte, puis on efface.
    """
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    page.context.clear_cookies()


def ouvrir_le_volet(page, id_du_volet, champ, exact=False):
    """Ouvre un volet dont le formulaire se charge à l'ouverture
    (`composants/volet_a_la_demande.html`) : le champ libellé `champ` n'y est pas avant, il y
    est après. Rend le volet."""
    volet = page.locator(f"#{id_du_volet}")
    expect(volet.get_by_label(champ, exact=exact)).to_have_count(0)
    volet.locator("summary").click()
    expect(volet.get_by_label(champ, exact=exact)).to_be_visible()
    return volet


def chercher_en_file_active(page, texte):
    """Tape `texte` dans la recherche de la file active et attend que la liste l'ait pris.

    La recherche part 400 ms après la frappe ; sa réponse remplace la liste puis pousse l'adresse
    de la page. Un lien déjà visible avant (les filtres d'avant le montraient) peut être cliqué
    au moment où la réponse remplace la liste : le clic tombe sur un lien remplacé et n'ouvre
    rien. On rend la main une fois la réponse arrivée et l'adresse poussée : la liste ne bouge
    plus.
    """

    def cherche_le_texte(adresse):
        return parse_qs(urlsplit(adresse).query).get("q") == [texte]

    with page.expect_response(lambda reponse: cherche_le_texte(reponse.url)):
        page.get_by_label("Nom ou référence locataire").fill(texte)
    page.wait_for_function(
        "texte => new URLSearchParams(location.search).get('q') === texte", arg=texte
    )
    return page.locator("#resultats")


def cocher(case):
    """Coche une case à cocher.

    Chromium perd parfois le clic sur une case (« Clicking the checkbox did not change its
    state », environ un essai sur mille dans la suite : le clic part, la case ne change pas,
    sans script de la page qui la touche). On vise de nouveau, trois fois au plus, en relisant
    l'état à chaque essai : un clic qui a pris n'est jamais défait, et une case qu'aucun clic ne
    coche fait toujours échouer le test.
    """
    for _ in range(3):
        try:
            case.check()
            return
        except ErreurPlaywright as erreur:
            if "did not change its state" not in str(erreur):
                raise
    expect(case).to_be_checked()


def ouvrir_le_menu_des_orientations(page):
    """Les entrées des orientations sont rangées sous un menu quand il y en a plusieurs.

    Attend d'abord la barre d'une personne connectée (`#menu`) et la page entière : appelée
    juste après « Se connecter », la page de connexion est parfois encore là sur une machine
    chargée ; le menu y manque, on ne l'ouvrirait pas et ses liens resteraient cachés.
    """
    expect(page.locator("#menu")).to_be_attached()
    page.wait_for_load_state("domcontentloaded")
    menu = page.get_by_role("button", name="Orientations")
    if menu.count():
        menu.click()


def ouvrir_le_menu_du_compte(page):
    """Ouvre le menu du compte, où sont « Double authentification » et « Se déconnecter » ;
    sur téléphone, déplie d'abord la barre (« Ouvrir le menu »).

    Le menu du compte ne s'ouvre qu'une fois la barre dépliée (classe `show`, la fin de son
    animation) : un clic pendant l'animation, sur une machine chargée, a déjà été perdu. Comme
    pour les orientations, la barre d'une personne connectée est attendue avant tout.
    """
    expect(page.locator("#menu")).to_be_attached()
    page.wait_for_load_state("domcontentloaded")
    barre = page.get_by_role("button", name="Ouvrir le menu")
    if barre.is_visible():
        barre.click()
        expect(page.locator("#menu")).to_have_class(re.compile(r"\bshow\b"))
    compte = page.locator("#menu .dropdown-toggle").last
    compte.click()
    expect(compte).to_have_attribute("aria-expanded", "true")


def se_deconnecter(page):
    """« Se déconnecter » depuis le menu du compte ; la déconnexion vide d'abord ce que
    l'appareil garde hors réseau, puis mène à la connexion."""
    ouvrir_le_menu_du_compte(page)
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("button", name="Se connecter")).to_be_visible()
