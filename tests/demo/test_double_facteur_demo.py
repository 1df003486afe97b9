"""seed_demo --force là où la double authentification est exigée : chaque compte de
démonstration reçoit un secret TOTP connu, imprimé à côté de lui."""

import io
import re
from base64 import b32decode

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.models import User

pytestmark = pytest.mark.django_db


@override_settings(OTP_OBLIGATOIRE=True, DEMO_PASSWORD="demo-logisens")
def test_chaque_compte_de_demo_recoit_un_secret_connu_et_imprime(demo, client):
    sortie = io.StringIO()
    call_command("seed_demo", "--force", stdout=sortie)
    lignes = sortie.getvalue().splitlines()
    assert any("Double authentification exigée" in ligne for ligne in lignes)
    secrets = {ligne.split()[0]: ligne.split()[-1] for ligne in lignes if "@demo.test" in ligne}
    # Les anciens membres de la démonstration, partis, n'ont plus de compte actif.
    comptes = User.objects.filter(email__endswith="@demo.test", is_active=True)
    assert set(secrets) == set(comptes.values_list("email", flat=True))
    for user in comptes:
        appareil = TOTPDevice.objects.get(user=user, confirmed=True)
        assert appareil.bin_key == b32decode(secrets[user.email])
    assert len(set(secrets.values())) == len(secrets)

    # Le secret imprimé suffit pour se connecter de bout en bout.
    email = "coordinateur.cantal@demo.test"
    client.post(reverse("login"), {"username": email, "password": "demo-logisens"})
    assert client.get(reverse("ecrans:accueil")).url.startswith(reverse("double_facteur_verifier"))
    code = f"{totp(b32decode(secrets[email])):06d}"
    client.post(reverse("double_facteur_verifier"), {"code": code})
    assert client.get(reverse("ecrans:accueil")).status_code == 200

    # Un second passage ne change pas les secrets.
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert TOTPDevice.objects.filter(user__email__endswith="@demo.test").count() == len(secrets)


def test_en_mode_developpement_aucun_secret_n_est_imprime(demo_chargee):
    # Premier passage de la session : DEBUG, la double authentification proposée seulement.
    assert "Double authentification" not in demo_chargee.sortie
    assert not re.search(r"\b[A-Z2-7]{32}\b", demo_chargee.sortie)
