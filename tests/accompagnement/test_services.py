"""Les services de l'accompagnement : ce qu'ils promettent et ce qu'ils refusent."""

import html
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accompagnement import services
from accompagnement.enums import (
    Adhesion,
    Confidentialite,
    DecisionBilan,
    MotifCloture,
    StatutAccompagnement,
    StatutObjectif,
    TypeBilan,
    TypeIntervention,
)
from accompagnement.factories import ObjectifFactory
from accompagnement.models import (
    Accompagnement,
    Bilan,
    Cloture,
    Intervention,
    MembreEquipe,
    PlanAction,
    ProgressionObjectif,
)
from core.enums import Profession, Role
from core.factories import DispositifFactory, MembreFactory, UserFactory
from menages.enums import OrigineDette, StadeProcedure, StatutOrientation
from menages.factories import MenageFactory, OrientationFactory
from menages.models import DetteLocative
from tests.outils import membre

pytestmark = pytest.mark.django_db

DEBUT = date(2026, 1, 15)


class Equipe:
    """Un dispositif, sa coordination, un ménage orienté et les professionnels d'une équipe."""

    def __init__(self, **orientation):
        self.dispositif = DispositifFactory()
        self.coordinateur = membre(self.dispositif, Role.COORDINATEUR)
        self.ts = membre(self.dispositif, Role.TRAVAILLEUR_SOCIAL)
        self.autre_ts = membre(self.dispositif, Role.TRAVAILLEUR_SOCIAL)
        self.infirmier = membre(self.dispositif, Role.INFIRMIER)
        self.psychologue = membre(self.dispositif, Role.PSYCHOLOGUE)
        self.menage = MenageFactory(dispositif=self.dispositif, nom="Zorglub")
        self.orientation = OrientationFactory(
            menage=self.menage, statut=StatutOrientation.A_EXAMINER, **orientation
        )

    def ouvrir(self, date_debut=DEBUT, equipe=None):
        return services.ouvrir_accompagnement(
            self.coordinateur,
            self.menage,
            referent=self.ts,
            equipe=[self.infirmier, self.psychologue] if equipe is None else equipe,
            date_debut=date_debut,
        )


def moment(jour, heure=10):
    return timezone.make_aware(datetime(jour.year, jour.month, jour.day, heure))


def bilans(accompagnement):
    return {b.type: b.date_prevue for b in accompagnement.bilans.all()}


# --- Ouvrir un accompagnement ---------------------------------------------------------------


def test_ouvrir_planifie_les_bilans_de_diagnostic_trois_et_six_mois():
    equipe = Equipe()

    accompagnement = equipe.ouvrir()

    assert bilans(accompagnement) == {
        TypeBilan.DIAGNOSTIC: date(2026, 2, 15),
        TypeBilan.TROIS_MOIS: date(2026, 4, 15),
        TypeBilan.SIX_MOIS: date(2026, 7, 15),
    }
    assert not accompagnement.bilans.filter(date_realisation__isnull=False).exists()


def test_ouvrir_met_le_referent_dans_l_equipe_avec_sa_profession():
    equipe = Equipe()

    accompagnement = equipe.ouvrir()

    assert accompagnement.referent == equipe.ts
    assert accompagnement.statut == StatutAccompagnement.DIAGNOSTIC
    assert accompagnement.date_debut == DEBUT
    assert accompagnement.dispositif == equipe.dispositif
    assert set(accompagnement.equipe.values_list("user", "profession", "depuis")) == {
        (equipe.ts.pk, Profession.TRAVAILLEUR_SOCIAL, DEBUT),
        (equipe.infirmier.pk, Profession.INFIRMIER, DEBUT),
        (equipe.psychologue.pk, Profession.PSYCHOLOGUE, DEBUT),
    }
    assert PlanAction.objects.filter(accompagnement=accompagnement).exists()


def test_ouvrir_sans_equipe_garde_le_referent():
    equipe = Equipe()

    accompagnement = equipe.ouvrir(equipe=[])

    assert list(accompagnement.equipe.values_list("user", flat=True)) == [equipe.ts.pk]


def test_ouvrir_admet_l_orientation_et_retient_la_procedure_a_l_entree():
    equipe = Equipe(avec_dette=True)

    accompagnement = equipe.ouvrir()

    equipe.orientation.refresh_from_db()
    assert equipe.orientation.statut == StatutOrientation.ADMISE
    assert equipe.orientation.date_statut == DEBUT
    assert accompagnement.orientation == equipe.orientation
    assert accompagnement.stade_procedure_entree == StadeProcedure.ASSIGNATION


def test_ouvrir_refuse_un_second_accompagnement_ouvert():
    equipe = Equipe()
    equipe.ouvrir()

    with pytest.raises(ValidationError, match="déjà ouvert"):
        equipe.ouvrir(date_debut=DEBUT + timedelta(days=10))
    assert Accompagnement.objects.filter(menage=equipe.menage).count() == 1


def test_ouvrir_refuse_une_personne_qui_n_est_pas_membre_du_dispositif():
    equipe = Equipe()
    etranger = membre(DispositifFactory(), Role.INFIRMIER)

    with pytest.raises(ValidationError, match="ne font pas partie"):
        equipe.ouvrir(equipe=[equipe.infirmier, etranger])
    assert not Accompagnement.objects.exists()


# L'agent du bailleur peut rejoindre l'équipe (référent du bailleur) : test_referent_bailleur.py.
@pytest.mark.parametrize("role", [Role.MEMBRE_COPIL, Role.MEMBRE_COTECH, Role.PRESCRIPTEUR])
def test_ouvrir_refuse_un_membre_du_dispositif_sans_role_d_equipe(role):
    equipe = Equipe()
    partenaire = membre(equipe.dispositif, role)

    with pytest.raises(ValidationError, match="ne font pas partie"):
        equipe.ouvrir(equipe=[partenaire])
    assert not Accompagnement.objects.exists()


def test_ouvrir_refuse_un_membre_inactif():
    equipe = Equipe()
    ancien = MembreFactory(dispositif=equipe.dispositif, role=Role.INFIRMIER, actif=False).user

    with pytest.raises(ValidationError):
        equipe.ouvrir(equipe=[ancien])


def test_ouvrir_refuse_un_referent_hors_du_dispositif():
    equipe = Equipe()

    with pytest.raises(ValidationError):
        services.ouvrir_accompagnement(
            equipe.coordinateur, equipe.menage, referent=UserFactory(), date_debut=DEBUT
        )


@pytest.mark.parametrize(
    "role", [Role.TRAVAILLEUR_SOCIAL, Role.INFIRMIER, Role.AGENT_BAILLEUR, Role.MEMBRE_COTECH]
)
def test_seule_la_coordination_ouvre_un_accompagnement(role):
    equipe = Equipe()
    user = membre(equipe.dispositif, role)

    with pytest.raises(PermissionDenied):
        services.ouvrir_accompagnement(user, equipe.menage, referent=equipe.ts, date_debut=DEBUT)
    assert not Accompagnement.objects.exists()
    equipe.orientation.refresh_from_db()
    assert equipe.orientation.statut == StatutOrientation.A_EXAMINER


def test_le_coordinateur_d_un_autre_dispositif_n_ouvre_pas():
    equipe = Equipe()
    ailleurs = membre(DispositifFactory(), Role.COORDINATEUR)

    with pytest.raises(PermissionDenied):
        services.ouvrir_accompagnement(
            ailleurs, equipe.menage, referent=equipe.ts, date_debut=DEBUT
        )


# --- Enregistrer une intervention -----------------------------------------------------------


def test_enregistrer_une_intervention_de_l_equipe():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()
    objectif = ObjectifFactory(accompagnement=accompagnement)

    intervention = services.enregistrer_intervention(
        equipe.ts,
        accompagnement,
        type=TypeIntervention.VISITE_DOMICILE,
        date_heure=moment(date(2026, 2, 2)),
        duree_minutes=45,
        participants=[equipe.infirmier],
        objectifs=[objectif],
        destinations=["fsl", "caf", "fsl"],
        note="Dossier FSL préparé avec Mme.",
    )

    assert intervention.auteur == equipe.ts
    assert intervention.profession_auteur == Profession.TRAVAILLEUR_SOCIAL
    assert intervention.confidentialite == Confidentialite.EQUIPE
    assert set(intervention.participants.all()) == {equipe.ts, equipe.infirmier}
    assert list(intervention.objectifs.all()) == [objectif]
    assert sorted(intervention.orientations_partenaires.values_list("destination", flat=True)) == [
        "caf",
        "fsl",
    ]


def test_l_infirmier_ecrit_une_note_soignants():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    intervention = services.enregistrer_intervention(
        equipe.infirmier,
        accompagnement,
        type=TypeIntervention.VISITE_DOMICILE,
        note="Observance du traitement à revoir",
        confidentialite=Confidentialite.SOIGNANTS,
    )

    assert intervention.profession_auteur == Profession.INFIRMIER
    assert intervention.confidentialite == Confidentialite.SOIGNANTS


def test_la_coordination_note_une_intervention_sans_etre_dans_l_equipe():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    intervention = services.enregistrer_intervention(
        equipe.coordinateur, accompagnement, type=TypeIntervention.REUNION_PARTENAIRE
    )

    assert intervention.profession_auteur == Profession.COORDINATEUR


@pytest.mark.parametrize(
    "role", [Role.TRAVAILLEUR_SOCIAL, Role.INFIRMIER, Role.AGENT_BAILLEUR, Role.MEMBRE_COTECH]
)
def test_enregistrer_refuse_une_personne_hors_de_l_equipe(role):
    equipe = Equipe()
    accompagnement = equipe.ouvrir()
    dehors = membre(equipe.dispositif, role)

    with pytest.raises(PermissionDenied):
        services.enregistrer_intervention(
            dehors, accompagnement, type=TypeIntervention.VISITE_DOMICILE, note="Rien"
        )
    assert not Intervention.objects.exists()


def test_enregistrer_refuse_un_membre_d_equipe_d_un_autre_dispositif():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()
    ailleurs = membre(DispositifFactory(), Role.COORDINATEUR)

    with pytest.raises(PermissionDenied):
        services.enregistrer_intervention(
            ailleurs, accompagnement, type=TypeIntervention.VISITE_DOMICILE
        )


def test_le_ts_ne_peut_pas_ecrire_une_note_soignants():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    with pytest.raises(ValidationError, match="soignants"):
        services.enregistrer_intervention(
            equipe.ts,
            accompagnement,
            type=TypeIntervention.VISITE_DOMICILE,
            note="Semble ne plus prendre son traitement",
            confidentialite=Confidentialite.SOIGNANTS,
        )
    assert not Intervention.objects.exists()


def test_le_coordinateur_ne_peut_pas_ecrire_une_note_soignants():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    with pytest.raises(ValidationError):
        services.enregistrer_intervention(
            equipe.coordinateur,
            accompagnement,
            type=TypeIntervention.VISITE_DOMICILE,
            confidentialite=Confidentialite.SOIGNANTS,
        )


def test_enregistrer_refuse_une_date_dans_le_futur():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    with pytest.raises(ValidationError, match="futur"):
        services.enregistrer_intervention(
            equipe.ts,
            accompagnement,
            type=TypeIntervention.VISITE_DOMICILE,
            date_heure=timezone.now() + timedelta(days=1),
        )
    assert not Intervention.objects.exists()


def test_enregistrer_refuse_un_objectif_d_un_autre_accompagnement():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()
    ailleurs = ObjectifFactory()

    with pytest.raises(ValidationError, match="objectif"):
        services.enregistrer_intervention(
            equipe.ts, accompagnement, type=TypeIntervention.VISITE_DOMICILE, objectifs=[ailleurs]
        )
    assert not Intervention.objects.exists()


def test_enregistrer_refuse_un_accompagnement_clos():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()
    services.cloturer_accompagnement(
        equipe.coordinateur,
        accompagnement,
        date=date(2026, 3, 1),
        motif=MotifCloture.STABILISEE,
        maintien_dans_logement=True,
    )

    with pytest.raises(ValidationError, match="clos"):
        services.enregistrer_intervention(
            equipe.ts, accompagnement, type=TypeIntervention.VISITE_DOMICILE
        )
    assert not Intervention.objects.exists()


def test_le_premier_contact_est_date_par_la_premiere_intervention_qui_en_est_un():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    services.noter_visite_sans_reponse(equipe.ts, accompagnement, moment(date(2026, 1, 20)))
    services.enregistrer_intervention(
        equipe.ts,
        accompagnement,
        type=TypeIntervention.COURRIER_SMS,
        date_heure=moment(date(2026, 1, 21)),
    )
    accompagnement.refresh_from_db()
    assert accompagnement.date_premier_contact is None

    services.enregistrer_intervention(
        equipe.ts,
        accompagnement,
        type=TypeIntervention.ENTRETIEN_TELEPHONIQUE,
        date_heure=moment(date(2026, 1, 28)),
    )
    accompagnement.refresh_from_db()
    assert accompagnement.date_premier_contact == date(2026, 1, 28)

    # Une visite saisie après coup, mais datée plus tôt, devient le premier contact.
    services.enregistrer_intervention(
        equipe.infirmier,
        accompagnement,
        type=TypeIntervention.VISITE_DOMICILE,
        date_heure=moment(date(2026, 1, 25)),
    )
    # Un contact plus tardif ne change rien.
    services.enregistrer_intervention(
        equipe.ts,
        accompagnement,
        type=TypeIntervention.ENTRETIEN_BUREAU,
        date_heure=moment(date(2026, 2, 10)),
    )
    accompagnement.refresh_from_db()
    assert accompagnement.date_premier_contact == date(2026, 1, 25)


def test_la_visite_sans_reponse_en_deux_gestes():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    intervention = services.noter_visite_sans_reponse(equipe.ts, accompagnement)

    assert intervention.type == TypeIntervention.VISITE_SANS_REPONSE
    assert intervention.auteur == equipe.ts
    assert intervention.note == ""
    assert intervention.duree_minutes == 15
    assert timezone.now() - intervention.date_heure < timedelta(minutes=1)
    accompagnement.refresh_from_db()
    assert accompagnement.date_premier_contact is None


def test_la_visite_sans_reponse_refuse_hors_de_l_equipe():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    with pytest.raises(PermissionDenied):
        services.noter_visite_sans_reponse(equipe.autre_ts, accompagnement)
    assert not Intervention.objects.exists()


# --- Adhésion ------------------------------------------------------------------------------


def test_l_adhesion_acceptee_passe_du_diagnostic_a_en_cours():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    services.definir_adhesion(equipe.ts, accompagnement, Adhesion.ACCEPTEE)

    accompagnement.refresh_from_db()
    assert accompagnement.adhesion == Adhesion.ACCEPTEE
    assert accompagnement.statut == StatutAccompagnement.EN_COURS


@pytest.mark.parametrize("adhesion", [Adhesion.REFUSEE, Adhesion.DE_PRINCIPE, Adhesion.INJOIGNABLE])
def test_une_autre_adhesion_laisse_le_diagnostic(adhesion):
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    services.definir_adhesion(equipe.ts, accompagnement, adhesion)

    accompagnement.refresh_from_db()
    assert accompagnement.adhesion == adhesion
    assert accompagnement.statut == StatutAccompagnement.DIAGNOSTIC


def test_l_adhesion_refuse_hors_de_l_equipe():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    with pytest.raises(PermissionDenied):
        services.definir_adhesion(equipe.autre_ts, accompagnement, Adhesion.ACCEPTEE)
    accompagnement.refresh_from_db()
    assert accompagnement.adhesion == Adhesion.NON_RENSEIGNEE


# --- Bilans --------------------------------------------------------------------------------


def test_realiser_un_bilan_enregistre_progressions_objectifs_et_dette():
    equipe = Equipe(avec_dette=True)
    accompagnement = equipe.ouvrir()
    loyer = ObjectifFactory(accompagnement=accompagnement, libelle="Reprendre le loyer")
    fsl = ObjectifFactory(accompagnement=accompagnement, libelle="Déposer le dossier FSL")
    bilan = accompagnement.bilans.get(type=TypeBilan.TROIS_MOIS)

    services.realiser_bilan(
        equipe.ts,
        bilan,
        date_realisation=date(2026, 4, 14),
        synthese="  Le loyer courant est repris ; le FSL est accordé.  ",
        decision=DecisionBilan.POURSUITE,
        progressions=[
            (loyer, StatutObjectif.EN_COURS, 60, "3 loyers sur 4"),
            (fsl, StatutObjectif.ATTEINT, 20, ""),
        ],
        dette=Decimal("1830.50"),
        stade_procedure=StadeProcedure.ASSIGNATION,
    )

    bilan.refresh_from_db()
    assert bilan.date_realisation == date(2026, 4, 14)
    assert bilan.synthese == "Le loyer courant est repris ; le FSL est accordé."
    assert bilan.decision == DecisionBilan.POURSUITE
    assert bilan.auteur == equipe.ts
    assert bilan.dette == Decimal("1830.50")
    assert set(
        ProgressionObjectif.objects.filter(bilan=bilan).values_list(
            "objectif", "statut", "avancement", "commentaire"
        )
    ) == {
        (loyer.pk, StatutObjectif.EN_COURS, 60, "3 loyers sur 4"),
        (fsl.pk, StatutObjectif.ATTEINT, 20, ""),
    }
    loyer.refresh_from_db()
    fsl.refresh_from_db()
    assert (loyer.statut, loyer.avancement) == (StatutObjectif.EN_COURS, 60)
    assert (fsl.statut, fsl.avancement) == (StatutObjectif.ATTEINT, 100)
    releve = DetteLocative.objects.get(origine=OrigineDette.BILAN)
    assert releve.menage == equipe.menage
    assert releve.date == date(2026, 4, 14)
    assert releve.montant == Decimal("1830.50")
    assert releve.stade_procedure == StadeProcedure.ASSIGNATION
    assert releve.saisie_par == equipe.ts


def test_un_bilan_sans_dette_ne_cree_pas_de_releve():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    services.realiser_bilan(
        equipe.infirmier,
        accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC),
        date_realisation=date(2026, 2, 14),
        synthese="Diagnostic partagé.",
        decision=DecisionBilan.POURSUITE,
    )

    assert not DetteLocative.objects.exists()


@pytest.mark.parametrize("synthese", ["", "   \n "])
def test_un_bilan_sans_synthese_est_refuse(synthese):
    equipe = Equipe()
    accompagnement = equipe.ouvrir()
    bilan = accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)

    with pytest.raises(ValidationError, match="synthèse"):
        services.realiser_bilan(
            equipe.ts,
            bilan,
            date_realisation=date(2026, 2, 14),
            synthese=synthese,
            decision=DecisionBilan.POURSUITE,
            dette=Decimal("100"),
        )
    bilan.refresh_from_db()
    assert bilan.date_realisation is None
    assert not DetteLocative.objects.exists()


def test_un_bilan_date_dans_le_futur_est_refuse():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()
    bilan = accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)

    with pytest.raises(ValidationError, match="futur"):
        services.realiser_bilan(
            equipe.ts,
            bilan,
            date_realisation=timezone.localdate() + timedelta(days=1),
            synthese="Trop tôt",
            decision=DecisionBilan.POURSUITE,
        )
    bilan.refresh_from_db()
    assert bilan.date_realisation is None


def test_un_bilan_refuse_un_objectif_d_un_autre_accompagnement():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()
    ailleurs = ObjectifFactory()

    with pytest.raises(ValidationError):
        services.realiser_bilan(
            equipe.ts,
            accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC),
            date_realisation=date(2026, 2, 14),
            synthese="Diagnostic",
            decision=DecisionBilan.POURSUITE,
            progressions=[(ailleurs, StatutObjectif.ATTEINT, 100, "")],
        )
    ailleurs.refresh_from_db()
    assert ailleurs.statut == StatutObjectif.A_ENGAGER
    assert not ProgressionObjectif.objects.exists()


def test_un_bilan_refuse_hors_de_l_equipe():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    with pytest.raises(PermissionDenied):
        services.realiser_bilan(
            equipe.autre_ts,
            accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC),
            date_realisation=date(2026, 2, 14),
            synthese="Diagnostic",
            decision=DecisionBilan.POURSUITE,
        )


def test_le_bilan_apres_la_fin_clot_le_suivi_post_cloture():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()
    services.cloturer_accompagnement(
        equipe.ts,
        accompagnement,
        date=date(2026, 3, 1),
        motif=MotifCloture.STABILISEE,
        maintien_dans_logement=True,
    )
    accompagnement.refresh_from_db()
    assert accompagnement.statut == StatutAccompagnement.SUIVI_POST_CLOTURE

    services.realiser_bilan(
        equipe.ts,
        accompagnement.bilans.get(type=TypeBilan.CLOTURE),
        date_realisation=date(2026, 3, 1),
        synthese="Bilan de clôture",
        decision=DecisionBilan.CLOTURE,
    )
    accompagnement.refresh_from_db()
    assert accompagnement.statut == StatutAccompagnement.SUIVI_POST_CLOTURE

    services.realiser_bilan(
        equipe.ts,
        accompagnement.bilans.get(type=TypeBilan.POST_CLOTURE),
        date_realisation=date(2026, 6, 2),
        synthese="Toujours dans les lieux, loyer payé.",
        decision=DecisionBilan.CLOTURE,
    )
    accompagnement.refresh_from_db()
    assert accompagnement.statut == StatutAccompagnement.CLOS


# --- Clôture -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("procedure", "maintien", "evitee"),
    [
        (StadeProcedure.ASSIGNATION, True, True),
        (StadeProcedure.COMMANDEMENT_DE_QUITTER, True, True),
        (StadeProcedure.AUCUNE, True, False),
        (StadeProcedure.ASSIGNATION, False, False),
        (StadeProcedure.AUCUNE, False, False),
    ],
)
def test_expulsion_evitee(procedure, maintien, evitee):
    equipe = Equipe(stade_procedure=procedure)
    accompagnement = equipe.ouvrir()
    assert accompagnement.stade_procedure_entree == procedure

    cloture = services.cloturer_accompagnement(
        equipe.coordinateur,
        accompagnement,
        date=date(2026, 9, 30),
        motif=MotifCloture.STABILISEE if maintien else MotifCloture.RELOGEMENT,
        maintien_dans_logement=maintien,
    )

    assert cloture.expulsion_evitee is evitee
    assert Cloture.objects.get().expulsion_evitee is evitee


def test_cloturer_planifie_le_bilan_de_cloture_et_celui_trois_mois_apres():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    cloture = services.cloturer_accompagnement(
        equipe.ts,
        accompagnement,
        date=date(2026, 9, 30),
        motif=MotifCloture.STABILISEE,
        maintien_dans_logement=True,
        dette=Decimal("120"),
        plan_apurement_en_place=True,
        commentaire="Loyer repris depuis six mois.",
    )

    accompagnement.refresh_from_db()
    assert accompagnement.statut == StatutAccompagnement.SUIVI_POST_CLOTURE
    assert accompagnement.date_fin == date(2026, 9, 30)
    assert not accompagnement.est_ouvert
    assert cloture.auteur == equipe.ts
    assert bilans(accompagnement) == {
        TypeBilan.DIAGNOSTIC: date(2026, 2, 15),
        TypeBilan.TROIS_MOIS: date(2026, 4, 15),
        TypeBilan.SIX_MOIS: date(2026, 7, 15),
        TypeBilan.CLOTURE: date(2026, 9, 30),
        TypeBilan.POST_CLOTURE: date(2026, 12, 30),
    }
    releve = DetteLocative.objects.get()
    assert (releve.date, releve.montant, releve.origine) == (
        date(2026, 9, 30),
        Decimal("120"),
        OrigineDette.CLOTURE,
    )


def test_cloturer_retire_les_bilans_intermediaires_non_faits_prevus_apres_la_fin():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()
    services.realiser_bilan(
        equipe.ts,
        accompagnement.bilans.get(type=TypeBilan.TROIS_MOIS),
        date_realisation=date(2026, 2, 20),
        synthese="Fait en avance",
        decision=DecisionBilan.CLOTURE,
    )

    services.cloturer_accompagnement(
        equipe.coordinateur,
        accompagnement,
        date=date(2026, 3, 1),
        motif=MotifCloture.DEMANDE_MENAGE,
        maintien_dans_logement=True,
    )

    assert bilans(accompagnement) == {
        TypeBilan.DIAGNOSTIC: date(2026, 2, 15),  # prévu avant la fin : gardé, annulé
        TypeBilan.TROIS_MOIS: date(2026, 4, 15),  # déjà fait : on le garde
        TypeBilan.CLOTURE: date(2026, 3, 1),
        TypeBilan.POST_CLOTURE: date(2026, 6, 1),
    }


def test_cloturer_refuse_une_date_avant_le_debut():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    with pytest.raises(ValidationError, match="précéder"):
        services.cloturer_accompagnement(
            equipe.coordinateur,
            accompagnement,
            date=DEBUT - timedelta(days=1),
            motif=MotifCloture.STABILISEE,
            maintien_dans_logement=True,
        )
    assert not Cloture.objects.exists()
    accompagnement.refresh_from_db()
    assert accompagnement.est_ouvert


def test_cloturer_refuse_une_date_dans_le_futur():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()

    with pytest.raises(ValidationError, match="futur"):
        services.cloturer_accompagnement(
            equipe.coordinateur,
            accompagnement,
            date=timezone.localdate() + timedelta(days=1),
            motif=MotifCloture.STABILISEE,
            maintien_dans_logement=True,
        )
    assert not Cloture.objects.exists()


@pytest.mark.parametrize("qui", ["autre_ts", "infirmier", "psychologue"])
def test_seuls_la_coordination_et_le_referent_cloturent(qui):
    equipe = Equipe()
    accompagnement = equipe.ouvrir(equipe=[equipe.autre_ts, equipe.infirmier, equipe.psychologue])

    with pytest.raises(PermissionDenied):
        services.cloturer_accompagnement(
            getattr(equipe, qui),
            accompagnement,
            date=date(2026, 3, 1),
            motif=MotifCloture.STABILISEE,
            maintien_dans_logement=True,
        )
    assert not Cloture.objects.exists()
    accompagnement.refresh_from_db()
    assert accompagnement.est_ouvert


def test_cloturer_deux_fois_est_refuse():
    equipe = Equipe()
    accompagnement = equipe.ouvrir()
    arguments = {"date": date(2026, 3, 1), "motif": MotifCloture.STABILISEE}
    services.cloturer_accompagnement(
        equipe.ts, accompagnement, maintien_dans_logement=True, **arguments
    )

    with pytest.raises(ValidationError, match="déjà clos"):
        services.cloturer_accompagnement(
            equipe.ts, accompagnement, maintien_dans_logement=False, **arguments
        )
    assert Cloture.objects.count() == 1


# --- Rouvrir -------------------------------------------------------------------------------


def test_rouvrir_apres_la_cloture_cree_un_nouvel_episode_et_garde_l_ancien_lisible(client):
    equipe = Equipe()
    ancien = equipe.ouvrir()
    services.enregistrer_intervention(
        equipe.ts,
        ancien,
        type=TypeIntervention.VISITE_DOMICILE,
        date_heure=moment(date(2026, 1, 20)),
        note="Première visite : courrier ouvert ensemble.",
    )
    services.cloturer_accompagnement(
        equipe.coordinateur,
        ancien,
        date=date(2026, 3, 1),
        motif=MotifCloture.PERTE_DE_CONTACT,
        maintien_dans_logement=True,
        commentaire="Plus de nouvelles depuis février.",
    )

    nouveau = services.ouvrir_accompagnement(
        equipe.coordinateur,
        equipe.menage,
        referent=equipe.autre_ts,
        equipe=[equipe.infirmier],
        date_debut=date(2026, 6, 1),
    )

    assert nouveau.pk != ancien.pk
    assert nouveau.est_ouvert
    assert bilans(nouveau)[TypeBilan.DIAGNOSTIC] == date(2026, 7, 1)
    ancien.refresh_from_db()
    assert ancien.statut == StatutAccompagnement.SUIVI_POST_CLOTURE
    assert ancien.interventions.count() == 1
    assert MembreEquipe.objects.filter(accompagnement=ancien, user=equipe.ts).exists()

    client.force_login(equipe.coordinateur)
    fiche = html.unescape(
        client.get(reverse("ecrans:menage", args=[equipe.menage.public_id])).content.decode()
    )
    assert reverse("accompagnement:detail", args=[ancien.public_id]) in fiche
    assert reverse("accompagnement:detail", args=[nouveau.public_id]) in fiche
    assert "Depuis le 15/01/2026</strong> jusqu'au 01/03/2026" in fiche
    assert "Depuis le 01/06/2026" in fiche
    assert "Première visite : courrier ouvert ensemble." in fiche
    assert "Clôture : perte de contact" in fiche
    assert "Rouvrir un accompagnement" not in fiche  # le nouvel épisode est ouvert

    page = client.get(reverse("accompagnement:detail", args=[ancien.public_id]))
    assert page.status_code == 200
    assert "Première visite : courrier ouvert ensemble." in html.unescape(page.content.decode())
    assert "perte de contact" in html.unescape(page.content.decode())


def test_un_menage_clos_peut_etre_rouvert_depuis_sa_fiche(client):
    equipe = Equipe()
    ancien = equipe.ouvrir()
    services.cloturer_accompagnement(
        equipe.coordinateur,
        ancien,
        date=date(2026, 3, 1),
        motif=MotifCloture.STABILISEE,
        maintien_dans_logement=True,
    )
    client.force_login(equipe.coordinateur)

    fiche = html.unescape(
        client.get(reverse("ecrans:menage", args=[equipe.menage.public_id])).content.decode()
    )

    assert "Rouvrir un accompagnement" in fiche
    assert reverse("accompagnement:ouvrir", args=[equipe.menage.public_id]) in fiche
    assert Bilan.objects.filter(accompagnement=ancien, type=TypeBilan.POST_CLOTURE).exists()
