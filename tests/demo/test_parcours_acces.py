"""La démonstration du parcours accès : savoie le fait tourner à chaque étape, le Nord aussi."""

import pytest
from django.db.models import Q
from django.utils import timezone

from acces.enums import EtatVacant, IssueCAL, ReponseMenage, TypeBail
from acces.models import (
    AideBailGlissant,
    Bail,
    BesoinsLogement,
    DecisionCAL,
    EtapeRelais,
    LogementVacant,
    Mutation,
    Proposition,
)
from acces.selectors import etapes_du_relais_a_faire
from core.models import User

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


@pytest.mark.parametrize("slug", ["savoie", "nord"])
def test_des_menages_changent_de_logement_dans_le_parc(demo, slug):
    mutations = Mutation.objects.filter(menage__dispositif__slug=slug).select_related(
        "menage", "ancien_logement", "nouveau_logement"
    )
    assert mutations.exists()
    for mutation in mutations:
        assert mutation.menage.reference_locataire == mutation.nouvelle_reference
        assert mutation.ancienne_reference != mutation.nouvelle_reference
        assert mutation.nouveau_logement.actuel and not mutation.ancien_logement.actuel
        assert mutation.logement_vacant.etat == EtatVacant.ATTRIBUE


@pytest.mark.parametrize("slug", ["savoie", "nord"])
def test_apres_le_bail_le_referent_du_bailleur_suit_le_menage_avec_l_equipe(demo, slug):
    suivis = 0
    for bail in Bail.objects.filter(menage__dispositif__slug=slug).select_related("menage"):
        ouvert = bail.menage.accompagnements.ouverts().first()
        if ouvert is None:
            continue
        suivis += 1
        equipe = set(ouvert.equipe.en_cours().values_list("user", flat=True))
        assert bail.referent_bailleur_id in equipe
        assert ouvert.referent_id != bail.referent_bailleur_id
    assert suivis


def test_des_etapes_du_relais_sont_faites_et_d_autres_en_retard(demo):
    etapes = EtapeRelais.objects.filter(bail__menage__dispositif__slug="savoie")
    assert etapes.filter(date_faite__isnull=False).exists()
    en_retard = etapes.filter(date_faite__isnull=True, date_prevue__lt=timezone.localdate())
    assert en_retard.exists()
    referent = User.objects.get(email="bailleur.savoie@demo.test")
    assert set(en_retard) & set(etapes_du_relais_a_faire(referent))
