"""Les règles des ménages à leur seul endroit : services (écritures) et sélecteurs (lectures).

Chaque point d'entrée (page, import, commande) passe par ces fonctions : leurs refus valent
pour tous.
"""

from datetime import date, timedelta
from decimal import Decimal
from itertools import product

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.enums import Parcours, Role
from core.factories import CommuneFactory, DispositifFactory, MembreFactory, UserFactory
from ecrans import selectors as selectors_ecrans
from menages import selectors, services
from menages.enums import (
    OrigineDette,
    Problematique,
    Source,
    StadeProcedure,
    StatutOrientation,
)
from menages.factories import (
    DetteLocativeFactory,
    MenageFactory,
    OrientationFactory,
)
from menages.models import DetteLocative, Logement, Menage, Orientation, Ressource
from menages.services import TRANSITIONS, FicheOrientation

pytestmark = pytest.mark.django_db

S = StatutOrientation


def membre(role, dispositif=None, **kwargs):
    if dispositif is not None:
        kwargs["dispositif"] = dispositif
    return MembreFactory(role=role, **kwargs)


def une_fiche(**valeurs):
    return FicheOrientation(
        **{
            "date_orientation": timezone.localdate() - timedelta(days=2),
            "parcours": Parcours.MAINTIEN,
            "source": Source.CONTENTIEUX,
            "problematiques": [Problematique.IMPAYES, Problematique.IMPAYES],
            "nom": "Martin",
            "reference_locataire": "AUR-1",
            "adresse": "3 rue des Lilas",
            "code_postal": "15000",
            "commune": "Aurillac",
            "loyer": Decimal("420"),
            "ressources_mensuelles": Decimal("0"),
            "dette_locative": Decimal("800"),
            **valeurs,
        }
    )


# --- orienter_menage -------------------------------------------------------------------------


def test_orienter_cree_menage_logement_ressource_orientation_et_premiere_dette():
    agent = membre(Role.AGENT_BAILLEUR)

    resultat = services.orienter_menage(agent.user, agent.dispositif, une_fiche())

    assert (resultat.menage_cree, resultat.orientation_creee) == (True, True)
    orientation = resultat.orientation
    assert orientation.statut == S.RECUE
    assert orientation.date_statut == orientation.date_orientation
    assert orientation.orientee_par == agent.user
    assert orientation.stade_procedure == StadeProcedure.AUCUNE
    # une problématique en double n'est comptée qu'une fois
    assert [p.code for p in orientation.problematiques.all()] == [Problematique.IMPAYES]
    menage = orientation.menage
    assert menage.logements.get().loyer == Decimal("420")
    assert menage.ressources.get().nature == "aucune"
    dette = menage.dettes.get()
    assert (dette.montant, dette.origine, dette.date) == (
        Decimal("800"),
        OrigineDette.ORIENTATION,
        orientation.date_orientation,
    )


def test_orienter_sans_dette_ni_logement_ne_cree_ni_releve_ni_logement():
    agent = membre(Role.AGENT_BAILLEUR)
    fiche = une_fiche(
        dette_locative=None, adresse="", commune="", loyer=None, ressources_mensuelles=None
    )

    services.orienter_menage(agent.user, agent.dispositif, fiche)

    assert not DetteLocative.objects.exists()
    assert not Logement.objects.exists()
    assert not Ressource.objects.exists()


def test_orienter_reprend_le_menage_que_la_personne_a_deja_oriente_sans_le_modifier():
    agent = membre(Role.AGENT_BAILLEUR)
    connu = MenageFactory(dispositif=agent.dispositif, reference_locataire="AUR-1", nom="Martin")
    OrientationFactory(menage=connu, orientee_par=agent.user, date_orientation=date(2025, 1, 6))

    resultat = services.orienter_menage(
        agent.user, agent.dispositif, une_fiche(nom="Martin-Durand")
    )

    assert resultat.menage_cree is False
    assert resultat.orientation.menage == connu
    connu.refresh_from_db()
    assert connu.nom == "Martin"
    assert Menage.objects.count() == 1


def test_la_meme_reference_dans_un_autre_dispositif_est_un_autre_menage():
    agent = membre(Role.AGENT_BAILLEUR)
    MenageFactory(reference_locataire="AUR-1")  # autre dispositif

    resultat = services.orienter_menage(agent.user, agent.dispositif, une_fiche())

    assert resultat.menage_cree is True
    assert resultat.orientation.menage.dispositif == agent.dispositif


def test_orienter_deux_fois_la_meme_fiche_ne_duplique_rien():
    agent = membre(Role.AGENT_BAILLEUR)
    premiere = services.orienter_menage(agent.user, agent.dispositif, une_fiche())

    seconde = services.orienter_menage(agent.user, agent.dispositif, une_fiche())

    assert seconde.orientation_creee is False
    assert seconde.orientation == premiere.orientation
    assert Orientation.objects.count() == 1
    assert DetteLocative.objects.count() == 1


def test_une_nouvelle_date_fait_une_nouvelle_orientation_du_meme_menage():
    agent = membre(Role.AGENT_BAILLEUR)
    services.orienter_menage(agent.user, agent.dispositif, une_fiche())
    plus_tard = une_fiche(date_orientation=timezone.localdate())

    resultat = services.orienter_menage(agent.user, agent.dispositif, plus_tard)

    assert resultat.orientation_creee is True
    assert Menage.objects.count() == 1
    assert Orientation.objects.count() == 2


def test_orienter_dans_le_futur_est_refuse():
    agent = membre(Role.AGENT_BAILLEUR)
    demain = une_fiche(date_orientation=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError, match="futur"):
        services.orienter_menage(agent.user, agent.dispositif, demain)
    assert not Menage.objects.exists()


@pytest.mark.parametrize(
    "role",
    [
        Role.TRAVAILLEUR_SOCIAL,
        Role.INFIRMIER,
        Role.PSYCHOLOGUE,
        Role.MEMBRE_COTECH,
        Role.MEMBRE_COPIL,
    ],
)
def test_seuls_coordination_et_bailleur_orientent(role):
    autre = membre(role)
    with pytest.raises(PermissionDenied):
        services.orienter_menage(autre.user, autre.dispositif, une_fiche())
    assert not Menage.objects.exists()


def test_l_agent_n_oriente_pas_dans_un_autre_dispositif():
    agent = membre(Role.AGENT_BAILLEUR)
    with pytest.raises(PermissionDenied):
        services.orienter_menage(agent.user, DispositifFactory(), une_fiche())


def test_l_admin_technique_n_oriente_pas():
    admin = UserFactory(is_staff=True, is_superuser=True)
    with pytest.raises(PermissionDenied):
        services.orienter_menage(admin, DispositifFactory(), une_fiche())


def test_le_territoire_vient_de_la_commune_du_dispositif():
    agent = membre(Role.AGENT_BAILLEUR)
    commune = CommuneFactory(territoire__dispositif=agent.dispositif, nom="Aurillac")

    services.orienter_menage(agent.user, agent.dispositif, une_fiche(commune_du_dispositif=commune))

    logement = Logement.objects.get()
    assert (logement.commune_du_dispositif, logement.territoire) == (commune, commune.territoire)


# --- changer_statut_orientation --------------------------------------------------------------

# Triés : chaque processus de pytest-xdist doit collecter les mêmes tests dans le même ordre.
PASSAGES_PREVUS = [
    (depuis, vers) for depuis, suivants in TRANSITIONS.items() for vers in sorted(suivants)
]
PASSAGES_IMPOSSIBLES = [
    (depuis, vers) for depuis, vers in product(S, S) if vers not in TRANSITIONS[depuis]
]


@pytest.mark.parametrize(("depuis", "vers"), PASSAGES_PREVUS)
def test_chaque_passage_prevu_est_accepte(depuis, vers):
    coordinateur = membre(Role.COORDINATEUR)
    orientation = OrientationFactory(menage__dispositif=coordinateur.dispositif, statut=depuis)

    services.changer_statut_orientation(coordinateur.user, orientation, vers, "Vu en COTECH.")

    orientation.refresh_from_db()
    assert orientation.statut == vers
    assert orientation.date_statut == timezone.localdate()
    assert orientation.motif_statut == "Vu en COTECH."


@pytest.mark.parametrize(("depuis", "vers"), PASSAGES_IMPOSSIBLES)
def test_chaque_passage_non_prevu_est_refuse(depuis, vers):
    coordinateur = membre(Role.COORDINATEUR)
    orientation = OrientationFactory(menage__dispositif=coordinateur.dispositif, statut=depuis)

    with pytest.raises(ValidationError, match="ne peut pas passer"):
        services.changer_statut_orientation(coordinateur.user, orientation, vers, "motif")

    orientation.refresh_from_db()
    assert orientation.statut == depuis


def test_le_circuit_suit_le_glossaire():
    assert TRANSITIONS[S.RECUE] >= {S.A_EXAMINER}
    assert TRANSITIONS[S.A_EXAMINER] >= {S.ADMISE, S.REFUSEE, S.REORIENTEE, S.EN_ATTENTE}
    for decision in (S.ADMISE, S.REFUSEE, S.REORIENTEE):
        assert TRANSITIONS[decision] == set()


@pytest.mark.parametrize("statut", [S.REFUSEE, S.REORIENTEE])
@pytest.mark.parametrize("motif", ["", "   "])
def test_refus_et_reorientation_demandent_un_motif(statut, motif):
    coordinateur = membre(Role.COORDINATEUR)
    orientation = OrientationFactory(menage__dispositif=coordinateur.dispositif)

    with pytest.raises(ValidationError, match="Indiquez le motif"):
        services.changer_statut_orientation(coordinateur.user, orientation, statut, motif)

    orientation.refresh_from_db()
    assert orientation.statut == S.RECUE


@pytest.mark.parametrize(
    "role",
    [
        Role.AGENT_BAILLEUR,
        Role.TRAVAILLEUR_SOCIAL,
        Role.INFIRMIER,
        Role.PSYCHOLOGUE,
        Role.MEMBRE_COTECH,
        Role.MEMBRE_COPIL,
    ],
)
def test_seule_la_coordination_fait_avancer_une_orientation(role):
    autre = membre(role)
    orientation = OrientationFactory(menage__dispositif=autre.dispositif, orientee_par=autre.user)

    with pytest.raises(PermissionDenied):
        services.changer_statut_orientation(autre.user, orientation, S.A_EXAMINER)

    orientation.refresh_from_db()
    assert orientation.statut == S.RECUE


def test_le_coordinateur_d_un_autre_dispositif_ne_fait_pas_avancer():
    coordinateur = membre(Role.COORDINATEUR)
    orientation = OrientationFactory()
    with pytest.raises(PermissionDenied):
        services.changer_statut_orientation(coordinateur.user, orientation, S.A_EXAMINER)


# --- relever_dette ---------------------------------------------------------------------------


def test_le_coordinateur_releve_la_dette_sans_toucher_aux_releves_passes():
    coordinateur = membre(Role.COORDINATEUR)
    menage = MenageFactory(dispositif=coordinateur.dispositif)
    ancien = DetteLocativeFactory(menage=menage, montant=Decimal("1200"))

    releve = services.relever_dette(
        coordinateur.user, menage, timezone.localdate(), Decimal("950"), StadeProcedure.AUCUNE
    )

    assert (releve.montant, releve.origine, releve.saisie_par) == (
        Decimal("950"),
        OrigineDette.RELEVE,
        coordinateur.user,
    )
    ancien.refresh_from_db()
    assert ancien.montant == Decimal("1200")
    assert menage.dettes.count() == 2


@pytest.mark.parametrize(
    "role", [Role.INFIRMIER, Role.PSYCHOLOGUE, Role.MEMBRE_COPIL, Role.TRAVAILLEUR_SOCIAL]
)
def test_qui_ne_voit_pas_la_dette_ne_la_releve_pas(role):
    autre = membre(role)
    menage = MenageFactory(dispositif=autre.dispositif)
    with pytest.raises(PermissionDenied):
        services.relever_dette(autre.user, menage, timezone.localdate(), Decimal("10"))
    assert not DetteLocative.objects.exists()


def test_l_infirmier_coordinateur_ailleurs_ne_releve_pas_la_dette_de_son_dispositif_de_soins():
    coordinateur = membre(Role.COORDINATEUR)
    soins = membre(Role.INFIRMIER, user=coordinateur.user).dispositif
    menage = MenageFactory(dispositif=soins)
    with pytest.raises(PermissionDenied):
        services.relever_dette(coordinateur.user, menage, timezone.localdate(), Decimal("10"))


def test_l_agent_releve_la_dette_des_menages_qu_il_a_orientes_seulement():
    agent = membre(Role.AGENT_BAILLEUR)
    oriente = OrientationFactory(menage__dispositif=agent.dispositif, orientee_par=agent.user)
    autre = OrientationFactory(menage__dispositif=agent.dispositif)

    services.relever_dette(agent.user, oriente.menage, timezone.localdate(), Decimal("10"))
    with pytest.raises(PermissionDenied):
        services.relever_dette(agent.user, autre.menage, timezone.localdate(), Decimal("10"))

    assert DetteLocative.objects.get().menage == oriente.menage


def test_une_dette_negative_est_refusee():
    coordinateur = membre(Role.COORDINATEUR)
    menage = MenageFactory(dispositif=coordinateur.dispositif)
    with pytest.raises(ValidationError, match="négative"):
        services.relever_dette(coordinateur.user, menage, timezone.localdate(), Decimal("-1"))
    assert not DetteLocative.objects.exists()


def test_un_releve_dans_le_futur_est_refuse():
    coordinateur = membre(Role.COORDINATEUR)
    menage = MenageFactory(dispositif=coordinateur.dispositif)
    demain = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="futur"):
        services.relever_dette(coordinateur.user, menage, demain, Decimal("10"))
    assert not DetteLocative.objects.exists()


# --- Sélecteurs ------------------------------------------------------------------------------


def test_l_agent_voit_les_menages_qu_il_a_orientes_et_aucun_autre():
    agent = membre(Role.AGENT_BAILLEUR)
    oriente = OrientationFactory(menage__dispositif=agent.dispositif, orientee_par=agent.user)
    OrientationFactory(menage__dispositif=agent.dispositif)
    OrientationFactory(orientee_par=agent.user)  # dispositif dont il n'est plus membre

    assert list(selectors.menages_visibles(agent.user)) == [oriente.menage]
    assert list(selectors.orientations_visibles(agent.user)) == [oriente]
    assert list(selectors_ecrans.file_active(agent.user)) == []


def test_un_menage_oriente_deux_fois_par_l_agent_n_apparait_qu_une_fois():
    agent = membre(Role.AGENT_BAILLEUR)
    menage = MenageFactory(dispositif=agent.dispositif)
    OrientationFactory(menage=menage, orientee_par=agent.user)
    OrientationFactory(menage=menage, orientee_par=agent.user, date_orientation=date(2025, 1, 6))

    assert list(selectors.menages_visibles(agent.user)) == [menage]
    assert selectors.mes_orientations(agent.user).count() == 2


def test_une_adhesion_inactive_ne_donne_plus_rien():
    coordinateur = membre(Role.COORDINATEUR, actif=False)
    OrientationFactory(menage__dispositif=coordinateur.dispositif)
    assert list(selectors_ecrans.file_active(coordinateur.user)) == []
    assert list(selectors.menages_visibles(coordinateur.user)) == []


def test_peut_voir_dette_par_role():
    coordinateur = membre(Role.COORDINATEUR)
    dispositif = coordinateur.dispositif
    menage = MenageFactory(dispositif=dispositif)
    agent = membre(Role.AGENT_BAILLEUR, dispositif=dispositif)
    OrientationFactory(menage=menage, orientee_par=agent.user)

    assert selectors.peut_voir_dette(coordinateur.user, menage)
    assert selectors.peut_voir_dette(agent.user, menage)
    for role in (Role.INFIRMIER, Role.PSYCHOLOGUE, Role.MEMBRE_COPIL):
        assert not selectors.peut_voir_dette(membre(role, dispositif=dispositif).user, menage)
    assert not selectors.peut_voir_dette(membre(Role.AGENT_BAILLEUR, dispositif).user, menage)
    assert not selectors.peut_voir_dette(membre(Role.COORDINATEUR).user, menage)


def test_les_droits_lus_avec_le_menage_ne_valent_que_pour_sa_personne(django_assert_num_queries):
    coordinateur = membre(Role.COORDINATEUR)
    dispositif = coordinateur.dispositif
    menage = MenageFactory(dispositif=dispositif)
    agent = membre(Role.AGENT_BAILLEUR, dispositif=dispositif)
    OrientationFactory(menage=menage, orientee_par=agent.user)
    lu_par_l_agent = selectors.menage_pour(agent.user, menage.public_id)

    # Lus avec le ménage : aucune requête de plus.
    with django_assert_num_queries(0):
        assert selectors.peut_voir_dette(agent.user, lu_par_l_agent)
        assert services.peut_saisir_dette(agent.user, lu_par_l_agent)
        assert services.peut_saisir_plan_apurement(agent.user, lu_par_l_agent)

    # Le ménage lu pour l'agent ne prête pas ses droits à une autre personne : ils sont demandés.
    autre_agent = membre(Role.AGENT_BAILLEUR, dispositif=dispositif)
    infirmier = membre(Role.INFIRMIER, dispositif=dispositif)
    assert not selectors.peut_voir_dette(autre_agent.user, lu_par_l_agent)
    assert not services.peut_saisir_dette(autre_agent.user, lu_par_l_agent)
    assert not services.peut_saisir_plan_apurement(infirmier.user, lu_par_l_agent)
    assert services.peut_saisir_dette(coordinateur.user, lu_par_l_agent)


def test_dettes_du_menage_none_pour_qui_ne_les_voit_pas():
    coordinateur = membre(Role.COORDINATEUR)
    menage = MenageFactory(dispositif=coordinateur.dispositif)
    DetteLocativeFactory(menage=menage, date=date(2026, 6, 1), montant=Decimal("10"))
    DetteLocativeFactory(menage=menage, date=date(2026, 1, 1), montant=Decimal("20"))

    assert [d.montant for d in selectors.dettes_du_menage(coordinateur.user, menage)] == [
        Decimal("20"),
        Decimal("10"),
    ]
    infirmier = membre(Role.INFIRMIER, dispositif=coordinateur.dispositif)
    assert selectors.dettes_du_menage(infirmier.user, menage) is None
