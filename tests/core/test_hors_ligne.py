"""Ce que le serveur fournit au travail hors réseau : le secret d'une personne sur un appareil,
la réponse JSON des envois différés, le service worker et le manifeste de l'application."""

import base64
import json
import time

import pytest
from django.contrib.staticfiles import finders
from django.test import override_settings
from django.urls import reverse

from core.enums import Role
from core.factories import MembreFactory
from core.sessions import CLE_ACTIVITE, CLE_CONNEXION
from tests.accompagnement.situations import equipe_ouverte

pytestmark = pytest.mark.django_db

SEL = "Zm9uZC1kZS1jYWxlLWFwcGFyZWls"
AUTRE_SEL = "dW4tYXV0cmUtYXBwYXJlaWwtaWNp"


def cle(client, sel=SEL):
    return client.get(reverse("core:hors_ligne_cle"), {"sel": sel})


# --- Le secret de la personne sur l'appareil --------------------------------------------------


def test_le_secret_est_propre_a_la_personne_et_a_l_appareil(client):
    premiere = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL).user
    seconde = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL).user

    client.force_login(premiere)
    a = cle(client).json()
    a_encore = cle(client).json()
    a_ailleurs = cle(client, AUTRE_SEL).json()
    client.force_login(seconde)
    b = cle(client).json()

    assert len(base64.b64decode(a["secret"])) == 32
    assert a["secret"] == a_encore["secret"] and a["etiquette"] == a_encore["etiquette"]
    assert a["secret"] != a_ailleurs["secret"] and a["etiquette"] != a_ailleurs["etiquette"]
    assert a["secret"] != b["secret"] and a["etiquette"] != b["etiquette"]
    # L'étiquette ne dit pas qui est la personne.
    assert str(premiere.public_id) not in json.dumps(a) and premiere.email not in json.dumps(a)
    assert a["conservation_heures"] == 72
    assert a["csrf"]


def test_le_secret_n_est_jamais_garde_en_cache(client):
    client.force_login(MembreFactory(role=Role.INFIRMIER).user)
    reponse = cle(client)
    assert "no-store" in reponse["Cache-Control"]


def test_sans_connexion_pas_de_secret(client):
    reponse = cle(client)
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("login"))
    assert b"secret" not in reponse.content


def test_une_session_terminee_ne_donne_plus_le_secret(client):
    client.force_login(MembreFactory(role=Role.TRAVAILLEUR_SOCIAL).user)
    session = client.session
    session[CLE_CONNEXION] = session[CLE_ACTIVITE] = time.time() - 31 * 60
    session.save()

    reponse = cle(client)

    assert reponse.status_code == 302
    assert b"secret" not in reponse.content


@pytest.mark.parametrize("sel", ["", "court", "a" * 65, "avec espace dedans!!", "é" * 20])
def test_un_sel_invalide_est_refuse(client, sel):
    client.force_login(MembreFactory(role=Role.TRAVAILLEUR_SOCIAL).user)
    reponse = cle(client, sel)
    assert reponse.status_code == 400
    assert "secret" not in reponse.json()


@override_settings(HORS_LIGNE_CONSERVATION_HEURES=8)
def test_le_delai_de_conservation_est_reglable(client):
    client.force_login(MembreFactory(role=Role.TRAVAILLEUR_SOCIAL).user)
    assert cle(client).json()["conservation_heures"] == 8
    page = client.get(reverse("ecrans:accueil")).content.decode()
    assert '<meta name="hors-ligne-conservation" content="8">' in page


# --- Les envois différés ------------------------------------------------------------------


def fiche():
    return {"type": "visite_domicile", "duree_minutes": "45", "confidentialite": "equipe"}


def test_un_envoi_differe_enregistre_repond_en_json(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)
    donnees = fiche() | {"date_heure": "2026-01-02T10:00", "note": "Note"}

    reponse = client.post(equipe.url("intervention"), donnees, headers={"X-Envoi-Differe": "1"})

    assert reponse.status_code == 200
    assert reponse["X-Envoi-Differe"] == "1"
    assert reponse.json() == {"etat": "enregistre", "redirection": equipe.url("detail")}
    assert "no-store" in reponse["Cache-Control"]
    # Le message de succès attend la page suivante.
    assert "Intervention enregistrée." in client.get(equipe.url("detail")).content.decode()


def test_un_envoi_differe_apres_la_fin_de_session_dit_de_se_reconnecter(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)
    session = client.session
    session[CLE_CONNEXION] = session[CLE_ACTIVITE] = time.time() - 31 * 60
    session.save()

    reponse = client.post(
        equipe.url("intervention"),
        fiche() | {"date_heure": "2026-01-02T10:00"},
        headers={"X-Envoi-Differe": "1"},
    )

    assert reponse.status_code == 401
    assert reponse.json() == {"etat": "connexion"}
    assert not equipe.accompagnement.interventions.exists()


def test_un_envoi_differe_sans_session_dit_de_se_reconnecter(client):
    equipe = equipe_ouverte()
    reponse = client.post(equipe.url("intervention"), fiche(), headers={"X-Envoi-Differe": "1"})
    assert reponse.status_code == 401
    assert reponse.json() == {"etat": "connexion"}


def test_un_envoi_differe_refuse_rend_la_page_du_formulaire(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)
    reponse = client.post(
        equipe.url("intervention"),
        fiche() | {"date_heure": "2099-01-01T10:00"},
        headers={"X-Envoi-Differe": "1"},
    )
    assert reponse.status_code == 200
    assert "X-Envoi-Differe" not in reponse
    assert "text/html" in reponse["Content-Type"]


def test_sans_l_en_tete_la_redirection_reste_une_redirection(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)
    reponse = client.post(equipe.url("intervention"), fiche() | {"date_heure": "2026-01-02T10:00"})
    assert reponse.status_code == 302


# --- L'application installable ------------------------------------------------------------


def test_le_service_worker_est_servi_a_la_racine_sans_connexion(client):
    reponse = client.get("/sw.js")

    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("text/javascript")
    assert reponse["Service-Worker-Allowed"] == "/"
    assert reponse["Cache-Control"] == "no-cache"
    contenu = reponse.content.decode()
    assert "/static/js/horsligne.js" in contenu
    assert "{{" not in contenu


def test_le_service_worker_ne_garde_que_les_fichiers_statiques(client):
    """La liste gardée d'avance ne contient que des fichiers statiques qui existent, et le
    script ne met en cache que ce qui est sous le préfixe des fichiers statiques."""
    contenu = client.get("/sw.js").content.decode()
    ligne = next(ligne for ligne in contenu.splitlines() if ligne.startswith("const FICHIERS"))
    fichiers = json.loads(ligne.split("=", 1)[1].strip().rstrip(";"))
    assert fichiers
    for fichier in fichiers:
        assert fichier.startswith("/static/")
        assert finders.find(fichier.removeprefix("/static/")), fichier
    assert 'const PREFIXE = "/static/";' in contenu
    assert "if (!adresse.pathname.startsWith(PREFIXE)) return;" in contenu


def test_le_manifeste_decrit_l_application_et_ses_icones(client):
    reponse = client.get("/manifest.webmanifest")

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/manifest+json"
    manifeste = reponse.json()
    assert manifeste["name"] == "Suivi des situations complexes"
    assert manifeste["lang"] == "fr"
    assert manifeste["display"] == "standalone"
    tailles = {icone["sizes"] for icone in manifeste["icons"]}
    assert {"192x192", "512x512"} <= tailles
    for icone in manifeste["icons"]:
        chemin = finders.find(icone["src"].removeprefix("/static/"))
        assert chemin, icone["src"]
        with open(chemin, "rb") as fichier:
            assert fichier.read(8) == b"\x89PNG\r\n\x1a\n"


def test_la_csp_autorise_le_service_worker_et_le_manifeste_du_site_seulement(client):
    politique = client.get(reverse("login"))["Content-Security-Policy"]
    assert "worker-src 'self'" in politique
    assert "manifest-src 'self'" in politique
    assert "unsafe-inline" not in politique


def test_les_pages_annoncent_le_manifeste_et_le_script(client):
    page = client.get(reverse("login")).content.decode()
    assert 'rel="manifest" href="/manifest.webmanifest"' in page
    assert "/static/js/horsligne.js" in page
    # Avant la connexion, aucune adresse de secret.
    assert "hors-ligne-cle" not in page


def test_une_page_de_donnees_n_est_pas_gardee_en_cache(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)
    for url in (equipe.url("detail"), equipe.url("intervention")):
        reponse = client.get(url)
        assert "no-store" in reponse["Cache-Control"], url
        assert 'name="hors-ligne-cle"' in reponse.content.decode()
