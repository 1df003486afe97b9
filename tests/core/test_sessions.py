"""Fin des sessions : 30 minutes d'inactivité, 12 heures dans tous les cas.

L'horloge est déplacée en reculant les horodatages gardés dans la session.
"""

import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from core.enums import Role
from core.factories import MembreFactory
from core.sessions import CLE_ACTIVITE, CLE_CONNEXION

from .test_reglages import lancer

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "mot-de-passe-de-test"  # celui de UserFactory
MINUTE = 60
HEURE = 3600


def connecte(client):
    membre = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL)
    client.force_login(membre.user)
    return membre


def reculer(client, *, activite=0, connexion=0):
    """Fait comme si la dernière activité et la connexion dataient de tant de secondes."""
    session = client.session
    session[CLE_ACTIVITE] = time.time() - activite
    session[CLE_CONNEXION] = time.time() - connexion
    session.save()


def messages_de(reponse):
    return [str(m) for m in reponse.context["messages"]] if reponse.context else []


def test_la_connexion_note_l_heure_de_connexion_et_d_activite(client):
    membre = MembreFactory()
    avant = time.time()
    client.post(reverse("login"), {"username": membre.user.email, "password": MOT_DE_PASSE})
    session = client.session
    assert avant <= session[CLE_CONNEXION] <= time.time()
    assert session[CLE_ACTIVITE] == session[CLE_CONNEXION]


def test_apres_29_minutes_sans_activite_la_session_continue(client):
    connecte(client)
    reculer(client, activite=29 * MINUTE, connexion=29 * MINUTE)
    reponse = client.get(reverse("ecrans:accueil"))
    assert reponse.status_code == 200
    # La requête est une activité : l'échéance repart de maintenant.
    assert time.time() - client.session[CLE_ACTIVITE] < 5


def test_apres_31_minutes_sans_activite_retour_a_la_connexion_avec_un_message(client):
    connecte(client)
    reculer(client, activite=31 * MINUTE, connexion=2 * HEURE)

    reponse = client.get(reverse("ecrans:file_active") + "?statut=recue")

    assert reponse.status_code == 302
    assert reponse["Location"] == "/compte/connexion/?next=%2Fmenages%2F%3Fstatut%3Drecue"
    connexion = client.get(reponse["Location"])
    assert messages_de(connexion) == [
        "Votre session a pris fin après 30 minutes sans activité, pour protéger les données des "
        "ménages. Reconnectez-vous pour continuer."
    ]
    assert "Votre session a pris fin" in connexion.content.decode()
    # La personne est bien déconnectée.
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("ecrans:accueil")).status_code == 302


def test_apres_12_heures_la_session_prend_fin_meme_en_activite(client):
    connecte(client)
    reculer(client, activite=1 * MINUTE, connexion=12 * HEURE + MINUTE)

    reponse = client.get(reverse("ecrans:accueil"), follow=True)

    assert reponse.redirect_chain[0][0].startswith("/compte/connexion/")
    assert messages_de(reponse) == [
        "Votre session a pris fin : une connexion dure au plus 12 heures. "
        "Reconnectez-vous pour continuer."
    ]


def test_une_activite_reguliere_tient_jusqu_a_12_heures(client):
    connecte(client)
    reculer(client, activite=20 * MINUTE, connexion=11 * HEURE + 59 * MINUTE)
    assert client.get(reverse("ecrans:accueil")).status_code == 200


@override_settings(SESSION_INACTIVITE_MINUTES=5, SESSION_DUREE_MAX_HEURES=2)
def test_les_durees_se_reglent(client):
    connecte(client)
    reculer(client, activite=4 * MINUTE, connexion=HEURE)
    assert client.get(reverse("ecrans:accueil")).status_code == 200
    reculer(client, activite=6 * MINUTE, connexion=HEURE)
    reponse = client.get(reverse("ecrans:accueil"), follow=True)
    assert "après 5 minutes sans activité" in messages_de(reponse)[0]

    connecte(client)
    reculer(client, activite=0, connexion=2 * HEURE + 1)
    reponse = client.get(reverse("ecrans:accueil"), follow=True)
    assert "une connexion dure au plus 2 heures" in messages_de(reponse)[0]


def test_une_requete_htmx_expiree_renvoie_hx_redirect_vers_la_connexion(client):
    connecte(client)
    reculer(client, activite=31 * MINUTE, connexion=HEURE)

    reponse = client.get(
        reverse("ecrans:file_active"),
        {"q": "martin"},
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/menages/?q=mar"},
    )

    assert reponse.status_code == 200
    assert reponse["HX-Redirect"] == "/compte/connexion/?next=%2Fmenages%2F%3Fq%3Dmar"
    assert reponse.content == b""
    assert "_auth_user_id" not in client.session


def test_un_envoi_de_formulaire_expire_ramene_a_la_page_du_formulaire(client):
    connecte(client)
    reculer(client, activite=31 * MINUTE, connexion=HEURE)
    reponse = client.post(
        reverse("password_change"),
        {"old_password": MOT_DE_PASSE},
        headers={"Referer": "http://testserver/compte/mot-de-passe/"},
    )
    assert reponse.status_code == 302
    assert reponse["Location"] == "/compte/connexion/?next=%2Fcompte%2Fmot-de-passe%2F"


def test_un_referer_exterieur_n_est_pas_repris(client):
    connecte(client)
    reculer(client, activite=31 * MINUTE, connexion=HEURE)
    reponse = client.post(
        reverse("password_change"), {}, headers={"Referer": "https://ailleurs.example/piege"}
    )
    assert reponse["Location"] == "/compte/connexion/"


def test_l_activite_n_est_reecrite_qu_une_fois_par_minute(client):
    connecte(client)
    reculer(client, activite=20, connexion=HEURE)
    note = client.session[CLE_ACTIVITE]
    client.get(reverse("ecrans:accueil"))
    assert client.session[CLE_ACTIVITE] == note
    reculer(client, activite=2 * MINUTE, connexion=HEURE)
    client.get(reverse("ecrans:accueil"))
    assert time.time() - client.session[CLE_ACTIVITE] < 5


def test_chaque_reponse_dit_le_temps_restant(client):
    connecte(client)
    reculer(client, activite=10 * MINUTE, connexion=HEURE)
    reponse = client.get(reverse("ecrans:accueil"))
    # L'activité vient d'être notée : 30 minutes pleines.
    assert 30 * MINUTE - 5 <= int(reponse["X-Session-Reste"]) <= 30 * MINUTE
    page = reponse.content.decode()
    assert 'id="avertissement-session"' in page
    assert "js/session.js" in page


def test_l_avertissement_n_existe_pas_pour_une_personne_anonyme(client):
    page = client.get(reverse("login")).content.decode()
    assert "avertissement-session" not in page
    assert "js/session.js" not in page


def test_consulter_le_temps_restant_ne_prolonge_pas_la_session(client):
    connecte(client)
    reculer(client, activite=28 * MINUTE, connexion=HEURE)
    note = client.session[CLE_ACTIVITE]

    etat = client.get(reverse("core:session_etat")).json()

    assert 2 * MINUTE - 5 <= etat["reste"] <= 2 * MINUTE
    assert etat["prolongeable"] is True
    assert client.session[CLE_ACTIVITE] == note


def test_sous_un_prefixe_consulter_le_temps_restant_ne_prolonge_pas_la_session(client):
    """Le site servi sous un préfixe (`SCRIPT_NAME`, que le serveur WSGI pose aussi comme
    préfixe des adresses) : la consultation du temps restant se reconnaît de même."""
    from django.urls import set_script_prefix

    connecte(client)
    reculer(client, activite=28 * MINUTE, connexion=HEURE)
    note = client.session[CLE_ACTIVITE]
    etat = reverse("core:session_etat")
    set_script_prefix("/suivi/")
    try:
        reponse = client.get(etat, SCRIPT_NAME="/suivi")
    finally:
        set_script_prefix("/")

    assert reponse.status_code == 200
    assert 2 * MINUTE - 5 <= reponse.json()["reste"] <= 2 * MINUTE
    assert client.session[CLE_ACTIVITE] == note


def test_le_temps_restant_d_une_session_expiree_est_nul_ou_negatif(client):
    connecte(client)
    reculer(client, activite=31 * MINUTE, connexion=HEURE)
    assert client.get(reverse("core:session_etat")).json()["reste"] <= 0


def test_rester_connecte_repousse_la_fin_par_inactivite(client):
    connecte(client)
    reculer(client, activite=28 * MINUTE + 30, connexion=HEURE)

    etat = client.post(reverse("core:session_prolonger")).json()

    assert 30 * MINUTE - 5 <= etat["reste"] <= 30 * MINUTE
    reculer(client, activite=0, connexion=HEURE)  # la connexion reste à une heure
    assert client.get(reverse("ecrans:accueil")).status_code == 200


def test_rester_connecte_ne_depasse_pas_la_duree_maximale(client):
    connecte(client)
    reculer(client, activite=28 * MINUTE, connexion=12 * HEURE - 2 * MINUTE)

    etat = client.post(reverse("core:session_prolonger")).json()

    assert etat["reste"] <= 2 * MINUTE
    assert etat["prolongeable"] is False


def test_rester_connecte_demande_un_post(client):
    connecte(client)
    assert client.get(reverse("core:session_prolonger")).status_code == 405


def test_rester_connecte_demande_le_jeton_csrf():
    client_strict = Client(enforce_csrf_checks=True)
    connecte(client_strict)
    assert client_strict.post(reverse("core:session_prolonger")).status_code == 403


def test_une_session_expiree_ne_se_prolonge_pas(client):
    connecte(client)
    reculer(client, activite=31 * MINUTE, connexion=HEURE)
    reponse = client.post(reverse("core:session_prolonger"))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith("/compte/connexion/")
    assert "_auth_user_id" not in client.session


def test_le_temps_restant_demande_une_connexion(client):
    reponse = client.get(reverse("core:session_etat"))
    assert reponse.status_code == 302
    assert reponse["Location"].startswith("/compte/connexion/")


def test_le_cookie_de_session_ne_survit_pas_a_la_duree_maximale():
    resultat = lancer(
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.SESSION_COOKIE_AGE, settings.SESSION_INACTIVITE_MINUTES)",
        DEBUG="1",
    )
    assert resultat.stdout.split() == [str(12 * HEURE), "30"]


def test_une_inactivite_trop_courte_est_refusee_au_demarrage():
    resultat = lancer("import django; django.setup()", DEBUG="1", SESSION_INACTIVITE_MINUTES="1")
    assert resultat.returncode != 0
    assert "SESSION_INACTIVITE_MINUTES doit valoir au moins 3" in resultat.stderr
