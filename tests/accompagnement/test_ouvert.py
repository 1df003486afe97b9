"""« Accompagnement ouvert » : une seule définition, lue par la ligne, la requête et la base."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accompagnement import services
from accompagnement.enums import StatutAccompagnement
from accompagnement.factories import AccompagnementFactory, BilanFactory
from accompagnement.models import Accompagnement, Bilan
from core.enums import Role
from core.factories import MembreFactory
from menages.factories import MenageFactory

pytestmark = pytest.mark.django_db

S = StatutAccompagnement
OUVERTS = {S.DIAGNOSTIC, S.EN_COURS, S.SUSPENDU}


@pytest.mark.parametrize("statut", list(S))
def test_la_ligne_et_la_requete_disent_la_meme_chose(statut):
    accompagnement = AccompagnementFactory(statut=statut)

    dans_la_requete = Accompagnement.objects.ouverts().filter(pk=accompagnement.pk).exists()

    assert accompagnement.est_ouvert is dans_la_requete is (statut in OUVERTS)


@pytest.mark.parametrize("statut", sorted(OUVERTS))
def test_un_accompagnement_ouvert_empeche_d_en_ouvrir_un_second(statut):
    deja = AccompagnementFactory(statut=statut)
    coordinateur = MembreFactory(dispositif=deja.dispositif, role=Role.COORDINATEUR).user

    with pytest.raises(ValidationError, match="déjà ouvert"):
        services.ouvrir_accompagnement(coordinateur, deja.menage, referent=coordinateur)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccompagnementFactory(menage=deja.menage)


@pytest.mark.parametrize("statut", [S.SUIVI_POST_CLOTURE, S.CLOS])
def test_apres_la_cloture_un_nouvel_episode_peut_s_ouvrir(statut):
    ancien = AccompagnementFactory(statut=statut)
    coordinateur = MembreFactory(dispositif=ancien.dispositif, role=Role.COORDINATEUR).user

    nouveau = services.ouvrir_accompagnement(coordinateur, ancien.menage, referent=coordinateur)

    assert list(Accompagnement.objects.ouverts().filter(menage=ancien.menage)) == [nouveau]


def test_les_bilans_a_faire_restent_dus_en_suivi_post_cloture_pas_une_fois_clos():
    menage = MenageFactory()
    a_faire = {
        statut: BilanFactory(accompagnement=AccompagnementFactory(menage=menage, statut=statut))
        for statut in (S.SUIVI_POST_CLOTURE, S.CLOS)
    }
    ouvert = AccompagnementFactory(menage=menage, statut=S.EN_COURS)
    en_attente = BilanFactory(accompagnement=ouvert)
    BilanFactory(accompagnement=ouvert, type="six_mois", date_realisation=date(2026, 7, 1))

    assert set(Bilan.objects.a_faire()) == {en_attente, a_faire[S.SUIVI_POST_CLOTURE]}
