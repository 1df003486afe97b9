"""Le module de permissions : chaque rôle, un membre d'un autre dispositif, l'admin technique."""

from datetime import timedelta

import pytest

from core import permissions
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory, OrganisationFactory, UserFactory
from core.models import Membre
from core.permissions import Chemins, Donnee, Portee

pytestmark = pytest.mark.django_db

D, P = Donnee, Portee

# Ce que DESIGN.md §3 ouvre à chaque rôle ; tout le reste doit être refusé.
ATTENDU = {
    Role.COORDINATEUR: {
        D.IDENTITE: P.DISPOSITIF,
        D.ORIENTATION: P.DISPOSITIF,
        D.DETTE: P.DISPOSITIF,
        D.PLAN: P.DISPOSITIF,
        D.PLAN_RESUME: P.DISPOSITIF,
        D.NOTE_EQUIPE: P.DISPOSITIF,
        D.NOTE_PERSONNELLE: P.AUTEUR,
        D.DECISIONS: P.DISPOSITIF,
        D.ACCES: P.DISPOSITIF,
        D.RAPPORT: P.DISPOSITIF,
        D.TABLEAU_DE_BORD: P.DISPOSITIF,
    },
    Role.TRAVAILLEUR_SOCIAL: {
        D.IDENTITE: P.EQUIPE,
        D.ORIENTATION: P.EQUIPE,
        D.DETTE: P.EQUIPE,
        D.PLAN: P.EQUIPE,
        D.PLAN_RESUME: P.EQUIPE,
        D.NOTE_EQUIPE: P.EQUIPE,
        D.NOTE_PERSONNELLE: P.AUTEUR,
        D.DECISIONS: P.EQUIPE,
        D.ACCES: P.EQUIPE,
        D.RAPPORT: P.DISPOSITIF,
    },
    Role.INFIRMIER: {
        D.IDENTITE: P.EQUIPE,
        D.ORIENTATION: P.EQUIPE,
        D.PLAN: P.EQUIPE,
        D.PLAN_RESUME: P.EQUIPE,
        D.NOTE_EQUIPE: P.EQUIPE,
        D.NOTE_SOIGNANTS: P.EQUIPE,
        D.NOTE_PERSONNELLE: P.AUTEUR,
        D.DECISIONS: P.EQUIPE,
        D.ACCES: P.EQUIPE,
        D.RAPPORT: P.DISPOSITIF,
    },
    Role.PSYCHOLOGUE: {
        D.IDENTITE: P.EQUIPE,
        D.ORIENTATION: P.EQUIPE,
        D.PLAN: P.EQUIPE,
        D.PLAN_RESUME: P.EQUIPE,
        D.NOTE_EQUIPE: P.EQUIPE,
        D.NOTE_SOIGNANTS: P.EQUIPE,
        D.NOTE_PERSONNELLE: P.AUTEUR,
        D.DECISIONS: P.EQUIPE,
        D.ACCES: P.EQUIPE,
        D.RAPPORT: P.DISPOSITIF,
    },
    # Ce qu'il a orienté ; nommé dans l'équipe (référent du bailleur), un membre de l'équipe
    # sans les notes « soignants ».
    Role.AGENT_BAILLEUR: {
        D.IDENTITE: {P.ORIENTES, P.EQUIPE},
        D.ORIENTATION: {P.ORIENTES, P.EQUIPE},
        D.DETTE: {P.ORIENTES, P.EQUIPE},
        D.PLAN: {P.EQUIPE},
        D.PLAN_RESUME: {P.ORIENTES, P.EQUIPE},
        D.NOTE_EQUIPE: {P.EQUIPE},
        D.NOTE_PERSONNELLE: {P.AUTEUR},
        D.DECISIONS: {P.ORIENTES, P.EQUIPE},
        D.ACCES: {P.ORIENTES, P.EQUIPE},
    },
    # Ce que sa structure a orienté ; jamais la dette, une note, le rapport ni le tableau de bord.
    Role.PRESCRIPTEUR: {
        D.IDENTITE: P.ORGANISATION,
        D.ORIENTATION: P.ORGANISATION,
        D.PLAN_RESUME: P.ORGANISATION,
        D.DECISIONS: P.ORGANISATION,
        D.ACCES: P.ORGANISATION,
    },
    Role.MEMBRE_COTECH: {
        D.IDENTITE: P.ORDRE_DU_JOUR,
        D.ORIENTATION: P.ORDRE_DU_JOUR,
        D.DETTE: P.ORDRE_DU_JOUR,
        D.PLAN: P.ORDRE_DU_JOUR,
        D.PLAN_RESUME: P.ORDRE_DU_JOUR,
        D.DECISIONS: P.ORDRE_DU_JOUR,
        D.ACCES: P.ORDRE_DU_JOUR,
        D.RAPPORT: P.DISPOSITIF,
        D.TABLEAU_DE_BORD: P.DISPOSITIF,
    },
    Role.MEMBRE_COPIL: {D.RAPPORT: P.DISPOSITIF, D.TABLEAU_DE_BORD: P.DISPOSITIF},
    # L'évaluateur : aucune ligne nominative, des extraits pseudonymisés (DESIGN.md §3).
    Role.EVALUATEUR: {
        D.RAPPORT: P.DISPOSITIF,
        D.TABLEAU_DE_BORD: P.DISPOSITIF,
        D.EXTRAIT_PSEUDONYMISE: P.DISPOSITIF,
    },
}

CAS = [(role, donnee) for role in Role for donnee in Donnee]


def test_chaque_role_est_decrit():
    assert set(ATTENDU) == set(Role)


@pytest.mark.parametrize(("role", "donnee"), CAS, ids=[f"{r.value}-{d.value}" for r, d in CAS])
def test_portee_de_chaque_role_sur_chaque_donnee(role, donnee):
    membre = MembreFactory(role=role)
    attendu = permissions.portees_de_la_case(ATTENDU[role].get(donnee))
    obtenu = permissions.portees(membre.user, donnee, membre.dispositif)
    assert obtenu == attendu
    assert permissions.peut_voir(membre.user, donnee, membre.dispositif) is bool(attendu)


@pytest.mark.parametrize("role", list(Role))
def test_un_membre_d_un_autre_dispositif_ne_voit_rien(role):
    membre = MembreFactory(role=role)
    autre = DispositifFactory()
    for donnee in Donnee:
        assert not permissions.peut_voir(membre.user, donnee, autre)
    assert list(permissions.dispositifs_visibles(membre.user)) == [membre.dispositif]


def test_l_admin_technique_ne_voit_aucune_donnee():
    admin = UserFactory(is_staff=True, is_superuser=True)
    dispositif = DispositifFactory()
    assert not permissions.dispositifs_visibles(admin).exists()
    for donnee in Donnee:
        assert not permissions.peut_voir(admin, donnee, dispositif)


@pytest.mark.parametrize(
    "compte", [{"is_staff": True}, {"is_superuser": True}, {"is_active": False}]
)
def test_un_compte_d_administration_ou_desactive_perd_ses_adhesions_et_son_habilitation(
    compte, django_assert_num_queries
):
    """Un compte qui tient une adhésion et une habilitation nationale, passé ensuite
    administrateur technique ou désactivé (directement en base, sans la validation du
    formulaire) : relu à la requête suivante, il n'ouvre plus rien, sans requête."""
    from core.factories import HabilitationNationaleFactory
    from core.models import User
    from menages.factories import MenageFactory
    from menages.models import Menage
    from menages.selectors import CHEMINS_MENAGE

    membre = MembreFactory(role=Role.COORDINATEUR)
    HabilitationNationaleFactory(user=membre.user)
    menage = MenageFactory(dispositif=membre.dispositif)
    avant = User.objects.get(pk=membre.user.pk)
    assert permissions.peut_voir(avant, Donnee.IDENTITE, membre.dispositif)
    assert permissions.habilite_national(avant)

    User.objects.filter(pk=membre.user.pk).update(**compte)
    apres = User.objects.get(pk=membre.user.pk)
    with django_assert_num_queries(0):
        assert not permissions.peut_voir(apres, Donnee.IDENTITE, membre.dispositif)
        assert not permissions.habilite_national(apres)
        assert not permissions.filtrer(
            apres, Menage.objects.filter(pk=menage.pk), Donnee.IDENTITE, CHEMINS_MENAGE
        ).exists()


def test_une_adhesion_inactive_ne_donne_rien():
    membre = MembreFactory(role=Role.COORDINATEUR, actif=False)
    assert not permissions.peut_voir(membre.user, Donnee.IDENTITE, membre.dispositif)


def test_un_compte_desactive_ne_voit_rien():
    membre = MembreFactory(role=Role.COORDINATEUR, user__is_active=False)
    assert not permissions.dispositifs_visibles(membre.user).exists()


def test_les_roles_s_additionnent():
    membre = MembreFactory(role=Role.AGENT_BAILLEUR)
    MembreFactory(user=membre.user, dispositif=membre.dispositif, role=Role.MEMBRE_COPIL)
    assert permissions.portees(membre.user, Donnee.RAPPORT, membre.dispositif) == {P.DISPOSITIF}
    assert permissions.portees(membre.user, Donnee.IDENTITE, membre.dispositif) == {
        P.ORIENTES,
        P.EQUIPE,
    }


# `filtrer` sur un modèle réel : la portée « équipe » passe ici par Membre.user.
CHEMINS_TEST = Chemins(dispositif="dispositif", equipe="user")


def test_filtrer_donne_tout_le_dispositif_au_coordinateur_et_rien_d_ailleurs():
    coordinateur = MembreFactory(role=Role.COORDINATEUR)
    collegue = MembreFactory(dispositif=coordinateur.dispositif)
    ailleurs = MembreFactory()
    visibles = permissions.filtrer(
        coordinateur.user, Membre.objects.all(), Donnee.IDENTITE, CHEMINS_TEST
    )
    assert set(visibles) == {coordinateur, collegue}
    assert ailleurs not in visibles


def test_filtrer_limite_le_travailleur_social_a_son_equipe():
    ts = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL)
    MembreFactory(dispositif=ts.dispositif)
    visibles = permissions.filtrer(ts.user, Membre.objects.all(), Donnee.IDENTITE, CHEMINS_TEST)
    assert list(visibles) == [ts]


def test_filtrer_sans_chemin_pour_la_portee_ne_rend_rien():
    # CHEMINS_TEST ne dit pas comment atteindre la structure qui oriente.
    prescripteur = MembreFactory(role=Role.PRESCRIPTEUR, organisation=OrganisationFactory())
    visibles = permissions.filtrer(
        prescripteur.user, Membre.objects.all(), Donnee.IDENTITE, CHEMINS_TEST
    )
    assert not visibles.exists()


def test_filtrer_ne_rend_rien_au_copil():
    copil = MembreFactory(role=Role.MEMBRE_COPIL)
    MembreFactory(dispositif=copil.dispositif)
    for donnee in (Donnee.IDENTITE, Donnee.NOTE_EQUIPE, Donnee.DETTE):
        assert not permissions.filtrer(
            copil.user, Membre.objects.all(), donnee, CHEMINS_TEST
        ).exists()


def test_filtrer_ne_rend_rien_a_l_admin_technique():
    MembreFactory()
    admin = UserFactory(is_staff=True, is_superuser=True)
    assert not permissions.filtrer(
        admin, Membre.objects.all(), Donnee.IDENTITE, CHEMINS_TEST
    ).exists()


@pytest.mark.django_db
def test_la_condition_gardee_pour_la_requete_suit_les_adhesions_relues_et_le_jour():
    """La condition d'une personne se construit une fois par objet `user` (une requête) ; des
    adhésions relues ou un autre jour la reconstruisent ; lire et écrire ne se confondent pas."""
    import time_machine
    from django.utils import timezone

    from menages.factories import MenageFactory
    from menages.models import Menage
    from menages.selectors import CHEMINS_MENAGE

    ts = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL)
    user = ts.user
    lire = permissions.condition(user, Donnee.PLAN, CHEMINS_MENAGE, Menage)
    assert permissions.condition(user, Donnee.PLAN, CHEMINS_MENAGE, Menage) is lire
    assert (
        permissions.condition(user, permissions.Ecriture.PLAN, CHEMINS_MENAGE, Menage) is not lire
    )

    coordination = MembreFactory(role=Role.COORDINATEUR, dispositif=ts.dispositif, user=user)
    menage = MenageFactory(dispositif=coordination.dispositif)
    # Les adhésions gardées ne voient pas encore la coordination…
    assert not permissions.peut_voir_ligne(user, Donnee.IDENTITE, menage, CHEMINS_MENAGE)
    # … relues, elles emportent les conditions gardées.
    user._adhesions_actives = None
    assert permissions.peut_voir_ligne(user, Donnee.IDENTITE, menage, CHEMINS_MENAGE)

    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        assert permissions.condition(user, Donnee.PLAN, CHEMINS_MENAGE, Menage) is not lire


def _relue(user):
    """La même personne relue de la base, comme à la requête suivante."""
    from core.models import User

    return User.objects.get(pk=user.pk)


@pytest.mark.django_db
def test_la_condition_sert_aux_requetes_suivantes_tant_que_les_adhesions_sont_les_memes():
    """D'une requête à l'autre (un nouvel objet `user`), la condition n'est pas reconstruite ;
    une adhésion ajoutée, une adhésion terminée ou un territoire changé en font une autre, sur
    l'heure."""
    from datetime import date

    from menages.factories import MenageFactory
    from menages.models import Menage
    from menages.selectors import CHEMINS_MENAGE

    ts = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL)
    menage = MenageFactory(dispositif=ts.dispositif)

    def condition(user):
        return permissions.condition(user, Donnee.IDENTITE, CHEMINS_MENAGE, Menage)

    def voit(user):
        return permissions.peut_voir_ligne(user, Donnee.IDENTITE, menage, CHEMINS_MENAGE)

    premiere = condition(_relue(ts.user))
    assert condition(_relue(ts.user)) is premiere
    assert not voit(_relue(ts.user))

    coordination = MembreFactory(role=Role.COORDINATEUR, dispositif=ts.dispositif, user=ts.user)
    assert condition(_relue(ts.user)) is not premiere
    assert voit(_relue(ts.user))

    # Réduite à un autre territoire que celui du ménage : plus rien hors de son équipe.
    from core.factories import TerritoireFactory

    coordination.territoire = TerritoireFactory(dispositif=ts.dispositif)
    coordination.save()
    assert not voit(_relue(ts.user))

    coordination.territoire = None
    coordination.date_fin = date(2020, 1, 1)
    coordination.save()
    assert condition(_relue(ts.user)) is premiere
    assert not voit(_relue(ts.user))


@pytest.mark.django_db
def test_la_fenetre_de_l_ordre_du_jour_se_compte_dans_la_base_sous_une_condition_gardee():
    """La condition d'un membre du COTECH se garde d'une requête à l'autre comme les autres : la
    fenêtre de l'ordre du jour n'y porte aucune heure du processus, elle se compte depuis l'heure
    de la base à chaque exécution. Une séance qui sort de la fenêtre entre deux requêtes ferme le
    ménage sous la même condition gardée."""
    from django.utils import timezone

    from comites.factories import PointOrdreDuJourFactory
    from comites.models import Seance
    from menages.factories import MenageFactory
    from menages.models import Menage
    from menages.selectors import CHEMINS_MENAGE
    from tests.comites.situations import Programme

    programme = Programme()
    seance = programme.seance()
    menage = MenageFactory(dispositif=programme.dispositif)
    PointOrdreDuJourFactory(seance=seance, menage=menage)

    def condition():
        return permissions.condition(
            _relue(programme.cotech), Donnee.IDENTITE, CHEMINS_MENAGE, Menage
        )

    def voit():
        return permissions.peut_voir_ligne(
            _relue(programme.cotech), Donnee.IDENTITE, menage, CHEMINS_MENAGE
        )

    premiere = condition()
    assert condition() is premiere
    bord = timezone.now() - permissions.delai_ordre_du_jour()
    Seance.objects.filter(pk=seance.pk).update(date=bord + timedelta(hours=1))
    assert voit()
    Seance.objects.filter(pk=seance.pk).update(date=bord - timedelta(hours=1))
    assert condition() is premiere
    assert not voit()


@pytest.mark.django_db
def test_memes_lignes_compare_les_portees_et_leurs_chemins_pas_les_sous_requetes():
    """Deux conditions faites des mêmes portées, posées par les mêmes chemins, retiennent les
    mêmes lignes, même si leurs sous-requêtes sont deux objets ; une portée de plus, ou la même
    portée par un autre chemin, et ce n'est plus vrai."""
    from dataclasses import replace

    from menages.models import Menage
    from menages.selectors import CHEMINS_MENAGE

    sans_orientes = replace(CHEMINS_MENAGE, orientes=None, organisation=None)
    ts = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL).user
    infirmier = MembreFactory(role=Role.INFIRMIER).user
    sans_rien = UserFactory()

    def memes(user, donnee, chemins, autre, autres_chemins):
        return permissions.memes_lignes(user, donnee, chemins, autre, autres_chemins, Menage)

    # La dette du travailleur social passe par son équipe, comme les ménages qu'il voit.
    assert permissions.condition(ts, Donnee.DETTE, CHEMINS_MENAGE, Menage) != permissions.condition(
        ts, Donnee.IDENTITE, sans_orientes, Menage
    )
    assert memes(ts, Donnee.DETTE, CHEMINS_MENAGE, Donnee.IDENTITE, sans_orientes)
    # L'infirmier voit les ménages de son équipe, jamais leur dette.
    assert not memes(infirmier, Donnee.DETTE, CHEMINS_MENAGE, Donnee.IDENTITE, sans_orientes)
    assert not memes(infirmier, Donnee.IDENTITE, sans_orientes, Donnee.DETTE, CHEMINS_MENAGE)
    # La même portée par un autre chemin : d'autres lignes.
    autre_equipe = replace(
        sans_orientes, equipe=permissions.Lien("accompagnement.MembreEquipe", "accompagnement")
    )
    assert not memes(ts, Donnee.DETTE, CHEMINS_MENAGE, Donnee.IDENTITE, autre_equipe)
    # Rien d'ouvert de part et d'autre : aucune ligne des deux côtés.
    assert memes(sans_rien, Donnee.DETTE, CHEMINS_MENAGE, Donnee.IDENTITE, sans_orientes)
    assert not memes(
        infirmier,
        Donnee.IDENTITE,
        sans_orientes,
        Donnee.IDENTITE,
        replace(sans_orientes, equipe=None),
    )


@pytest.mark.django_db
def test_toujours_vrai_lit_ce_qu_annoter_a_decide():
    """Le drapeau de même condition que le filtre est vrai sans condition par ligne, et
    `toujours_vrai` le dit ; celui d'une autre condition (la dette, que l'infirmier ne voit
    pas ; une condition par ligne) ne l'est pas, ni un drapeau absent."""
    from menages.models import Menage
    from menages.selectors import CHEMINS_MENAGE

    ts = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL).user
    infirmier = MembreFactory(role=Role.INFIRMIER).user

    def annotes(user, filtre):
        menages = permissions.filtrer(user, Menage.objects.all(), Donnee.IDENTITE, CHEMINS_MENAGE)
        return permissions.annoter(
            user, menages, CHEMINS_MENAGE, filtre=filtre, voit_dette=Donnee.DETTE
        )

    assert permissions.toujours_vrai(annotes(ts, Donnee.IDENTITE), "voit_dette")
    assert not permissions.toujours_vrai(annotes(ts, None), "voit_dette")
    assert not permissions.toujours_vrai(annotes(infirmier, Donnee.IDENTITE), "voit_dette")
    assert not permissions.toujours_vrai(annotes(ts, Donnee.IDENTITE), "voit_plan")
