"""Les écritures des comités : l'ordre du jour construit depuis les données, et les décisions
qui changent ce qu'elles décident ; avec chaque refus."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accompagnement import services as accompagnement
from accompagnement.enums import DecisionBilan, MotifCloture, StatutAccompagnement, TypeBilan
from accompagnement.factories import BilanFactory
from accompagnement.models import Accompagnement, Cloture
from comites import services
from comites.enums import NaturePoint, TypeComite, TypeDecision
from comites.factories import ComiteFactory, PointOrdreDuJourFactory
from comites.models import Decision, PointOrdreDuJour, Seance
from core.enums import Role
from menages.enums import StatutOrientation
from menages.models import Orientation
from tests.outils import membre

from .situations import Programme, a_14h

pytestmark = pytest.mark.django_db


def points_de(seance):
    return {
        (point.menage.nom, point.nature)
        for point in seance.points.select_related("menage").order_by("rang")
    }


# --- Ordre du jour ---------------------------------------------------------------------------


def test_l_ordre_du_jour_inscrit_les_orientations_a_examiner_jusqu_au_jour_de_la_seance():
    programme = Programme()
    jour = programme.aujourd_hui + timedelta(days=7)
    recue = programme.orientation("Recue", statut=StatutOrientation.RECUE)
    a_examiner = programme.orientation("Examinee", statut=StatutOrientation.A_EXAMINER)
    en_attente = programme.orientation("Attente", statut=StatutOrientation.EN_ATTENTE)
    du_jour = programme.orientation("DuJour", statut=StatutOrientation.RECUE, date_orientation=jour)
    programme.orientation(
        "Apres", statut=StatutOrientation.RECUE, date_orientation=jour + timedelta(days=1)
    )
    for statut in (
        StatutOrientation.ADMISE,
        StatutOrientation.REFUSEE,
        StatutOrientation.REORIENTEE,
    ):
        programme.orientation(f"Deja{statut}", statut=statut)
    seance = programme.seance(jour)

    ajoutes = services.construire_ordre_du_jour(programme.coordinateur, seance)

    assert ajoutes == 4
    assert points_de(seance) == {
        ("Recue", NaturePoint.NOUVELLE_ORIENTATION),
        ("Examinee", NaturePoint.NOUVELLE_ORIENTATION),
        ("Attente", NaturePoint.NOUVELLE_ORIENTATION),
        ("DuJour", NaturePoint.NOUVELLE_ORIENTATION),
    }
    point = seance.points.get(menage=recue.menage)
    assert point.orientation == recue
    # Reçue → à examiner en COTECH ; les autres statuts restent ce qu'ils sont.
    recue.refresh_from_db()
    du_jour.refresh_from_db()
    a_examiner.refresh_from_db()
    en_attente.refresh_from_db()
    assert recue.statut == du_jour.statut == StatutOrientation.A_EXAMINER
    assert recue.date_statut == timezone.localdate()
    assert a_examiner.statut == StatutOrientation.A_EXAMINER
    assert en_attente.statut == StatutOrientation.EN_ATTENTE
    assert Orientation.objects.get(menage__nom="Apres").statut == StatutOrientation.RECUE
    assert list(seance.points.values_list("rang", flat=True)) == [1, 2, 3, 4]


def test_l_ordre_du_jour_inscrit_les_bilans_en_retard_a_venir_et_les_clotures_proposees():
    programme = Programme()
    jour = programme.aujourd_hui
    en_retard = programme.accompagne("EnRetard")
    programme.bilan_en_retard(en_retard)
    a_venir = programme.accompagne("AVenir")
    BilanFactory(accompagnement=a_venir, date_prevue=jour + timedelta(days=35))
    trop_loin = programme.accompagne("TropLoin")
    BilanFactory(accompagnement=trop_loin, date_prevue=jour + timedelta(days=36))
    fait = programme.accompagne("Fait")
    programme.bilan_en_retard(
        fait,
        date_realisation=jour - timedelta(days=5),
        synthese="Bilan fait.",
        decision=DecisionBilan.POURSUITE,
    )
    propose = programme.accompagne("Propose")
    programme.bilan_en_retard(
        propose,
        type=TypeBilan.SIX_MOIS,
        date_realisation=jour - timedelta(days=3),
        synthese="Situation stabilisée.",
        decision=DecisionBilan.CLOTURE,
    )
    clos = programme.accompagne("Clos")
    programme.bilan_en_retard(clos)
    clos.statut = StatutAccompagnement.CLOS
    clos.save()
    post = programme.accompagne("PostCloture")
    programme.bilan_en_retard(post, type=TypeBilan.POST_CLOTURE)
    post.statut = StatutAccompagnement.SUIVI_POST_CLOTURE
    post.save()
    seance = programme.seance(jour)

    assert services.construire_ordre_du_jour(programme.coordinateur, seance) == 3

    assert points_de(seance) == {
        ("EnRetard", NaturePoint.BILAN_EN_RETARD),
        ("AVenir", NaturePoint.BILAN_A_VENIR),
        ("Propose", NaturePoint.CLOTURE_PROPOSEE),
    }
    assert seance.points.get(menage=en_retard.menage).accompagnement == en_retard
    assert seance.points.get(menage=propose.menage).accompagnement == propose


def test_l_ordre_du_jour_ignore_les_autres_dispositifs():
    programme = Programme()
    ailleurs = Programme()
    ailleurs.orientation("Ailleurs", statut=StatutOrientation.RECUE)
    ailleurs.bilan_en_retard(ailleurs.accompagne("AilleursSuivi"))
    seance = programme.seance()

    assert services.construire_ordre_du_jour(programme.coordinateur, seance) == 0
    assert not seance.points.exists()
    assert Orientation.objects.get(menage__nom="Ailleurs").statut == StatutOrientation.RECUE


def test_construire_deux_fois_n_ajoute_rien():
    programme = Programme()
    programme.orientation("Recue", statut=StatutOrientation.RECUE)
    programme.bilan_en_retard(programme.accompagne("EnRetard"))
    seance = programme.seance()

    assert services.construire_ordre_du_jour(programme.coordinateur, seance) == 2
    assert services.construire_ordre_du_jour(programme.coordinateur, seance) == 0
    assert seance.points.count() == 2


def test_un_nouveau_cas_s_ajoute_a_la_fin_de_l_ordre_du_jour():
    programme = Programme()
    programme.orientation("Premier")
    seance = programme.seance()
    services.construire_ordre_du_jour(programme.coordinateur, seance)
    programme.orientation("Second")

    assert services.construire_ordre_du_jour(programme.coordinateur, seance) == 1
    assert list(seance.points.values_list("menage__nom", "rang")) == [
        ("Premier", 1),
        ("Second", 2),
    ]


@pytest.mark.parametrize("type_comite", [TypeComite.PILOTAGE, TypeComite.EQUIPE])
def test_un_comite_qui_n_est_pas_technique_n_a_pas_d_ordre_du_jour_nominatif(type_comite):
    programme = Programme()
    recue = programme.orientation("Recue", statut=StatutOrientation.RECUE)
    programme.bilan_en_retard(programme.accompagne("EnRetard"))
    comite = ComiteFactory(dispositif=programme.dispositif, type=type_comite)
    seance = programme.seance(comite=comite)

    assert services.construire_ordre_du_jour(programme.coordinateur, seance) == 0
    assert not seance.points.exists()
    recue.refresh_from_db()
    assert recue.statut == StatutOrientation.RECUE


@pytest.mark.parametrize("qui", ["cotech", "copil", "ts", "agent"])
def test_seule_la_coordination_construit_l_ordre_du_jour(qui):
    programme = Programme()
    recue = programme.orientation("Recue", statut=StatutOrientation.RECUE)
    seance = programme.seance()

    with pytest.raises(PermissionDenied):
        services.construire_ordre_du_jour(getattr(programme, qui), seance)
    assert not seance.points.exists()
    recue.refresh_from_db()
    assert recue.statut == StatutOrientation.RECUE


def test_la_coordination_d_un_autre_dispositif_ne_construit_pas_l_ordre_du_jour():
    programme = Programme()
    ailleurs = Programme()
    with pytest.raises(PermissionDenied):
        services.construire_ordre_du_jour(ailleurs.coordinateur, programme.seance())


def test_planifier_une_seance_technique_construit_son_ordre_du_jour():
    programme = Programme()
    programme.orientation("Recue", statut=StatutOrientation.RECUE)
    jour = programme.aujourd_hui + timedelta(days=14)

    seance = services.planifier_seance(programme.coordinateur, programme.comite, date=a_14h(jour))

    assert seance.lieu == programme.comite.lieu_habituel
    assert points_de(seance) == {("Recue", NaturePoint.NOUVELLE_ORIENTATION)}


@pytest.mark.parametrize("qui", ["cotech", "copil", "ts"])
def test_seule_la_coordination_planifie_une_seance(qui):
    programme = Programme()
    with pytest.raises(PermissionDenied):
        services.planifier_seance(
            getattr(programme, qui), programme.comite, date=a_14h(programme.aujourd_hui)
        )
    assert not Seance.objects.exists()


# --- Décisions -------------------------------------------------------------------------------


def point_orientation(programme, nom="Zorglub", **kwargs):
    orientation = programme.orientation(nom, **kwargs)
    seance = programme.seance()
    services.construire_ordre_du_jour(programme.coordinateur, seance)
    return seance.points.get(menage=orientation.menage)


def point_suivi(programme, nature=NaturePoint.BILAN_EN_RETARD, nom="Suivi"):
    suivi = programme.accompagne(nom)
    return PointOrdreDuJourFactory(
        seance=programme.seance(), menage=suivi.menage, nature=nature, accompagnement=suivi
    )


@pytest.mark.parametrize("qui", ["coordinateur", "cotech"])
def test_l_admission_ouvre_l_accompagnement_avec_son_equipe(qui):
    programme = Programme()
    point = point_orientation(programme)

    decision = services.decider(
        getattr(programme, qui),
        point,
        TypeDecision.ADMISSION,
        motifs="Situation complexe : équipe pluridisciplinaire.",
        referent=programme.ts,
        equipe=[programme.infirmier, programme.psychologue],
    )

    suivi = Accompagnement.objects.get(menage=point.menage)
    assert suivi.referent == programme.ts
    assert set(suivi.equipe.values_list("user", flat=True)) == {
        programme.ts.pk,
        programme.infirmier.pk,
        programme.psychologue.pk,
    }
    assert suivi.orientation == point.orientation
    assert suivi.date_debut == timezone.localdate()
    assert suivi.bilans.count() == 3
    point.orientation.refresh_from_db()
    assert point.orientation.statut == StatutOrientation.ADMISE
    assert decision.accompagnement == suivi
    assert decision.point == point
    assert decision.seance == point.seance
    assert decision.menage == point.menage
    assert decision.auteur == getattr(programme, qui)
    assert decision.type == TypeDecision.ADMISSION


def test_une_admission_sans_referent_est_refusee():
    programme = Programme()
    point = point_orientation(programme)

    with pytest.raises(ValidationError, match="référent"):
        services.decider(programme.coordinateur, point, TypeDecision.ADMISSION, motifs="Oui.")
    assert not Accompagnement.objects.exists()
    assert not Decision.objects.exists()
    point.orientation.refresh_from_db()
    assert point.orientation.statut == StatutOrientation.A_EXAMINER


def test_une_admission_avec_un_referent_hors_du_dispositif_est_refusee():
    programme = Programme()
    ailleurs = Programme()
    point = point_orientation(programme)

    with pytest.raises(ValidationError, match="ne font pas partie"):
        services.decider(
            programme.coordinateur, point, TypeDecision.ADMISSION, referent=ailleurs.ts
        )
    assert not Accompagnement.objects.exists()
    assert not Decision.objects.exists()


@pytest.mark.parametrize(
    ("type_decision", "statut"),
    [
        (TypeDecision.REFUS, StatutOrientation.REFUSEE),
        (TypeDecision.REORIENTATION, StatutOrientation.REORIENTEE),
    ],
)
def test_refus_et_reorientation_closent_l_orientation_avec_leur_motif(type_decision, statut):
    programme = Programme()
    point = point_orientation(programme)
    motif = "Relève du droit commun : suivi CCAS en place."

    decision = services.decider(programme.cotech, point, type_decision, motifs=f"  {motif} ")

    point.orientation.refresh_from_db()
    assert point.orientation.statut == statut
    assert point.orientation.motif_statut == motif
    assert decision.motifs == motif
    assert decision.accompagnement is None
    assert not Accompagnement.objects.exists()


@pytest.mark.parametrize("type_decision", [TypeDecision.REFUS, TypeDecision.REORIENTATION])
def test_refus_et_reorientation_sans_motif_sont_refuses(type_decision):
    programme = Programme()
    point = point_orientation(programme)

    with pytest.raises(ValidationError, match="Indiquez les motifs"):
        services.decider(programme.coordinateur, point, type_decision, motifs="   ")
    point.orientation.refresh_from_db()
    assert point.orientation.statut == StatutOrientation.A_EXAMINER
    assert not Decision.objects.exists()


def test_une_orientation_deja_decidee_ne_se_decide_pas_une_seconde_fois():
    programme = Programme()
    point = point_orientation(programme)
    services.decider(programme.coordinateur, point, TypeDecision.REFUS, motifs="Hors critères.")

    with pytest.raises(ValidationError, match="déjà"):
        services.decider(
            programme.coordinateur, point, TypeDecision.ADMISSION, referent=programme.ts
        )
    point.orientation.refresh_from_db()
    assert point.orientation.statut == StatutOrientation.REFUSEE
    assert not Accompagnement.objects.exists()
    assert Decision.objects.count() == 1


@pytest.mark.parametrize(
    ("nature", "type_decision"),
    [
        (NaturePoint.NOUVELLE_ORIENTATION, TypeDecision.CLOTURE_VALIDEE),
        (NaturePoint.NOUVELLE_ORIENTATION, TypeDecision.EQUIPE),
        (NaturePoint.NOUVELLE_ORIENTATION, TypeDecision.PROLONGATION),
        (NaturePoint.BILAN_EN_RETARD, TypeDecision.ADMISSION),
        (NaturePoint.BILAN_A_VENIR, TypeDecision.CLOTURE_VALIDEE),
        (NaturePoint.CLOTURE_PROPOSEE, TypeDecision.REFUS),
        (NaturePoint.CLOTURE_PROPOSEE, TypeDecision.EQUIPE),
    ],
)
def test_une_decision_que_la_nature_du_point_ne_permet_pas_est_refusee(nature, type_decision):
    programme = Programme()
    if nature == NaturePoint.NOUVELLE_ORIENTATION:
        point = point_orientation(programme)
    else:
        point = point_suivi(programme, nature)

    with pytest.raises(ValidationError, match="ne se décide pas"):
        services.decider(
            programme.coordinateur,
            point,
            type_decision,
            motifs="Motif.",
            referent=programme.ts,
            motif_cloture=MotifCloture.STABILISEE,
        )
    assert not Decision.objects.exists()
    assert not Cloture.objects.exists()


def test_la_designation_de_l_equipe_recompose_l_equipe():
    programme = Programme()
    point = point_suivi(programme)
    suivi = point.accompagnement

    decision = services.decider(
        programme.cotech,
        point,
        TypeDecision.EQUIPE,
        motifs="Passage de relais au second TS.",
        referent=programme.autre_ts,
        equipe=[programme.psychologue],
    )

    suivi.refresh_from_db()
    assert suivi.referent == programme.autre_ts
    # L'équipe est datée : celles et ceux qui la quittent gardent leur ligne, close.
    assert set(suivi.equipe.en_cours().values_list("user", flat=True)) == {
        programme.autre_ts.pk,
        programme.psychologue.pk,
    }
    assert not suivi.equipe.filter(date_fin__isnull=False, user=programme.autre_ts).exists()
    assert suivi.equipe.filter(date_fin__isnull=False).exists()
    assert decision.accompagnement == suivi


def test_la_designation_de_l_equipe_sans_referent_est_refusee():
    programme = Programme()
    point = point_suivi(programme)

    with pytest.raises(ValidationError, match="référent"):
        services.decider(programme.coordinateur, point, TypeDecision.EQUIPE, motifs="Relais.")
    suivi = point.accompagnement
    suivi.refresh_from_db()
    assert suivi.referent == programme.ts
    assert suivi.equipe.count() == 3


def test_la_cloture_validee_clot_l_accompagnement():
    programme = Programme()
    point = point_suivi(programme, NaturePoint.CLOTURE_PROPOSEE)

    decision = services.decider(
        programme.cotech,
        point,
        TypeDecision.CLOTURE_VALIDEE,
        motifs="Loyer repris depuis six mois.",
        motif_cloture=MotifCloture.STABILISEE,
        maintien_dans_logement=True,
    )

    suivi = Accompagnement.objects.get(pk=point.accompagnement_id)
    assert suivi.statut == StatutAccompagnement.SUIVI_POST_CLOTURE
    assert suivi.date_fin == timezone.localdate()
    cloture = Cloture.objects.get(accompagnement=suivi)
    assert cloture.motif == MotifCloture.STABILISEE
    assert cloture.maintien_dans_logement is True
    assert cloture.commentaire == "Loyer repris depuis six mois."
    assert decision.accompagnement == suivi
    assert set(suivi.bilans.values_list("type", flat=True)) >= {
        TypeBilan.CLOTURE,
        TypeBilan.POST_CLOTURE,
    }


def test_la_cloture_validee_sans_motif_de_cloture_est_refusee():
    programme = Programme()
    point = point_suivi(programme, NaturePoint.CLOTURE_PROPOSEE)

    with pytest.raises(ValidationError, match="motif de clôture"):
        services.decider(
            programme.coordinateur, point, TypeDecision.CLOTURE_VALIDEE, motifs="Stable."
        )
    suivi = Accompagnement.objects.get(pk=point.accompagnement_id)
    assert suivi.est_ouvert
    assert not Cloture.objects.exists()
    assert not Decision.objects.exists()


@pytest.mark.parametrize("type_decision", [TypeDecision.STRATEGIE, TypeDecision.PROLONGATION])
def test_strategie_et_prolongation_demandent_un_contenu(type_decision):
    programme = Programme()
    point = point_suivi(programme)

    with pytest.raises(ValidationError, match="sans contenu"):
        services.decider(programme.coordinateur, point, type_decision, motifs=" ")
    assert not Decision.objects.exists()

    decision = services.decider(
        programme.cotech, point, type_decision, motifs="Six mois de plus, visites mensuelles."
    )
    assert decision.motifs == "Six mois de plus, visites mensuelles."
    assert decision.accompagnement == point.accompagnement
    # Ni la stratégie ni la prolongation ne changent l'accompagnement lui-même.
    suivi = Accompagnement.objects.get(pk=point.accompagnement_id)
    assert suivi.est_ouvert
    assert suivi.referent == programme.ts


def decideurs_refuses(programme):
    """Ceux qui ne décident pas sur le COTECH de `programme`, même en y siégeant parfois."""
    autre_comite = ComiteFactory(dispositif=programme.dispositif)
    cotech_d_un_autre_comite = membre(programme.dispositif, Role.MEMBRE_COTECH)
    autre_comite.membres.add(cotech_d_un_autre_comite)
    # Le COPIL, le TS et l'agent du bailleur sont refusés même inscrits au comité.
    programme.comite.membres.add(programme.copil, programme.ts, programme.agent)
    return {
        "cotech_d_un_autre_comite": cotech_d_un_autre_comite,
        "copil": programme.copil,
        "ts": programme.ts,
        "infirmier": programme.infirmier,
        "agent": programme.agent,
        "coordinateur_d_un_autre_dispositif": Programme().coordinateur,
    }


@pytest.mark.parametrize(
    "qui",
    [
        "cotech_d_un_autre_comite",
        "copil",
        "ts",
        "infirmier",
        "agent",
        "coordinateur_d_un_autre_dispositif",
    ],
)
def test_seuls_la_coordination_et_les_membres_du_comite_decident(qui):
    programme = Programme()
    point = point_orientation(programme)
    personne = decideurs_refuses(programme)[qui]

    with pytest.raises(PermissionDenied):
        services.decider(
            personne,
            point,
            TypeDecision.ADMISSION,
            referent=programme.ts,
            motifs="Admission.",
        )
    with pytest.raises(PermissionDenied):
        services.decider(personne, point, TypeDecision.REFUS, motifs="Refus.")
    assert not Decision.objects.exists()
    assert not Accompagnement.objects.exists()
    point.orientation.refresh_from_db()
    assert point.orientation.statut == StatutOrientation.A_EXAMINER


def test_un_membre_du_cotech_qui_quitte_le_comite_ne_decide_plus():
    programme = Programme()
    point = point_orientation(programme)
    programme.comite.membres.remove(programme.cotech)

    with pytest.raises(PermissionDenied):
        services.decider(programme.cotech, point, TypeDecision.REFUS, motifs="Refus.")


def test_une_decision_qui_echoue_en_cours_de_route_ne_laisse_rien(monkeypatch):
    """L'admission ouvre l'accompagnement, puis une panne survient : tout est annulé."""
    programme = Programme()
    point = point_orientation(programme)
    ouvrir = accompagnement.ouvrir_accompagnement

    def ouvrir_puis_tomber_en_panne(*args, **kwargs):
        ouvrir(*args, **kwargs)
        raise ValidationError("Panne après l'ouverture.")

    monkeypatch.setattr(accompagnement, "ouvrir_accompagnement", ouvrir_puis_tomber_en_panne)

    with pytest.raises(ValidationError, match="Panne"):
        services.decider(
            programme.cotech,
            point,
            TypeDecision.ADMISSION,
            referent=programme.ts,
            equipe=[programme.infirmier],
        )
    assert not Accompagnement.objects.exists()
    assert not Decision.objects.exists()
    point.orientation.refresh_from_db()
    assert point.orientation.statut == StatutOrientation.A_EXAMINER


def test_une_cloture_qui_echoue_en_cours_de_route_ne_laisse_rien(monkeypatch):
    programme = Programme()
    point = point_suivi(programme, NaturePoint.CLOTURE_PROPOSEE)
    cloturer = accompagnement.cloturer_accompagnement

    def cloturer_puis_tomber_en_panne(*args, **kwargs):
        cloturer(*args, **kwargs)
        raise ValidationError("Panne après la clôture.")

    monkeypatch.setattr(accompagnement, "cloturer_accompagnement", cloturer_puis_tomber_en_panne)

    with pytest.raises(ValidationError, match="Panne"):
        services.decider(
            programme.coordinateur,
            point,
            TypeDecision.CLOTURE_VALIDEE,
            motif_cloture=MotifCloture.STABILISEE,
        )
    suivi = Accompagnement.objects.get(pk=point.accompagnement_id)
    assert suivi.statut == StatutAccompagnement.DIAGNOSTIC
    assert suivi.date_fin is None
    assert not Cloture.objects.exists()
    assert not Decision.objects.exists()
    assert not suivi.bilans.exists()


def test_une_cloture_datee_avant_le_debut_de_l_accompagnement_est_refusee():
    programme = Programme()
    suivi = programme.accompagne("Recent", debut=programme.aujourd_hui - timedelta(days=2))
    point = PointOrdreDuJourFactory(
        seance=programme.seance(programme.aujourd_hui - timedelta(days=30)),
        menage=suivi.menage,
        nature=NaturePoint.CLOTURE_PROPOSEE,
        accompagnement=suivi,
    )

    with pytest.raises(ValidationError, match="précéder"):
        services.decider(
            programme.coordinateur,
            point,
            TypeDecision.CLOTURE_VALIDEE,
            motif_cloture=MotifCloture.STABILISEE,
        )
    assert not Cloture.objects.exists()
    assert not Decision.objects.exists()
    assert PointOrdreDuJour.objects.count() == 1
