"""Ce que les lecteurs d'écran et le clavier reçoivent : le résumé des erreurs d'un formulaire
refusé (liens vers les champs, focus, saisie conservée) et l'annonce des résultats filtrés."""

import re

from playwright.sync_api import expect

from .conftest import se_connecter
from .test_intervention_telephone import accompagnement_partage

NOTE = "Entretien au local de l'association, point sur le dossier FSL."


def test_le_resume_des_erreurs_prend_le_focus_et_mene_au_champ(demo, telephone, live_server):
    accompagnement = accompagnement_partage()
    se_connecter(telephone, live_server, "ts.cantal@demo.test")
    telephone.goto(f"{live_server.url}/accompagnements/{accompagnement.public_id}/")
    telephone.get_by_role("link", name="Noter une intervention").click()
    telephone.locator("#id_note").fill(NOTE)
    # Le navigateur refuserait lui-même un champ obligatoire vide : on laisse le serveur juger.
    telephone.evaluate("document.querySelectorAll('form').forEach(f => f.noValidate = true)")
    telephone.locator("#id_date_heure").fill("")
    telephone.get_by_role("button", name="Enregistrer").click()

    resume = telephone.locator(".resume-erreurs")
    expect(resume).to_be_focused()
    lien = resume.get_by_role("link", name="Date et heure", exact=False)
    expect(lien).to_have_attribute("href", "#id_date_heure")
    expect(telephone.locator("#id_date_heure")).to_have_attribute("aria-invalid", "true")
    expect(telephone.locator("#id_note")).to_have_value(NOTE)
    lien.click()
    expect(telephone.locator("#id_date_heure")).to_be_focused()


def test_le_nombre_de_resultats_filtres_est_annonce(demo, page, live_server):
    se_connecter(page, live_server, "coordinateur.cantal@demo.test")
    page.goto(f"{live_server.url}/menages/")
    region = page.locator("#annonces")
    expect(region).to_have_attribute("aria-live", "polite")
    expect(region).to_have_text("")
    page.locator("input[name=q]").fill("zzzz-aucun-menage")
    expect(region).to_have_text(re.compile(r"^0 ménages?$"))
