"""Qui peut voir quoi, et qui peut écrire quoi : le seul endroit du produit qui en décide.

DESIGN.md §3 est la règle. Le principe est le refus par défaut. Une personne ne voit rien d'un
dispositif dont elle n'est pas membre ; dans un dispositif, chacun de ses rôles lui ouvre
certaines données avec une *portée* : tout le dispositif, les ménages de son équipe, ceux qu'elle
a orientés, ceux inscrits à l'ordre du jour de son comité, ou ses propres écrits. Une donnée
absente de la matrice est refusée. L'administrateur technique (`is_staff`) n'a aucune portée.

**La décision se prend par ligne.** Une personne peut tenir plusieurs rôles dans un même
dispositif (l'infirmière qui siège au COTECH, l'agent du bailleur membre du COTECH) : sur chaque
ligne, elle voit l'union de ce que chacun de ses rôles ouvre *sur cette ligne*, rien de plus. Un
droit sur certaines lignes d'un dispositif n'ouvre jamais les autres. D'où :

- `condition(user, donnee, chemins)` : l'expression (un `Q` qui combine des `Exists` corrélés
  pour l'équipe, les orientations, l'ordre du jour, et des comparaisons simples pour le
  dispositif, le territoire, l'auteur) vraie sur les lignes où `donnee` est ouverte ;
- `filtrer(user, queryset, donnee, chemins)` : les lignes visibles (`queryset.filter(condition)`) ;
- `annoter(user, queryset, chemins, voit_dette=Donnee.DETTE, …)` : un booléen par ligne, pour
  une liste qui montre certaines colonnes sur certaines lignes seulement (la file active masque
  la dette ligne par ligne, dans la requête, et trie ou filtre sur la valeur masquée) ;
- `peut_voir_ligne(user, donnee, objet, chemins)` : la même décision pour un objet.

**L'écriture est une permission à part** (`ECRITURE`, `Ecriture`) : lire une ligne n'implique
jamais de l'écrire (un membre du COTECH lit la dette d'un ménage inscrit, il ne la relève pas).
`peut_ecrire(user, ecriture, objet, chemins)` et `filtrer_ecriture(...)` prennent la même
décision par ligne ; les services refusent, les vues n'affichent pas le formulaire.

**Le territoire.** Un coordinateur dont l'adhésion nomme un territoire voit « tout le dispositif »
réduit à ce territoire (le territoire du ménage : celui de son logement actuel, ou celui de son
orientation s'il n'a pas encore de logement), plus les ménages dont il est dans l'équipe.

**La structure qui oriente.** Un prescripteur (SIAO, association, CCAS…) voit les orientations
que sa structure a faites (`Orientation.organisation`, la structure de l'adhésion de l'auteur) et
ce qu'elles ouvrent sur le ménage : portée `ORGANISATION`, comparée à la structure que nomme son
adhésion de prescripteur dans ce dispositif (sans structure, rien).

**Plusieurs portées par case.** Une case de la matrice est une portée ou un ensemble de portées
(l'agent du bailleur voit le plan des ménages de son équipe, et son résumé sur ceux qu'il a
orientés) : sur la ligne, c'est l'union.

**L'ordre du jour est une fenêtre** : un membre d'un comité voit un ménage depuis son
inscription à un ordre du jour de ce comité jusqu'à `DELAI_ORDRE_DU_JOUR_JOURS` jours après la
séance (réglage, 45 par défaut) ; les décisions du comité restent lisibles comme archives.

**Les réponses par dispositif** — `peut_voir(user, donnee, dispositif)`, `dispositifs_ou(user,
donnee)`, `a_le_role`, `peut`, `peut_quelque_part`, `dispositifs_pour` — ne servent qu'aux
données agrégées (rapport, tableau de bord), aux actions qui ne portent pas sur une ligne
existante (orienter, importer, planifier une séance) et à la navigation (quel menu, quel filtre
proposer). Elles ne décident jamais de ce qu'une ligne montre.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache, reduce
from operator import or_

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
)
from django.db.models.functions import Now
from django.db.models.query import ModelIterable
from django.utils import timezone

from .enums import Role
from .memoire import MemoireBornee
from .models import (
    Dispositif,
    HabilitationNationale,
    Membre,
    adhesion_en_cours,
    compte_qui_ouvre_des_droits,
)
from .requetes_preparees import RequetePreparee


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
    ACCES = "acces"  # besoins en logement, propositions, décision CAL (parcours accès)
    RAPPORT = "rapport"  # rapport semestriel agrégé, sans nom
    TABLEAU_DE_BORD = "tableau_de_bord"  # chiffres du dispositif (agrégés)
    # Extraits ligne à ligne pseudonymisés pour l'évaluation : ni nom, ni contact, ni adresse,
    # ni texte libre, montants et années en tranches (`rapports.extraits`).
    EXTRAIT_PSEUDONYMISE = "extrait_pseudonymise"


class Portee(StrEnum):
    DISPOSITIF = "dispositif"  # tout le dispositif
    EQUIPE = "equipe"  # les ménages dont la personne est dans l'équipe
    ORIENTES = "orientes"  # les ménages qu'elle a orientés
    ORDRE_DU_JOUR = "ordre_du_jour"  # les ménages à l'ordre du jour d'un de ses comités
    AUTEUR = "auteur"  # ce qu'elle a écrit elle-même
    REFERENT = "referent"  # les accompagnements dont elle est référent·e
    ORGANISATION = "organisation"  # les orientations que sa structure a faites (prescripteur)
    # Jamais écrite dans une matrice : une portée « dispositif » d'un coordinateur dont
    # l'adhésion nomme un territoire devient « son territoire » (plus ses équipes).
    TERRITOIRE = "territoire"


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
    # Ce qu'il a orienté ; et, nommé dans l'équipe d'un ménage (le référent du bailleur du
    # parcours accès), ce que voit un membre de l'équipe, jamais les notes « soignants ».
    Role.AGENT_BAILLEUR: {
        D.IDENTITE: {P.ORIENTES, P.EQUIPE},
        D.ORIENTATION: {P.ORIENTES, P.EQUIPE},
        D.DETTE: {P.ORIENTES, P.EQUIPE},
        D.PLAN: P.EQUIPE,
        D.PLAN_RESUME: {P.ORIENTES, P.EQUIPE},
        D.NOTE_EQUIPE: P.EQUIPE,
        D.NOTE_PERSONNELLE: P.AUTEUR,
        D.DECISIONS: {P.ORIENTES, P.EQUIPE},
        D.ACCES: {P.ORIENTES, P.EQUIPE},
    },
    # Ce que sa structure a orienté : le ménage, l'orientation, le plan en résumé et les
    # décisions du comité (avec l'explication à transmettre). Jamais la dette, la procédure, le
    # plan d'apurement, une note, le rapport ni le tableau de bord.
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
    Role.MEMBRE_COPIL: {
        D.RAPPORT: P.DISPOSITIF,
        D.TABLEAU_DE_BORD: P.DISPOSITIF,
    },
    # L'évaluateur externe : aucune ligne nominative. Orientations, épisodes, interventions,
    # bilans et issues ne lui parviennent que par les extraits pseudonymisés.
    Role.EVALUATEUR: {
        D.RAPPORT: P.DISPOSITIF,
        D.TABLEAU_DE_BORD: P.DISPOSITIF,
        D.EXTRAIT_PSEUDONYMISE: P.DISPOSITIF,
    },
}


class Ecriture(StrEnum):
    """Ce qu'on écrit sur une ligne : chaque catégorie a sa portée, distincte de la lecture."""

    DETTE = "dette"  # relevés de la dette locative et de la procédure
    PLAN_APUREMENT = "plan_apurement"  # enregistrer (remplacer) le plan d'apurement
    PLAN = "plan"  # plan d'action : objectifs, validation avec le ménage, adhésion
    BILANS = "bilans"  # réaliser un bilan
    INTERVENTIONS = "interventions"  # noter une intervention, une visite sans réponse
    EQUIPE = "equipe"  # ouvrir un accompagnement, composer son équipe
    CLOTURE = "cloture"  # clore un accompagnement
    ACCES = "acces"  # besoins, propositions, dossier et décision CAL, bail (parcours accès)


E = Ecriture

# Qui écrit quoi, et sur quelles lignes. Plus étroit que la lecture : aucun rôle n'écrit ce
# qu'il ne lit pas, et le comité technique, qui lit les ménages de son ordre du jour, n'écrit
# rien sur eux (ses décisions passent par `comites.services.decider`).
ECRITURE = {
    Role.COORDINATEUR: {
        E.DETTE: P.DISPOSITIF,
        E.PLAN_APUREMENT: P.DISPOSITIF,
        E.PLAN: P.DISPOSITIF,
        E.BILANS: P.DISPOSITIF,
        E.INTERVENTIONS: P.DISPOSITIF,
        E.EQUIPE: P.DISPOSITIF,
        E.CLOTURE: P.DISPOSITIF,
        E.ACCES: P.DISPOSITIF,
    },
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
    # Il oriente (`Action.ORIENTER`) ; il n'écrit rien sur une ligne existante.
    Role.PRESCRIPTEUR: {},
    Role.MEMBRE_COTECH: {},
    Role.MEMBRE_COPIL: {},
    Role.EVALUATEUR: {},
}

# Les rôles dont une adhésion qui nomme un territoire réduit la portée « dispositif ».
ROLES_TERRITORIAUX = frozenset({Role.COORDINATEUR})
# Les rôles dont la portée « organisation » se compare à la structure de l'adhésion.
ROLES_PAR_STRUCTURE = frozenset({Role.PRESCRIPTEUR})


def portees_de_la_case(valeur):
    """Les portées d'une case de la matrice : une portée seule ou un ensemble (vide : rien)."""
    if valeur is None:
        return frozenset()
    return frozenset({valeur}) if isinstance(valeur, Portee) else frozenset(valeur)


def delai_ordre_du_jour():
    """Combien de temps après sa séance un ménage inscrit reste visible du comité."""
    return timedelta(days=settings.DELAI_ORDRE_DU_JOUR_JOURS)


@dataclass(frozen=True)
class Lien:
    """Une portée qui passe par les lignes d'une autre table : l'équipe, les orientations,
    l'ordre du jour.

    Se traduit par `Exists(<modele>.filter(<vers>=OuterRef(<cle>), <personne>=user))` : une
    sous-requête corrélée sur la clé étrangère, que PostgreSQL sert par ses index, et qui ne
    duplique jamais une ligne. `modele` peut être un nom « app.Modele » : une app du bas nomme
    ainsi une table d'une app du haut sans l'importer (comme une clé étrangère Django).
    `fenetre` : le chemin de la date d'une séance ; la ligne reste ouverte jusqu'à
    `DELAI_ORDRE_DU_JOUR_JOURS` jours après elle, comptés depuis l'heure de la base au moment où
    la requête s'exécute (`Now()`) : la condition ne porte aucune heure du processus, et se
    garde d'une requête à l'autre comme les autres (`_forme_et_termes`).
    `en_cours` : le préfixe d'une ligne datée (une place dans une équipe, avec `date_fin`) ; seules
    les lignes en cours ouvrent quelque chose (`core.models.adhesion_en_cours`), les terminées
    restent comme historique.
    """

    modele: object
    vers: str
    cle: str = "pk"
    personne: str = "user"
    fenetre: str | None = None
    en_cours: str | None = None

    def existe(self, user, valeur=None):
        """`valeur` remplace la personne quand la portée se compare à autre chose qu'elle (la
        structure d'un prescripteur)."""
        modele = apps.get_model(self.modele) if isinstance(self.modele, str) else self.modele
        filtres = {self.vers: OuterRef(self.cle), self.personne: user if valeur is None else valeur}
        if self.fenetre:
            filtres[f"{self.fenetre}__gte"] = Now() - Value(delai_ordre_du_jour())
        lignes = modele._default_manager.filter(**filtres)
        if self.en_cours is not None:
            lignes = lignes.filter(adhesion_en_cours(self.en_cours))
        return Exists(lignes)


@dataclass(frozen=True)
class Chemins:
    """Comment atteindre, depuis un modèle, son dispositif, son territoire et les personnes qui
    ouvrent une portée.

    Un chemin texte est un lookup Django qui mène, par des clés étrangères seulement (une valeur
    par ligne), à un `User`, au dispositif ou au territoire : une comparaison simple. Ce qui passe
    par plusieurs lignes (l'équipe, les orientations, l'ordre du jour) est un `Lien`. Une portée
    sans chemin ne donne rien sur ce modèle : c'est encore un refus par défaut.
    """

    dispositif: str = "dispositif"
    territoire: str | None = None
    equipe: "str | Lien | None" = None
    orientes: "str | Lien | None" = None
    ordre_du_jour: "str | Lien | None" = None
    auteur: str | None = None
    referent: str | None = None
    # La structure qui a fait l'orientation (portée `ORGANISATION`) : un chemin vers une
    # `Organisation`, ou un `Lien` dont `personne` mène à la structure.
    organisation: "str | Lien | None" = None


_HABILITATION_NATIONALE = "habilitation_nationale"


def _adhesions_et_habilitation(user_id, jour):
    """Les adhésions d'un compte qui ouvrent des droits au `jour` dit, et son habilitation
    nationale dans la même requête (une ligne sans dispositif) : la barre de navigation la
    demande à chaque page, sans requête de plus. Le compte est nommé par son id ; ce qui se lit
    sur lui (actif, administration technique) est vérifié avant (`compte_qui_ouvre_des_droits`,
    dans `_adhesions`)."""
    adhesions = (
        Membre.objects.du_compte_verifie(user_id, jour)
        .order_by()
        .values_list("dispositif_id", "role", "territoire_id", "organisation_id", "profession")
    )
    habilitation = (
        HabilitationNationale.objects.du_compte_verifie(user_id)
        .order_by()
        .values_list(
            Value(None, output_field=IntegerField()),
            Value(_HABILITATION_NATIONALE, output_field=CharField()),
            Value(None, output_field=IntegerField()),
            Value(None, output_field=IntegerField()),
            Value("", output_field=CharField()),
        )
    )
    return adhesions.union(habilitation, all=True)


# Lue à chaque page : compilée une fois par processus (`core.requetes_preparees`). Les témoins
# ne nomment aucun compte ni aucun jour réels.
_ADHESIONS = RequetePreparee(
    _adhesions_et_habilitation, user_id=-424_242_421, jour=date(1901, 2, 3)
)


def _adhesions(user):
    """{id du dispositif: {rôle: id du territoire ou None}} des adhésions actives (en cache)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return {}
    cache_ = getattr(user, "_adhesions_actives", None)
    if cache_ is None:
        cache_ = {}
        structures = {}
        professions = {}
        lignes = (
            _ADHESIONS.lignes(user_id=user.pk, jour=timezone.localdate())
            if compte_qui_ouvre_des_droits(user)
            else []
        )
        user._habilite_national = False
        for dispositif_id, role, territoire_id, organisation_id, profession in lignes:
            if role == _HABILITATION_NATIONALE:
                user._habilite_national = True
            else:
                cache_.setdefault(dispositif_id, {})[Role(role)] = territoire_id
                structures[dispositif_id, Role(role)] = organisation_id
                professions.setdefault(dispositif_id, set()).add(profession)
        user._adhesions_actives = cache_
        user._structures_des_adhesions = structures
        user._professions_des_adhesions = professions
        # Tout ce dont les conditions de droits de la personne dépendent, hors du jour.
        user._empreinte_des_adhesions = tuple(
            sorted(
                (dispositif_id, role.value, territoire_id, structures[dispositif_id, role])
                for dispositif_id, par_role in cache_.items()
                for role, territoire_id in par_role.items()
            )
        )
        user._termes_des_droits = {}
    return cache_


def empreinte_des_droits(user):
    """(id de la personne, ses adhésions actives : dispositif, rôle, territoire, structure) :
    tout ce dont ses droits sur les lignes dépendent, hors du jour. Une clé de mémoire pour ce
    qui se calcule d'après ses droits (un changement d'adhésion la change)."""
    _adhesions(user)
    return (user.pk, getattr(user, "_empreinte_des_adhesions", ()))


def structure(user, dispositif, role):
    """L'id de la structure que nomme l'adhésion active de la personne à ce rôle (ou None)."""
    _adhesions(user)
    return getattr(user, "_structures_des_adhesions", {}).get((_id(dispositif), role))


def structures_de_prescripteur(user):
    """Les ids des structures que nomment les adhésions actives de prescripteur de la personne
    (lues avec elles : aucune requête de plus)."""
    _adhesions(user)
    return {
        organisation_id
        for (_, role), organisation_id in getattr(user, "_structures_des_adhesions", {}).items()
        if role == Role.PRESCRIPTEUR and organisation_id is not None
    }


def professions_par_dispositif(user):
    """{id du dispositif: {professions}} des adhésions actives (lues avec elles)."""
    _adhesions(user)
    return getattr(user, "_professions_des_adhesions", {})


def roles_par_dispositif(user):
    """{id du dispositif: frozenset des rôles} des adhésions actives."""
    return {dispositif_id: frozenset(r) for dispositif_id, r in _adhesions(user).items()}


def roles(user, dispositif):
    return frozenset(_adhesions(user).get(_id(dispositif), {}))


def _matrice(cle):
    return ECRITURE if isinstance(cle, Ecriture) else MATRICE


def portees(user, donnee, dispositif):
    """Les portées que les rôles de la personne lui ouvrent sur `donnee` dans ce dispositif,
    telles que la matrice les écrit (sans la réduction au territoire)."""
    matrice = _matrice(donnee)
    return {
        portee
        for role in roles(user, dispositif)
        for portee in portees_de_la_case(matrice[role].get(donnee))
    }


def peut_voir(user, donnee, dispositif):
    """Vrai si la personne voit au moins une partie de `donnee` dans ce dispositif.

    Pour l'agrégé et la navigation seulement : ce qu'une ligne montre se décide par ligne.
    """
    return bool(portees(user, donnee, dispositif))


def dispositifs_visibles(user):
    """Les dispositifs dont la personne est membre active."""
    return Dispositif.objects.filter(pk__in=list(_adhesions(user)))


def ids_des_dispositifs_ou(user, donnee):
    """Les ids des dispositifs où la personne voit au moins une partie de `donnee`, lus avec ses
    adhésions (sans requête) : pour savoir s'il y en a, et combien."""
    return [
        dispositif_id
        for dispositif_id in _adhesions(user)
        if peut_voir(user, donnee, dispositif_id)
    ]


def dispositifs_ou(user, donnee):
    """Les dispositifs où la personne voit au moins une partie de `donnee` (agrégé, navigation)."""
    return Dispositif.objects.filter(pk__in=ids_des_dispositifs_ou(user, donnee))


def a_le_role(user, *roles_voulus):
    """Vrai si la personne tient l'un de ces rôles dans au moins un dispositif (navigation)."""
    return any(set(r) & set(roles_voulus) for r in _adhesions(user).values())


# --- La décision par ligne ------------------------------------------------------------------


def _portees_sur_les_lignes(user, cle, dispositif_id):
    """Les couples (portée, territoire) que chaque rôle ouvre sur `cle` dans ce dispositif."""
    matrice = _matrice(cle)
    ouvertes = set()
    for role, territoire_id in _adhesions(user).get(dispositif_id, {}).items():
        for portee in portees_de_la_case(matrice[role].get(cle)):
            if portee == P.DISPOSITIF and territoire_id is not None and role in ROLES_TERRITORIAUX:
                ouvertes |= {(P.TERRITOIRE, territoire_id), (P.EQUIPE, None)}
            elif portee == P.ORGANISATION:
                # Sans structure nommée (ou pour un rôle qui n'en tient pas), rien : le refus
                # par défaut.
                organisation_id = structure(user, dispositif_id, role)
                if organisation_id is not None and role in ROLES_PAR_STRUCTURE:
                    ouvertes.add((P.ORGANISATION, organisation_id))
            else:
                ouvertes.add((portee, None))
    return ouvertes


@cache
def _plusieurs_valeurs(modele, chemin):
    """Vrai si `chemin` passe, depuis `modele`, par une relation à plusieurs lignes."""
    for nom in chemin.split("__"):
        try:
            champ = modele._meta.get_field(nom)
        except FieldDoesNotExist:
            return False  # un lookup final (`date__gte`…) : plus de relation après lui
        if champ.many_to_many or champ.one_to_many:
            return True
        if not champ.is_relation:
            return False
        modele = champ.related_model
    return False


def _sur_la_ligne(user, portee, precision, chemins, modele):
    """Ce que vaut une portée sur une ligne ; None si ce modèle n'a pas de chemin pour elle.

    `precision` : le territoire (portée `TERRITOIRE`) ou la structure (portée `ORGANISATION`)
    auquel la ligne se compare."""
    if portee == P.DISPOSITIF:
        return Q()
    chemin = _chemin_de_la_portee(chemins, portee)
    if chemin is None:
        return None
    if portee == P.TERRITOIRE:
        return Q(**{chemin: precision})
    valeur = precision if portee == P.ORGANISATION else None
    if isinstance(chemin, Lien):
        return Q(chemin.existe(user, valeur))
    if modele is not None and _plusieurs_valeurs(modele, chemin):
        raise ImproperlyConfigured(
            f"Le chemin « {chemin} » de {modele.__name__} passe par plusieurs lignes : "
            "décrivez-le par un `Lien`."
        )
    return Q(**{chemin: user if valeur is None else valeur})


def _termes(user, cle, chemins, modele=None):
    """La condition par ligne, ou None quand rien n'est ouvert (refus par défaut)."""
    return _forme_et_termes(user, cle, chemins, modele)[1]


def _forme_et_termes(user, cle, chemins, modele=None):
    """(forme, condition) : la forme est ce dont la condition est faite (les portées ouvertes,
    chacune avec sa précision et ses dispositifs) ; deux clés de même forme, sur les mêmes
    chemins et le même modèle, ont la même condition.

    Gardées sur l'objet `user` (une requête : `request.user` est relu à chaque requête), comme
    ses adhésions (relues, elles l'effacent), dont elles ne dépendent qu'avec le jour (les places
    en cours, la fenêtre de l'ordre du jour) : une page qui demande plusieurs fois la même
    condition (listes, contrôles d'écriture) ne la reconstruit pas. Un `Q` se réutilise sans
    risque : Django en copie les sous-requêtes quand il les résout.

    Et gardées d'une requête à l'autre dans le processus (`_CONDITIONS_PARTAGEES`), sous une clé
    qui dit tout ce dont elles dépendent : la personne (son id), ses adhésions actives telles
    qu'elles viennent d'être relues (dispositif, rôle, territoire, structure), la clé, les
    chemins, le modèle, le jour et la durée de la fenêtre de l'ordre du jour (un réglage). Une
    adhésion qui change change la clé : rien n'y survit à un changement de droits. La fenêtre
    elle-même se calcule dans la base à chaque exécution (`Lien.existe`) : une condition gardée
    ne sert jamais une heure passée."""
    if user is None or not _adhesions(user):
        return _construire_termes(user, cle, chemins, modele)
    # Relire les adhésions (`_adhesions_actives = None`) oublie aussi les conditions.
    memoire = user.__dict__.setdefault("_termes_des_droits", {})
    # Le type compte : `Donnee.PLAN` (lire) et `Ecriture.PLAN` (écrire) sont deux chaînes
    # égales, que la mémoire ne doit jamais confondre.
    cle_memoire = (type(cle), cle, chemins, modele, timezone.localdate())
    if cle_memoire not in memoire:
        cle_partagee = (
            user.pk,
            user._empreinte_des_adhesions,
            *cle_memoire,
            settings.DELAI_ORDRE_DU_JOUR_JOURS,
        )
        trouvee = _CONDITIONS_PARTAGEES.get(cle_partagee)
        if trouvee is None:
            trouvee = _construire_termes(user, cle, chemins, modele)
            _CONDITIONS_PARTAGEES.garder(cle_partagee, trouvee)
        memoire[cle_memoire] = trouvee
    return memoire[cle_memoire]


# Une personne au travail fait appel à 25 à 30 conditions d'une dizaine de Kio chacune : celles
# d'environ 150 personnes par processus, 40 Mio au plus.
_CONDITIONS_PARTAGEES = MemoireBornee(taille=4_000)


def _construire_termes(user, cle, chemins, modele):
    """(forme, condition)."""
    par_portee = {}
    for dispositif_id in _adhesions(user):
        for portee in _portees_sur_les_lignes(user, cle, dispositif_id):
            par_portee.setdefault(portee, []).append(dispositif_id)
    forme = []
    termes = []
    # Une seule sous-requête par portée, quel que soit le nombre de dispositifs.
    for (portee, precision), dispositifs in sorted(par_portee.items(), key=str):
        sur_la_ligne = _sur_la_ligne(user, portee, precision, chemins, modele)
        if sur_la_ligne is None:
            continue
        dans = (
            Q(**{chemins.dispositif: dispositifs[0]})
            if len(dispositifs) == 1
            else Q(**{f"{chemins.dispositif}__in": sorted(dispositifs)})
        )
        forme.append((portee, precision, tuple(sorted(dispositifs))))
        termes.append(dans & sur_la_ligne)
    return tuple(forme), (reduce(or_, termes) if termes else None)


def condition(user, donnee, chemins, modele=None):
    """L'expression vraie sur les lignes où l'union des rôles de la personne ouvre `donnee`.

    `donnee` est une `Donnee` (lire) ou une `Ecriture` (écrire). Sans rien d'ouvert, une
    condition toujours fausse. `modele`, s'il est donné, fait vérifier que les chemins texte ne
    passent que par des clés étrangères.
    """
    termes = _termes(user, donnee, chemins, modele)
    return Q(pk__in=[]) if termes is None else termes


def memes_lignes(user, donnee, chemins, autre_donnee, autres_chemins, modele):
    """Vrai si les deux conditions de `user` retiennent exactement les mêmes lignes de `modele` :
    les mêmes portées ouvertes (chacune avec sa précision et ses dispositifs) et, pour chacune,
    le même chemin dans les deux `Chemins`. Les conditions elles-mêmes ne se comparent pas :
    une sous-requête (`Lien`) n'est égale qu'à elle-même. Faux dans le doute."""
    forme, termes = _forme_et_termes(user, donnee, chemins, modele)
    autre_forme, autres_termes = _forme_et_termes(user, autre_donnee, autres_chemins, modele)
    if termes is None or autres_termes is None:
        return termes is None and autres_termes is None
    return (
        forme == autre_forme
        and chemins.dispositif == autres_chemins.dispositif
        and all(
            _chemin_de_la_portee(chemins, portee) == _chemin_de_la_portee(autres_chemins, portee)
            for portee, _, _ in forme
        )
    )


def _chemin_de_la_portee(chemins, portee):
    """Le chemin par lequel une portée se pose sur la ligne (`_sur_la_ligne`) ; aucun pour le
    dispositif entier, qui ne passe que par `chemins.dispositif`."""
    if portee == P.DISPOSITIF:
        return None
    if portee == P.TERRITOIRE:
        return chemins.territoire
    return getattr(chemins, portee.value)


def filtrer(user, queryset, donnee, chemins):
    """Restreint `queryset` aux lignes dont `user` peut voir `donnee` (ou écrire, pour une
    `Ecriture`). Sans adhésion, ou sans chemin pour une portée, la requête ne rend rien."""
    termes = _termes(user, donnee, chemins, queryset.model)
    return queryset.none() if termes is None else queryset.filter(termes)


def filtrer_ecriture(user, queryset, ecriture, chemins):
    """Les lignes de `queryset` où la personne peut écrire `ecriture`."""
    return filtrer(user, queryset, Ecriture(ecriture), chemins)


def expression(user, donnee, chemins, modele=None):
    """La condition comme booléen, à poser dans un `annotate` ou un `Case(When(...))`."""
    termes = _termes(user, donnee, chemins, modele)
    if termes is None:
        return Value(False)
    return ExpressionWrapper(termes, output_field=BooleanField())


def annoter(user, queryset, chemins, filtre=None, chemins_du_filtre=None, **drapeaux):
    """Ajoute à chaque ligne un booléen par drapeau : `voit_dette=Donnee.DETTE`,
    `ecrit_plan=Ecriture.PLAN`… Une liste sait ainsi, ligne par ligne, ce qu'elle peut montrer.

    Chaque condition distincte n'est calculée qu'une fois par ligne : plusieurs drapeaux de même
    condition (pour un travailleur social, lire le plan, l'écrire, noter une intervention,
    planifier un bilan : son équipe) n'en font qu'une sous-requête, recopiée sur les autres
    drapeaux quand la ligne est lue. `filtre` : la donnée par laquelle `queryset` vient d'être
    restreint par `filtrer`, sur `chemins_du_filtre` (par défaut les mêmes `chemins`) ; un
    drapeau qui retient les mêmes lignes que le filtre (`memes_lignes`) est vrai sur chaque
    ligne, sans sous-requête. (Un filtre ou un tri sur un drapeau recopié le calcule
    dans la requête ; une lecture par `values()` ne porte que les drapeaux calculés.)"""
    modele = queryset.model
    expressions = {}
    premiers = {}
    copies = {}
    for nom, donnee in drapeaux.items():
        forme, termes = _forme_et_termes(user, donnee, chemins, modele)
        if termes is None:
            expressions[nom] = Value(False)
        elif filtre and memes_lignes(
            user, donnee, chemins, filtre, chemins_du_filtre or chemins, modele
        ):
            expressions[nom] = Value(True)
        elif forme in premiers:
            copies[nom] = premiers[forme]
        else:
            premiers[forme] = nom
            expressions[nom] = ExpressionWrapper(termes, output_field=BooleanField())
    queryset = queryset.annotate(**expressions)
    if copies:
        queryset = _avec_copies(queryset, copies)
    return queryset


def toujours_vrai(queryset, drapeau):
    """Vrai si `annoter` a posé `drapeau` vrai sur chaque ligne de `queryset` (il retient les
    mêmes lignes que le filtre de la liste) : ce qui en dépend peut se lire tel quel, sans
    condition par ligne. Lu sur l'annotation même, pas décidé une seconde fois."""
    expression = queryset.query.annotations.get(drapeau)
    return isinstance(expression, Value) and expression.value is True


class _DrapeauxRecopies(ModelIterable):
    """Les objets d'un queryset annoté, avec les drapeaux de même condition recopiés."""

    copies = {}

    def __iter__(self):
        for objet in super().__iter__():
            for nom, source in self.copies.items():
                setattr(objet, nom, getattr(objet, source))
            yield objet


def _avec_copies(queryset, copies):
    lecture = queryset._iterable_class
    if not issubclass(lecture, ModelIterable):
        # Une lecture par `values()` : chaque drapeau calculé dans la requête.
        return queryset.annotate(**{nom: F(source) for nom, source in copies.items()})
    deja = getattr(lecture, "copies", {})
    # Nommés dans la requête sans y être calculés (un alias n'est compilé que si un filtre ou un
    # tri le demande) ; recopiés sur chaque objet lu.
    clone = queryset.alias(**{nom: F(source) for nom, source in copies.items()})
    clone._iterable_class = type(
        "DrapeauxRecopies", (_DrapeauxRecopies,), {"copies": {**deja, **copies}}
    )
    return clone


def peut_voir_ligne(user, donnee, objet, chemins):
    """Vrai si la personne voit `donnee` sur cette ligne-ci (une requête)."""
    if objet is None or objet.pk is None:
        return False
    termes = _termes(user, donnee, chemins, type(objet))
    if termes is None:
        return False
    return type(objet)._default_manager.filter(termes, pk=objet.pk).exists()


def peut_ecrire(user, ecriture, objet, chemins):
    """Vrai si la personne peut écrire `ecriture` sur cette ligne-ci (une requête)."""
    return peut_voir_ligne(user, Ecriture(ecriture), objet, chemins)


# --- Les actions, par dispositif ------------------------------------------------------------


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
    GERER_LOGEMENTS = "gerer_logements"  # saisir et importer les logements vacants (accès)
    CONSULTER_HISTORIQUE = "consulter_historique"  # lire l'historique des modifications
    DROIT_D_ACCES = "droit_d_acces"  # produire le dossier d'un ménage (RGPD art. 15)
    GERER_MEMBRES = "gerer_membres"  # inviter, changer un rôle, terminer une adhésion
    # modifier les réglages du programme : territoires, capacité, budget, coûts, cibles
    REGLER_DISPOSITIF = "regler_dispositif"


ACTIONS = {
    Action.ORIENTER: {Role.COORDINATEUR, Role.AGENT_BAILLEUR, Role.PRESCRIPTEUR},
    Action.IMPORTER: {Role.COORDINATEUR, Role.AGENT_BAILLEUR},
    Action.GERER_ORIENTATIONS: {Role.COORDINATEUR},
    Action.ORGANISER: {Role.COORDINATEUR},
    Action.ANIMER_COMITE: {Role.COORDINATEUR},
    Action.DECIDER: {Role.COORDINATEUR, Role.MEMBRE_COTECH},
    Action.DEMANDER_RAPPORT: {Role.COORDINATEUR},
    Action.CONSULTER_JOURNAL: {Role.COORDINATEUR},
    Action.GERER_LOGEMENTS: {Role.COORDINATEUR, Role.AGENT_BAILLEUR},
    Action.CONSULTER_HISTORIQUE: {Role.COORDINATEUR},
    Action.DROIT_D_ACCES: {Role.COORDINATEUR},
    Action.GERER_MEMBRES: {Role.COORDINATEUR},
    Action.REGLER_DISPOSITIF: {Role.COORDINATEUR},
    Action.EXPORTER: {
        Role.COORDINATEUR,
        Role.TRAVAILLEUR_SOCIAL,
        Role.INFIRMIER,
        Role.PSYCHOLOGUE,
        Role.MEMBRE_COTECH,
    },
}


# Les actions qui portent sur tout le dispositif : un rôle tenu sur un seul territoire (un
# coordinateur territorial) ne les ouvre pas.
ACTIONS_DE_TOUT_LE_DISPOSITIF = {Action.REGLER_DISPOSITIF}


def _permet(roles_du_dispositif, action):
    """`roles_du_dispositif` : {rôle: id du territoire ou None} d'un dispositif."""
    return any(
        role in ACTIONS[action]
        and (territoire_id is None or action not in ACTIONS_DE_TOUT_LE_DISPOSITIF)
        for role, territoire_id in roles_du_dispositif.items()
    )


def peut(user, action, dispositif):
    """Vrai si l'un des rôles de la personne dans ce dispositif permet `action`."""
    return _permet(_adhesions(user).get(_id(dispositif), {}), action)


def peut_quelque_part(user, action):
    """Vrai si la personne peut faire `action` dans au moins un dispositif (sans requête)."""
    return any(_permet(r, action) for r in _adhesions(user).values())


def dispositifs_pour(user, action):
    """Les dispositifs où la personne peut faire `action`."""
    return Dispositif.objects.filter(
        pk__in=[
            dispositif_id
            for dispositif_id, roles_du_dispositif in _adhesions(user).items()
            if _permet(roles_du_dispositif, action)
        ]
    )


# --- L'habilitation nationale (financeur) ------------------------------------------------------


def habilite_national(user):
    """Vrai si la personne tient une habilitation nationale active et confirmée (en cache).

    La seule porte de la vue nationale : chiffres agrégés de tous les dispositifs, côte à côte
    et consolidés, rapport consolidé. Elle n'ouvre aucune ligne, ni aucune des données de
    `MATRICE` : `filtrer`, `peut_voir`, `peut` l'ignorent.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    _adhesions(user)  # lit aussi l'habilitation, dans la même requête (en cache)
    return user._habilite_national


def dispositifs_nationaux(user):
    """Tous les dispositifs de l'instance pour un financeur national, aucun pour les autres."""
    if not habilite_national(user):
        return Dispositif.objects.none()
    return Dispositif.objects.all()


def _id(dispositif):
    return dispositif if isinstance(dispositif, int) else dispositif.pk
