"""Limitation des tentatives de connexion sur l'adresse réelle du client.

Derrière le proxy (`NOMBRE_DE_PROXYS = 1`), tout le monde arrive de l'adresse du proxy ;
l'adresse du client est la dernière de X-Forwarded-For. Un X-Forwarded-For écrit par le client
lui-même ne compte pas quand aucun proxy n'est annoncé.
"""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core import limitation
from core.factories import UserFactory
from core.models import JournalAudit
from core.reseau import adresse_client

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "mot-de-passe-de-test"
PROXY = "10.0.0.2"


def connexion(client, email, mot_de_passe="faux", adresse=None, transmis=None):
    entetes = {}
    if adresse:
        entetes["REMOTE_ADDR"] = adresse
    if transmis:
        entetes["HTTP_X_FORWARDED_FOR"] = transmis
    return client.post(reverse("login"), {"username": email, "password": mot_de_passe}, **entetes)


def connecte(reponse):
    return reponse.status_code == 302 and reponse.url == reverse("ecrans:accueil")


def requete(adresse="10.0.0.2", transmis=None):
    entetes = {"REMOTE_ADDR": adresse}
    if transmis is not None:
        entetes["HTTP_X_FORWARDED_FOR"] = transmis
    return RequestFactory().get("/", **entetes)


# --- L'adresse du client ----------------------------------------------------------------------


def test_sans_proxy_l_en_tete_forge_est_ignore(settings):
    settings.NOMBRE_DE_PROXYS = 0
    assert adresse_client(requete("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


@pytest.mark.parametrize(
    ("nombre", "transmis", "attendue"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # Ce que le client écrit lui-même reste à gauche : seule la dernière compte.
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.9", "203.0.113.9"),
        (1, " 2001:db8::5 ", "2001:db8::5"),
        (1, "203.0.113.9:51234", "203.0.113.9"),
        # Pas passée par tous les proxys annoncés, ou illisible : l'adresse de la connexion.
        (2, "203.0.113.9", PROXY),
        (1, "", PROXY),
        (1, "1.2.3.4, pas-une-adresse", PROXY),
    ],
)
def test_derriere_des_proxys_la_n_ieme_adresse_en_partant_de_la_droite(
    settings, nombre, transmis, attendue
):
    settings.NOMBRE_DE_PROXYS = nombre
    assert adresse_client(requete(PROXY, transmis)) == attendue


# --- Verrou (compte, adresse) : derrière le proxy ---------------------------------------------


def test_derriere_le_proxy_deux_clients_ne_se_verrouillent_pas(client, settings):
    settings.NOMBRE_DE_PROXYS = 1
    UserFactory(email="ts@demo.test")
    for _ in range(5):
        connexion(client, "ts@demo.test", adresse=PROXY, transmis="203.0.113.66")
    verrouille = connexion(
        client, "ts@demo.test", MOT_DE_PASSE, adresse=PROXY, transmis="203.0.113.66"
    )
    assert verrouille.status_code == 429

    # Le titulaire, d'une autre adresse derrière le même proxy, se connecte.
    titulaire = connexion(
        client, "ts@demo.test", MOT_DE_PASSE, adresse=PROXY, transmis="198.51.100.20"
    )
    assert connecte(titulaire)


def test_sans_proxy_un_x_forwarded_for_forge_ne_contourne_pas_le_verrou(client, settings):
    settings.NOMBRE_DE_PROXYS = 0
    UserFactory(email="ts@demo.test")
    for numero in range(5):
        connexion(client, "ts@demo.test", adresse="198.51.100.7", transmis=f"203.0.113.{numero}")
    reponse = connexion(
        client, "ts@demo.test", MOT_DE_PASSE, adresse="198.51.100.7", transmis="203.0.113.200"
    )
    assert reponse.status_code == 429
    adresses = set(
        JournalAudit.objects.filter(action="connexion_echouee").values_list("adresse_ip", flat=True)
    )
    assert adresses == {"198.51.100.7"}


# --- Par adresse : beaucoup de comptes ---------------------------------------------------------


def test_trente_comptes_essayes_depuis_une_adresse_sont_freines(client, settings):
    settings.NOMBRE_DE_PROXYS = 1
    UserFactory(email="cible@demo.test")
    reponses = [
        connexion(client, f"compte{numero}@demo.test", adresse=PROXY, transmis="203.0.113.66")
        for numero in range(30)
    ]
    refus = [r for r in reponses if "Trop de comptes différents" in r.content.decode()]
    assert len(refus) == 30 - settings.LIMITATION_COMPTES_PAR_ADRESSE
    # Même le bon mot de passe n'est plus vérifié depuis cette adresse…
    reponse = connexion(
        client, "cible@demo.test", MOT_DE_PASSE, adresse=PROXY, transmis="203.0.113.66"
    )
    assert not connecte(reponse)
    assert "Réessayez dans 15 minutes" in reponse.content.decode()
    # … les essais refusés ne sont pas comptés comme des échecs vérifiés…
    assert JournalAudit.objects.filter(action="connexion_echouee").count() == 31
    # … et les autres clients derrière le proxy ne sont pas touchés.
    assert connecte(
        connexion(client, "cible@demo.test", MOT_DE_PASSE, adresse=PROXY, transmis="198.51.100.1")
    )


def test_quelques_comptes_depuis_une_adresse_ne_la_verrouillent_pas(client, settings):
    UserFactory(email="cible@demo.test")
    for numero in range(settings.LIMITATION_COMPTES_PAR_ADRESSE - 1):
        connexion(client, f"compte{numero}@demo.test", adresse="198.51.100.7")
    assert connecte(connexion(client, "cible@demo.test", MOT_DE_PASSE, adresse="198.51.100.7"))


# --- Par compte : délais croissants, toutes adresses confondues -------------------------------


@pytest.fixture
def horloge(monkeypatch):
    class Horloge:
        instant = 1_800_000_000.0

        def avancer(self, secondes):
            self.instant += secondes

    horloge = Horloge()
    monkeypatch.setattr(limitation, "maintenant", lambda: horloge.instant)
    return horloge


def echouer_depuis_des_adresses(client, email, nombre, debut=0):
    for numero in range(debut, debut + nombre):
        connexion(client, email, adresse=f"203.0.113.{numero + 1}")


def test_essais_repartis_sur_des_adresses_le_compte_est_ralenti_puis_rouvre(
    client, settings, horloge
):
    UserFactory(email="ts@demo.test")
    echouer_depuis_des_adresses(client, "ts@demo.test", settings.LIMITATION_ECHECS_PAR_COMPTE)

    refuse = connexion(client, "ts@demo.test", MOT_DE_PASSE, adresse="198.51.100.20")
    assert not connecte(refuse)
    contenu = refuse.content.decode()
    assert "Trop de tentatives de connexion récentes pour ce compte" in contenu
    assert "Réessayez dans 2 secondes" in contenu
    assert 'value="ts@demo.test"' in contenu

    horloge.avancer(2)
    assert connecte(connexion(client, "ts@demo.test", MOT_DE_PASSE, adresse="198.51.100.20"))


def test_le_delai_croit_et_reste_borne(settings):
    seuil = settings.LIMITATION_ECHECS_PAR_COMPTE
    assert limitation.delai_du_compte(seuil - 1) == 0
    assert [limitation.delai_du_compte(seuil + n) for n in range(4)] == [2, 4, 8, 16]
    assert limitation.delai_du_compte(seuil + 1000) == settings.LIMITATION_DELAI_MAX_SECONDES == 60


def test_un_inconnu_ne_prolonge_pas_le_delai_ni_ne_verrouille_le_titulaire(
    client, settings, horloge
):
    UserFactory(email="ts@demo.test")
    echouer_depuis_des_adresses(client, "ts@demo.test", settings.LIMITATION_ECHECS_PAR_COMPTE + 4)
    attente = limitation.delai_du_compte(settings.LIMITATION_ECHECS_PAR_COMPTE + 4)
    assert attente == 32

    # Pendant le délai, l'inconnu et le titulaire insistent : refusés sans vérification, ces
    # essais ne comptent ni pour le délai ni pour le verrou (compte, adresse) d'axes.
    for _ in range(8):
        horloge.avancer(1)
        connexion(client, "ts@demo.test", adresse="203.0.113.250")
        assert not connecte(
            connexion(client, "ts@demo.test", MOT_DE_PASSE, adresse="198.51.100.20")
        )
    horloge.avancer(attente - 8)
    assert connecte(connexion(client, "ts@demo.test", MOT_DE_PASSE, adresse="198.51.100.20"))


def test_un_attaquant_deja_verrouille_par_axes_ne_ralentit_pas_le_titulaire(client, settings):
    UserFactory(email="ts@demo.test")
    for _ in range(settings.LIMITATION_ECHECS_PAR_COMPTE + 10):
        connexion(client, "ts@demo.test", adresse="203.0.113.66")
    assert connexion(client, "ts@demo.test", adresse="203.0.113.66").status_code == 429
    assert connecte(connexion(client, "ts@demo.test", MOT_DE_PASSE, adresse="198.51.100.20"))


def test_une_connexion_reussie_efface_les_echecs_du_compte(client, settings, horloge):
    UserFactory(email="ts@demo.test")
    echouer_depuis_des_adresses(client, "ts@demo.test", settings.LIMITATION_ECHECS_PAR_COMPTE)
    horloge.avancer(2)
    assert connecte(connexion(client, "ts@demo.test", MOT_DE_PASSE, adresse="198.51.100.20"))
    client.logout()
    connexion(client, "ts@demo.test", adresse="198.51.100.21")
    assert connecte(connexion(client, "ts@demo.test", MOT_DE_PASSE, adresse="198.51.100.20"))


# --- Pour toute l'instance : un plafond par minute ---------------------------------------------


def test_au_dela_du_plafond_de_l_instance_les_essais_attendent_la_minute_suivante(
    client, settings, horloge
):
    settings.LIMITATION_ECHECS_PAR_MINUTE = 3
    horloge.instant = 60 * 30_000_000 + 10  # dix secondes après le début d'une minute
    UserFactory(email="ts@demo.test")
    for numero in range(3):
        connexion(client, f"compte{numero}@demo.test", adresse=f"203.0.113.{numero + 1}")

    refuse = connexion(client, "ts@demo.test", MOT_DE_PASSE, adresse="198.51.100.20")
    contenu = refuse.content.decode()
    assert "Le service reçoit trop de tentatives de connexion" in contenu
    assert "Réessayez dans 50 secondes" in contenu

    horloge.avancer(50)
    assert connecte(connexion(client, "ts@demo.test", MOT_DE_PASSE, adresse="198.51.100.20"))


def test_limitation_desactivable(client, settings):
    settings.LIMITATION_ACTIVE = False
    settings.LIMITATION_ECHECS_PAR_MINUTE = 1
    UserFactory(email="ts@demo.test")
    connexion(client, "autre@demo.test", adresse="203.0.113.1")
    assert connecte(connexion(client, "ts@demo.test", MOT_DE_PASSE, adresse="198.51.100.20"))


# --- Le journal garde l'adresse réelle ---------------------------------------------------------


def test_le_journal_garde_l_adresse_du_client_derriere_le_proxy(client, settings):
    settings.NOMBRE_DE_PROXYS = 1
    user = UserFactory(email="ts@demo.test")
    connexion(client, "ts@demo.test", adresse=PROXY, transmis="1.2.3.4, 203.0.113.66")
    connexion(client, "ts@demo.test", MOT_DE_PASSE, adresse=PROXY, transmis="198.51.100.20")
    assert JournalAudit.objects.get(action="connexion_echouee").adresse_ip == "203.0.113.66"
    assert JournalAudit.objects.get(action="connexion", user=user).adresse_ip == "198.51.100.20"
