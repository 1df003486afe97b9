"""L'écriture est une permission à part, et la décision par ligne garde sa forme : une condition
posée sur la requête elle-même (des `Exists` corrélés), jamais une liste de clés."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from accompagnement.factories import AccompagnementFactory, MembreEquipeFactory
from accompagnement.models import Accompagnement
from accompagnement.selectors import CHEMINS_ACCOMPAGNEMENT
from core import permissions
from core.enums import Role
from core.factories import MembreFactory
from core.models import Membre
from core.permissions import ECRITURE, Chemins, Donnee, Ecriture, Portee
from menages.factories import MenageFactory
from menages.models import Menage
from menages.selectors import CHEMINS_MENAGE, menages_visibles

pytestmark = pytest.mark.django_db

E, P = Ecriture, Portee

# Ce que DESIGN.md §3 laisse écrire à chaque rôle ; tout le reste est refusé.
ATTENDU = {
    Role.COORDINATEUR: dict.fromkeys(Ecriture, P.DISPOSITIF),
    Role.TRAVAILLEUR_SOCIAL: {
        E.DETTE: P.EQUIPE,
        E.PLAN_APUREMENT: P.EQUIPE,
        E.PLAN: P.EQUIPE,
        E.BILANS: P.EQUIPE,
        E.INTERVENTIONS: P.EQUIPE,
        E.CLOTURE: P.REFERENT,
        E.ACCES: P.EQUIPE,
    },
    Role.INFIRMIER: {
        E.PLAN: P.EQUIPE,
        E.BILANS: P.EQUIPE,
        E.INTERVENTIONS: P.EQUIPE,
        E.CLOTURE: P.REFERENT,
    },
    Role.PSYCHOLOGUE: {
        E.PLAN: P.EQUIPE,
        E.BILANS: P.EQUIPE,
        E.INTERVENTIONS: P.EQUIPE,
        E.CLOTURE: P.REFERENT,
    },
    Role.AGENT_BAILLEUR: {
        E.DETTE: {P.ORIENTES, P.EQUIPE},
        E.PLAN_APUREMENT: {P.ORIENTES, P.EQUIPE},
        E.PLAN: P.EQUIPE,
        E.BILANS: P.EQUIPE,
        E.INTERVENTIONS: P.EQUIPE,
        E.ACCES: {P.ORIENTES, P.EQUIPE},
    },
    Role.PRESCRIPTEUR: {},
    Role.EVALUATEUR: {},
    Role.MEMBRE_COTECH: {},
    Role.MEMBRE_COPIL: {},
}

# Ce qu'il faut lire pour écrire chaque catégorie.
LU_POUR_ECRIRE = {
    E.DETTE: Donnee.DETTE,
    E.PLAN_APUREMENT: Donnee.DETTE,
    E.PLAN: Donnee.PLAN,
    E.BILANS: Donnee.PLAN,
    E.INTERVENTIONS: Donnee.NOTE_EQUIPE,
    E.EQUIPE: Donnee.IDENTITE,
    E.CLOTURE: Donnee.PLAN,
    E.ACCES: Donnee.ACCES,
}

CAS = [(role, ecriture) for role in Role for ecriture in Ecriture]


@pytest.mark.parametrize(("role", "ecriture"), CAS, ids=[f"{r.value}-{e.value}" for r, e in CAS])
def test_portee_d_ecriture_de_chaque_role(role, ecriture):
    membre = MembreFactory(role=role)
    attendu = permissions.portees_de_la_case(ATTENDU[role].get(ecriture))
    assert permissions.portees(membre.user, ecriture, membre.dispositif) == attendu


@pytest.mark.parametrize("role", list(Role))
def test_aucun_role_n_ecrit_ce_qu_il_ne_lit_pas(role):
    for ecriture in ECRITURE[role]:
        assert LU_POUR_ECRIRE[ecriture] in permissions.MATRICE[role], (role, ecriture)


def test_lire_la_dette_d_un_menage_inscrit_ne_donne_pas_le_droit_de_l_ecrire():
    cotech = MembreFactory(role=Role.MEMBRE_COTECH)
    menage = MenageFactory(dispositif=cotech.dispositif)
    from comites.factories import ComiteFactory, PointOrdreDuJourFactory, SeanceFactory

    comite = ComiteFactory(dispositif=cotech.dispositif, membres=[cotech.user])
    PointOrdreDuJourFactory(seance=SeanceFactory(comite=comite), menage=menage)

    assert permissions.peut_voir_ligne(cotech.user, Donnee.DETTE, menage, CHEMINS_MENAGE)
    for ecriture in Ecriture:
        assert not permissions.peut_ecrire(cotech.user, ecriture, menage, CHEMINS_MENAGE)
    assert not permissions.filtrer_ecriture(
        cotech.user, Menage.objects.all(), Ecriture.DETTE, CHEMINS_MENAGE
    ).exists()


def test_la_condition_est_posee_sur_la_requete_sans_liste_de_cles():
    """Des Exists corrélés, et pas de « pk IN (SELECT …) » : PostgreSQL sert la condition par
    ses index, sans matérialiser la liste des ménages visibles."""
    ts = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL)
    MembreFactory(user=ts.user, dispositif=ts.dispositif, role=Role.MEMBRE_COTECH)
    MembreFactory(user=ts.user, dispositif=ts.dispositif, role=Role.AGENT_BAILLEUR)
    sql = str(menages_visibles(ts.user).query).upper()
    assert sql.count("EXISTS") == 3  # équipe, orientations, ordre du jour : une fois chacune
    assert '"ID" IN (SELECT' not in sql.replace("U0.", "")
    assert "DISTINCT" not in sql


def test_un_chemin_texte_qui_passe_par_plusieurs_lignes_est_refuse():
    ts = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL)
    with pytest.raises(ImproperlyConfigured):
        permissions.filtrer(
            ts.user,
            Menage.objects.all(),
            Donnee.IDENTITE,
            Chemins(equipe="accompagnements__equipe__user"),
        )


def test_sans_aucune_portee_la_requete_ne_rend_rien_et_l_annotation_vaut_faux():
    copil = MembreFactory(role=Role.MEMBRE_COPIL)
    MenageFactory(dispositif=copil.dispositif)
    assert not permissions.filtrer(
        copil.user, Menage.objects.all(), Donnee.IDENTITE, CHEMINS_MENAGE
    ).exists()
    [menage] = permissions.annoter(
        copil.user, Menage.objects.all(), CHEMINS_MENAGE, voit_dette=Donnee.DETTE
    )
    assert menage.voit_dette is False


def test_annoter_decide_ligne_par_ligne():
    coordinateur = MembreFactory(role=Role.COORDINATEUR)
    ici = MenageFactory(dispositif=coordinateur.dispositif)
    ailleurs = MenageFactory()
    lignes = {
        m.pk: m.voit_dette
        for m in permissions.annoter(
            coordinateur.user, Menage.objects.all(), CHEMINS_MENAGE, voit_dette=Donnee.DETTE
        )
    }
    assert lignes == {ici.pk: True, ailleurs.pk: False}


def test_la_portee_equipe_par_un_chemin_simple():
    ts = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL)
    assert list(
        permissions.filtrer(ts.user, Membre.objects.all(), Donnee.IDENTITE, Chemins(equipe="user"))
    ) == [ts]


def _equipe_et_hors_equipe():
    """Un travailleur social dans l'équipe d'un épisode (sans en être le référent), et un autre
    épisode du même dispositif où il n'est pas."""
    ts = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL)
    sien = AccompagnementFactory(menage__dispositif=ts.dispositif)
    MembreEquipeFactory(accompagnement=sien, user=ts.user)
    autre = AccompagnementFactory(menage__dispositif=ts.dispositif)
    return ts.user, sien, autre


DRAPEAUX_DE_L_EQUIPE = {
    "voit_plan": Donnee.PLAN,
    "ecrit_plan": Ecriture.PLAN,
    "ecrit_interventions": Ecriture.INTERVENTIONS,
    "ecrit_bilans": Ecriture.BILANS,
}


def test_les_drapeaux_de_meme_condition_ne_font_qu_une_sous_requete():
    user, sien, autre = _equipe_et_hors_equipe()
    lignes = permissions.annoter(
        user, Accompagnement.objects.all(), CHEMINS_ACCOMPAGNEMENT, **DRAPEAUX_DE_L_EQUIPE
    )
    # Les quatre drapeaux ouvrent la même chose à un travailleur social : son équipe.
    assert str(lignes.query).upper().count("EXISTS") == 1
    lus = {a.pk: {nom: getattr(a, nom) for nom in DRAPEAUX_DE_L_EQUIPE} for a in lignes}
    assert lus == {
        sien.pk: dict.fromkeys(DRAPEAUX_DE_L_EQUIPE, True),
        autre.pk: dict.fromkeys(DRAPEAUX_DE_L_EQUIPE, False),
    }
    # Les recopies suivent le queryset : lire une ligne, filtrer sur un drapeau recopié.
    assert lignes.filter(pk=autre.pk).get().ecrit_bilans is False
    assert [a.pk for a in lignes.filter(ecrit_bilans=True)] == [sien.pk]


def test_un_drapeau_de_la_condition_du_filtre_vaut_vrai_sans_sous_requete():
    user, sien, _ = _equipe_et_hors_equipe()
    visibles = permissions.filtrer(
        user, Accompagnement.objects.all(), Donnee.IDENTITE, CHEMINS_ACCOMPAGNEMENT
    )
    lignes = permissions.annoter(
        user,
        visibles,
        CHEMINS_ACCOMPAGNEMENT,
        filtre=Donnee.IDENTITE,
        ecrit_plan=Ecriture.PLAN,
        # Une autre condition (le seul référent clôt) reste décidée sur la ligne.
        ecrit_cloture=Ecriture.CLOTURE,
    )
    # L'équipe n'est lue qu'une fois, dans le filtre.
    assert str(lignes.query).upper().count("EXISTS") == 1
    [ligne] = lignes
    assert (ligne.pk, ligne.ecrit_plan, ligne.ecrit_cloture) == (sien.pk, True, False)
    sien.referent = user
    sien.save()
    assert lignes.get().ecrit_cloture is True


def test_deux_roles_sur_le_dispositif_gardent_des_drapeaux_distincts():
    """L'agent du bailleur membre d'une équipe lit le résumé du plan des ménages qu'il a
    orientés, le plan entier seulement dans son équipe : deux conditions, deux valeurs."""
    agent = MembreFactory(role=Role.AGENT_BAILLEUR)
    sien = AccompagnementFactory(menage__dispositif=agent.dispositif)
    MembreEquipeFactory(accompagnement=sien, user=agent.user)
    [ligne] = permissions.annoter(
        agent.user,
        Accompagnement.objects.filter(pk=sien.pk),
        CHEMINS_ACCOMPAGNEMENT,
        voit_plan=Donnee.PLAN,
        voit_resume=Donnee.PLAN_RESUME,
        ecrit_plan=Ecriture.PLAN,
    )
    assert (ligne.voit_plan, ligne.voit_resume, ligne.ecrit_plan) == (True, True, True)
