"""La décision de la CAL arrive sur l'accueil du prescripteur dont la structure a orienté le
ménage, avec l'explication à transmettre ; une autre structure n'en voit rien."""

import pytest
from django.urls import reverse

from core.enums import Parcours, Role
from core.factories import MembreFactory, OrganisationFactory
from menages.factories import OrientationFactory
from tests.outils import lue_avec_son_sql, texte

from .situations import Parcours_, il_y_a

pytestmark = pytest.mark.django_db

TITRE = "Décisions de la CAL sur les ménages de votre structure"


@pytest.fixture
def parcours():
    parcours = Parcours_()
    parcours.prescripteur = MembreFactory(
        dispositif=parcours.dispositif, role=Role.PRESCRIPTEUR, organisation=parcours.siao
    ).user
    OrientationFactory(
        menage=parcours.menage,
        parcours=Parcours.ACCES,
        orientee_par=parcours.prescripteur,
        organisation=parcours.siao,
        date_orientation=il_y_a(100),
    )
    parcours.jusqu_a_la_cal()
    return parcours


def _accueil(client, personne):
    client.force_login(personne)
    return texte(client.get(reverse("ecrans:accueil")))


def test_le_prescripteur_lit_la_decision_de_la_cal_et_son_explication(client, parcours):
    page = _accueil(client, parcours.prescripteur)
    assert TITRE in page
    assert "Attribution" in page
    assert "Logement attribué ; entrée prévue début du mois." in page
    assert parcours.menage.nom in page


def test_l_accueil_ne_lit_ni_le_motif_de_la_cal_ni_celui_d_un_refus(client, parcours):
    """Le prescripteur lit l'issue et l'explication ; le motif de la CAL (un texte chiffré qu'il
    ne voit pas) n'est ni lu ni déchiffré pour l'accueil."""
    decision = parcours.menage.propositions.get().decision
    decision.motif = "Dette ancienne auprès du bailleur."
    decision.save(update_fields=["motif"])
    client.force_login(parcours.prescripteur)
    page, lues = lue_avec_son_sql(client, reverse("ecrans:accueil"))
    assert "Logement attribué ; entrée prévue début du mois." in page
    assert "Dette ancienne" not in page
    assert '"acces_decisioncal"."explication_prescripteur"' in lues
    assert '"acces_decisioncal"."motif"' not in lues
    assert '"acces_proposition"."motif_refus"' not in lues


def test_un_collegue_de_la_structure_la_lit_aussi(client, parcours):
    collegue = MembreFactory(
        dispositif=parcours.dispositif, role=Role.PRESCRIPTEUR, organisation=parcours.siao
    ).user
    assert "Logement attribué" in _accueil(client, collegue)


def test_le_prescripteur_d_une_autre_structure_n_en_voit_rien(client, parcours):
    autre = MembreFactory(
        dispositif=parcours.dispositif,
        role=Role.PRESCRIPTEUR,
        organisation=OrganisationFactory(nom="GAIA"),
    ).user
    page = _accueil(client, autre)
    assert TITRE not in page
    assert parcours.menage.nom not in page and "Logement attribué" not in page


@pytest.mark.parametrize("role", [Role.TRAVAILLEUR_SOCIAL, Role.AGENT_BAILLEUR, Role.COORDINATEUR])
def test_les_autres_roles_n_ont_pas_cette_section(client, parcours, role):
    personne = MembreFactory(dispositif=parcours.dispositif, role=role).user
    assert TITRE not in _accueil(client, personne)
