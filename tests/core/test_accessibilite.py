"""La déclaration d'accessibilité : publique, liée depuis chaque page."""

import pytest
from django.urls import reverse

from core.enums import Role
from tests.outils import connecte, texte

pytestmark = pytest.mark.django_db


def test_la_declaration_est_publique(client):
    reponse = client.get(reverse("accessibilite"))
    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "partiellement conforme" in contenu
    assert "Défenseur des droits" in contenu
    assert "WCAG 2.1" in contenu


def test_chaque_page_mene_a_la_declaration(client):
    connecte(client, Role.COORDINATEUR)
    assert reverse("accessibilite") in texte(client.get(reverse("ecrans:accueil")))
    client.logout()
    assert reverse("accessibilite") in texte(client.get(reverse("login")))
