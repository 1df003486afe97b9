"""Parcours accès : la coordination enregistre les besoins, propose un logement classé, la CAL
l'attribue, le bail glissant est signé, l'accompagnement s'ouvre avec le travailleur social et
le référent du bailleur ; l'agent qui a orienté le ménage lit la décision et son explication."""

import pytest
from playwright.sync_api import expect

from acces.models import Bail
from accompagnement.models import Accompagnement
from core import widgets as core_widgets
from core.factories import CommuneFactory, OrganisationFactory
from tests.parcours_acces.situations import Parcours_

from .accessibilite import decrire, violations
from .conftest import capture, changer_de_personne, cocher, se_connecter

MOT_DE_PASSE = "mot-de-passe-de-test"


@pytest.fixture
def parcours(transactional_db):
    parcours = Parcours_()
    parcours.vacant(reference="A-T3", typologie="T3", adresse="12 avenue de Genève")
    parcours.vacant(reference="A-T5", typologie="T5", adresse="3 rue du Pâquier", loyer=720)
    parcours.vacant(
        reference="ARVE", territoire=parcours.arve, adresse="5 rue de Cluses", commune="Cluses"
    )
    return parcours


def test_du_besoin_au_bail_glissant_et_a_l_accompagnement(parcours, page, live_server):
    menage = parcours.menage
    se_connecter(page, live_server, parcours.coordinateur.email, MOT_DE_PASSE)
    page.goto(f"{live_server.url}/menages/{menage.public_id}/")
    page.get_by_role("link", name="Parcours accès : besoins, propositions, CAL").click()
    page.get_by_role("link", name="Enregistrer les besoins").click()

    cocher(page.locator("#id_secteurs_souhaites_0"))  # Annecy
    cocher(page.locator("#id_secteurs_evites_1"))  # Arve
    page.get_by_label("Typologie au moins").select_option("T3")
    page.get_by_label("Typologie au plus").select_option("T3")
    page.get_by_label("Étage au plus sans ascenseur").fill("2")
    cocher(page.get_by_label("Proche des transports"))
    page.get_by_label("Ressources mensuelles (€)").fill("900")
    page.get_by_label("Précisions").fill("Sortie de CHRS, enfant scolarisé à Annecy.")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_text("Besoins en logement enregistrés.")).to_be_visible()
    classement = page.locator("#classement").locator("..")
    premier = classement.locator("article").first
    expect(premier).to_contain_text("12 avenue de Genève")
    expect(premier).to_contain_text("T3 demandé : T3")
    expect(premier).to_contain_text("28,9")
    expect(classement.locator("article").last).to_contain_text("secteur évité : Arve")
    page.set_viewport_size({"width": 1280, "height": 900})
    capture(page, "acces-classement-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    capture(page, "acces-classement-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    premier.get_by_role("button", name="Proposer").click()

    expect(page.get_by_text("Logement proposé")).to_be_visible()
    page.get_by_role("button", name="Prescripteur informé").click()
    expect(page.get_by_text("Information du prescripteur notée.")).to_be_visible()
    page.get_by_label("Réponse du ménage").select_option("acceptee")
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.get_by_text("Réponse du ménage enregistrée.")).to_be_visible()
    for _ in range(6):
        page.get_by_role("button", name="Reçue").first.click()
        expect(page.get_by_text("Pièce du dossier notée.")).to_be_visible()
    expect(page.get_by_role("button", name="Reçue")).to_have_count(0)

    page.get_by_label("Décision").select_option("attribution")
    page.get_by_label("Explication à transmettre au prescripteur").fill(
        "Logement attribué ; entrée après l'état des lieux, avec ARIES."
    )
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Décision de la CAL enregistrée.")).to_be_visible()

    page.locator("#id_type_bail").select_option("glissant")
    page.get_by_label("Référence locataire").fill("HSH-2026-042")
    page.get_by_label("Association preneuse (bail glissant)").select_option(
        label=parcours.association.nom
    )
    page.get_by_label("Référent du bailleur").select_option(
        label=parcours.referent_bailleur.get_full_name()
    )
    page.get_by_label("Ligne budgétaire de l'aide bail glissant").select_option(index=1)
    page.get_by_role("button", name="Enregistrer le bail").click()
    expect(page.get_by_text("Bail enregistré")).to_be_visible()
    expect(page.get_by_role("heading", name="Relais du lien")).to_be_visible()
    capture(page, "acces-proposition-1280")
    page.set_viewport_size({"width": 375, "height": 800})
    capture(page, "acces-proposition-375")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Travailleur·se social·e (référent·e)").select_option(index=1)
    page.get_by_role("button", name="Ouvrir l'accompagnement").click()
    expect(
        page.get_by_text("Accompagnement ouvert avec le travailleur social et le référent")
    ).to_be_visible()

    bail = Bail.objects.get(menage=menage)
    assert bail.type == "glissant" and bail.referent_bailleur == parcours.referent_bailleur
    accompagnement = Accompagnement.objects.get(menage=menage)
    assert accompagnement.referent == parcours.ts
    assert set(accompagnement.equipe.values_list("user", flat=True)) == {
        parcours.ts.pk,
        parcours.referent_bailleur.pk,
    }
    menage.refresh_from_db()
    assert menage.reference_locataire == "HSH-2026-042"

    # L'agent du bailleur qui a orienté le ménage lit la décision et l'explication à transmettre.
    changer_de_personne(page)
    se_connecter(page, live_server, parcours.agent.email, MOT_DE_PASSE)
    page.goto(f"{live_server.url}/acces/propositions/{bail.proposition.public_id}/")
    expect(page.get_by_text("Explication transmise au prescripteur")).to_contain_text(
        "entrée après l'état des lieux"
    )


def test_structures_et_communes_se_cherchent_au_dela_du_seuil(
    parcours, page, live_server, monkeypatch
):
    """Un programme national compte des centaines de structures, un département des centaines de
    communes : au-delà du seuil (abaissé ici), la structure autour du ménage et les communes des
    besoins se cherchent par le nom parmi les suggestions du serveur, et s'enregistrent."""
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", 1)
    ccas = OrganisationFactory(nom="Centre communal d'action sociale de Seynod", sigle="CCAS")
    cran = CommuneFactory(territoire=parcours.annecy, nom="Cran-Gevrier", code_postal="74960")
    menage = parcours.menage
    se_connecter(page, live_server, parcours.coordinateur.email, MOT_DE_PASSE)

    page.goto(f"{live_server.url}/acces/menages/{menage.public_id}/")
    saisie = page.get_by_role("combobox", name="Structure")
    saisie.click()
    saisie.press_sequentially("ccas", delay=50)
    suggestion = page.locator(".ts-dropdown .option", has_text=ccas.nom)
    expect(suggestion).to_be_visible()
    suggestion.click()
    page.get_by_label("Ce qu'elle fait auprès du ménage").fill("Aide alimentaire")
    capture(page, "acces-structure-recherche")
    assert not violations(page), decrire(violations(page))
    page.get_by_role("button", name="Ajouter").click()
    expect(page.get_by_text("Structure ajoutée autour du ménage.")).to_be_visible()
    assert menage.organisations_autour.get().organisation == ccas
    page.get_by_text("Mutation dans le parc du bailleur").click()
    page.set_viewport_size({"width": 400, "height": 800})
    capture(page, "acces-menage-recherche-400")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Enregistrer les besoins").click()
    saisie = page.get_by_role("combobox", name="Communes souhaitées")
    saisie.click()
    saisie.press_sequentially("cran", delay=50)
    suggestion = page.locator(".ts-dropdown .option", has_text="Cran-Gevrier (74960)")
    expect(suggestion).to_be_visible()
    suggestion.click()
    page.keyboard.press("Escape")
    capture(page, "acces-besoins-recherche")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Besoins en logement enregistrés.")).to_be_visible()
    assert list(menage.besoins_logement.get().communes_souhaitees.all()) == [cran]
