"""Le retrait d'un logement vacant de l'offre : motif, historique, remise ; qui peut le faire."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from acces import services
from acces.enums import EtatVacant, MotifRetrait
from acces.models import RetraitLogement
from acces.selectors import classement_pour
from core.enums import Role
from core.factories import DispositifFactory
from tests.outils import membre, texte

from .situations import Parcours_, il_y_a

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcours():
    return Parcours_()


def url(nom, logement):
    return reverse(f"acces:{nom}", args=[logement.public_id])


def test_l_agent_du_bailleur_retire_un_logement_avec_son_motif(client, parcours):
    logement = parcours.vacant(reference="RET-1")
    client.force_login(parcours.agent)
    page = client.get(url("retirer", logement))
    assert page.status_code == 200 and "Motif du retrait" in texte(page)
    reponse = client.post(
        url("retirer", logement),
        {"motif": MotifRetrait.TRAVAUX, "precision": "Dégât des eaux", "date_retrait": il_y_a(2)},
    )
    assert reponse.status_code == 302 and reponse.url == url("logement_vacant", logement)
    logement.refresh_from_db()
    assert logement.etat == EtatVacant.RETIRE
    retrait = logement.retraits.get()
    assert (retrait.motif, retrait.precision, retrait.retire_par) == (
        MotifRetrait.TRAVAUX,
        "Dégât des eaux",
        parcours.agent,
    )
    historique = texte(client.get(url("logement_vacant", logement)))
    assert "Retiré de l'offre : Travaux ou remise en état (Dégât des eaux)" in historique
    assert il_y_a(2).strftime("%d/%m/%Y") in historique
    # Retiré, il n'est plus classé pour les ménages.
    assert logement not in [a.logement for a in classement_pour(parcours.menage, None)]


def test_le_motif_autre_sans_precision_est_refuse_et_la_saisie_gardee(client, parcours):
    logement = parcours.vacant()
    client.force_login(parcours.coordinateur)
    reponse = client.post(
        url("retirer", logement), {"motif": MotifRetrait.AUTRE, "date_retrait": il_y_a(1)}
    )
    page = texte(reponse)
    assert reponse.status_code == 200
    assert "Précisez le motif du retrait." in page
    assert 'value="autre" selected' in reponse.content.decode()
    logement.refresh_from_db()
    assert logement.etat == EtatVacant.DISPONIBLE
    assert not RetraitLogement.objects.exists()


def test_un_logement_propose_ne_se_retire_pas(client, parcours):
    proposition = parcours.jusqu_a_la_reponse(parcours.vacant())
    client.force_login(parcours.coordinateur)
    reponse = client.post(
        url("retirer", proposition.logement),
        {"motif": MotifRetrait.TRAVAUX, "date_retrait": il_y_a(1)},
    )
    assert "Seul un logement disponible peut être retiré" in texte(reponse)
    proposition.logement.refresh_from_db()
    assert proposition.logement.etat == EtatVacant.PROPOSE


def test_remettre_dans_l_offre_garde_le_retrait_dans_l_historique(client, parcours):
    logement = parcours.vacant()
    services.retirer_logement_vacant(
        parcours.coordinateur, logement, motif=MotifRetrait.ERREUR, date_retrait=il_y_a(3)
    )
    client.force_login(parcours.coordinateur)
    reponse = client.post(url("remettre", logement))
    assert reponse.status_code == 302
    logement.refresh_from_db()
    assert logement.etat == EtatVacant.DISPONIBLE
    retrait = logement.retraits.get()
    assert retrait.remis_le is not None and retrait.remis_par == parcours.coordinateur
    historique = texte(client.get(url("logement_vacant", logement)))
    assert "Retiré de l'offre : Erreur de saisie" in historique
    assert "Remis dans l'offre" in historique
    with pytest.raises(ValidationError):
        services.remettre_logement_vacant(parcours.coordinateur, logement)


def test_l_historique_ne_nomme_aucun_menage(client, parcours):
    proposition = parcours.jusqu_a_la_cal()
    client.force_login(parcours.agent)
    page = texte(client.get(url("logement_vacant", proposition.logement)))
    assert "Proposé à un ménage du dispositif" in page
    assert "CAL : attribution" in page
    assert parcours.menage.nom not in page


@pytest.mark.parametrize(
    "role",
    [
        Role.TRAVAILLEUR_SOCIAL,
        Role.INFIRMIER,
        Role.PSYCHOLOGUE,
        Role.PRESCRIPTEUR,
        Role.MEMBRE_COTECH,
        Role.MEMBRE_COPIL,
        Role.EVALUATEUR,
    ],
)
def test_qui_ne_gere_pas_les_logements_ne_voit_ni_ne_retire(client, parcours, role):
    logement = parcours.vacant()
    personne = membre(parcours.dispositif, role)
    client.force_login(personne)
    for nom in ("logement_vacant", "retirer"):
        assert client.get(url(nom, logement)).status_code == 404
    assert (
        client.post(
            url("retirer", logement), {"motif": MotifRetrait.TRAVAUX, "date_retrait": il_y_a(1)}
        ).status_code
        == 404
    )
    assert client.post(url("remettre", logement)).status_code == 404
    logement.refresh_from_db()
    assert logement.etat == EtatVacant.DISPONIBLE
    with pytest.raises(PermissionDenied):
        services.retirer_logement_vacant(personne, logement, motif=MotifRetrait.TRAVAUX)


def test_la_coordination_d_un_autre_dispositif_ne_retire_pas(client, parcours):
    logement = parcours.vacant()
    ailleurs = membre(DispositifFactory(acces=True), Role.COORDINATEUR)
    client.force_login(ailleurs)
    assert client.get(url("logement_vacant", logement)).status_code == 404
    reponse = client.post(
        url("retirer", logement), {"motif": MotifRetrait.TRAVAUX, "date_retrait": il_y_a(1)}
    )
    assert reponse.status_code == 404
    logement.refresh_from_db()
    assert logement.etat == EtatVacant.DISPONIBLE


def test_la_liste_des_logements_se_pagine_et_se_filtre(client, parcours, django_assert_num_queries):
    from acces.factories import LogementVacantFactory

    for rang in range(55):
        LogementVacantFactory(
            dispositif=parcours.dispositif,
            reference=f"PAG-{rang:02d}",
            disponible_le=il_y_a(100 - rang),
        )
    retire = parcours.vacant(reference="RET-9", disponible_le=il_y_a(10))
    services.retirer_logement_vacant(
        parcours.agent, retire, motif=MotifRetrait.TRAVAUX, date_retrait=il_y_a(1)
    )
    client.force_login(parcours.agent)
    adresse = reverse("acces:logements", args=[parcours.dispositif.slug])

    def references(reponse):
        return re.findall(r">((?:PAG|RET)-\d+)</a>", texte(reponse))

    premiere = client.get(adresse)
    assert len(references(premiere)) == 50
    assert references(premiere)[:2] == ["PAG-00", "PAG-01"]  # les plus anciens libres d'abord
    assert "56 logements · page 1 sur 2" in " ".join(texte(premiere).split())
    assert len(references(client.get(adresse, {"page": 2}))) == 6
    assert references(client.get(adresse, {"etat": "retire"})) == ["RET-9"]
    assert references(client.get(adresse, {"q": "pag-07"})) == ["PAG-07"]
    aucun = texte(client.get(adresse, {"q": "rue inconnue", "etat": "attribue"}))
    assert "Aucun logement ne correspond à ces critères." in aucun
    # session, compte, dispositif, adhésions, décompte, clés de la page, logements de la page
    # (le formulaire de saisie et ses secteurs se chargent à l'ouverture de son volet)
    with django_assert_num_queries(7):
        assert client.get(adresse, {"page": 2, "etat": "disponible"}).status_code == 200
