"""Parcours : le membre du COPIL télécharge le rapport du dernier semestre et n'atteint aucune
page de ménage."""

import io

from playwright.sync_api import expect
from pypdf import PdfReader

from menages.models import Menage

from .conftest import capture, se_connecter


def test_copil_telecharge_le_rapport_et_ne_voit_aucun_menage(demo, page, live_server):
    se_connecter(page, live_server, "copil.cantal@demo.test")
    expect(page.get_by_role("link", name="File active", exact=True)).to_have_count(0)
    page.get_by_role("link", name="Rapports").click()
    section = page.get_by_role("region", name="Face à des situations complexes")
    # La démonstration a les rapports des trois derniers semestres : le plus récent en tête.
    expect(section.get_by_text("Prêt").first).to_be_visible()
    capture(page, "rapports-copil")
    lien = section.get_by_role("link", name="PDF").first
    reponse = page.request.get(live_server.url + lien.get_attribute("href"))
    assert reponse.ok and reponse.headers["content-type"] == "application/pdf"
    texte = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(reponse.body())).pages)
    assert "RAPPORT D'ACTIVITÉ SEMESTRIEL" in texte
    assert "Cibles et tendances" in texte
    noms = Menage.objects.filter(dispositif__slug="cantal").values_list("nom", flat=True)
    assert not [nom for nom in noms if nom in texte]

    section.get_by_role("link", name="Tableau de bord").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    capture(page, "tableau-de-bord-copil")

    for menage in Menage.objects.filter(dispositif__slug="cantal")[:5]:
        reponse = page.goto(f"{live_server.url}/menages/{menage.public_id}/")
        assert reponse.status == 404
    assert page.goto(f"{live_server.url}/menages/").status == 403
    assert page.goto(f"{live_server.url}/menages/export.csv").status == 403
