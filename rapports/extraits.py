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

`lignes(extrait, user, dispositif)` rend les lignes ; la vue les remet à `core.exports.exporter`,
qui journalise chaque extrait.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

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
    return f"{valeur:%Y-%m}" if valeur else ""


def _oui_non(valeur):
    if valeur is None:
        return ""
    return "oui" if valeur else "non"


def _libelle(modele, champ, code):
    if not code:
        return ""
    return str(dict(modele._meta.get_field(champ).flatchoices).get(code, code))


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


def lignes(extrait, user, dispositif, *, aujourd_hui=None):
    """Les lignes de `extrait` pour `user` dans `dispositif` (aucune sans le droit)."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    pseudonyme = pseudonymiseur(user)
    return _CALCULS[extrait.cle](user, dispositif, pseudonyme, aujourd_hui)


def _visibles(user, modele, chemins, **filtres):
    return permissions.filtrer(
        user, modele.objects.filter(**filtres), Donnee.EXTRAIT_PSEUDONYMISE, chemins
    )


def _rangs(user, dispositif):
    """{id de l'épisode: rang de l'épisode parmi ceux de son ménage}."""
    episodes = _visibles(
        user, Accompagnement, DIRECT, dispositif=dispositif, menage__provisoire=False
    ).order_by("menage_id", "date_debut", "pk")
    rangs, compte = {}, Counter()
    for pk, menage_id in episodes.values_list("pk", "menage_id"):
        compte[menage_id] += 1
        rangs[pk] = compte[menage_id]
    return rangs


def _orientations(user, dispositif, pseudonyme, aujourd_hui):
    orientations = list(
        _visibles(
            user,
            Orientation,
            PAR_LE_MENAGE,
            menage__dispositif=dispositif,
            menage__provisoire=False,
        )
        .order_by("date_orientation", "pk")
        .values_list(
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
    )
    menages = {ligne[1] for ligne in orientations}
    problematiques = defaultdict(list)
    for orientation_id, code in (
        ProblematiqueOrientation.objects.filter(
            orientation_id__in=[ligne[0] for ligne in orientations]
        )
        .order_by("code")
        .values_list("orientation_id", "code")
    ):
        problematiques[orientation_id].append(_libelle(ProblematiqueOrientation, "code", code))
    naissances = defaultdict(set)
    for menage_id, annee in Personne.objects.filter(menage_id__in=menages).values_list(
        "menage_id", "annee_naissance"
    ):
        if annee:
            naissances[menage_id].add(tranche_annee(annee))
    ressources = Counter()
    for menage_id, montant in Ressource.objects.filter(menage_id__in=menages).values_list(
        "menage_id", "montant_mensuel"
    ):
        ressources[menage_id] += montant or 0
    avec_ressources = set(
        Ressource.objects.filter(menage_id__in=menages).values_list("menage_id", flat=True)
    )
    resultat = []
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
    ) in orientations:
        resultat.append(
            [
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
                tranche_ressources(ressources[menage_id]) if menage_id in avec_ressources else "",
                _libelle(Menage, "mesure_protection", protection),
            ]
        )
    return resultat


def _episodes(user, dispositif, pseudonyme, aujourd_hui):
    rangs = _rangs(user, dispositif)
    episodes = list(
        Accompagnement.objects.filter(pk__in=list(rangs))
        .order_by("menage_id", "date_debut", "pk")
        .values_list(
            "pk",
            "menage_id",
            "orientation__parcours",
            "date_debut",
            "date_fin",
            "statut",
            "adhesion",
            "orientation__date_orientation",
            "date_premier_contact",
            "stade_procedure_entree",
            "orientation__dette_locative",
        )
    )
    menages = {ligne[1] for ligne in episodes}
    territoires = dict(
        Logement.objects.filter(menage_id__in=menages, actuel=True).values_list(
            "menage_id", "territoire__nom"
        )
    )
    dernieres_dettes = {}
    for menage_id, montant in (
        DetteLocative.objects.filter(menage_id__in=menages)
        .order_by("date", "pk")
        .values_list("menage_id", "montant")
    ):
        dernieres_dettes[menage_id] = montant
    plans = set(
        Menage.objects.filter(pk__in=menages, plans_apurement__actif=True).values_list(
            "pk", flat=True
        )
    )
    objectifs = defaultdict(Counter)
    for episode_id, statut in Objectif.objects.filter(accompagnement_id__in=rangs).values_list(
        "accompagnement_id", "statut"
    ):
        objectifs[episode_id]["total"] += 1
        objectifs[episode_id][statut] += 1
    bilans = defaultdict(Counter)
    for episode_id, realise in Bilan.objects.filter(accompagnement_id__in=rangs).values_list(
        "accompagnement_id", "date_realisation"
    ):
        bilans[episode_id]["prevus"] += 1
        bilans[episode_id]["realises"] += realise is not None
    interventions = defaultdict(Counter)
    for episode_id, minutes in Intervention.objects.filter(accompagnement_id__in=rangs).values_list(
        "accompagnement_id", "duree_minutes"
    ):
        interventions[episode_id]["nombre"] += 1
        interventions[episode_id]["minutes"] += minutes or 0
    decisions = Counter(
        Decision.objects.filter(menage_id__in=menages, menage__dispositif=dispositif).values_list(
            "menage_id", flat=True
        )
    )
    resultat = []
    for (
        pk,
        menage_id,
        parcours,
        debut,
        fin,
        statut,
        adhesion,
        date_orientation,
        premier_contact,
        stade,
        dette_entree,
    ) in episodes:
        resultat.append(
            [
                pseudonyme(menage_id),
                rangs[pk],
                _libelle(Orientation, "parcours", parcours),
                territoires.get(menage_id) or "",
                _mois(debut),
                _mois(fin),
                _jours(debut, fin or aujourd_hui),
                _libelle(Accompagnement, "statut", statut),
                _libelle(Accompagnement, "adhesion", adhesion),
                _jours(date_orientation, premier_contact),
                _libelle(Accompagnement, "stade_procedure_entree", stade),
                tranche_dette(dette_entree),
                tranche_dette(dernieres_dettes.get(menage_id)),
                _oui_non(menage_id in plans),
                objectifs[pk]["total"],
                objectifs[pk][StatutObjectif.ATTEINT],
                objectifs[pk][StatutObjectif.PARTIELLEMENT_ATTEINT],
                objectifs[pk][StatutObjectif.ABANDONNE],
                bilans[pk]["prevus"],
                bilans[pk]["realises"],
                interventions[pk]["nombre"],
                interventions[pk]["minutes"],
                decisions[menage_id],
            ]
        )
    return resultat


def _semestre(moment):
    local = timezone.localtime(moment)
    return f"{local.year}-S{1 if local.month <= 6 else 2}"


def _interventions(user, dispositif, pseudonyme, aujourd_hui):
    rangs = _rangs(user, dispositif)
    comptes = defaultdict(Counter)
    episodes = {}
    for episode_id, menage_id, moment, type_, profession, minutes in (
        Intervention.objects.filter(accompagnement_id__in=list(rangs))
        .order_by("pk")
        .values_list(
            "accompagnement_id",
            "accompagnement__menage_id",
            "date_heure",
            "type",
            "profession_auteur",
            "duree_minutes",
        )
    ):
        cle = (episode_id, _semestre(moment), type_, profession)
        episodes[episode_id] = menage_id
        comptes[cle]["nombre"] += 1
        comptes[cle]["minutes"] += minutes or 0
    lignes_triees = sorted(
        comptes.items(), key=lambda item: (episodes[item[0][0]], rangs[item[0][0]], item[0][1:])
    )
    return [
        [
            pseudonyme(episodes[episode_id]),
            rangs[episode_id],
            semestre,
            _libelle(Intervention, "type", type_),
            _libelle(Intervention, "profession_auteur", profession),
            compte["nombre"],
            compte["minutes"],
        ]
        for (episode_id, semestre, type_, profession), compte in lignes_triees
    ]


def _bilans(user, dispositif, pseudonyme, aujourd_hui):
    rangs = _rangs(user, dispositif)
    resultat = []
    for episode_id, menage_id, type_, prevu, realise, decision, dette, stade in (
        Bilan.objects.filter(accompagnement_id__in=list(rangs))
        .order_by("accompagnement__menage_id", "accompagnement_id", "date_prevue", "pk")
        .values_list(
            "accompagnement_id",
            "accompagnement__menage_id",
            "type",
            "date_prevue",
            "date_realisation",
            "decision",
            "dette",
            "stade_procedure",
        )
    ):
        reference = realise or aujourd_hui
        resultat.append(
            [
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
        )
    return resultat


def _issues(user, dispositif, pseudonyme, aujourd_hui):
    rangs = _rangs(user, dispositif)
    resultat = []
    for episode_id, menage_id, date, motif, maintien, evitee, dette, plan, debut in (
        Cloture.objects.filter(accompagnement_id__in=list(rangs))
        .order_by("accompagnement__menage_id", "accompagnement_id")
        .values_list(
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
    ):
        resultat.append(
            [
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
        )
    return resultat


_CALCULS = {
    "orientations": _orientations,
    "episodes": _episodes,
    "interventions": _interventions,
    "bilans": _bilans,
    "issues": _issues,
}
