"""Parcours : en production, une coordinatrice active sa double authentification à sa première
connexion, puis se reconnecte avec le code de son application."""

from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from core.enums import Role
from core.factories import MembreFactory

from .conftest import capture, se_connecter


@pytest.fixture
def production(settings):
    settings.OTP_OBLIGATOIRE = True


def test_activation_puis_connexion_avec_code(
    production, transactional_db, navigateur, page, live_server
):
    membre = MembreFactory(role=Role.COORDINATEUR, user__email="coordination@exemple.test")
    se_connecter(page, live_server, membre.user.email, "mot-de-passe-de-test")

    expect(page.get_by_role("heading", name="Activer la double authentification")).to_be_visible()
    expect(page.locator("#qr-code svg")).to_be_visible()
    capture(page, "double-authentification-activation")
    cle = b32decode(page.locator("#cle-double-facteur").inner_text().replace(" ", ""))
    page.get_by_label("Code affiché par l'application").fill(f"{totp(cle):06d}")
    page.get_by_role("button", name="Activer").click()

    expect(page.get_by_role("heading", name="Vos codes de secours")).to_be_visible()
    expect(page.locator("#codes-de-secours li")).to_have_count(10)
    page.get_by_role("link", name="J'ai noté mes codes, continuer").click()
    expect(page.get_by_role("heading", name="Bonjour")).to_be_visible()

    # Nouvelle connexion, d'un autre navigateur : le mot de passe seul n'ouvre rien.
    contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    autre = contexte.new_page()
    se_connecter(autre, live_server, membre.user.email, "mot-de-passe-de-test")
    expect(autre.get_by_role("heading", name="Double authentification")).to_be_visible()
    autre.goto(f"{live_server.url}/menages/")
    expect(autre.get_by_role("heading", name="Double authentification")).to_be_visible()
    capture(autre, "double-authentification-code")
    # Le code du pas suivant (celui du moment a déjà servi à l'activation), compté depuis
    # l'horloge de l'application telle que le serveur l'a recalée : si l'activation a franchi
    # la fin d'un pas de 30 s, le serveur a retenu un décalage d'un pas en arrière.
    appareil = TOTPDevice.objects.get(user=membre.user, confirmed=True)
    autre.get_by_label("Code").fill(f"{totp(cle, drift=appareil.drift + 1):06d}")
    autre.get_by_role("button", name="Valider").click()
    expect(autre.get_by_role("heading", name="File active")).to_be_visible()
    contexte.close()
