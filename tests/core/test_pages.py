"""Pages du socle : accueil par rôle, dispositifs, refus."""

import pytest
from django.urls import reverse

from core.enums import Role
from core.factories import DispositifFactory, LigneBudgetaireFactory, MembreFactory, UserFactory
from tests.outils import connecte

pytestmark = pytest.mark.django_db


def test_une_page_privee_renvoie_vers_la_connexion(client):
    reponse = client.get(reverse("core:accueil"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("login"))


def test_la_sonde_de_sante_est_publique_et_ne_dit_rien(client):
    reponse = client.get(reverse("sante"))
    assert reponse.status_code == 200
    assert reponse.content == b"ok"


@pytest.mark.parametrize("role", list(Role))
def test_l_accueil_montre_mes_dispositifs_et_pas_les_autres(client, role):
    membre = connecte(client, role, dispositif__nom="Face à des situations complexes")
    DispositifFactory(nom="Un logement pérenne")
    reponse = client.get(reverse("core:accueil"))
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Face à des situations complexes" in contenu
    assert "Un logement pérenne" not in contenu
    assert membre.get_role_display() in contenu


def test_le_coordinateur_voit_les_chiffres_de_son_dispositif(client):
    membre = connecte(client, Role.COORDINATEUR, dispositif__capacite_maintien=30)
    LigneBudgetaireFactory(dispositif=membre.dispositif, montant_annuel=30000)
    LigneBudgetaireFactory(dispositif=membre.dispositif, nature="charges", montant_annuel=12000)
    MembreFactory(dispositif=membre.dispositif, role=Role.INFIRMIER)
    contenu = client.get(reverse("core:accueil")).content.decode()
    assert "42\xa0000\xa0€" in contenu  # budget annuel
    assert "1\xa0400\xa0€" in contenu  # 42 000 € / 30 ménages
    assert "capacité cible" in contenu


@pytest.mark.parametrize(
    "role", [Role.TRAVAILLEUR_SOCIAL, Role.INFIRMIER, Role.PSYCHOLOGUE, Role.AGENT_BAILLEUR]
)
def test_les_roles_de_terrain_ne_voient_pas_le_budget(client, role):
    membre = connecte(client, role)
    LigneBudgetaireFactory(dispositif=membre.dispositif, montant_annuel=30000)
    assert "30\xa0000" not in client.get(reverse("core:accueil")).content.decode()
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


def test_l_admin_technique_n_a_aucun_dispositif_mais_l_administration(client):
    dispositif = DispositifFactory()
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    contenu = client.get(reverse("core:accueil")).content.decode()
    assert "aucun dispositif" in contenu
    assert reverse("admin:index") in contenu
    assert client.get(reverse("core:dispositif", args=[dispositif.slug])).status_code == 404


def test_la_navigation_ne_propose_l_administration_qu_a_l_admin(client):
    connecte(client, Role.COORDINATEUR)
    assert reverse("admin:index") not in client.get(reverse("core:accueil")).content.decode()
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize("nombre", [1, 4])
def test_l_accueil_du_coordinateur_fait_un_nombre_fixe_de_requetes(
    client, django_assert_num_queries, nombre
):
    user = UserFactory()
    for _ in range(nombre):
        membre = MembreFactory(user=user, role=Role.COORDINATEUR)
        LigneBudgetaireFactory(dispositif=membre.dispositif)
        MembreFactory(dispositif=membre.dispositif, role=Role.INFIRMIER)
    client.force_login(user)
    # session, utilisateur, adhésions, dispositifs + budget, effectifs, bilans à faire,
    # mes accompagnements
    with django_assert_num_queries(7):
        assert client.get(reverse("core:accueil")).status_code == 200
