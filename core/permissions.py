"""Qui peut voir quoi : le seul endroit du produit qui en décide (DESIGN.md §3).

Le principe est le refus par défaut. Une personne ne voit rien d'un dispositif dont elle n'est
pas membre ; dans un dispositif, chacun de ses rôles lui ouvre certaines données avec une
*portée* : tout le dispositif, les ménages de son équipe, ceux qu'elle a orientés, ceux inscrits à
l'ordre du jour de son comité, ou ses propres écrits. Une donnée absente de la matrice est
refusée. L'administrateur technique (`is_staff`) n'a aucune portée.

Les vues et les sélecteurs passent toujours par ce module :
- `filtrer(user, queryset, donnee, chemins)` restreint une requête aux lignes visibles ;
- `peut_voir(user, donnee, dispositif)` répond pour un dispositif entier ;
- `dispositifs_visibles(user)` donne les dispositifs dont la personne est membre.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q

from .enums import Role
from .models import Dispositif, Membre


class Donnee(StrEnum):
    """Les catégories de données du tableau de DESIGN.md §3."""

    IDENTITE = "identite"  # identité, logement, statut du ménage
    ORIENTATION = "orientation"  # orientation et problématiques
    DETTE = "dette"  # dette locative, procédure, plan d'apurement
    PLAN = "plan"  # plan d'action, objectifs, bilans (complets)
    PLAN_RESUME = "plan_resume"  # plan d'action en résumé (sans synthèse ni notes)
    NOTE_EQUIPE = "note_equipe"
    NOTE_SOIGNANTS = "note_soignants"
    NOTE_PERSONNELLE = "note_personnelle"
    DECISIONS = "decisions"  # décisions de comité
    RAPPORT = "rapport"  # rapport semestriel agrégé, sans nom
    TABLEAU_DE_BORD = "tableau_de_bord"  # chiffres du dispositif (agrégés)


class Portee(StrEnum):
    DISPOSITIF = "dispositif"  # tout le dispositif
    EQUIPE = "equipe"  # les ménages dont la personne est dans l'équipe
    ORIENTES = "orientes"  # les ménages qu'elle a orientés
    ORDRE_DU_JOUR = "ordre_du_jour"  # les ménages à l'ordre du jour d'un de ses comités
    AUTEUR = "auteur"  # ce qu'elle a écrit elle-même


D, P = Donnee, Portee

MATRICE = {
    Role.COORDINATEUR: {
        D.IDENTITE: P.DISPOSITIF,
        D.ORIENTATION: P.DISPOSITIF,
        D.DETTE: P.DISPOSITIF,
        D.PLAN: P.DISPOSITIF,
        D.PLAN_RESUME: P.DISPOSITIF,
        D.NOTE_EQUIPE: P.DISPOSITIF,
        D.NOTE_PERSONNELLE: P.AUTEUR,
        D.DECISIONS: P.DISPOSITIF,
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
        D.RAPPORT: P.DISPOSITIF,
    },
    Role.AGENT_BAILLEUR: {
        D.IDENTITE: P.ORIENTES,
        D.ORIENTATION: P.ORIENTES,
        D.DETTE: P.ORIENTES,
        D.PLAN_RESUME: P.ORIENTES,
        D.DECISIONS: P.ORIENTES,
    },
    Role.MEMBRE_COTECH: {
        D.IDENTITE: P.ORDRE_DU_JOUR,
        D.ORIENTATION: P.ORDRE_DU_JOUR,
        D.DETTE: P.ORDRE_DU_JOUR,
        D.PLAN: P.ORDRE_DU_JOUR,
        D.PLAN_RESUME: P.ORDRE_DU_JOUR,
        D.DECISIONS: P.ORDRE_DU_JOUR,
        D.RAPPORT: P.DISPOSITIF,
        D.TABLEAU_DE_BORD: P.DISPOSITIF,
    },
    Role.MEMBRE_COPIL: {
        D.RAPPORT: P.DISPOSITIF,
        D.TABLEAU_DE_BORD: P.DISPOSITIF,
    },
}


@dataclass(frozen=True)
class Chemins:
    """Comment atteindre, depuis un modèle, son dispositif et les personnes qui ouvrent une portée.

    Chaque chemin est un lookup Django qui mène à un `User` (ou au dispositif). Une portée sans
    chemin ne donne rien sur ce modèle : c'est encore un refus par défaut.
    """

    dispositif: str = "dispositif"
    equipe: str | None = None
    orientes: str | None = None
    ordre_du_jour: str | None = None
    auteur: str | None = None


def roles_par_dispositif(user):
    """{id du dispositif: frozenset des rôles} des adhésions actives, mis en cache sur l'objet."""
    if not user.is_authenticated or not user.is_active:
        return {}
    cache = getattr(user, "_roles_par_dispositif", None)
    if cache is None:
        roles = {}
        adhesions = Membre.objects.actifs().filter(user=user).values_list("dispositif_id", "role")
        for dispositif_id, role in adhesions:
            roles.setdefault(dispositif_id, set()).add(Role(role))
        cache = {dispositif_id: frozenset(r) for dispositif_id, r in roles.items()}
        user._roles_par_dispositif = cache
    return cache


def roles(user, dispositif):
    return roles_par_dispositif(user).get(_id(dispositif), frozenset())


def portees(user, donnee, dispositif):
    """Les portées que les rôles de la personne lui ouvrent sur `donnee` dans ce dispositif."""
    return {MATRICE[role][donnee] for role in roles(user, dispositif) if donnee in MATRICE[role]}


def peut_voir(user, donnee, dispositif):
    """Vrai si la personne voit au moins une partie de `donnee` dans ce dispositif."""
    return bool(portees(user, donnee, dispositif))


def dispositifs_visibles(user):
    """Les dispositifs dont la personne est membre active."""
    return Dispositif.objects.filter(pk__in=list(roles_par_dispositif(user)))


def dispositifs_ou(user, donnee):
    """Les dispositifs où la personne voit au moins une partie de `donnee`."""
    return Dispositif.objects.filter(
        pk__in=[
            dispositif_id
            for dispositif_id in roles_par_dispositif(user)
            if peut_voir(user, donnee, dispositif_id)
        ]
    )


def a_le_role(user, *roles_voulus):
    """Vrai si la personne tient l'un de ces rôles dans au moins un dispositif."""
    return any(set(r) & set(roles_voulus) for r in roles_par_dispositif(user).values())


def filtrer(user, queryset, donnee, chemins):
    """Restreint `queryset` aux lignes dont `user` peut voir `donnee`.

    Sans adhésion, ou sans chemin pour une portée, la requête ne rend rien. Le filtre passe par
    une sous-requête sur la clé primaire pour ne jamais dupliquer de ligne.
    """
    condition = Q(pk__in=[])
    for dispositif_id in roles_par_dispositif(user):
        for portee in portees(user, donnee, dispositif_id):
            dans_le_dispositif = Q(**{chemins.dispositif: dispositif_id})
            if portee == Portee.DISPOSITIF:
                condition |= dans_le_dispositif
                continue
            chemin = getattr(chemins, portee.value)
            if chemin is not None:
                condition |= dans_le_dispositif & Q(**{chemin: user})
    visibles = queryset.model._default_manager.filter(condition).values("pk")
    return queryset.filter(pk__in=visibles)


class Action(StrEnum):
    """Ce qu'une personne peut faire dans un dispositif (en plus de ce qu'elle voit)."""

    ORIENTER = "orienter"  # saisir une fiche d'orientation
    IMPORTER = "importer"  # importer un fichier d'orientations
    GERER_ORIENTATIONS = "gerer_orientations"  # faire avancer le statut d'une orientation
    EXPORTER = "exporter"  # exporter une liste nominative (journalisé)
    ORGANISER = "organiser"  # ouvrir un accompagnement, composer l'équipe, clore
    ANIMER_COMITE = "animer_comite"  # planifier les séances, construire l'ordre du jour
    DECIDER = "decider"  # enregistrer une décision de comité (membre du comité)
    DEMANDER_RAPPORT = "demander_rapport"  # lancer la production d'un rapport semestriel
    CONSULTER_JOURNAL = "consulter_journal"  # lire le journal d'accès du dispositif


ACTIONS = {
    Action.ORIENTER: {Role.COORDINATEUR, Role.AGENT_BAILLEUR},
    Action.IMPORTER: {Role.COORDINATEUR, Role.AGENT_BAILLEUR},
    Action.GERER_ORIENTATIONS: {Role.COORDINATEUR},
    Action.ORGANISER: {Role.COORDINATEUR},
    Action.ANIMER_COMITE: {Role.COORDINATEUR},
    Action.DECIDER: {Role.COORDINATEUR, Role.MEMBRE_COTECH},
    Action.DEMANDER_RAPPORT: {Role.COORDINATEUR},
    Action.CONSULTER_JOURNAL: {Role.COORDINATEUR},
    Action.EXPORTER: {
        Role.COORDINATEUR,
        Role.TRAVAILLEUR_SOCIAL,
        Role.INFIRMIER,
        Role.PSYCHOLOGUE,
        Role.MEMBRE_COTECH,
    },
}


def peut(user, action, dispositif):
    """Vrai si l'un des rôles de la personne dans ce dispositif permet `action`."""
    return bool(roles(user, dispositif) & ACTIONS[action])


def peut_quelque_part(user, action):
    """Vrai si la personne peut faire `action` dans au moins un dispositif (sans requête)."""
    return any(r & ACTIONS[action] for r in roles_par_dispositif(user).values())


def dispositifs_pour(user, action):
    """Les dispositifs où la personne peut faire `action`."""
    return Dispositif.objects.filter(
        pk__in=[
            dispositif_id
            for dispositif_id, roles_du_dispositif in roles_par_dispositif(user).items()
            if roles_du_dispositif & ACTIONS[action]
        ]
    )


def _id(dispositif):
    return dispositif if isinstance(dispositif, int) else dispositif.pk
