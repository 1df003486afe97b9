"""Parcours accès de bout en bout, avec les comptes de la démonstration de Haute-Savoie : le SIAO
oriente un ménage qui sort d'hébergement d'urgence ; la coordination du bailleur enregistre ses
besoins, propose le logement le mieux classé, la CAL l'attribue ; le SIAO lit la décision et son
explication ; le bail glissant est signé avec ARIES ; l'accompagnement s'ouvre avec la
travailleuse sociale d'ARIES et le référent du bailleur, qui voit le ménage et le relais du lien.

Chaque geste passe par l'interface ; la base n'est lue que pour vérifier."""

from playwright.sync_api import expect

from acces.models import Bail, Proposition
from accompagnement.models import Accompagnement
from core.models import User
from menages.models import Orientation

from .conftest import (
    capture,
    chercher_en_file_active,
    cocher,
    ouvrir_le_menu_des_orientations,
    ouvrir_le_volet,
    se_connecter,
    se_deconnecter,
)

SIAO = "prescripteur.savoie@demo.test"
COORDINATION = "coordinateur.savoie@demo.test"
REFERENT_BAILLEUR = "bailleur.savoie@demo.test"
TRAVAILLEUSE_SOCIALE = "ts.savoie@demo.test"
EXPLICATION = "Logement attribué : état des lieux le 15, ARIES accompagne Mme Roux à la signature."


def _choisir(page, selecteur, texte):
    """Choisit l'option d'une liste dont le libellé contient ce texte (le nom d'une personne)."""
    valeur = page.locator(f"{selecteur} option", has_text=texte).first.get_attribute("value")
    page.locator(selecteur).select_option(valeur)


def test_du_signalement_du_siao_au_bail_glissant_et_au_relais(demo, page, live_server):
    # Quatre comptes à la suite sur une machine chargée : de la marge.
    page.set_default_timeout(60_000)
    page.set_viewport_size({"width": 1280, "height": 900})

    # 1. Le SIAO oriente un ménage qui sort d'hébergement d'urgence (sans dette ni procédure).
    se_connecter(page, live_server, SIAO)
    ouvrir_le_menu_des_orientations(page)
    page.get_by_role("link", name="Orienter un ménage").first.click()
    expect(page.get_by_text("Orientation par SIAO de la Haute-Savoie")).to_be_visible()
    expect(page.locator("#id_dette_locative")).to_have_count(0)
    page.locator("#id_nom").fill("ROUX")
    page.locator("#id_prenom").fill("Sandrine")
    page.locator("#id_contact_prescripteur").fill("Élodie Vuarnet, référente SIAO")
    page.locator("#id_statut_occupation").select_option(label="Hébergé")
    cocher(page.get_by_label("sortie d'hébergement"))
    page.locator("#id_description").fill(
        "Hébergement d'urgence à Annecy depuis huit mois avec sa fille ; prête au logement."
    )
    page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(page.get_by_text("Orientation envoyée à la coordination.")).to_be_visible()
    orientation = Orientation.objects.get(menage__nom="ROUX", menage__prenom="Sandrine")
    assert orientation.organisation.nom == "SIAO de la Haute-Savoie"
    menage = orientation.menage
    se_deconnecter(page)

    # 2. La coordination du bailleur trouve le ménage et enregistre ses besoins.
    se_connecter(page, live_server, COORDINATION)
    page.get_by_role("link", name="File active", exact=True).click()
    ligne = chercher_en_file_active(page, "ROUX").get_by_role("link", name="ROUX Sandrine")
    expect(ligne).to_be_visible()
    ligne.click()
    page.get_by_role("link", name="Parcours accès : besoins, propositions, CAL").click()
    page.get_by_role("link", name="Enregistrer les besoins").click()
    cocher(page.get_by_label("Annecy").first)  # secteur souhaité
    page.get_by_label("Typologie au moins").select_option("T2")
    page.get_by_label("Typologie au plus").select_option("T4")
    cocher(page.get_by_label("Proche des transports"))
    page.get_by_label("Ressources mensuelles (€)").fill("1250")
    page.get_by_label("Précisions").fill("Fille scolarisée à Annecy ; pas d'animaux.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Besoins en logement enregistrés.")).to_be_visible()

    # 3. Elle propose le logement classé en tête, avec son taux d'effort et ses raisons.
    classement = page.locator("#classement").locator("..")
    premier = classement.locator("article").first
    expect(premier).to_contain_text("taux d'effort")
    expect(premier.locator("li.text-success").first).to_be_visible()
    capture(page, "acces-demo-classement")
    premier.get_by_role("button", name="Proposer").click()
    expect(page.get_by_text("Logement proposé")).to_be_visible()
    proposition = Proposition.objects.get(menage=menage)
    assert proposition.logement.territoire.nom == "Annecy"

    # 4. Le prescripteur est informé d'abord, puis le ménage accepte ; le dossier est complet.
    page.get_by_role("button", name="Prescripteur informé").click()
    expect(page.get_by_text("Information du prescripteur notée.")).to_be_visible()
    page.get_by_label("Réponse du ménage").select_option("acceptee")
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.get_by_text("Réponse du ménage enregistrée.")).to_be_visible()
    recues = page.get_by_role("button", name="Reçue")
    for _ in range(recues.count()):
        page.get_by_role("button", name="Reçue").first.click()
        expect(page.get_by_text("Pièce du dossier notée.")).to_be_visible()
    expect(page.get_by_role("button", name="Reçue")).to_have_count(0)

    # 5. La CAL attribue, avec l'explication à transmettre au prescripteur.
    page.get_by_label("Décision").select_option("attribution")
    page.get_by_label("Explication à transmettre au prescripteur").fill(EXPLICATION)
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision de la CAL enregistrée.")).to_be_visible()
    se_deconnecter(page)

    # 6. Le SIAO lit la décision de la CAL et son explication sur son accueil, puis dans le
    # parcours du ménage, depuis ses orientations.
    se_connecter(page, live_server, SIAO)
    cal = page.get_by_role("region", name="Décisions de la CAL sur les ménages de votre structure")
    ligne = cal.locator("li", has_text="ROUX Sandrine")
    expect(ligne).to_contain_text("Attribution")
    expect(ligne).to_contain_text("ARIES accompagne Mme Roux")
    capture(page, "acces-demo-accueil-prescripteur")
    ouvrir_le_menu_des_orientations(page)
    page.get_by_role("link", name="Mes orientations").first.click()
    page.get_by_role("link", name="ROUX Sandrine").click()
    page.get_by_role("link", name="Parcours accès : besoins, propositions, CAL").click()
    expect(page.get_by_text("CAL : Attribution")).to_be_visible()
    # Le prescripteur suit, il ne fait pas avancer : ni classement ni proposition.
    expect(page.get_by_role("button", name="Proposer")).to_have_count(0)
    page.get_by_role("link", name=proposition.logement.adresse).click()
    expect(page.get_by_text("Explication transmise au prescripteur")).to_contain_text(
        "ARIES accompagne Mme Roux"
    )
    capture(page, "acces-demo-decision-prescripteur")
    se_deconnecter(page)

    # 7. La coordination enregistre le bail glissant (ARIES preneuse, référent du bailleur).
    referent = User.objects.get(email=REFERENT_BAILLEUR)
    travailleuse = User.objects.get(email=TRAVAILLEUSE_SOCIALE)
    se_connecter(page, live_server, COORDINATION)
    page.goto(f"{live_server.url}/menages/{menage.public_id}/")
    page.get_by_role("link", name="Parcours accès : besoins, propositions, CAL").click()
    page.get_by_role("link", name=proposition.logement.adresse).click()
    page.locator("#id_type_bail").select_option("glissant")
    page.get_by_label("Référence locataire").fill("HSH-2026-0917")
    page.get_by_label("Association preneuse (bail glissant)").select_option(label="ARIES")
    _choisir(page, "#id_referent_bailleur", referent.last_name)
    page.get_by_label("Ligne budgétaire de l'aide bail glissant").select_option(index=1)
    page.get_by_role("button", name="Enregistrer le bail").click()
    expect(page.get_by_text("Bail enregistré")).to_be_visible()
    expect(page.get_by_role("heading", name="Relais du lien")).to_be_visible()

    # 8. L'accompagnement s'ouvre avec la travailleuse sociale d'ARIES et le référent du bailleur.
    _choisir(page, "#id_travailleur_social", travailleuse.last_name)
    page.get_by_role("button", name="Ouvrir l'accompagnement").click()
    expect(
        page.get_by_text("Accompagnement ouvert avec le travailleur social et le référent")
    ).to_be_visible()
    capture(page, "acces-demo-accompagnement")
    se_deconnecter(page)

    bail = Bail.objects.get(menage=menage)
    assert bail.type == "glissant" and bail.association_preneuse.nom == "ARIES"
    assert bail.referent_bailleur == referent
    accompagnement = Accompagnement.objects.get(menage=menage)
    assert accompagnement.referent == travailleuse
    assert set(accompagnement.equipe.values_list("user", flat=True)) == {
        travailleuse.pk,
        referent.pk,
    }

    # 9. Le référent du bailleur retrouve le ménage sur son accueil, et le relais daté.
    se_connecter(page, live_server, REFERENT_BAILLEUR)
    page.get_by_role("region", name="Mes ménages").get_by_role("link", name="ROUX Sandrine").click()
    expect(page.get_by_text(travailleuse.get_full_name()).first).to_be_visible()
    page.locator("h1 a", has_text="ROUX Sandrine").click()
    page.get_by_role("link", name="Parcours accès : besoins, propositions, CAL").click()
    page.get_by_role("link", name=proposition.logement.adresse).click()
    relais = page.get_by_role("region", name="Relais du lien")
    expect(relais.get_by_text("Présentation du référent du bailleur")).to_be_visible()
    capture(page, "acces-demo-relais-referent")


def test_le_bailleur_saisit_un_logement_vacant_depuis_le_volet_de_la_liste(demo, page, live_server):
    """Le formulaire de saisie se pose dans la liste à l'ouverture de son volet ; un envoi
    incomplet revient volet ouvert, saisie gardée ; l'envoi complet enregistre le logement."""
    se_connecter(page, live_server, REFERENT_BAILLEUR)
    page.goto(f"{live_server.url}/acces/logements/savoie/")
    volet = ouvrir_le_volet(page, "saisie-logement", "Référence du logement")
    volet.get_by_label("Référence du logement").fill("VOLET-1")
    volet.locator("#id_adresse").fill("4 rue des Marquisats")
    volet.get_by_label("Code postal").fill("740")
    volet.locator("#id_commune").fill("Annecy")
    _choisir(volet, "#id_territoire", "Annecy")
    volet.get_by_label("Loyer (€)").fill("420")
    volet.get_by_role("button", name="Enregistrer").click()

    volet = page.locator("#saisie-logement")
    expect(volet.get_by_text("Le code postal compte cinq chiffres.", exact=True)).to_be_visible()
    expect(volet.get_by_label("Référence du logement")).to_have_value("VOLET-1")
    volet.get_by_label("Code postal").fill("74000")
    capture(page, "logements-vacants-saisie")
    volet.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Logement VOLET-1 enregistré.")).to_be_visible()
    page.locator("input[name=q]").fill("VOLET-1")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("link", name="VOLET-1")).to_be_visible()
