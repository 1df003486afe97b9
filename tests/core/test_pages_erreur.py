"""Les pages d'erreur 403, 404 et 500 en français, dans la mise en page du produit, en
production (DEBUG=False)."""

import pytest
from django.test import Client, override_settings

from accompagnement import services
from accompagnement.models import Intervention
from core.enums import Role
from tests.accompagnement.situations import equipe_ouverte
from tests.outils import connecte, texte

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_404_en_francais_dans_la_mise_en_page(client):
    connecte(client, Role.TRAVAILLEUR_SOCIAL)

    reponse = client.get("/accompagnements/00000000-0000-0000-0000-000000000000/")

    assert reponse.status_code == 404
    contenu = texte(reponse)
    assert "Page introuvable" in contenu
    assert "Revenir à l'accueil" in contenu
    assert 'lang="fr"' in contenu
    assert "Navigation principale" in contenu
    assert "Not Found" not in contenu


@override_settings(DEBUG=False)
def test_404_d_une_adresse_inconnue(client):
    connecte(client, Role.COORDINATEUR)
    reponse = client.get("/nulle-part/")
    assert reponse.status_code == 404
    assert "Page introuvable" in texte(reponse)


@override_settings(DEBUG=False)
def test_403_en_francais_avec_la_raison_du_refus(client):
    equipe = equipe_ouverte()
    # L'infirmier de l'équipe lit l'accompagnement, mais ne le clôt pas.
    client.force_login(equipe.infirmier)

    reponse = client.get(equipe.url("cloture"))

    assert reponse.status_code == 403
    contenu = texte(reponse)
    assert "Accès refusé" in contenu
    assert "Erreur 403" in contenu
    assert "Forbidden" not in contenu
    assert "Navigation principale" in contenu


@override_settings(DEBUG=False)
def test_403_avec_le_motif_du_service(client):
    equipe = equipe_ouverte()
    intervention = services.noter_visite_sans_reponse(equipe.ts, equipe.accompagnement)
    client.force_login(equipe.autre_ts)
    reponse = client.post(f"/interventions/{intervention.public_id}/annuler/")
    assert reponse.status_code == 403
    assert "Seul l'auteur corrige ou annule une intervention" in texte(reponse)
    assert Intervention.objects.filter(pk=intervention.pk).exists()


@override_settings(DEBUG=False, ROOT_URLCONF="tests.core.urls_erreurs")
def test_500_en_francais_sans_rien_de_la_panne(client):
    connecte(client, Role.COORDINATEUR)
    client.raise_request_exception = False

    reponse = client.get("/erreur-simulee/")

    assert reponse.status_code == 500
    contenu = texte(reponse)
    assert "Une erreur est survenue de notre côté" in contenu
    assert "Revenir à l'accueil" in contenu
    assert "Panne simulée" not in contenu
    assert "Server Error" not in contenu


@override_settings(DEBUG=False)
def test_formulaire_expire_en_francais():
    client = Client(enforce_csrf_checks=True)
    reponse = client.post("/compte/connexion/", {"username": "x", "password": "y"})
    assert reponse.status_code == 403
    assert "Ce formulaire a expiré" in texte(reponse)
