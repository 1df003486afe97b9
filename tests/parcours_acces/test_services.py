"""Les gestes du parcours accès, du besoin au bail et au relais, et leurs refus."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from acces import services
from acces.enums import EtatVacant, IssueCAL, ReponseMenage, TypeBail
from accompagnement.models import MembreEquipe
from core.enums import Role
from menages.enums import StatutOccupation
from menages.factories import LogementFactory
from tests.outils import membre

from .situations import Parcours_, il_y_a

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcours():
    return Parcours_()


def test_les_besoins_sont_historises(parcours):
    premiere = parcours.besoins(typologie_min="T2", date_besoins=il_y_a(30))
    seconde = parcours.besoins(
        typologie_min="T3", secteurs_souhaites=[parcours.annecy], secteurs_evites=[parcours.arve]
    )
    historique = list(parcours.menage.besoins_logement.all())
    assert historique == [seconde, premiere]
    assert list(seconde.secteurs_evites.all()) == [parcours.arve]


def test_un_secteur_ne_peut_etre_souhaite_et_evite(parcours):
    with pytest.raises(ValidationError, match="à la fois souhaité et évité"):
        parcours.besoins(secteurs_souhaites=[parcours.arve], secteurs_evites=[parcours.arve])


def test_typologie_minimale_au_dela_de_la_maximale_refusee(parcours):
    with pytest.raises(ValidationError, match="dépasse la maximale"):
        parcours.besoins(typologie_min="T4", typologie_max="T2")


@pytest.mark.parametrize("role", [Role.INFIRMIER, Role.MEMBRE_COTECH, Role.MEMBRE_COPIL])
def test_hors_equipe_on_n_ecrit_pas_les_besoins(parcours, role):
    with pytest.raises(PermissionDenied):
        services.enregistrer_besoins(membre(parcours.dispositif, role), parcours.menage)


def test_l_agent_qui_a_oriente_ecrit_les_besoins(parcours):
    besoins = services.enregistrer_besoins(parcours.agent, parcours.menage, typologie_min="T2")
    assert besoins.saisi_par == parcours.agent


def test_proposer_un_logement_ouvre_le_dossier_et_retient_le_taux_d_effort(parcours):
    parcours.besoins()
    logement = parcours.vacant()
    proposition = services.proposer_logement(parcours.coordinateur, parcours.menage, logement)
    logement.refresh_from_db()
    assert logement.etat == EtatVacant.PROPOSE
    assert proposition.pieces.count() == 6
    # (450 + 90 − 280) / 900
    assert proposition.taux_effort == Decimal("28.9")


def test_un_logement_deja_propose_ne_se_propose_plus(parcours):
    logement = parcours.vacant()
    services.proposer_logement(parcours.coordinateur, parcours.menage, logement)
    autre = Parcours_()
    with pytest.raises(ValidationError):
        services.proposer_logement(parcours.coordinateur, parcours.menage, parcours.vacant())
    with pytest.raises(ValidationError, match="autre dispositif"):
        services.proposer_logement(autre.coordinateur, autre.menage, logement)


def test_la_reponse_attend_l_information_du_prescripteur(parcours):
    proposition = services.proposer_logement(
        parcours.coordinateur, parcours.menage, parcours.vacant(), il_y_a(5)
    )
    with pytest.raises(ValidationError, match="Informez d'abord le prescripteur"):
        services.enregistrer_reponse(
            parcours.coordinateur,
            proposition,
            reponse=ReponseMenage.ACCEPTEE,
            date_reponse=il_y_a(1),
        )


def test_un_refus_du_menage_rend_le_logement_disponible(parcours):
    logement = parcours.vacant()
    proposition = services.proposer_logement(
        parcours.coordinateur, parcours.menage, logement, il_y_a(5)
    )
    services.informer_prescripteur(parcours.coordinateur, proposition, il_y_a(4))
    with pytest.raises(ValidationError, match="pourquoi"):
        services.enregistrer_reponse(
            parcours.coordinateur,
            proposition,
            reponse=ReponseMenage.REFUSEE,
            date_reponse=il_y_a(2),
        )
    services.enregistrer_reponse(
        parcours.coordinateur,
        proposition,
        reponse=ReponseMenage.REFUSEE,
        date_reponse=il_y_a(2),
        motif="Trop loin de l'école des enfants",
    )
    logement.refresh_from_db()
    assert logement.etat == EtatVacant.DISPONIBLE


def test_la_cal_n_attribue_pas_un_dossier_incomplet(parcours):
    proposition = services.proposer_logement(
        parcours.coordinateur, parcours.menage, parcours.vacant(), il_y_a(10)
    )
    services.informer_prescripteur(parcours.coordinateur, proposition, il_y_a(9))
    services.enregistrer_reponse(
        parcours.coordinateur, proposition, reponse=ReponseMenage.ACCEPTEE, date_reponse=il_y_a(8)
    )
    with pytest.raises(ValidationError, match="Pièces du dossier manquantes"):
        services.decider_cal(
            parcours.coordinateur,
            proposition,
            date_seance=il_y_a(1),
            bailleur=parcours.dispositif.porteur,
            issue=IssueCAL.ATTRIBUTION,
        )


def test_non_attribution_sans_motif_refusee(parcours):
    proposition = parcours.jusqu_a_la_reponse()
    with pytest.raises(ValidationError, match="motif de la non-attribution"):
        services.decider_cal(
            parcours.coordinateur,
            proposition,
            date_seance=il_y_a(1),
            bailleur=parcours.dispositif.porteur,
            issue=IssueCAL.NON_ATTRIBUTION,
        )


def test_attribution_attribue_le_logement_et_garde_l_explication(parcours):
    proposition = parcours.jusqu_a_la_cal()
    proposition.logement.refresh_from_db()
    assert proposition.logement.etat == EtatVacant.ATTRIBUE
    assert proposition.decision.explication_prescripteur.startswith("Logement attribué")
    assert proposition.decision.seance.bailleur == parcours.dispositif.porteur


def test_non_attribution_rend_le_logement_disponible(parcours):
    proposition = parcours.jusqu_a_la_cal(issue=IssueCAL.NON_ATTRIBUTION)
    proposition.logement.refresh_from_db()
    assert proposition.logement.etat == EtatVacant.DISPONIBLE


def test_bail_glissant_installe_le_menage_et_planifie_le_relais(parcours):
    ancien = LogementFactory(menage=parcours.menage, statut_occupation=StatutOccupation.HEBERGE)
    proposition, bail = parcours.jusqu_au_bail()
    parcours.menage.refresh_from_db()
    actuel = parcours.menage.logements.get(actuel=True)
    assert actuel.statut_occupation == StatutOccupation.BAIL_GLISSANT
    assert actuel.adresse == proposition.logement.adresse
    assert actuel.territoire == parcours.annecy
    assert parcours.menage.territoire == parcours.annecy
    ancien.refresh_from_db()
    assert not ancien.actuel
    assert parcours.menage.reference_locataire == "HSH-2026-001"
    assert [e.date_prevue for e in bail.etapes.all()][-1] > bail.date_signature + timedelta(
        days=360
    )


def test_bail_avant_attribution_refuse(parcours):
    proposition = parcours.jusqu_a_la_cal(issue=IssueCAL.NON_ATTRIBUTION)
    with pytest.raises(ValidationError, match="après une attribution"):
        services.signer_bail(
            parcours.coordinateur,
            proposition,
            date_signature=il_y_a(1),
            type_bail=TypeBail.DIRECT,
        )


def test_bail_glissant_sans_association_refuse(parcours):
    proposition = parcours.jusqu_a_la_cal()
    with pytest.raises(ValidationError, match="association preneuse"):
        services.signer_bail(
            parcours.coordinateur,
            proposition,
            date_signature=il_y_a(1),
            type_bail=TypeBail.GLISSANT,
        )


def test_le_referent_du_bailleur_est_un_agent_du_bailleur(parcours):
    proposition = parcours.jusqu_a_la_cal()
    with pytest.raises(ValidationError, match="agent du bailleur"):
        services.signer_bail(
            parcours.coordinateur,
            proposition,
            date_signature=il_y_a(1),
            type_bail=TypeBail.DIRECT,
            referent_bailleur=parcours.ts,
        )


def test_glissement_rend_le_menage_locataire_en_titre(parcours):
    _, bail = parcours.jusqu_au_bail()
    services.constater_glissement(parcours.coordinateur, bail, il_y_a(1))
    assert parcours.menage.logements.get(actuel=True).statut_occupation == (
        StatutOccupation.LOCATAIRE_EN_TITRE
    )


def test_aide_bail_glissant_plafonnee_a_2400_euros_par_an(parcours):
    _, bail = parcours.jusqu_au_bail()
    services.verser_aide_bail_glissant(
        parcours.coordinateur, bail, date_versement=il_y_a(1), montant=Decimal(2000)
    )
    with pytest.raises(ValidationError, match="2 400 €"):
        services.verser_aide_bail_glissant(
            parcours.coordinateur, bail, date_versement=il_y_a(1), montant=Decimal("400.01")
        )
    services.verser_aide_bail_glissant(
        parcours.coordinateur, bail, date_versement=il_y_a(1), montant=Decimal(400)
    )
    assert services.aides_versees(parcours.menage, il_y_a(1).year) == Decimal(2400)


def test_aide_bail_glissant_suivie_contre_la_ligne_budgetaire(parcours):
    _, bail = parcours.jusqu_au_bail()
    parcours.ligne.montant_annuel = Decimal(1000)
    parcours.ligne.save()
    with pytest.raises(ValidationError, match="ligne budgétaire"):
        services.verser_aide_bail_glissant(
            parcours.coordinateur, bail, date_versement=il_y_a(1), montant=Decimal(1200)
        )


def test_pas_d_aide_pour_un_bail_direct(parcours):
    _, bail = parcours.jusqu_au_bail(type_bail=TypeBail.DIRECT)
    with pytest.raises(ValidationError, match="bail glissant"):
        services.verser_aide_bail_glissant(
            parcours.coordinateur, bail, date_versement=il_y_a(1), montant=Decimal(100)
        )


def test_ouvrir_le_suivi_avec_le_ts_et_le_referent_du_bailleur(parcours):
    _, bail = parcours.jusqu_au_bail()
    accompagnement = services.ouvrir_suivi_apres_bail(
        parcours.coordinateur, bail, travailleur_social=parcours.ts
    )
    assert accompagnement.referent == parcours.ts
    equipe = set(
        MembreEquipe.objects.filter(accompagnement=accompagnement).values_list("user", flat=True)
    )
    assert equipe == {parcours.ts.pk, parcours.referent_bailleur.pk}
    assert accompagnement.orientation == parcours.orientation


def test_faire_une_etape_du_relais(parcours):
    _, bail = parcours.jusqu_au_bail()
    etape = bail.etapes.first()
    services.faire_etape(parcours.coordinateur, etape, il_y_a(2))
    etape.refresh_from_db()
    assert etape.date_faite == il_y_a(2)


def test_mutation_garde_l_ancien_logement_et_l_ancienne_reference(parcours):
    _, bail = parcours.jusqu_au_bail(type_bail=TypeBail.DIRECT)
    nouveau = parcours.vacant(territoire=parcours.leman, typologie="T2")
    mutation = services.muter(
        parcours.coordinateur,
        parcours.menage,
        logement_vacant=nouveau,
        nouvelle_reference="HSH-2026-777",
        date_mutation=il_y_a(1),
    )
    parcours.menage.refresh_from_db()
    assert parcours.menage.reference_locataire == "HSH-2026-777"
    assert mutation.ancienne_reference == "HSH-2026-001"
    assert mutation.ancien_logement == bail.logement
    assert parcours.menage.logements.count() == 2
    assert parcours.menage.logements.get(actuel=True).territoire == parcours.leman
    assert parcours.menage.territoire == parcours.leman


def test_mutation_vers_une_reference_deja_prise_refusee(parcours):
    from menages.factories import MenageFactory

    MenageFactory(dispositif=parcours.dispositif, reference_locataire="PRISE")
    with pytest.raises(ValidationError, match="déjà celle d'un autre ménage"):
        services.muter(
            parcours.coordinateur,
            parcours.menage,
            logement_vacant=parcours.vacant(),
            nouvelle_reference="PRISE",
            date_mutation=il_y_a(1),
        )


def test_saisir_un_logement_hors_gestion_refuse(parcours):
    with pytest.raises(PermissionDenied):
        services.saisir_logement_vacant(
            parcours.ts,
            parcours.dispositif,
            reference="X1",
            adresse="1 rue",
            code_postal="74000",
            commune="Annecy",
            territoire=parcours.annecy,
            typologie="T2",
            loyer=Decimal(300),
            disponible_le=il_y_a(0),
        )


def test_les_structures_autour_du_menage(parcours):
    services.ajouter_organisation(
        parcours.coordinateur, parcours.menage, organisation=parcours.siao, role="Orientation"
    )
    with pytest.raises(ValidationError, match="déjà dans la liste"):
        services.ajouter_organisation(
            parcours.coordinateur, parcours.menage, organisation=parcours.siao, role="Autre"
        )
    with pytest.raises(PermissionDenied):
        services.ajouter_organisation(
            membre(parcours.dispositif, Role.MEMBRE_COPIL),
            parcours.menage,
            organisation=parcours.association,
            role="Bail glissant",
        )
    assert [str(o) for o in parcours.menage.organisations_autour.all()] == [
        f"{parcours.siao} : Orientation"
    ]
