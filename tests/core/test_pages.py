"""Pages du socle : connexion exigée, dispositifs, navigation, refus."""

import re

import pytest
from django.urls import reverse

from core import selectors as core_selectors
from core.enums import Role
from core.factories import DispositifFactory, LigneBudgetaireFactory, MembreFactory
from tests.outils import connecte, texte

pytestmark = pytest.mark.django_db


def test_une_page_privee_renvoie_vers_la_connexion(client):
    reponse = client.get(reverse("ecrans:accueil"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("login"))


def test_la_sonde_de_sante_est_publique_et_ne_dit_rien(client):
    reponse = client.get(reverse("sante"))
    assert reponse.status_code == 200
    assert reponse.content == b"ok"


@pytest.mark.parametrize(
    "role", [Role.TRAVAILLEUR_SOCIAL, Role.INFIRMIER, Role.PSYCHOLOGUE, Role.AGENT_BAILLEUR]
)
def test_les_roles_de_terrain_ne_voient_pas_le_budget(client, role):
    membre = connecte(client, role)
    LigneBudgetaireFactory(dispositif=membre.dispositif, montant_annuel=30000)
    assert "30\xa0000" not in client.get(reverse("ecrans:accueil")).content.decode()
    page = client.get(reverse("core:dispositif", args=[membre.dispositif.slug]))
    assert page.status_code == 200
    assert "Budget annuel" not in page.content.decode()


@pytest.mark.parametrize("role", [Role.COORDINATEUR, Role.MEMBRE_COPIL, Role.MEMBRE_COTECH])
def test_coordination_et_comites_voient_le_budget(client, role):
    membre = connecte(client, role)
    LigneBudgetaireFactory(dispositif=membre.dispositif, montant_annuel=35000)
    contenu = client.get(reverse("core:dispositif", args=[membre.dispositif.slug])).content.decode()
    assert "Budget annuel" in contenu
    assert "35\xa0000\xa0€" in contenu


def test_seul_le_coordinateur_voit_la_liste_des_membres(client):
    membre = connecte(client, Role.COORDINATEUR)
    collegue = MembreFactory(dispositif=membre.dispositif, role=Role.PSYCHOLOGUE)
    url = reverse("core:dispositif", args=[membre.dispositif.slug])
    assert collegue.user.email in client.get(url).content.decode()
    client.force_login(collegue.user)
    contenu = client.get(url).content.decode()
    assert "Membres du dispositif" not in contenu
    assert membre.user.email not in contenu


@pytest.mark.parametrize("role", list(Role))
def test_le_dispositif_d_un_autre_est_introuvable(client, role):
    connecte(client, role)
    autre = DispositifFactory()
    assert client.get(reverse("core:dispositif", args=[autre.slug])).status_code == 404


def test_la_navigation_ne_propose_l_administration_qu_a_l_admin(client):
    connecte(client, Role.COORDINATEUR)
    assert reverse("admin:index") not in client.get(reverse("ecrans:accueil")).content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


def test_au_dela_de_la_borne_la_page_du_dispositif_compte_les_membres_par_role(client, monkeypatch):
    monkeypatch.setattr(core_selectors, "MEMBRES_SUR_LA_PAGE", 3)
    membre = connecte(client, Role.COORDINATEUR)
    dispositif = membre.dispositif
    url = reverse("core:dispositif", args=[dispositif.slug])
    collegues = [MembreFactory(dispositif=dispositif, role=Role.TRAVAILLEUR_SOCIAL) for _ in "ab"]
    contenu = client.get(url).content.decode()
    assert all(c.user.email in contenu for c in collegues)  # 3 membres : la liste entière

    MembreFactory(dispositif=dispositif, role=Role.INFIRMIER)
    # Une personne à deux rôles compte une fois dans le total, une fois dans chaque rôle.
    MembreFactory(dispositif=dispositif, user=collegues[0].user, role=Role.INFIRMIER)
    parti = MembreFactory(dispositif=dispositif, role=Role.PSYCHOLOGUE)
    parti.actif = False
    parti.save()
    contenu = texte(client.get(url))
    assert not any(c.user.email in contenu for c in collegues)
    assert "4 personnes actives" in contenu
    lignes = re.findall(r"<tr><td>([^<]+)</td><td class=\"text-end\">(\d+)</td></tr>", contenu)
    assert lignes == [
        ("Coordinateur·rice", "1"),
        ("Travailleur·se social·e", "2"),
        ("Infirmier·ère", "2"),
    ]
    assert reverse("equipes:membres", args=[dispositif.slug]) in contenu
