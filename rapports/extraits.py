"""Les extraits pseudonymisés pour l'évaluation externe (DESIGN.md §3, colonne « évaluateur »).

Cinq extraits, ligne à ligne, d'un dispositif : orientations, épisodes d'accompagnement,
interventions (comptes et durées par type, jamais une note), bilans, issues (clôtures). Chacun
a son dictionnaire des variables (`Extrait.variables`), que la page « Extraits pour
l'évaluation » et le classeur impriment.

Ce qu'un extrait ne contient jamais : un nom, une référence de locataire, un contact, une
adresse, une commune, un texte saisi (description, motif, synthèse, note, commentaire), un
identifiant interne ou public. Le ménage y est un pseudonyme (`core.pseudonymes`) stable pour
un même évaluateur, différent d'un évaluateur à l'autre ; les dates sont ramenées au mois,
les montants et les années de naissance à des tranches. Les lignes passent par le module des
permissions (`Donnee.EXTRAIT_PSEUDONYMISE`) : sans ce droit sur le dispositif, aucune ligne.

`extraire(extrait, user, dispositif)` rend le nombre de lignes et les lignes, lues par lots au
fil de l'envoi ; la vue les remet à `core.exports.exporter_en_flux`, qui journalise chaque
extrait avant son premier octet.
"""

import functools
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import ExtractYear, RowNumber
from django.utils import timezone

from accompagnement.enums import StatutObjectif
from accompagnement.models import (
    Accompagnement,
    Bilan,
    Cloture,
    Intervention,
    Objectif,
)
from comites.models import Decision
from core import permissions
from core.permissions import Chemins, Donnee
from core.pseudonymes import pseudonymiseur, tranche_annee, tranche_dette, tranche_ressources
from menages.models import (
    DetteLocative,
    Logement,
    Menage,
    Orientation,
    Personne,
    PlanApurement,
    ProblematiqueOrientation,
    Ressource,
)

# Toutes les lignes d'un extrait se rattachent au dispositif par ces chemins : la portée
# « dispositif » de l'évaluateur est la seule qui s'y applique.
PAR_LE_MENAGE = Chemins(dispositif="menage__dispositif")
PAR_L_EPISODE = Chemins(dispositif="accompagnement__dispositif")
DIRECT = Chemins(dispositif="dispositif")


@dataclass(frozen=True)
class Variable:
    nom: str
    definition: str


@dataclass(frozen=True)
class Extrait:
    cle: str
    titre: str
    description: str
    variables: tuple

    @property
    def entetes(self):
        return [variable.nom for variable in self.variables]


PSEUDONYME = Variable(
    "menage",
    "Pseudonyme du ménage : le même dans tous vos extraits (vous suivez un ménage dans le temps "
    "et d'un extrait à l'autre), différent pour un autre évaluateur.",
)
EPISODE = Variable(
    "episode",
    "Rang de l'épisode d'accompagnement du ménage dans le dispositif (1 pour le premier, 2 pour "
    "une réouverture…).",
)


def _mois(valeur):
    return f"{valeur.year:04d}-{valeur.month:02d}" if valeur else ""


def _oui_non(valeur):
    if valeur is None:
        return ""
    return "oui" if valeur else "non"


@functools.cache
def _libelles(modele, champ):
    return {code: str(libelle) for code, libelle in modele._meta.get_field(champ).flatchoices}


def _libelle(modele, champ, code):
    if not code:
        return ""
    return _libelles(modele, champ).get(code, str(code))


def _jours(debut, fin):
    return (fin - debut).days if debut and fin else ""


# --- Les extraits --------------------------------------------------------------------------------

ORIENTATIONS = Extrait(
    "orientations",
    "Orientations",
    "Une ligne par fiche d'orientation reçue par le dispositif.",
    (
        PSEUDONYME,
        Variable("mois_orientation", "Mois de l'orientation (AAAA-MM)."),
        Variable("parcours", "Parcours demandé : accès ou maintien."),
        Variable("source", "Qui oriente (service du bailleur ou prescripteur extérieur)."),
        Variable("territoire", "Territoire du dispositif à l'orientation (vide si inconnu)."),
        Variable("problematiques", "Problématiques, séparées par « | »."),
        Variable("procedure", "Stade de la procédure d'expulsion à l'orientation."),
        Variable("contact_rompu", "Contact rompu avec le bailleur : oui / non."),
        Variable("dette_orientation", "Dette locative déclarée à l'orientation, en tranche."),
        Variable("statut", "Statut de l'orientation au jour de l'extrait."),
        Variable("delai_statut_jours", "Jours entre l'orientation et son dernier statut."),
        Variable("composition", "Composition du ménage."),
        Variable("adultes", "Nombre d'adultes du ménage."),
        Variable("enfants", "Nombre d'enfants du ménage."),
        Variable(
            "naissances",
            "Décennies de naissance des personnes du ménage (« 1980-1989 »), séparées par « | ».",
        ),
        Variable("ressources", "Ressources mensuelles du ménage, en tranche."),
        Variable("mesure_protection", "Mesure de protection (tutelle, curatelle…)."),
    ),
)

EPISODES = Extrait(
    "episodes",
    "Épisodes d'accompagnement",
    "Une ligne par épisode d'accompagnement (un ménage peut en avoir plusieurs).",
    (
        PSEUDONYME,
        EPISODE,
        Variable("parcours", "Parcours de l'orientation qui a ouvert l'épisode."),
        Variable("territoire", "Territoire du logement actuel du ménage (vide si aucun)."),
        Variable("mois_debut", "Mois du début de l'épisode (AAAA-MM)."),
        Variable("mois_fin", "Mois de la fin de l'épisode (vide s'il est en cours)."),
        Variable("duree_jours", "Durée de l'épisode en jours (jusqu'à l'extrait s'il dure)."),
        Variable("statut", "Statut de l'épisode."),
        Variable("adhesion", "Adhésion du ménage."),
        Variable(
            "delai_premier_contact_jours",
            "Jours entre l'orientation et le premier contact (vide sans l'un des deux).",
        ),
        Variable("procedure_entree", "Stade de la procédure d'expulsion à l'entrée."),
        Variable("dette_entree", "Dette locative déclarée à l'orientation, en tranche."),
        Variable("dette_derniere", "Dernière dette locative relevée, en tranche."),
        Variable("plan_apurement", "Un plan d'apurement actif existe : oui / non."),
        Variable("objectifs", "Objectifs fixés (nombre)."),
        Variable("objectifs_atteints", "Objectifs atteints (nombre)."),
        Variable("objectifs_partiels", "Objectifs partiellement atteints (nombre)."),
        Variable("objectifs_abandonnes", "Objectifs abandonnés (nombre)."),
        Variable("bilans_prevus", "Bilans prévus (nombre)."),
        Variable("bilans_realises", "Bilans réalisés (nombre)."),
        Variable("interventions", "Interventions enregistrées (nombre)."),
        Variable("interventions_minutes", "Durée totale des interventions, en minutes."),
        Variable("decisions_comite", "Décisions de comité sur le ménage (nombre)."),
    ),
)

INTERVENTIONS = Extrait(
    "interventions",
    "Interventions",
    "Une ligne par épisode, semestre, type d'intervention et profession : le nombre et la "
    "durée, jamais la note ni les participants.",
    (
        PSEUDONYME,
        EPISODE,
        Variable(
            "semestre",
            "Semestre de l'intervention : AAAA-S1 (janvier-juin) ou AAAA-S2 (juillet-décembre).",
        ),
        Variable("type", "Type d'intervention."),
        Variable("profession", "Profession de la personne qui l'a notée."),
        Variable("nombre", "Nombre d'interventions."),
        Variable("minutes", "Durée totale, en minutes."),
    ),
)

BILANS = Extrait(
    "bilans",
    "Bilans",
    "Une ligne par bilan prévu (diagnostic, 3 mois, 6 mois, clôture, 3 mois après la fin).",
    (
        PSEUDONYME,
        EPISODE,
        Variable("type", "Type de bilan."),
        Variable("mois_prevu", "Mois où le bilan est prévu (AAAA-MM)."),
        Variable("mois_realise", "Mois où il a été réalisé (vide sinon)."),
        Variable("realise", "Réalisé : oui / non."),
        Variable(
            "retard_jours",
            "Jours de retard : réalisation moins date prévue, ou jour de l'extrait moins date "
            "prévue pour un bilan dû non réalisé ; 0 si à l'heure ou pas encore dû.",
        ),
        Variable("decision", "Décision du bilan (poursuite, réajustement, clôture)."),
        Variable("dette", "Dette locative à la date du bilan, en tranche."),
        Variable("procedure", "Stade de la procédure d'expulsion à la date du bilan."),
    ),
)

ISSUES = Extrait(
    "issues",
    "Issues (clôtures)",
    "Une ligne par épisode clos.",
    (
        PSEUDONYME,
        EPISODE,
        Variable("mois_cloture", "Mois de la clôture (AAAA-MM)."),
        Variable("motif", "Motif de la clôture."),
        Variable("maintien_logement", "Le ménage est resté dans son logement : oui / non."),
        Variable(
            "expulsion_evitee",
            "Une procédure était engagée à l'entrée, et le ménage est resté : oui / non.",
        ),
        Variable("dette_cloture", "Dette locative à la clôture, en tranche."),
        Variable("plan_apurement", "Plan d'apurement en place à la clôture : oui / non."),
        Variable("duree_jours", "Durée de l'épisode, en jours."),
    ),
)

EXTRAITS = {
    extrait.cle: extrait for extrait in (ORIENTATIONS, EPISODES, INTERVENTIONS, BILANS, ISSUES)
}


# --- Les lignes ----------------------------------------------------------------------------------

# Les lignes se lisent de la base par lots de cette taille (`iterator(chunk_size=…)`), au fil de
# l'envoi : un extrait ne tient jamais en mémoire.
LIGNES_PAR_LOT = 2000


def extraire(extrait, user, dispositif, *, aujourd_hui=None):
    """`(nombre, lignes)` de `extrait` pour `user` dans `dispositif` (aucune ligne sans le
    droit) : le nombre de lignes, compté par la base avant la première ligne (pour le journal,
    écrit avant le premier octet), et les lignes, un itérable parcouru une seule fois, lu par
    lots au fil de l'envoi (`core.exports.exporter_en_flux`)."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    # Les lignes d'un ménage se suivent : son pseudonyme (un HMAC) ne se calcule qu'une fois.
    pseudonyme = functools.lru_cache(maxsize=1024)(pseudonymiseur(user))
    return _CALCULS[extrait.cle](user, dispositif, pseudonyme, aujourd_hui)


def lignes(extrait, user, dispositif, *, aujourd_hui=None):
    """Les lignes de `extrait` pour `user` dans `dispositif`, en liste (aucune sans le droit)."""
    return list(extraire(extrait, user, dispositif, aujourd_hui=aujourd_hui)[1])


def _visibles(user, modele, chemins, **filtres):
    return permissions.filtrer(
        user, modele.objects.filter(**filtres), Donnee.EXTRAIT_PSEUDONYMISE, chemins
    )


def _episodes_visibles(user, dispositif):
    return _visibles(user, Accompagnement, DIRECT, dispositif=dispositif, menage__provisoire=False)


def _rangs(user, dispositif):
    """{id de l'épisode: rang de l'épisode parmi ceux de son ménage} (des entiers, pas des
    lignes : quelques centaines de Kio pour un programme national)."""
    episodes = _episodes_visibles(user, dispositif).order_by("menage_id", "date_debut", "pk")
    rangs, compte = {}, Counter()
    for pk, menage_id in episodes.values_list("pk", "menage_id").iterator(
        chunk_size=LIGNES_PAR_LOT
    ):
        compte[menage_id] += 1
        rangs[pk] = compte[menage_id]
    return rangs


def _par_lots(queryset, taille=LIGNES_PAR_LOT):
    """Les lignes de `queryset` (un `values_list`) par listes de `taille`, lues au fil de l'eau
    par un curseur côté serveur."""
    lignes = queryset.iterator(chunk_size=taille)
    while lot := list(itertools.islice(lignes, taille)):
        yield lot


def _orientations(user, dispositif, pseudonyme, aujourd_hui):
    orientations = _visibles(
        user,
        Orientation,
        PAR_LE_MENAGE,
        menage__dispositif=dispositif,
        menage__provisoire=False,
    )
    colonnes = orientations.order_by("date_orientation", "pk").values_list(
        "pk",
        "menage_id",
        "date_orientation",
        "parcours",
        "source",
        "territoire__nom",
        "stade_procedure",
        "lien_rompu",
        "dette_locative",
        "statut",
        "date_statut",
        "menage__composition",
        "menage__nb_adultes",
        "menage__nb_enfants",
        "menage__mesure_protection",
    )

    def lignes():
        # Par lot d'orientations : leurs problématiques, les naissances et les ressources de
        # leurs ménages (trois requêtes par lot, sur les seules clés du lot).
        for lot in _par_lots(colonnes):
            menages = {ligne[1] for ligne in lot}
            problematiques = defaultdict(list)
            for orientation_id, code in (
                ProblematiqueOrientation.objects.filter(
                    orientation_id__in=[ligne[0] for ligne in lot]
                )
                .order_by("code")
                .values_list("orientation_id", "code")
            ):
                problematiques[orientation_id].append(
                    _libelle(ProblematiqueOrientation, "code", code)
                )
            naissances = defaultdict(set)
            for menage_id, annee in Personne.objects.filter(menage_id__in=menages).values_list(
                "menage_id", "annee_naissance"
            ):
                if annee:
                    naissances[menage_id].add(tranche_annee(annee))
            ressources = Counter()
            avec_ressources = set()
            for menage_id, montant in Ressource.objects.filter(menage_id__in=menages).values_list(
                "menage_id", "montant_mensuel"
            ):
                ressources[menage_id] += montant or 0
                avec_ressources.add(menage_id)
            for (
                pk,
                menage_id,
                date_orientation,
                parcours,
                source,
                territoire,
                stade,
                lien_rompu,
                dette,
                statut,
                date_statut,
                composition,
                adultes,
                enfants,
                protection,
            ) in lot:
                yield [
                    pseudonyme(menage_id),
                    _mois(date_orientation),
                    _libelle(Orientation, "parcours", parcours),
                    _libelle(Orientation, "source", source),
                    territoire or "",
                    " | ".join(problematiques[pk]),
                    _libelle(Orientation, "stade_procedure", stade),
                    _oui_non(lien_rompu),
                    tranche_dette(dette),
                    _libelle(Orientation, "statut", statut),
                    _jours(date_orientation, date_statut),
                    _libelle(Menage, "composition", composition),
                    "" if adultes is None else adultes,
                    "" if enfants is None else enfants,
                    " | ".join(sorted(naissances[menage_id])),
                    tranche_ressources(ressources[menage_id])
                    if menage_id in avec_ressources
                    else "",
                    _libelle(Menage, "mesure_protection", protection),
                ]

    return orientations.count(), lignes()


def requete_des_episodes(user, dispositif):
    """La requête de l'extrait des épisodes, lue par lots : une ligne par épisode visible, avec
    son rang (fonction de fenêtre sur les épisodes visibles du ménage), le territoire du
    logement actuel et la dernière dette du ménage (une sous-requête par l'index du ménage),
    l'existence d'un plan d'apurement actif (un `hashed SubPlan`, évalué une fois)."""
    return (
        _episodes_visibles(user, dispositif)
        .annotate(
            rang=Window(
                RowNumber(),
                partition_by=[F("menage_id")],
                order_by=[F("date_debut").asc(), F("pk").asc()],
            ),
            territoire_actuel=Subquery(
                Logement.objects.filter(menage_id=OuterRef("menage_id"), actuel=True).values(
                    "territoire__nom"
                )[:1]
            ),
            derniere_dette=Subquery(
                DetteLocative.objects.filter(menage_id=OuterRef("menage_id"))
                .order_by("-date", "-pk")
                .values("montant")[:1]
            ),
            plan_actif=Exists(
                PlanApurement.objects.filter(menage_id=OuterRef("menage_id"), actif=True)
            ),
        )
        .order_by("menage_id", "date_debut", "pk")
        .values_list(
            "pk",
            "menage_id",
            "rang",
            "orientation__parcours",
            "territoire_actuel",
            "date_debut",
            "date_fin",
            "statut",
            "adhesion",
            "orientation__date_orientation",
            "date_premier_contact",
            "stade_procedure_entree",
            "orientation__dette_locative",
            "derniere_dette",
            "plan_actif",
        )
    )


def comptes_des_episodes(user, dispositif):
    """{id de l'épisode: [objectifs, atteints, partiels, abandonnés, bilans prévus, réalisés,
    interventions, minutes]} et {id du ménage: décisions de comité}, comptés et sommés par la
    base (une requête groupée par table, les épisodes visibles en sous-requête) : des entiers
    par épisode, jamais les lignes comptées."""
    episodes = _episodes_visibles(user, dispositif).values("pk")
    comptes = defaultdict(lambda: [0] * 8)
    rang_du_statut = {
        StatutObjectif.ATTEINT: 1,
        StatutObjectif.PARTIELLEMENT_ATTEINT: 2,
        StatutObjectif.ABANDONNE: 3,
    }
    for episode_id, statut, nombre in (
        Objectif.objects.filter(accompagnement_id__in=episodes)
        .values("accompagnement_id", "statut")
        .annotate(nombre=Count("pk"))
        .order_by()
        .values_list("accompagnement_id", "statut", "nombre")
    ):
        comptes[episode_id][0] += nombre
        if statut in rang_du_statut:
            comptes[episode_id][rang_du_statut[statut]] += nombre
    for episode_id, prevus, realises in (
        Bilan.objects.filter(accompagnement_id__in=episodes)
        .values("accompagnement_id")
        .annotate(prevus=Count("pk"), realises=Count("date_realisation"))
        .order_by()
        .values_list("accompagnement_id", "prevus", "realises")
    ):
        comptes[episode_id][4:6] = [prevus, realises]
    for episode_id, nombre, minutes in (
        Intervention.objects.filter(accompagnement_id__in=episodes)
        .values("accompagnement_id")
        .annotate(nombre=Count("pk"), minutes=Sum("duree_minutes"))
        .order_by()
        .values_list("accompagnement_id", "nombre", "minutes")
    ):
        comptes[episode_id][6:8] = [nombre, minutes or 0]
    decisions = dict(
        Decision.objects.filter(
            menage_id__in=_episodes_visibles(user, dispositif).values("menage_id"),
            menage__dispositif=dispositif,
        )
        .values("menage_id")
        .annotate(nombre=Count("pk"))
        .order_by()
        .values_list("menage_id", "nombre")
    )
    return comptes, decisions


def _episodes(user, dispositif, pseudonyme, aujourd_hui):
    colonnes = requete_des_episodes(user, dispositif)
    nombre = _episodes_visibles(user, dispositif).count()
    comptes, decisions = comptes_des_episodes(user, dispositif)
    sans_compte = [0] * 8

    def lignes():
        for (
            pk,
            menage_id,
            rang,
            parcours,
            territoire,
            debut,
            fin,
            statut,
            adhesion,
            date_orientation,
            premier_contact,
            stade,
            dette_entree,
            derniere_dette,
            plan_actif,
        ) in colonnes.iterator(chunk_size=LIGNES_PAR_LOT):
            yield [
                pseudonyme(menage_id),
                rang,
                _libelle(Orientation, "parcours", parcours),
                territoire or "",
                _mois(debut),
                _mois(fin),
                _jours(debut, fin or aujourd_hui),
                _libelle(Accompagnement, "statut", statut),
                _libelle(Accompagnement, "adhesion", adhesion),
                _jours(date_orientation, premier_contact),
                _libelle(Accompagnement, "stade_procedure_entree", stade),
                tranche_dette(dette_entree),
                tranche_dette(derniere_dette),
                _oui_non(plan_actif),
                *comptes.get(pk, sans_compte),
                decisions.get(menage_id, 0),
            ]

    return nombre, lignes()


def groupes_des_interventions(user, dispositif):
    """Les interventions des épisodes visibles comptées et sommées par la base, par épisode,
    semestre (année et mois à l'heure de Paris), type et profession : quelques dizaines de
    milliers de groupes au lieu de 400 000 lignes relues une à une à l'échelle du programme
    (docs/performance.md)."""
    return (
        Intervention.objects.filter(
            accompagnement_id__in=_episodes_visibles(user, dispositif).values("pk")
        )
        .annotate(
            annee=ExtractYear("date_heure"),
            semestre=Case(When(date_heure__month__lte=6, then=Value(1)), default=Value(2)),
        )
        .values(
            "accompagnement_id",
            "accompagnement__menage_id",
            "annee",
            "semestre",
            "type",
            "profession_auteur",
        )
        .annotate(nombre=Count("pk"), minutes=Sum("duree_minutes"))
    )


def _interventions(user, dispositif, pseudonyme, aujourd_hui):
    # Les groupes arrivent dans l'ordre des épisodes (ménage, début, clé) et s'ordonnent
    # épisode par épisode : un seul épisode à la fois en mémoire. Le nombre de groupes, que le
    # journal écrit avant le premier octet, vient avec la première ligne (`COUNT(*) OVER ()`
    # sur les groupes) : la base ne les forme qu'une fois, au lieu d'une requête de décompte
    # qui refaisait tout le regroupement (un quart du temps).
    rangs = _rangs(user, dispositif)
    colonnes = (
        groupes_des_interventions(user, dispositif)
        .annotate(groupes=Window(Count("*")))
        .order_by("accompagnement__menage_id", "accompagnement__date_debut", "accompagnement_id")
        .values_list(
            "accompagnement_id",
            "accompagnement__menage_id",
            "annee",
            "semestre",
            "type",
            "profession_auteur",
            "nombre",
            "minutes",
            "groupes",
        )
        .iterator(chunk_size=LIGNES_PAR_LOT)
    )
    premiere = next(colonnes, None)
    nombre = premiere[-1] if premiere else 0

    def lignes_de(episode_id, menage_id, comptes):
        for (semestre, type_, profession), (nombre, minutes) in sorted(comptes.items()):
            yield [
                pseudonyme(menage_id),
                rangs[episode_id],
                semestre,
                _libelle(Intervention, "type", type_),
                _libelle(Intervention, "profession_auteur", profession),
                nombre,
                minutes,
            ]

    def lignes():
        episode, menage, comptes = None, None, {}
        for (
            episode_id,
            menage_id,
            annee,
            semestre,
            type_,
            profession,
            nombre,
            minutes,
            _,
        ) in itertools.chain([premiere] if premiere else [], colonnes):
            if episode_id != episode:
                yield from lignes_de(episode, menage, comptes)
                episode, menage, comptes = episode_id, menage_id, {}
            comptes[(f"{annee}-S{semestre}", type_, profession)] = (nombre, minutes or 0)
        yield from lignes_de(episode, menage, comptes)

    return nombre, lignes()


def _bilans(user, dispositif, pseudonyme, aujourd_hui):
    bilans = Bilan.objects.filter(
        accompagnement_id__in=_episodes_visibles(user, dispositif).values("pk")
    )
    colonnes = bilans.order_by(
        "accompagnement__menage_id", "accompagnement_id", "date_prevue", "pk"
    ).values_list(
        "accompagnement_id",
        "accompagnement__menage_id",
        "type",
        "date_prevue",
        "date_realisation",
        "decision",
        "dette",
        "stade_procedure",
    )
    nombre = bilans.count()
    rangs = _rangs(user, dispositif)

    def lignes():
        for (
            episode_id,
            menage_id,
            type_,
            prevu,
            realise,
            decision,
            dette,
            stade,
        ) in colonnes.iterator(chunk_size=LIGNES_PAR_LOT):
            reference = realise or aujourd_hui
            yield [
                pseudonyme(menage_id),
                rangs[episode_id],
                _libelle(Bilan, "type", type_),
                _mois(prevu),
                _mois(realise),
                _oui_non(realise is not None),
                max((reference - prevu).days, 0),
                _libelle(Bilan, "decision", decision),
                tranche_dette(dette),
                _libelle(Bilan, "stade_procedure", stade),
            ]

    return nombre, lignes()


def _issues(user, dispositif, pseudonyme, aujourd_hui):
    clotures = Cloture.objects.filter(
        accompagnement_id__in=_episodes_visibles(user, dispositif).values("pk")
    )
    colonnes = clotures.order_by("accompagnement__menage_id", "accompagnement_id").values_list(
        "accompagnement_id",
        "accompagnement__menage_id",
        "date",
        "motif",
        "maintien_dans_logement",
        "expulsion_evitee",
        "dette",
        "plan_apurement_en_place",
        "accompagnement__date_debut",
    )
    nombre = clotures.count()
    rangs = _rangs(user, dispositif)

    def lignes():
        for (
            episode_id,
            menage_id,
            date,
            motif,
            maintien,
            evitee,
            dette,
            plan,
            debut,
        ) in colonnes.iterator(chunk_size=LIGNES_PAR_LOT):
            yield [
                pseudonyme(menage_id),
                rangs[episode_id],
                _mois(date),
                _libelle(Cloture, "motif", motif),
                _oui_non(maintien),
                _oui_non(evitee),
                tranche_dette(dette),
                _oui_non(plan),
                _jours(debut, date),
            ]

    return nombre, lignes()


_CALCULS = {
    "orientations": _orientations,
    "episodes": _episodes,
    "interventions": _interventions,
    "bilans": _bilans,
    "issues": _issues,
}
