"""Un relevé de dette, d'où qu'il vienne, passe par `menages.services.relever_dette` : mêmes
contrôles (montant, date, droits) pour la fiche du ménage, l'orientation, le bilan et la clôture."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accompagnement import services
from accompagnement.enums import DecisionBilan, MotifCloture, TypeBilan
from accompagnement.models import Cloture
from core.enums import Parcours, Role
from core.factories import DispositifFactory, MembreFactory
from menages import services as menages
from menages.enums import OrigineDette, Problematique, Source
from menages.factories import MenageFactory
from menages.models import DetteLocative, Orientation

pytestmark = pytest.mark.django_db

HIER = timezone.localdate() - timedelta(days=1)


class Situation:
    def __init__(self):
        self.dispositif = DispositifFactory()
        self.coordinateur = MembreFactory(dispositif=self.dispositif, role=Role.COORDINATEUR).user
        self.ts = MembreFactory(dispositif=self.dispositif, role=Role.TRAVAILLEUR_SOCIAL).user
        self.infirmier = MembreFactory(dispositif=self.dispositif, role=Role.INFIRMIER).user
        self.menage = MenageFactory(dispositif=self.dispositif)
        self.accompagnement = services.ouvrir_accompagnement(
            self.coordinateur,
            self.menage,
            referent=self.ts,
            equipe=[self.infirmier],
            date_debut=timezone.localdate() - relativedelta(months=2),
        )


def par_la_fiche_du_menage(situation, user, montant, jour):
    menages.relever_dette(user, situation.menage, jour, montant)


def par_l_orientation(situation, user, montant, jour):
    fiche = menages.FicheOrientation(
        date_orientation=jour,
        parcours=Parcours.MAINTIEN,
        source=Source.RECOUVREMENT,
        problematiques=[Problematique.IMPAYES],
        nom=situation.menage.nom,
        reference_locataire=situation.menage.reference_locataire,
        dette_locative=montant,
    )
    menages.orienter_menage(user, situation.dispositif, fiche)


def par_le_bilan(situation, user, montant, jour):
    services.realiser_bilan(
        user,
        situation.accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC),
        date_realisation=jour,
        synthese="Point sur la dette avec Mme.",
        decision=DecisionBilan.POURSUITE,
        dette=montant,
    )


def par_la_cloture(situation, user, montant, jour):
    services.cloturer_accompagnement(
        user,
        situation.accompagnement,
        date=jour,
        motif=MotifCloture.STABILISEE,
        maintien_dans_logement=True,
        dette=montant,
    )


POINTS_D_ENTREE = [par_la_fiche_du_menage, par_l_orientation, par_le_bilan, par_la_cloture]


def rien_n_est_ecrit(situation):
    situation.accompagnement.refresh_from_db()
    return (
        not DetteLocative.objects.exists()
        and not Orientation.objects.exists()
        and not situation.accompagnement.bilans.filter(date_realisation__isnull=False).exists()
        and not Cloture.objects.exists()
        and situation.accompagnement.est_ouvert
    )


@pytest.mark.parametrize("entree", POINTS_D_ENTREE)
def test_chaque_point_d_entree_ecrit_un_releve(entree):
    situation = Situation()

    entree(situation, situation.coordinateur, Decimal("1250.40"), HIER)

    releve = DetteLocative.objects.get()
    assert (releve.montant, releve.date, releve.saisie_par) == (
        Decimal("1250.40"),
        HIER,
        situation.coordinateur,
    )


@pytest.mark.parametrize("entree", POINTS_D_ENTREE)
def test_une_dette_negative_est_refusee_quel_que_soit_le_point_d_entree(entree):
    situation = Situation()

    with pytest.raises(ValidationError, match="négative"):
        entree(situation, situation.coordinateur, Decimal("-1"), HIER)

    assert rien_n_est_ecrit(situation)


@pytest.mark.parametrize("entree", POINTS_D_ENTREE)
def test_une_dette_hors_de_ce_que_la_fiche_garde_est_refusee(entree):
    situation = Situation()

    with pytest.raises(ValidationError, match="dépasser"):
        entree(situation, situation.coordinateur, Decimal("100000000"), HIER)

    assert rien_n_est_ecrit(situation)


@pytest.mark.parametrize("entree", [par_la_fiche_du_menage, par_l_orientation, par_le_bilan])
def test_un_releve_d_avant_2000_est_refuse(entree):
    situation = Situation()

    with pytest.raises(ValidationError, match="01/01/2000"):
        entree(situation, situation.coordinateur, Decimal("100"), date(1999, 12, 31))

    assert rien_n_est_ecrit(situation)


def test_l_infirmier_de_l_equipe_ne_releve_pas_la_dette_dans_un_bilan():
    situation = Situation()

    with pytest.raises(PermissionDenied):
        par_le_bilan(situation, situation.infirmier, Decimal("100"), HIER)

    assert rien_n_est_ecrit(situation)


def test_l_origine_dit_d_ou_vient_le_releve():
    situation = Situation()
    for jour, entree in enumerate(POINTS_D_ENTREE, start=2):
        entree(
            situation, situation.coordinateur, Decimal("10"), timezone.localdate() - timedelta(jour)
        )

    assert set(DetteLocative.objects.values_list("origine", flat=True)) == set(OrigineDette)
