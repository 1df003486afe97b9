"""Le moteur de sessions (`core.sessions_en_base`) lit ce que lit celui de Django, en une requête
compilée une fois : une session vivante, absente, échue ou altérée se lit comme chez Django."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.factories import MembreFactory
from core.sessions_en_base import SessionStore

pytestmark = pytest.mark.django_db


def session_enregistree(**donnees):
    session = SessionStore()
    session.update(donnees)
    session.create()
    return session.session_key


def test_c_est_le_moteur_de_l_instance():
    assert settings.SESSION_ENGINE == "core.sessions_en_base"


def test_lit_ce_que_lit_le_moteur_de_django_en_une_requete():
    cles = [session_enregistree(compte=n, page="/menages/") for n in range(2)]

    with CaptureQueriesContext(connection) as requetes:
        lues = [dict(SessionStore(cle).load()) for cle in cles]

    assert lues == [dict(db.SessionStore(cle).load()) for cle in cles]
    assert lues == [{"compte": 0, "page": "/menages/"}, {"compte": 1, "page": "/menages/"}]
    assert len(requetes.captured_queries) == 2


def test_une_session_echue_se_lit_vide_et_perd_sa_cle():
    cle = session_enregistree(compte=1)
    Session.objects.filter(session_key=cle).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    session = SessionStore(cle)

    assert session.load() == {}
    assert session.session_key is None
    assert db.SessionStore(cle).load() == {}


def test_une_cle_inconnue_ou_absente_se_lit_vide():
    inconnue = SessionStore("k" * 32)
    assert inconnue.load() == {}
    assert inconnue.session_key is None

    with CaptureQueriesContext(connection) as requetes:
        assert SessionStore(None).load() == {}
    assert requetes.captured_queries == []


def test_des_donnees_alterees_se_lisent_vides():
    cle = session_enregistree(compte=1)
    ligne = Session.objects.get(session_key=cle)
    Session.objects.filter(session_key=cle).update(session_data=ligne.session_data[:-3] + "xyz")

    assert SessionStore(cle).load() == {}


def test_une_session_echue_renvoie_a_la_connexion(client):
    membre = MembreFactory(role="coordinateur")
    client.force_login(membre.user)
    assert client.get("/menages/").status_code == 200

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    reponse = client.get("/menages/")

    assert reponse.status_code == 302
    assert reponse["Location"].startswith("/compte/connexion/")


@pytest.mark.parametrize(
    "cle",
    ["a" * 8 + "\x00", "x" * 5000, "' OR 1=1 --", "é" * 32, "ABCDEFGH12345678", "court"],
)
def test_un_cookie_de_session_hostile_se_lit_comme_une_session_absente(client, cle):
    """Aucune de ces chaînes n'a la forme d'une clé que Django crée : elle n'est pas cherchée
    en base (un octet nul fait échouer PostgreSQL), la page se sert comme à une personne non
    connectée."""
    with CaptureQueriesContext(connection) as requetes:
        client.cookies[settings.SESSION_COOKIE_NAME] = cle
        publique = client.get("/accessibilite/")
        privee = client.get("/menages/")

    assert publique.status_code == 200
    assert privee.status_code == 302
    assert privee["Location"].startswith("/compte/connexion/")
    assert not [r for r in requetes.captured_queries if "django_session" in r["sql"]]
    assert SessionStore(cle).session_key is None


def test_une_cle_creee_par_django_a_la_forme_attendue():
    cle = session_enregistree(compte=1)
    assert len(cle) == 32
    assert SessionStore(cle).load() == {"compte": 1}
