"""La démonstration du parcours accès : savoie le fait tourner à chaque étape, le Nord aussi."""

import pytest
from django.db.models import Q

from acces.enums import EtatVacant, IssueCAL, ReponseMenage, TypeBail
from acces.models import (
    AideBailGlissant,
    Bail,
    BesoinsLogement,
    DecisionCAL,
    LogementVacant,
    Proposition,
)

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_savoie_a_ses_logements_vacants_sur_ses_trois_secteurs(demo):
    vacants = LogementVacant.objects.filter(dispositif__slug="savoie")
    assert vacants.count() == 30
    assert set(vacants.values_list("territoire__nom", flat=True)) == {"Annecy", "Arve", "Léman"}
    assert vacants.filter(etat=EtatVacant.DISPONIBLE).exists()
    assert vacants.filter(etat=EtatVacant.ATTRIBUE).exists()


def test_savoie_a_des_menages_a_chaque_etape(demo):
    savoie = Q(menage__dispositif__slug="savoie")
    assert BesoinsLogement.objects.filter(savoie).exists()
    propositions = Proposition.objects.filter(savoie)
    assert propositions.filter(decision__isnull=True).exists()  # en attente de la CAL
    assert propositions.filter(reponse_menage=ReponseMenage.REFUSEE).exists()
    decisions = DecisionCAL.objects.filter(proposition__menage__dispositif__slug="savoie")
    assert decisions.filter(issue=IssueCAL.ATTRIBUTION).exists()
    assert decisions.filter(issue=IssueCAL.NON_ATTRIBUTION).exists()
    baux = Bail.objects.filter(savoie)
    assert baux.filter(type=TypeBail.DIRECT).exists()
    assert baux.filter(type=TypeBail.GLISSANT, glissement_fait_le__isnull=False).exists()
    assert AideBailGlissant.objects.filter(bail__menage__dispositif__slug="savoie").exists()
    for bail in baux:
        assert bail.logement.actuel or bail.menage.mutations.exists()
        assert bail.referent_bailleur.email == "bailleur.savoie@demo.test"


def test_le_nord_a_aussi_des_menages_acces(demo):
    assert BesoinsLogement.objects.filter(menage__dispositif__slug="nord").exists()
    assert Bail.objects.filter(menage__dispositif__slug="nord").exists()
