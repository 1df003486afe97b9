"""Sous la Content-Security-Policy stricte, htmx, Bootstrap, les graphiques et l'avertissement de
fin de session marchent, et Chromium ne rapporte aucune violation dans sa console.

À lancer seul : `pytest -m navigateur -k csp`.
"""

import re
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from playwright.sync_api import expect

from accompagnement.models import Accompagnement
from comites.models import Seance
from core.sessions import CLE_ACTIVITE, CLE_CONNEXION

from .conftest import ouvrir_le_menu_du_compte, se_connecter

# Une violation de la CSP (« … violates the following Content Security Policy directive … »,
# « Refused to … ») ou un en-tête Permissions-Policy que Chromium ne comprend pas.
SIGNES_D_UN_PROBLEME = ("Content Security Policy", "Refused to", "Permissions-Policy")


@pytest.fixture
def console(page):
    """Les messages de la console qui parlent de la CSP, et les erreurs JavaScript."""
    problemes = []
    page.on(
        "console",
        lambda message: (
            problemes.append(f"console {message.type} : {message.text}")
            if any(mot in message.text for mot in SIGNES_D_UN_PROBLEME)
            else None
        ),
    )
    page.on("pageerror", lambda erreur: problemes.append(f"erreur JavaScript : {erreur}"))
    return problemes


def attendre_le_calme(page):
    page.wait_for_load_state("networkidle")


def test_csp_file_active_filtre_htmx_et_tableau_de_bord(demo, page, live_server, console):
    se_connecter(page, live_server, "coordinateur.cantal@demo.test")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    reponse = page.goto(f"{live_server.url}/menages/")
    assert "script-src 'self'" in reponse.headers["content-security-policy"]

    # Filtre htmx : la liste se recharge sans la page, l'adresse suit.
    premiere_ligne = page.locator("#resultats tbody tr").first
    expect(premiere_ligne).to_be_visible()
    with page.expect_response(
        lambda r: "/menages/" in r.url and r.request.headers.get("hx-request")
    ):
        page.get_by_label("Nom ou référence locataire").fill("zzz-aucun-menage")
    expect(page.locator("#resultats tbody tr")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=zzz-aucun-menage"))

    # Menu déroulant de Bootstrap (Popper pose ses styles par script, ce que la CSP permet).
    ouvrir_le_menu_du_compte(page)
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()

    # Une page d'accompagnement et ses barres d'avancement (largeur posée par app.js).
    accompagnement = (
        Accompagnement.objects.filter(dispositif__slug="cantal", objectifs__avancement__gt=0)
        .distinct()
        .first()
    )
    page.goto(f"{live_server.url}/accompagnements/{accompagnement.public_id}/")
    barre = page.locator(".progress-bar[data-largeur]").first
    expect(barre).to_be_visible()
    assert barre.evaluate("b => b.style.width") == f"{barre.get_attribute('data-largeur')}%"

    # Le tableau de bord et ses graphiques SVG.
    page.goto(f"{live_server.url}/tableau-de-bord/cantal/")
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    # Les quatre graphiques du rapport, et une courbe de tendance par chiffre suivi.
    expect(page.locator(".card-body.graphique-web svg")).to_have_count(4)
    expect(page.locator("#cibles-et-tendances svg").first).to_be_visible()
    largeur = page.locator(".graphique-web svg").first.bounding_box()["width"]
    assert largeur <= page.viewport_size["width"]
    attendre_le_calme(page)

    assert console == []


def test_csp_seance_decision_htmx(demo, page, live_server, console):
    seance = Seance.objects.get(
        comite__dispositif__slug="cantal",
        comite__type="technique",
        date__date=timezone.localdate(),
    )
    point = seance.points.filter(nature="nouvelle_orientation").first()

    se_connecter(page, live_server, "cotech.cantal@demo.test")
    page.goto(f"{live_server.url}/comites/seances/{seance.public_id}/")
    expect(page.get_by_role("heading", name="Ordre du jour")).to_be_visible()
    bloc = page.locator(f"#point-{point.public_id}")
    bloc.get_by_text("Enregistrer une décision").click()
    bloc.get_by_label("Décision").select_option(label="Refus")
    bloc.get_by_role("button", name="Enregistrer la décision").click()
    expect(bloc.get_by_text("Indiquez les motifs")).to_be_visible()
    bloc.get_by_label("Motifs / contenu").fill("Relève du droit commun.")
    bloc.get_by_role("button", name="Enregistrer la décision").click()
    expect(bloc.locator(".decision").get_by_text("Refus", exact=True)).to_be_visible()
    attendre_le_calme(page)

    assert console == []


def reculer_la_session(page, *, reste_secondes):
    """Fait comme si la dernière activité de la session du navigateur était plus ancienne.

    On attend d'abord que la page ait fini ses propres demandes (la clé de l'appareil pour le
    hors-ligne, demandée après le chargement) : arrivée au serveur après ce recul, l'une d'elles
    compterait comme une activité et rouvrirait la session pour 30 minutes.
    """
    expect(page.locator("html[data-hors-ligne-envoye]")).to_have_count(1)
    cle = next(c["value"] for c in page.context.cookies() if c["name"] == "sessionid")
    session = SessionStore(session_key=cle)
    session[CLE_ACTIVITE] = time.time() - 30 * 60 + reste_secondes
    session[CLE_CONNEXION] = time.time() - 3600
    session.save()
    return session


def test_csp_avertissement_de_fin_de_session_et_rester_connecte(demo, page, live_server, console):
    page.clock.install()
    se_connecter(page, live_server, "ts.cantal@demo.test")
    page.goto(f"{live_server.url}/menages/")
    recherche = page.get_by_label("Nom ou référence locataire")
    with page.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        recherche.fill("texte en cours de saisie")
        page.clock.run_for(1000)  # le délai du filtre htmx (400 ms) court sur l'horloge simulée
    avertissement = page.locator("#avertissement-session")
    expect(avertissement).to_be_hidden()

    # 28 minutes et 20 secondes passent sans rien demander au serveur.
    session = reculer_la_session(page, reste_secondes=100)
    page.clock.fast_forward("28:20")
    expect(avertissement).to_be_visible()
    expect(avertissement).to_contain_text("Votre session va bientôt prendre fin")
    expect(avertissement.locator("[data-compte-a-rebours]").first).to_contain_text("min")

    avertissement.get_by_role("button", name="Rester connecté·e").click()
    expect(avertissement).to_be_hidden()
    session = SessionStore(session_key=session.session_key)
    assert time.time() - session[CLE_ACTIVITE] < 10
    # Rien n'a été rechargé : la saisie en cours est toujours là.
    expect(page.get_by_label("Nom ou référence locataire")).to_have_value(
        "texte en cours de saisie"
    )
    attendre_le_calme(page)

    assert console == []


def test_csp_fin_de_session_ramene_a_la_connexion_avec_un_message(demo, page, live_server, console):
    page.clock.install()
    se_connecter(page, live_server, "ts.cantal@demo.test")
    page.goto(f"{live_server.url}/menages/")
    expect(page.locator("#avertissement-session")).to_be_hidden()

    reculer_la_session(page, reste_secondes=5)
    page.clock.fast_forward("29:55")
    expect(page.locator("#avertissement-session")).to_be_visible()
    # Les cinq dernières secondes passent, côté serveur comme côté navigateur.
    reculer_la_session(page, reste_secondes=-1)
    page.clock.fast_forward("00:10")
    expect(page.get_by_text("après 30 minutes sans activité")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/compte/connexion/.*next=%2Fmenages%2F"))
    attendre_le_calme(page)

    assert console == []
