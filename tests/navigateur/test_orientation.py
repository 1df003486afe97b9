"""Parcours : l'agent du bailleur oriente un ménage, la coordination le retrouve en file active."""

from playwright.sync_api import expect

from menages.models import Orientation

from .conftest import (
    capture,
    changer_de_personne,
    chercher_en_file_active,
    cocher,
    ouvrir_le_menu_des_orientations,
    se_connecter,
)


def test_l_agent_oriente_et_la_coordination_retrouve_le_menage(demo, page, live_server):
    se_connecter(page, live_server, "bailleur.cantal@demo.test")
    ouvrir_le_menu_des_orientations(page)
    page.get_by_role("link", name="Orienter un ménage").first.click()
    expect(page.get_by_role("heading", name="Fiche d'orientation")).to_be_visible()

    page.locator("#id_source").select_option(label="Bailleur : recouvrement")
    page.locator("#id_reference_locataire").fill("CAN-TEST-42")
    page.locator("#id_nom").fill("VERNIERES")
    page.locator("#id_prenom").fill("Josiane")
    page.locator("#id_adresse").fill("12 rue du Rieu")
    page.locator("#id_code_postal").fill("15100")
    page.locator("#id_commune").fill("Saint-Flour")
    page.locator("#id_loyer").fill("412,50")
    cocher(page.get_by_label("impayés"))
    cocher(page.get_by_label("isolement / rupture"))
    page.locator("#id_dette_locative").fill("3150,00")
    page.locator("#id_stade_procedure").select_option(label="Assignation")
    cocher(page.get_by_label("Le contact avec le bailleur est rompu"))
    capture(page, "fiche-orientation-agent")
    page.get_by_role("button", name="Envoyer l'orientation").click()

    expect(page.get_by_text("Orientation envoyée à la coordination.")).to_be_visible()
    orientation = Orientation.objects.get(menage__reference_locataire="CAN-TEST-42")
    assert orientation.orientee_par.email == "bailleur.cantal@demo.test"
    assert orientation.menage.logements.get().territoire.nom == "Saint-Flour"
    page.goto(f"{live_server.url}/orientations/mes-orientations/")
    expect(page.get_by_role("link", name="VERNIERES Josiane")).to_be_visible()
    expect(page.locator("tbody").get_by_text("Reçue").first).to_be_visible()

    changer_de_personne(page)
    se_connecter(page, live_server, "coordinateur.cantal@demo.test")
    page.get_by_role("link", name="File active", exact=True).click()
    page.get_by_label("Territoire").select_option(label="Saint-Flour")
    page.get_by_label("Problématique").select_option(label="isolement / rupture")
    page.get_by_label("Statut de l'orientation").select_option(label="Reçue")
    resultats = page.locator("#resultats")
    expect(resultats.get_by_role("link", name="VERNIERES Josiane")).to_be_visible()
    chercher_en_file_active(page, "CAN-TEST")
    expect(resultats.get_by_text("1 ménage")).to_be_visible()
    capture(page, "file-active-coordinateur")
    resultats.get_by_role("link", name="VERNIERES Josiane").click()
    expect(page.get_by_text("3 150,00 €").first).to_be_visible()
    expect(page.get_by_text("contact rompu avec le bailleur")).to_be_visible()
    capture(page, "menage-coordinateur")
