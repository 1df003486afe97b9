"""Chaque écriture garde qui l'a faite, y compris ce qu'une décision de comité change : le
membre du comité qui enregistre la décision est l'auteur de l'épisode ouvert, de son équipe,
du statut de l'orientation et de la fiche de clôture ; les services appliqués revérifient
qu'il décide dans ce dispositif."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accompagnement import services as accompagnement
from accompagnement.enums import MotifCloture
from accompagnement.models import Accompagnement, Cloture
from comites import services
from comites.enums import NaturePoint, TypeDecision
from core.enums import Role
from menages import services as menages
from menages.enums import StatutOrientation

from .situations import Programme, membre
from .test_services import point_orientation, point_suivi

pytestmark = pytest.mark.django_db


def test_l_admission_a_pour_auteur_le_membre_du_cotech_qui_la_decide():
    programme = Programme()
    point = point_orientation(programme)

    services.decider(
        programme.cotech,
        point,
        TypeDecision.ADMISSION,
        referent=programme.ts,
        equipe=[programme.infirmier],
    )

    suivi = Accompagnement.objects.get(menage=point.menage)
    assert suivi.ouvert_par == programme.cotech
    assert set(suivi.equipe.values_list("ajoute_par", flat=True)) == {programme.cotech.pk}
    orientation = point.orientation
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.ADMISE
    assert orientation.statut_modifie_par == programme.cotech
    assert orientation.date_statut == timezone.localdate()


@pytest.mark.parametrize(
    "type_decision, statut",
    [
        (TypeDecision.REFUS, StatutOrientation.REFUSEE),
        (TypeDecision.REORIENTATION, StatutOrientation.REORIENTEE),
    ],
)
def test_refus_et_reorientation_ont_pour_auteur_le_membre_du_cotech(type_decision, statut):
    programme = Programme()
    point = point_orientation(programme, statut=StatutOrientation.RECUE)
    # L'ordre du jour a fait passer l'orientation « à examiner » : c'est la coordination.
    point.orientation.refresh_from_db()
    assert point.orientation.statut_modifie_par == programme.coordinateur

    services.decider(programme.cotech, point, type_decision, motifs="Hors critères.")

    point.orientation.refresh_from_db()
    assert point.orientation.statut == statut
    assert point.orientation.statut_modifie_par == programme.cotech
    assert point.orientation.date_statut == timezone.localdate()


def test_la_cloture_validee_a_pour_auteur_le_membre_du_cotech():
    programme = Programme()
    point = point_suivi(programme, NaturePoint.CLOTURE_PROPOSEE)

    services.decider(
        programme.cotech,
        point,
        TypeDecision.CLOTURE_VALIDEE,
        motif_cloture=MotifCloture.STABILISEE,
        maintien_dans_logement=True,
    )

    assert Cloture.objects.get(accompagnement=point.accompagnement).auteur == programme.cotech


def test_la_designation_de_l_equipe_garde_qui_a_ajoute_chaque_personne():
    programme = Programme()
    point = point_suivi(programme)

    services.decider(
        programme.cotech,
        point,
        TypeDecision.EQUIPE,
        motifs="Relais.",
        referent=programme.autre_ts,
        equipe=[programme.psychologue],
    )

    # L'équipe en cours (celles et ceux qui l'ont quittée gardent leur ligne, datée).
    equipe = dict(point.accompagnement.equipe.en_cours().values_list("user", "ajoute_par"))
    assert equipe == {
        programme.autre_ts.pk: programme.cotech.pk,
        # déjà dans l'équipe : ajoutée à l'ouverture par la coordination
        programme.psychologue.pk: programme.coordinateur.pk,
    }


def test_la_coordination_qui_ouvre_ou_fait_avancer_est_l_auteur():
    programme = Programme()
    orientation = programme.orientation(statut=StatutOrientation.A_EXAMINER)

    menages.changer_statut_orientation(
        programme.coordinateur, orientation, StatutOrientation.EN_ATTENTE, "Pièces manquantes."
    )
    orientation.refresh_from_db()
    assert orientation.statut_modifie_par == programme.coordinateur

    suivi = programme.accompagne("Ouvert")
    assert suivi.ouvert_par == programme.coordinateur
    suivi.orientation.refresh_from_db()
    assert suivi.orientation.statut_modifie_par == programme.coordinateur


# --- Les services appliqués revérifient le droit de décider ---------------------------------


@pytest.mark.parametrize("role", [Role.AGENT_BAILLEUR, Role.TRAVAILLEUR_SOCIAL, Role.MEMBRE_COPIL])
def test_sur_decision_seuls_ceux_qui_decident_ouvrent_ou_changent_le_statut(role):
    programme = Programme()
    personne = membre(programme.dispositif, role)
    orientation = programme.orientation()

    with pytest.raises(PermissionDenied, match="décident"):
        accompagnement.ouvrir_accompagnement(
            personne, orientation.menage, referent=programme.ts, sur_decision=True
        )
    with pytest.raises(PermissionDenied, match="décident"):
        menages.changer_statut_orientation(
            personne, orientation, StatutOrientation.REFUSEE, "Non.", sur_decision=True
        )
    assert not Accompagnement.objects.exists()
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.A_EXAMINER


def test_sur_decision_seuls_ceux_qui_decident_recomposent_ou_closent():
    programme = Programme()
    suivi = programme.accompagne()

    with pytest.raises(PermissionDenied, match="décident"):
        accompagnement.modifier_equipe(
            programme.agent, suivi, referent=programme.autre_ts, equipe=[], sur_decision=True
        )
    with pytest.raises(PermissionDenied, match="décident"):
        accompagnement.cloturer_accompagnement(
            programme.ts,  # le référent clôt lui-même, mais pas au nom d'un comité
            suivi,
            date=timezone.localdate(),
            motif=MotifCloture.STABILISEE,
            maintien_dans_logement=True,
            sur_decision=True,
        )
    assert not Cloture.objects.exists()


def test_un_membre_du_cotech_d_un_autre_dispositif_ne_decide_pas_ici():
    programme = Programme()
    ailleurs = Programme()
    orientation = programme.orientation()

    with pytest.raises(PermissionDenied):
        accompagnement.ouvrir_accompagnement(
            ailleurs.cotech, orientation.menage, referent=programme.ts, sur_decision=True
        )
    with pytest.raises(PermissionDenied):
        menages.changer_statut_orientation(
            ailleurs.cotech, orientation, StatutOrientation.REFUSEE, "Non.", sur_decision=True
        )


def test_hors_decision_un_membre_du_cotech_n_ouvre_ni_ne_clot_rien():
    programme = Programme()
    orientation = programme.orientation("Attente")
    suivi = programme.accompagne()

    with pytest.raises(PermissionDenied):
        accompagnement.ouvrir_accompagnement(
            programme.cotech, orientation.menage, referent=programme.ts
        )
    with pytest.raises(PermissionDenied):
        menages.changer_statut_orientation(
            programme.cotech, orientation, StatutOrientation.REFUSEE, "Non."
        )
    with pytest.raises(PermissionDenied):
        accompagnement.cloturer_accompagnement(
            programme.cotech,
            suivi,
            date=timezone.localdate(),
            motif=MotifCloture.STABILISEE,
            maintien_dans_logement=True,
        )
