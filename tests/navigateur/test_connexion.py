"""Parcours : un travailleur social du Cantal se connecte et voit son accueil."""

from playwright.sync_api import expect

from .conftest import capture, se_connecter


def test_ts_cantal_se_connecte_et_voit_son_accueil(demo, page, live_server):
    page.goto(live_server.url)
    expect(page).to_have_url(f"{live_server.url}/compte/connexion/?next=/")
    capture(page, "connexion")
    se_connecter(page, live_server, "ts.cantal@demo.test")
    expect(page.get_by_role("heading", name="Face à des situations complexes")).to_be_visible()
    expect(page.get_by_text("Travailleur·se social·e").first).to_be_visible()
    expect(page.get_by_text("Bien vivre dans mon logement")).to_have_count(0)
    capture(page, "accueil-ts-cantal")


def test_sur_telephone_le_menu_se_replie(demo, telephone, live_server):
    se_connecter(telephone, live_server, "coordinateur.cantal@demo.test")
    expect(telephone.get_by_role("heading", name="Face à des situations complexes")).to_be_visible()
    menu = telephone.get_by_role("button", name="Ouvrir le menu")
    expect(menu).to_be_visible()
    menu.click()
    expect(telephone.get_by_role("link", name="File active", exact=True)).to_be_visible()
    capture(telephone, "accueil-coordinateur-telephone")


def test_mauvais_mot_de_passe_reste_sur_la_connexion(demo, page, live_server):
    se_connecter(page, live_server, "ts.cantal@demo.test", "pas-le-bon")
    expect(page.get_by_text("Adresse électronique ou mot de passe incorrect.")).to_be_visible()
    expect(page.get_by_label("Adresse électronique")).to_have_value("ts.cantal@demo.test")
