"""Les extraits de l'évaluation tels qu'ils se calculaient avant leur lecture en flux (listes
entières, comptes par table puis assemblés en Python) : la référence à laquelle
`tests/rapports/test_extraits.py` compare les lignes lues aujourd'hui par lots.

Recopié de `rapports/extraits.py` avant la réécriture ; ne sert qu'aux tests."""

from collections import Counter, defaultdict

from django.db.models import Case, Count, Sum, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone

from accompagnement.enums import StatutObjectif
from accompagnement.models import Accompagnement, Bilan, Cloture, Intervention, Objectif
from comites.models import Decision
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
from rapports.extraits import PAR_LE_MENAGE, _episodes_visibles, _visibles


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


def lignes(extrait, user, dispositif, *, aujourd_hui=None):
    aujourd_hui = aujourd_hui or timezone.localdate()
    pseudonyme = pseudonymiseur(user)
    return _CALCULS[extrait.cle](user, dispositif, pseudonyme, aujourd_hui)


def _rangs(user, dispositif):
    episodes = _episodes_visibles(user, dispositif).order_by("menage_id", "date_debut", "pk")
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
    # Les épisodes et les ménages visibles en sous-requête (et non une liste de milliers
    # d'identifiants), les interventions comptées et sommées par la base : à l'échelle du
    # programme, rien n'est relu ligne à ligne (docs/performance.md).
    visibles = _episodes_visibles(user, dispositif)
    episodes = list(
        Accompagnement.objects.filter(pk__in=visibles.values("pk"))
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
    menages = visibles.values("menage_id")
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
    for episode_id, statut in Objectif.objects.filter(
        accompagnement_id__in=visibles.values("pk")
    ).values_list("accompagnement_id", "statut"):
        objectifs[episode_id]["total"] += 1
        objectifs[episode_id][statut] += 1
    bilans = defaultdict(Counter)
    for episode_id, realise in Bilan.objects.filter(
        accompagnement_id__in=visibles.values("pk")
    ).values_list("accompagnement_id", "date_realisation"):
        bilans[episode_id]["prevus"] += 1
        bilans[episode_id]["realises"] += realise is not None
    interventions = defaultdict(Counter)
    for episode_id, nombre, minutes in (
        Intervention.objects.filter(accompagnement_id__in=visibles.values("pk"))
        .values("accompagnement_id")
        .annotate(nombre=Count("pk"), minutes=Sum("duree_minutes"))
        .order_by()
        .values_list("accompagnement_id", "nombre", "minutes")
    ):
        interventions[episode_id]["nombre"] = nombre
        interventions[episode_id]["minutes"] = minutes or 0
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


def _interventions(user, dispositif, pseudonyme, aujourd_hui):
    rangs = _rangs(user, dispositif)
    comptes = defaultdict(Counter)
    episodes = {}
    # Comptées et sommées par la base, par épisode, semestre (année et mois à l'heure de Paris),
    # type et profession : quelques dizaines de milliers de groupes au lieu
    # de 400 000 lignes relues une à une à l'échelle du programme (docs/performance.md).
    for episode_id, menage_id, annee, semestre, type_, profession, nombre, minutes in (
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
        .order_by()
        .values_list(
            "accompagnement_id",
            "accompagnement__menage_id",
            "annee",
            "semestre",
            "type",
            "profession_auteur",
            "nombre",
            "minutes",
        )
    ):
        cle = (episode_id, f"{annee}-S{semestre}", type_, profession)
        episodes[episode_id] = menage_id
        comptes[cle]["nombre"] += nombre
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
