"""Les pages du parcours accès : ce que chacun voit, ce qui est refusé, la saisie gardée."""

import pytest
from django.urls import reverse

from acces.enums import ReponseMenage
from acces.models import BesoinsLogement, Proposition
from core.enums import Role
from core.factories import DispositifFactory
from tests.outils import membre, texte

from .situations import Parcours_, il_y_a

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcours():
    return Parcours_()


def url(nom, objet):
    return reverse(f"acces:{nom}", args=[objet.public_id])


def test_la_coordination_voit_le_classement_avec_raisons_et_taux_d_effort(client, parcours):
    parcours.besoins(typologie_min="T3", secteurs_evites=[parcours.arve])
    parcours.vacant(reference="BIEN", typologie="T3")
    parcours.vacant(reference="EVITE", territoire=parcours.arve, adresse="9 rue évitée")
    client.force_login(parcours.coordinateur)
    reponse = client.get(url("menage", parcours.menage))
    page = texte(reponse)
    assert reponse.status_code == 200
    assert "T3 demandé : T3" in page
    assert "secteur évité : Arve" in page
    assert "taux d'effort" in page and "28,9" in page
    assert page.index("rue des Tilleuls") < page.index("9 rue évitée")


def test_les_besoins_invalides_gardent_la_saisie(client, parcours):
    client.force_login(parcours.coordinateur)
    reponse = client.post(
        url("besoins", parcours.menage),
        {
            "date_besoins": il_y_a(1).isoformat(),
            "typologie_min": "T4",
            "typologie_max": "T2",
            "commentaire": "Sortie de CHRS en mars",
            "etage_max": "99999999999999999999",
        },
    )
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Sortie de CHRS en mars" in page
    assert not BesoinsLogement.objects.exists()


def test_proposer_depuis_le_classement(client, parcours):
    parcours.besoins()
    logement = parcours.vacant()
    client.force_login(parcours.coordinateur)
    reponse = client.post(
        url("proposer", parcours.menage),
        {"logement": logement.public_id, "date_proposition": il_y_a(0).isoformat()},
    )
    proposition = Proposition.objects.get()
    assert reponse.status_code == 302 and reponse.url == url("proposition", proposition)


def test_la_decision_et_l_explication_se_lisent_sur_la_proposition(client, parcours):
    proposition = parcours.jusqu_a_la_cal()
    client.force_login(parcours.agent)  # l'agent a orienté ce ménage
    page = texte(client.get(url("proposition", proposition)))
    assert "Attribution" in page
    assert "Explication transmise au prescripteur : Logement attribué" in page


def test_un_refus_du_service_devient_un_message(client, parcours):
    proposition = Proposition.objects.create(
        menage=parcours.menage, logement=parcours.vacant(), date_proposition=il_y_a(3)
    )
    client.force_login(parcours.coordinateur)
    reponse = client.post(
        url("reponse", proposition),
        {"reponse": ReponseMenage.ACCEPTEE, "date_reponse": il_y_a(1).isoformat()},
        follow=True,
    )
    assert "Informez d'abord le prescripteur" in texte(reponse)


@pytest.mark.parametrize(
    "role", [Role.TRAVAILLEUR_SOCIAL, Role.INFIRMIER, Role.PSYCHOLOGUE, Role.MEMBRE_COTECH]
)
def test_hors_equipe_hors_ordre_du_jour_la_page_est_introuvable(client, parcours, role):
    client.force_login(membre(parcours.dispositif, role))
    assert client.get(url("menage", parcours.menage)).status_code == 404


def test_le_copil_ne_voit_jamais_le_parcours(client, parcours):
    proposition = parcours.jusqu_a_la_cal()
    client.force_login(membre(parcours.dispositif, Role.MEMBRE_COPIL))
    assert client.get(url("menage", parcours.menage)).status_code == 404
    assert client.get(url("proposition", proposition)).status_code == 404


def test_un_agent_qui_n_a_pas_oriente_ne_voit_pas(client, parcours):
    client.force_login(parcours.referent_bailleur)
    assert client.get(url("menage", parcours.menage)).status_code == 404


def test_un_autre_dispositif_ne_voit_pas(client, parcours):
    autre = DispositifFactory(acces=True)
    client.force_login(membre(autre, Role.COORDINATEUR))
    assert client.get(url("menage", parcours.menage)).status_code == 404
    assert (
        client.get(reverse("acces:logements", args=[parcours.dispositif.slug])).status_code == 404
    )


def test_le_ts_de_l_equipe_lit_et_ecrit_mais_ne_gere_pas_les_logements(client, parcours):
    from accompagnement import services as accompagnement

    accompagnement.ouvrir_accompagnement(
        parcours.coordinateur, parcours.menage, referent=parcours.ts, date_debut=il_y_a(3)
    )
    client.force_login(parcours.ts)
    assert client.get(url("menage", parcours.menage)).status_code == 200
    assert client.get(url("besoins", parcours.menage)).status_code == 200
    assert (
        client.get(reverse("acces:logements", args=[parcours.dispositif.slug])).status_code == 404
    )


def test_le_cotech_lit_sans_ecrire(client, parcours):
    from comites.factories import ComiteFactory, PointOrdreDuJourFactory, SeanceFactory

    cotech = membre(parcours.dispositif, Role.MEMBRE_COTECH)
    comite = ComiteFactory(dispositif=parcours.dispositif)
    comite.membres.add(cotech)
    seance = SeanceFactory(comite=comite)
    PointOrdreDuJourFactory(seance=seance, menage=parcours.menage)
    client.force_login(cotech)
    assert client.get(url("menage", parcours.menage)).status_code == 200
    assert client.get(url("besoins", parcours.menage)).status_code == 403


def test_la_page_du_menage_mene_au_parcours(client, parcours):
    client.force_login(parcours.coordinateur)
    page = texte(client.get(reverse("ecrans:menage", args=[parcours.menage.public_id])))
    assert url("menage", parcours.menage) in page


def test_nombre_de_requetes_du_classement_fixe(client, parcours, django_assert_max_num_queries):
    parcours.besoins()
    client.force_login(parcours.coordinateur)
    for rang in range(3):
        parcours.vacant(reference=f"A{rang}")
    with django_assert_max_num_queries(40) as petit:
        client.get(url("menage", parcours.menage))
    for rang in range(20):
        parcours.vacant(reference=f"B{rang}")
    with django_assert_max_num_queries(len(petit.captured_queries)):
        client.get(url("menage", parcours.menage))
