"""Sur le terrain, sans réseau (375 × 800) : une visite tapée dans une cage d'escalier n'est pas
perdue. Brouillon retrouvé, file d'attente chiffrée sur l'appareil, envoi unique au retour du
réseau ou à la reconnexion de la même personne, rien pour une autre, effacement à la déconnexion.
"""

import time
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from playwright.sync_api import expect

from accompagnement.models import Intervention
from core.sessions import CLE_ACTIVITE, CLE_CONNEXION

from .conftest import capture, cocher, ouvrir_le_menu_du_compte, se_connecter
from .test_intervention_telephone import accompagnement_partage

TS = "ts.cantal@demo.test"
INFIRMIER = "infirmier.cantal@demo.test"
NOTE = "Escalier B sans réseau : Mme accepte le dossier FSL, rappeler la CAF lundi."
NOTE_SOIGNANTS = "Traitement arrêté depuis dix jours, revoir le Dr Vialatte en urgence."

OUTILS = (Path(__file__).parent / "hors_ligne_outils.js").read_text()


def js(page, appel):
    """Le résultat de `appel` (une fonction de hors_ligne_outils.js) dans la page."""
    return page.evaluate(f"async () => {{\n{OUTILS}\nreturn await {appel};\n}}")


@pytest.fixture
def terrain(navigateur, live_server):
    """Un téléphone de 375 × 800, tactile, qui peut perdre le réseau."""
    contexte = navigateur.new_context(
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 375, "height": 800},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    contexte.set_default_timeout(15_000)
    onglet = contexte.new_page()
    yield onglet
    contexte.close()


def interventions_a_la_note(accompagnement, note):
    # La note est chiffrée en base : on la compare après lecture.
    return [i for i in Intervention.objects.filter(accompagnement=accompagnement) if i.note == note]


def notes_en_base(accompagnement, note):
    return len(interventions_a_la_note(accompagnement, note))


def ouvrir_la_fiche(page, live_server, accompagnement):
    page.goto(
        live_server.url + reverse("accompagnement:intervention", args=[accompagnement.public_id])
    )
    expect(page.locator("html[data-hors-ligne-pret]")).to_have_count(1)


def attendre_un_brouillon(page):
    """Attend que le brouillon soit écrit (la frappe est gardée après une courte pause)."""
    for _ in range(50):
        if js(page, "nombreDeBrouillons()"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("Aucun brouillon gardé sur l'appareil.")


def taper_et_envoyer_sans_reseau(page, note, soignants=False):
    page.locator("#id_note").fill(note)
    if soignants:
        cocher(page.get_by_label("Soignants (infirmier·ère, psychologue)"))
    attendre_un_brouillon(page)
    page.context.set_offline(True)
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("enregistrée sur cet appareil, sera envoyée")).to_be_visible()


def expirer_les_sessions():
    """La session a pris fin côté serveur (inactivité), comme après 30 minutes dans la cave."""
    for ligne in Session.objects.all():
        session = SessionStore(session_key=ligne.session_key)
        session[CLE_CONNEXION] = session[CLE_ACTIVITE] = time.time() - 3 * 3600
        session.save()


def test_visite_sans_reseau_envoyee_une_seule_fois_au_retour(demo, terrain, live_server):
    accompagnement = accompagnement_partage()
    se_connecter(terrain, live_server, TS)
    ouvrir_la_fiche(terrain, live_server, accompagnement)

    # Le brouillon est gardé pendant la frappe et retrouvé après un rechargement.
    terrain.locator("#id_note").fill(NOTE)
    attendre_un_brouillon(terrain)
    terrain.reload()
    expect(terrain.get_by_text("Brouillon retrouvé sur cet appareil")).to_be_visible()
    expect(terrain.locator("#id_note")).to_have_value(NOTE)
    capture(terrain, "hors-ligne-brouillon-375")

    # Sur l'appareil, rien n'est lisible en clair.
    stocke = js(terrain, "contenuStocke()")
    assert stocke["sortes"] == ["brouillon"]
    assert "Escalier B" not in stocke["texte"] and "FSL" not in stocke["texte"]

    # Le réseau tombe au moment d'enregistrer.
    terrain.context.set_offline(True)
    terrain.get_by_role("button", name="Enregistrer").click()
    expect(
        terrain.get_by_text("L'intervention est enregistrée sur cet appareil, sera envoyée")
    ).to_be_visible()
    expect(terrain.get_by_text("1 saisie attend sur cet appareil")).to_be_visible()
    expect(terrain.locator("#id_note")).to_have_value("")
    capture(terrain, "hors-ligne-en-attente-375")
    terrain.set_viewport_size({"width": 1280, "height": 800})
    capture(terrain, "hors-ligne-en-attente-1280")
    terrain.set_viewport_size({"width": 375, "height": 800})
    stocke = js(terrain, "contenuStocke()")
    assert stocke["sortes"] == ["envoi"]
    assert "Escalier B" not in stocke["texte"]
    assert notes_en_base(accompagnement, NOTE) == 0

    # Le réseau revient : la visite part, une fois.
    terrain.context.set_offline(False)
    expect(
        terrain.get_by_text("saisie sur cet appareil est envoyée et enregistrée")
    ).to_be_visible()
    expect(terrain.get_by_text("1 saisie attend sur cet appareil")).to_have_count(0)
    assert notes_en_base(accompagnement, NOTE) == 1
    assert js(terrain, "contenuStocke()")["sortes"] == []

    # Recharger, revenir : rien ne repart.
    terrain.goto(
        live_server.url + reverse("accompagnement:detail", args=[accompagnement.public_id])
    )
    expect(terrain.locator("html[data-hors-ligne-envoye]")).to_have_count(1)
    expect(terrain.get_by_text(NOTE)).to_be_visible()
    assert notes_en_base(accompagnement, NOTE) == 1


def test_ce_qui_est_tape_avant_la_cle_n_est_pas_remplace_par_un_brouillon(
    demo, terrain, live_server
):
    """Sur un réseau lent, la clé de l'appareil arrive après la page : ce que la personne tape
    entre-temps reste (le brouillon d'avant lui est proposé, pas imposé)."""
    accompagnement = accompagnement_partage()
    se_connecter(terrain, live_server, TS)
    ouvrir_la_fiche(terrain, live_server, accompagnement)
    terrain.locator("#id_note").fill(NOTE)
    attendre_un_brouillon(terrain)

    retenues = []

    def retenir(route):
        retenues.append(route)

    terrain.route("**/compte/hors-ligne/cle/**", retenir)
    terrain.reload()
    for _ in range(100):
        if retenues:
            break
        terrain.wait_for_timeout(50)
    assert retenues, "La page n'a pas demandé la clé de l'appareil."
    terrain.locator("#id_note").fill("Visite du jour, rien à signaler.")
    personnelle = terrain.get_by_label("Personnelle (moi seul·e)")
    cocher(personnelle)
    retenues[0].continue_()

    expect(terrain.locator("html[data-hors-ligne-envoye]")).to_have_count(1)
    proposition = terrain.locator("[data-hors-ligne-brouillon]")
    expect(proposition).to_contain_text("Un brouillon saisi à")
    expect(terrain.locator("#id_note")).to_have_value("Visite du jour, rien à signaler.")
    expect(personnelle).to_be_checked()
    capture(terrain, "hors-ligne-brouillon-propose-375")

    # Reprendre le brouillon d'avant, si la personne le veut.
    proposition.get_by_role("button", name="Reprendre ce brouillon").click()
    expect(terrain.locator("#id_note")).to_have_value(NOTE)
    expect(personnelle).not_to_be_checked()
    expect(proposition).to_have_count(0)


def test_session_terminee_puis_reconnexion_de_la_meme_personne(demo, terrain, live_server):
    accompagnement = accompagnement_partage()
    se_connecter(terrain, live_server, INFIRMIER)
    ouvrir_la_fiche(terrain, live_server, accompagnement)
    taper_et_envoyer_sans_reseau(terrain, NOTE_SOIGNANTS, soignants=True)
    assert "Traitement" not in js(terrain, "contenuStocke()")["texte"]

    # Pendant la coupure, la session a pris fin : le retour du réseau n'envoie rien.
    expirer_les_sessions()
    terrain.context.set_offline(False)
    terrain.wait_for_timeout(1500)
    assert notes_en_base(accompagnement, NOTE_SOIGNANTS) == 0

    # La page de connexion dit que des saisies attendent leur personne.
    terrain.goto(live_server.url + "/")
    expect(terrain.get_by_text("Des saisies attendent sur cet appareil")).to_be_visible()
    capture(terrain, "hors-ligne-connexion-375")

    # La même personne se reconnecte : la note part, une seule fois, toujours « soignants ».
    se_connecter(terrain, live_server, INFIRMIER)
    expect(
        terrain.get_by_text("saisie sur cet appareil est envoyée et enregistrée")
    ).to_be_visible()
    assert notes_en_base(accompagnement, NOTE_SOIGNANTS) == 1
    # La saisie arrivée est celle qui porte la note (la démonstration a d'autres visites de
    # l'infirmier, de même durée et de même confidentialité) : son auteur, son type, sa durée et
    # sa confidentialité sont ceux de la saisie hors ligne.
    [arrivee] = interventions_a_la_note(accompagnement, NOTE_SOIGNANTS)
    assert (
        arrivee.auteur.email,
        arrivee.duree_minutes,
        arrivee.type,
        arrivee.confidentialite,
    ) == (INFIRMIER, 45, "visite_domicile", "soignants")
    terrain.reload()
    expect(terrain.locator("html[data-hors-ligne-envoye]")).to_have_count(1)
    assert notes_en_base(accompagnement, NOTE_SOIGNANTS) == 1


def test_une_autre_personne_n_envoie_ni_ne_lit_rien(demo, terrain, live_server):
    accompagnement = accompagnement_partage()
    se_connecter(terrain, live_server, TS)
    ouvrir_la_fiche(terrain, live_server, accompagnement)
    taper_et_envoyer_sans_reseau(terrain, NOTE)

    # La session se perd (téléphone rangé) ; une collègue de la même équipe prend l'appareil.
    terrain.context.clear_cookies()
    terrain.context.set_offline(False)
    se_connecter(terrain, live_server, INFIRMIER)
    expect(terrain.locator("html[data-hors-ligne-envoye]")).to_have_count(1)
    assert notes_en_base(accompagnement, NOTE) == 0
    expect(terrain.get_by_text("saisie attend")).to_have_count(0)

    # Ni brouillon ni file pour elle, et sa clé ne déchiffre pas la saisie de son collègue.
    ouvrir_la_fiche(terrain, live_server, accompagnement)
    expect(terrain.locator("#id_note")).to_have_value("")
    expect(terrain.get_by_text("Brouillon retrouvé")).to_have_count(0)
    assert js(terrain, "dechiffrerAvecMaCle()") == ["illisible"]
    assert notes_en_base(accompagnement, NOTE) == 0

    # Son auteur revient : elle part, une fois.
    terrain.context.clear_cookies()
    se_connecter(terrain, live_server, TS)
    expect(
        terrain.get_by_text("saisie sur cet appareil est envoyée et enregistrée")
    ).to_be_visible()
    assert notes_en_base(accompagnement, NOTE) == 1


def test_la_deconnexion_previent_puis_efface(demo, terrain, live_server):
    accompagnement = accompagnement_partage()
    se_connecter(terrain, live_server, TS)
    ouvrir_la_fiche(terrain, live_server, accompagnement)
    # Le serveur ne répond pas à l'envoi (réseau qui flanche) : la visite reste en file.
    terrain.route("**/intervention/", lambda route: route.abort("internetdisconnected"))
    terrain.locator("#id_note").fill(NOTE)
    attendre_un_brouillon(terrain)
    terrain.get_by_role("button", name="Enregistrer").click()
    expect(terrain.get_by_text("enregistrée sur cet appareil, sera envoyée")).to_be_visible()
    assert js(terrain, "contenuStocke()")["sortes"] == ["envoi"]

    avertissements = []

    def repondre(dialogue):
        avertissements.append(dialogue.message)
        # Première fois : on renonce ; la seconde, on se déconnecte quand même.
        if len(avertissements) == 1:
            dialogue.dismiss()
        else:
            dialogue.accept()

    terrain.on("dialog", repondre)

    def se_deconnecter():
        ouvrir_le_menu_du_compte(terrain)
        terrain.get_by_role("button", name="Se déconnecter").click()

    se_deconnecter()
    terrain.wait_for_timeout(500)
    assert avertissements == [
        "1 saisie n'est pas encore envoyée : elle sera effacée de cet appareil. "
        "Se déconnecter quand même ?"
    ]
    assert js(terrain, "contenuStocke()")["sortes"] == ["envoi"]
    expect(terrain.get_by_role("button", name="Enregistrer")).to_be_visible()

    # Sur une autre page, l'envoi échoue encore ; cette fois on se déconnecte quand même.
    terrain.goto(
        live_server.url + reverse("accompagnement:detail", args=[accompagnement.public_id])
    )
    expect(terrain.get_by_text("1 saisie attend sur cet appareil")).to_be_visible()
    se_deconnecter()
    expect(terrain.get_by_label("Mot de passe")).to_be_visible()
    assert len(avertissements) == 2
    assert js(terrain, "contenuStocke()")["sortes"] == []
    expect(terrain.get_by_text("Des saisies attendent")).to_have_count(0)
    assert notes_en_base(accompagnement, NOTE) == 0


def test_le_service_worker_ne_garde_que_les_fichiers_statiques(demo, terrain, live_server):
    accompagnement = accompagnement_partage()
    se_connecter(terrain, live_server, TS)
    ouvrir_la_fiche(terrain, live_server, accompagnement)
    terrain.wait_for_function(
        "async () => !!(await navigator.serviceWorker.getRegistration('/'))?.active"
    )
    terrain.goto(
        live_server.url + reverse("accompagnement:detail", args=[accompagnement.public_id])
    )
    adresses = terrain.evaluate(
        """async () => {
          const adresses = [];
          for (const nom of await caches.keys()) {
            const cache = await caches.open(nom);
            for (const requete of await cache.keys()) adresses.push(new URL(requete.url).pathname);
          }
          return adresses;
        }"""
    )
    assert "/static/js/horsligne.js" in adresses
    assert all(adresse.startswith("/static/") for adresse in adresses), adresses

    # Hors réseau, une page de données ne s'affiche pas depuis un cache.
    terrain.context.set_offline(True)
    with pytest.raises(Exception):  # noqa: B017 - l'erreur réseau de Chromium
        terrain.goto(
            live_server.url + reverse("accompagnement:detail", args=[accompagnement.public_id])
        )
    terrain.context.set_offline(False)


def test_un_bilan_sans_reseau_part_une_fois_au_retour(demo, terrain, live_server):
    accompagnement = accompagnement_partage()
    bilan = accompagnement.bilans.filter(date_realisation__isnull=True).first()
    assert bilan is not None
    synthese = "Bilan fait sur le palier : le loyer courant est repris depuis deux mois."
    se_connecter(terrain, live_server, TS)
    terrain.goto(live_server.url + reverse("accompagnement:bilan", args=[bilan.public_id]))
    expect(terrain.locator("html[data-hors-ligne-pret]")).to_have_count(1)
    terrain.get_by_label("Synthèse").fill(synthese)
    attendre_un_brouillon(terrain)
    terrain.context.set_offline(True)
    terrain.get_by_role("button", name="Enregistrer le bilan").click()
    expect(
        terrain.get_by_text("Le bilan est enregistré sur cet appareil, sera envoyé")
    ).to_be_visible()
    assert "palier" not in js(terrain, "contenuStocke()")["texte"]
    bilan.refresh_from_db()
    assert bilan.date_realisation is None

    terrain.context.set_offline(False)
    expect(
        terrain.get_by_text("Le bilan saisi sur cet appareil est envoyé et enregistré")
    ).to_be_visible()
    bilan.refresh_from_db()
    assert bilan.date_realisation is not None and bilan.synthese == synthese
    assert bilan.uuid_client is not None
