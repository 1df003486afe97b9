"""Les accrocs du quotidien, vus dans le navigateur à 375 et 1280 px : la visite sans réponse
avec sa durée puis annulée, la correction d'une intervention, le point décidé qui se lit et se
corrige, la réunion d'équipe, l'accueil de l'agent et la page 404. Les captures (captures/)
servent à relire ces pages et à la documentation."""

from datetime import timedelta

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from accompagnement.enums import TypeIntervention
from accompagnement.models import Intervention
from comites import services as comites
from comites.factories import ComiteFactory
from menages.enums import StatutOrientation
from tests.comites.situations import Programme

from .conftest import capture, ouvrir_le_volet, se_connecter

MOT_DE_PASSE = "mot-de-passe-de-test"
LARGEURS = {
    "telephone": {"width": 375, "height": 800},
    "ordinateur": {"width": 1280, "height": 900},
}


@pytest.fixture
def programme(transactional_db):
    programme = Programme()
    suivi = programme.accompagne(nom="Vialatte")
    programme.bilan_en_retard(suivi)
    orientee = programme.orientation(nom="Aurillac")
    seance = programme.seance(jour=programme.aujourd_hui - timedelta(days=1))
    comites.construire_ordre_du_jour(programme.coordinateur, seance)
    point = seance.points.get(menage=orientee.menage)
    comites.decider(programme.cotech, point, "refus", motifs="Relève du droit commun")
    reunion = ComiteFactory(
        dispositif=programme.dispositif,
        equipe=True,
        membres=[programme.coordinateur, programme.ts, programme.infirmier],
    )
    programme.seance_equipe = programme.seance(
        jour=programme.aujourd_hui + timedelta(days=2), comite=reunion
    )
    programme.suivi, programme.seance_decidee, programme.point_decide = suivi, seance, point
    attente = programme.orientation(nom="Longueattente", statut=StatutOrientation.EN_ATTENTE)
    attente.date_statut = programme.aujourd_hui - timedelta(days=50)
    attente.save()
    return programme


@pytest.mark.parametrize("largeur", list(LARGEURS))
def test_les_accrocs_du_quotidien_a_l_ecran(programme, navigateur, live_server, largeur):
    contexte = navigateur.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport=LARGEURS[largeur]
    )
    contexte.set_default_timeout(15_000)
    page = contexte.new_page()
    url = live_server.url

    # Le travailleur social note une visite sans réponse de 25 minutes, puis l'annule.
    se_connecter(page, live_server, programme.ts.email, MOT_DE_PASSE)
    page.goto(f"{url}/accompagnements/{programme.suivi.public_id}/")
    page.get_by_label("Durée", exact=True).fill("25")
    page.get_by_role("button", name="Visite sans réponse").click()
    expect(page.get_by_text("Visite sans réponse enregistrée (25 min)")).to_be_visible()
    capture(page, f"quotidien-sans-reponse-{largeur}")
    page.get_by_role("link", name="Annuler cette intervention").click()
    capture(page, f"quotidien-annuler-{largeur}")
    page.get_by_role("button", name="Annuler l'intervention").click()
    expect(page.get_by_text("Intervention annulée")).to_be_visible()
    assert not Intervention.objects.filter(type=TypeIntervention.VISITE_SANS_REPONSE).exists()

    # Il note une visite puis la corrige.
    page.get_by_role("link", name="Noter une intervention").click()
    page.locator("#id_note").fill("Logement encombré.")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("link", name="Corriger cette intervention").click()
    page.locator("#id_note").fill("Logement encombré ; rendez-vous CAF pris.")
    page.get_by_label("Ce qui est corrigé").fill("note complétée")
    capture(page, f"quotidien-corriger-{largeur}")
    page.get_by_role("button", name="Enregistrer la correction").click()
    expect(page.get_by_text("Corrigée par son auteur")).to_be_visible()
    capture(page, f"quotidien-intervention-corrigee-{largeur}")

    # La réunion d'équipe et ses ménages à discuter.
    page.goto(f"{url}/comites/seances/{programme.seance_equipe.public_id}/")
    expect(page.get_by_role("heading", name="Ménages à discuter")).to_be_visible()
    capture(page, f"quotidien-reunion-equipe-{largeur}")
    contexte.clear_cookies()

    # Le membre du COTECH : son accueil, le point décidé qui se lit, sa correction.
    se_connecter(page, live_server, programme.cotech.email, MOT_DE_PASSE)
    capture(page, f"quotidien-accueil-cotech-{largeur}")
    page.goto(f"{url}/comites/seances/{programme.seance_decidee.public_id}/")
    point_decide = page.locator(f"#point-{programme.point_decide.public_id}")
    expect(point_decide.get_by_text("Enregistrer une décision")).to_have_count(0)
    page.get_by_role("link", name="Corriger la décision refus").click()
    page.get_by_label("Motifs / contenu corrigés").fill("Relève du droit commun (CCAS).")
    page.get_by_label("Pourquoi corriger").fill("structure précisée")
    page.get_by_role("button", name="Enregistrer la correction").click()
    page.get_by_text("Corrigée 1 fois").click()
    capture(page, f"quotidien-decision-corrigee-{largeur}")
    contexte.clear_cookies()

    # L'agent du bailleur et la coordination sur leur accueil ; une page introuvable.
    se_connecter(page, live_server, programme.agent.email, MOT_DE_PASSE)
    expect(page.get_by_role("heading", name="Mes orientations")).to_be_visible()
    capture(page, f"quotidien-accueil-agent-{largeur}")
    contexte.clear_cookies()
    se_connecter(page, live_server, programme.coordinateur.email, MOT_DE_PASSE)
    expect(page.get_by_text("Longueattente Hortense")).to_be_visible()
    capture(page, f"quotidien-accueil-coordination-{largeur}")
    with override_settings(DEBUG=False):
        page.goto(f"{url}/nulle-part/")
    expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    capture(page, f"quotidien-404-{largeur}")
    contexte.close()


def test_le_plan_se_valide_depuis_son_volet(demo, page, live_server):
    """Le formulaire de validation du plan se pose dans la page de l'accompagnement à
    l'ouverture de son volet, avec ce que le plan porte déjà ; il s'envoie et revient."""
    from accompagnement.models import Accompagnement

    accompagnement = (
        Accompagnement.objects.ouverts()
        .filter(dispositif__slug="cantal", referent__email="ts.cantal@demo.test")
        .filter(objectifs__isnull=False)
        .distinct()
        .first()
    )
    se_connecter(page, live_server, "ts.cantal@demo.test", "demo-logisens")
    page.goto(f"{live_server.url}/accompagnements/{accompagnement.public_id}/")
    volet = ouvrir_le_volet(page, "validation-plan", "Validé avec le ménage le")
    volet.get_by_label("Durée prévue (mois)").fill("12")
    capture(page, "accompagnement-validation-du-plan")
    volet.get_by_role("button", name="Enregistrer la validation").click()
    expect(page.get_by_text("Validation du plan avec le ménage enregistrée.")).to_be_visible()
    accompagnement.plan.refresh_from_db()
    assert accompagnement.plan.duree_prevue_mois == 12
