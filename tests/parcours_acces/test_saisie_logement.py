"""La saisie d'un logement vacant : le formulaire se charge à l'ouverture de son volet, pas à
chaque affichage de la liste ; un envoi refusé rend la liste, volet ouvert, saisie gardée."""

import re

import pytest
from django.urls import reverse

from acces.models import LogementVacant
from core.enums import Role
from core.factories import DispositifFactory, TerritoireFactory
from tests.outils import membre, texte

from .situations import Parcours_, il_y_a

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def parcours():
    return Parcours_()


def liste(parcours):
    return reverse("acces:logements", args=[parcours.dispositif.slug])


def formulaire(parcours):
    return reverse("acces:saisir_logement", args=[parcours.dispositif.slug])


def saisie(parcours, **champs):
    return {
        "reference": "SAISI-1",
        "adresse": "1 place de l'Hôtel de ville",
        "code_postal": "74000",
        "commune": "Annecy",
        "territoire": parcours.arve.pk,
        "typologie": "T3",
        "etage": "2",
        "loyer": "450",
        "charges": "80",
        "apl_estimee": "200",
        "disponible_le": il_y_a(1).isoformat(),
    } | champs


def test_la_liste_ne_rend_pas_le_formulaire_mais_le_volet_qui_le_charge(client, parcours):
    parcours.vacant(reference="LIBRE-1")
    client.force_login(parcours.agent)
    page = texte(client.get(liste(parcours)))
    assert "LIBRE-1" in page
    assert 'name="reference"' not in page
    assert "Arve</option>" not in page  # les secteurs du formulaire ne sont pas lus
    volet = re.search(r'<details[^>]*id="saisie-logement"[^>]*>', page).group(0)
    assert f'hx-get="{formulaire(parcours)}"' in volet
    assert 'hx-trigger="toggle once"' in volet
    assert " open" not in volet
    # sans JavaScript, le lien du volet mène à la page du formulaire
    assert f'href="{formulaire(parcours)}"' in page


def test_le_volet_charge_le_seul_formulaire_avec_les_secteurs_du_dispositif(client, parcours):
    ailleurs = TerritoireFactory(dispositif=DispositifFactory(acces=True), nom="Ailleurs")
    client.force_login(parcours.agent)
    reponse = client.get(formulaire(parcours), **HTMX)
    fragment = texte(reponse)
    assert reponse.status_code == 200
    assert "<html" not in fragment and "<nav" not in fragment
    assert f'action="{liste(parcours)}"' in fragment
    assert 'name="reference"' in fragment and "csrfmiddlewaretoken" in fragment
    assert "Annecy</option>" in fragment and "Arve</option>" in fragment
    assert ailleurs.nom not in fragment


def test_sans_javascript_le_formulaire_a_sa_page(client, parcours):
    client.force_login(parcours.agent)
    page = texte(client.get(formulaire(parcours)))
    assert '<h1 class="h3">Saisir un logement vacant</h1>' in page
    assert f'action="{liste(parcours)}"' in page
    assert 'name="reference"' in page


def test_un_envoi_valide_enregistre_et_revient_a_la_liste(client, parcours):
    client.force_login(parcours.agent)
    reponse = client.post(liste(parcours), saisie(parcours), follow=True)
    assert reponse.redirect_chain[-1][0] == liste(parcours)
    assert "Logement SAISI-1 enregistré." in texte(reponse)
    logement = LogementVacant.objects.get(reference="SAISI-1")
    assert logement.dispositif == parcours.dispositif and logement.territoire == parcours.arve


def test_un_envoi_refuse_rend_la_liste_volet_ouvert_et_garde_la_saisie(client, parcours):
    client.force_login(parcours.agent)
    reponse = client.post(liste(parcours), saisie(parcours, code_postal="740"))
    page = texte(reponse)
    assert reponse.status_code == 200
    assert not LogementVacant.objects.exists()
    volet = re.search(r'<details[^>]*id="saisie-logement"[^>]*>', page).group(0)
    assert " open" in volet and "hx-get" not in volet
    assert "Le code postal compte cinq chiffres." in page
    assert 'value="SAISI-1"' in page and 'value="740"' in page
    assert re.search(rf'<option value="{parcours.arve.pk}" selected>Arve</option>', page)


@pytest.mark.parametrize("role", [Role.TRAVAILLEUR_SOCIAL, Role.MEMBRE_COTECH, Role.MEMBRE_COPIL])
def test_qui_ne_gere_pas_les_logements_n_ouvre_pas_le_formulaire(client, parcours, role):
    client.force_login(membre(parcours.dispositif, role))
    assert client.get(formulaire(parcours), **HTMX).status_code == 404
    assert client.get(formulaire(parcours)).status_code == 404


def test_la_gestion_d_un_autre_dispositif_n_ouvre_pas_le_formulaire(client, parcours):
    client.force_login(membre(DispositifFactory(acces=True), Role.AGENT_BAILLEUR))
    assert client.get(formulaire(parcours), **HTMX).status_code == 404


def test_le_formulaire_ne_s_envoie_pas_a_sa_propre_adresse(client, parcours):
    client.force_login(parcours.agent)
    assert client.post(formulaire(parcours), saisie(parcours)).status_code == 405
    assert not LogementVacant.objects.exists()
