"""Les listes du parcours accès qui grandissent avec le programme : logements vacants de la
mutation, structures autour du ménage, communes des besoins, bailleurs et associations de la
CAL et du bail, référents du bailleur. Au-delà du seuil, chacune ne rend que l'option choisie
et se cherche ; la recherche ne propose que ce que le formulaire accepte, à qui écrit le
parcours du ménage ; un choix trouvé par la recherche s'enregistre comme un choix de la liste."""

import json

import pytest
from django.urls import reverse

from acces.enums import EtatVacant
from acces.factories import LogementVacantFactory
from core import widgets as core_widgets
from core.enums import Role, TypeOrganisation
from core.factories import (
    CommuneFactory,
    DispositifFactory,
    OrganisationFactory,
    TerritoireFactory,
)
from tests.outils import membre

from .situations import AUJOURD_HUI, Parcours_

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcours():
    return Parcours_()


@pytest.fixture
def seuil_bas(monkeypatch):
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", 1)


def _suggestions(client, adresse, liste, q):
    reponse = client.get(adresse, {"liste": liste, "q": q})
    assert reponse.status_code == 200, reponse.content
    return json.loads(reponse.content)["resultats"]


def test_la_page_du_menage_cherche_ses_longues_listes(client, parcours, seuil_bas):
    lilas = parcours.vacant(adresse="3 rue des Lilas", commune="Seynod")
    parcours.vacant(adresse="8 rue du Port", commune="Annecy")
    OrganisationFactory(nom="Centre communal d'action sociale de Seynod", sigle="CCAS")
    client.force_login(parcours.coordinateur)
    recherche = reverse("acces:choix_du_menage", args=[parcours.menage.public_id])

    contenu = client.get(reverse("acces:menage", args=[parcours.menage.public_id])).content
    contenu = contenu.decode()
    assert f'data-recherche="{recherche}?liste=logement"' in contenu
    assert f'data-recherche="{recherche}?liste=organisation"' in contenu
    # Le logement reste dans le classement des vacants, pas dans la liste de la mutation.
    assert f'<option value="{lilas.public_id}"' not in contenu
    assert "Centre communal" not in contenu
    # Chaque liste dit ce qu'on y cherche.
    assert 'data-invite="Rechercher un logement"' in contenu
    assert 'data-aucun="Aucune structure trouvée."' in contenu
    assert "de l&#x27;adresse, de la commune ou de la référence du logement" in contenu


def test_sous_le_seuil_les_listes_restent_entieres(client, parcours):
    parcours.vacant(adresse="3 rue des Lilas", commune="Seynod")
    client.force_login(parcours.coordinateur)

    contenu = client.get(reverse("acces:menage", args=[parcours.menage.public_id])).content
    assert b"data-recherche" not in contenu
    assert b"3 rue des Lilas" in contenu


def test_la_recherche_des_logements_ne_propose_que_les_disponibles_du_dispositif(client, parcours):
    lilas = parcours.vacant(reference="LIL-1", adresse="3 rue des Lilas", commune="Seynod")
    parcours.vacant(reference="LIL-2", adresse="5 rue des Lilas", etat=EtatVacant.ATTRIBUE)
    autre = DispositifFactory(acces=True)
    LogementVacantFactory(
        dispositif=autre, territoire=TerritoireFactory(dispositif=autre), adresse="7 rue des Lilas"
    )
    client.force_login(parcours.coordinateur)
    recherche = reverse("acces:choix_du_menage", args=[parcours.menage.public_id])

    assert _suggestions(client, recherche, "logement", "lilas") == [
        {"value": str(lilas.public_id), "text": str(lilas)}
    ]
    # Par la référence, la commune ou le code postal aussi.
    assert len(_suggestions(client, recherche, "logement", "LIL-1")) == 1
    assert len(_suggestions(client, recherche, "logement", "seynod lilas")) == 1


def _muter(client, parcours, logement, **options):
    return client.post(
        reverse("acces:mutation", args=[parcours.menage.public_id]),
        {
            "logement": logement.public_id,
            "nouvelle_reference": "MUT-1",
            "date_mutation": AUJOURD_HUI().isoformat(),
        },
        **options,
    )


def test_un_logement_trouve_par_la_recherche_s_enregistre(client, parcours, seuil_bas):
    parcours.vacant(adresse="1 rue Première")
    cherche = parcours.vacant(adresse="9 rue Dernière", commune="Seynod")
    client.force_login(parcours.coordinateur)

    reponse = _muter(client, parcours, cherche)
    assert reponse.status_code == 302
    assert parcours.menage.mutations.get().nouveau_logement.adresse == "9 rue Dernière"


def test_un_logement_hors_de_la_liste_est_refuse(client, parcours, seuil_bas):
    parcours.vacant(adresse="1 rue Première")
    attribue = parcours.vacant(adresse="2 rue Prise", etat=EtatVacant.ATTRIBUE)
    client.force_login(parcours.coordinateur)

    reponse = _muter(client, parcours, attribue, follow=True)
    contenu = reponse.content.decode()
    assert "Sélectionnez un choix valide" in contenu
    assert not parcours.menage.mutations.exists()


def test_les_structures_se_cherchent_par_le_nom_le_sigle_ou_la_commune(client, parcours):
    ccas = OrganisationFactory(
        nom="Centre communal d'action sociale", sigle="CCAS", commune="Seynod"
    )
    client.force_login(parcours.coordinateur)
    recherche = reverse("acces:choix_du_menage", args=[parcours.menage.public_id])

    for texte in ("ccas", "communal", "seynod"):
        assert _suggestions(client, recherche, "organisation", texte) == [
            {"value": str(ccas.pk), "text": ccas.nom}
        ], texte


def test_les_communes_du_besoin_se_cherchent_et_s_enregistrent(client, parcours, seuil_bas):
    cran = CommuneFactory(territoire=parcours.arve, nom="Cran-Gevrier", code_postal="74960")
    CommuneFactory(territoire=TerritoireFactory(), nom="Cran-Ailleurs")
    client.force_login(parcours.coordinateur)
    page = reverse("acces:besoins", args=[parcours.menage.public_id])
    recherche = reverse("acces:choix_du_menage", args=[parcours.menage.public_id])

    contenu = client.get(page).content.decode()
    assert f'data-recherche="{recherche}?liste=communes_souhaitees"' in contenu
    assert "Cran-Gevrier" not in contenu
    assert _suggestions(client, recherche, "communes_souhaitees", "cran") == [
        {"value": str(cran.pk), "text": "Cran-Gevrier (74960)"}
    ]
    assert _suggestions(client, recherche, "communes_evitees", "74960") == [
        {"value": str(cran.pk), "text": "Cran-Gevrier (74960)"}
    ]

    reponse = client.post(
        page,
        {"date_besoins": AUJOURD_HUI().isoformat(), "communes_souhaitees": [cran.pk]},
    )
    assert reponse.status_code == 302
    # La fiche en vigueur se rouvre avec la commune choisie, seule rendue.
    contenu = client.get(page).content.decode()
    assert f'<option value="{cran.pk}" selected>Cran-Gevrier (74960)</option>' in contenu


def test_la_cal_et_le_bail_cherchent_bailleurs_associations_et_referents(
    client, parcours, seuil_bas
):
    OrganisationFactory(nom="Habitat du Lac", type=TypeOrganisation.BAILLEUR)
    OrganisationFactory(nom="Toit du Lac", type=TypeOrganisation.ASSOCIATION)
    proposition = parcours.jusqu_a_la_reponse()
    client.force_login(parcours.coordinateur)
    page = reverse("acces:proposition", args=[proposition.public_id])
    recherche = reverse("acces:choix_de_la_proposition", args=[proposition.public_id])

    contenu = client.get(page).content.decode()
    assert f'data-recherche="{recherche}?liste=bailleur"' in contenu
    # Le porteur du dispositif reste proposé d'avance, seule option rendue.
    porteur = parcours.dispositif.porteur
    assert f'<option value="{porteur.pk}" selected>{porteur.nom}</option>' in contenu
    assert "Habitat du Lac" not in contenu
    assert [r["text"] for r in _suggestions(client, recherche, "bailleur", "lac")] == [
        "Habitat du Lac"
    ]
    # Une association n'est pas un bailleur, et inversement.
    assert [r["text"] for r in _suggestions(client, recherche, "association_preneuse", "lac")] == [
        "Toit du Lac"
    ]
    referent = parcours.referent_bailleur
    assert {
        r["value"]
        for r in _suggestions(client, recherche, "referent_bailleur", referent.last_name[:4])
    } >= {str(referent.pk)}
    assert str(parcours.ts.pk) not in {
        r["value"]
        for r in _suggestions(client, recherche, "referent_bailleur", parcours.ts.last_name[:4])
    }


def test_les_recherches_du_parcours_sont_refusees_a_qui_ne_l_ecrit_pas(client, parcours):
    proposition = parcours.jusqu_a_la_reponse()
    adresses = [
        (reverse("acces:choix_du_menage", args=[parcours.menage.public_id]), "organisation"),
        (reverse("acces:choix_de_la_proposition", args=[proposition.public_id]), "bailleur"),
    ]
    autre = DispositifFactory(acces=True)
    personnes = [
        membre(parcours.dispositif, Role.TRAVAILLEUR_SOCIAL),  # hors de l'équipe du ménage
        membre(parcours.dispositif, Role.MEMBRE_COPIL),
        membre(autre, Role.COORDINATEUR),
    ]
    for personne in personnes:
        client.force_login(personne)
        for adresse, liste in adresses:
            refus = client.get(adresse, {"liste": liste, "q": "ba"})
            assert refus.status_code in (403, 404), (personne, adresse)
    client.logout()
    for adresse, liste in adresses:
        assert client.get(adresse, {"liste": liste, "q": "ba"}).status_code == 302
    # Une liste que le formulaire n'a pas : introuvable.
    client.force_login(parcours.coordinateur)
    assert client.get(adresses[0][0], {"liste": "bailleur", "q": "ba"}).status_code == 404


def test_l_invitation_d_un_membre_cherche_sa_structure(client, parcours, seuil_bas):
    OrganisationFactory(nom="Association Relais Lac", sigle="ARL")
    client.force_login(parcours.coordinateur)
    slug = parcours.dispositif.slug
    recherche = reverse("equipes:structures", args=[slug])

    contenu = client.get(reverse("equipes:inviter", args=[slug])).content.decode()
    assert f'data-recherche="{recherche}?liste=organisation"' in contenu
    assert "Association Relais Lac" not in contenu
    assert [r["text"] for r in _suggestions(client, recherche, "organisation", "arl")] == [
        "Association Relais Lac"
    ]
    for role in (Role.TRAVAILLEUR_SOCIAL, Role.AGENT_BAILLEUR):
        client.force_login(membre(parcours.dispositif, role))
        assert client.get(recherche, {"liste": "organisation", "q": "arl"}).status_code == 404
