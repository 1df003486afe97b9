"""Les chiffres du rapport d'activité semestriel d'un dispositif (DESIGN.md §4).

Fonctions de lecture sur la base, pour UN dispositif et UNE période [debut, fin] (dates
incluses ; un semestre : S1 = 1er janvier – 30 juin, S2 = 1er juillet – 31 décembre).

`calculer(dispositif, annee, semestre)` rend un dictionnaire sérialisable en JSON : entiers,
décimaux arrondis à 1 chiffre (taux en pourcentage, jours, heures), montants arrondis au
centime, chaînes, listes et dictionnaires, dates au format « JJ/MM/AAAA ». Le même jeu de
données donne toujours le même dictionnaire : clés et listes dans un ordre fixe (catégories dans
l'ordre de leur énumération, territoires par ordre alphabétique puis « non renseigné »). Seuls
les bilans d'une période pas encore terminée dépendent du jour du calcul
(`bilans.date_reference`) ; le territoire est celui du logement actuel du ménage.

Aucun chiffre ne porte sur un ménage nommé : le dictionnaire ne contient ni nom, ni référence,
ni adresse, ni texte libre saisi ; les seuls libellés venus des données sont les noms de
territoires du dispositif. Le croisement problématique × territoire (catégorie sensible) affiche
« < 5 » dans toute case de 1 à 4.

Le nombre de requêtes SQL est fixe (`NOMBRE_DE_REQUETES`), quel que soit le nombre de ménages :
agrégats en base ou quelques chargements `values_list`, jamais une requête par ménage.

Chaque chiffre est défini, en une phrase, dans `DEFINITIONS` (clé « section.chiffre »), que le
rapport imprime sur sa page de définitions.
"""

import re
import statistics
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accompagnement.enums import (
    Adhesion,
    DestinationPartenaire,
    MotifCloture,
    StatutObjectif,
    TypeIntervention,
)
from accompagnement.models import (
    Accompagnement,
    Bilan,
    Cloture,
    Intervention,
    Objectif,
    OrientationPartenaire,
)
from comites.enums import TypeComite, TypeDecision
from comites.models import Decision, Seance
from core.enums import Parcours, Profession
from core.models import Territoire
from menages.enums import Problematique, Source, StadeProcedure, StatutOrientation
from menages.models import (
    DetteLocative,
    Logement,
    Orientation,
    PlanApurement,
    ProblematiqueOrientation,
)

# Secret statistique : dans un croisement d'une catégorie sensible, une case de 1 à 4 ménages
# se lit « < 5 » (0 reste 0).
SEUIL_SECRET = 5
MASQUE = "< 5"

NON_RENSEIGNE = "non renseigné"

# Un bilan fait au plus tard 15 jours après sa date prévue est « à temps ».
DELAI_BILAN_A_TEMPS = timedelta(days=15)

STATUTS_DECIDES = (
    StatutOrientation.ADMISE,
    StatutOrientation.REFUSEE,
    StatutOrientation.REORIENTEE,
)
DECISIONS_SUR_ORIENTATION = (
    TypeDecision.ADMISSION,
    TypeDecision.REFUS,
    TypeDecision.REORIENTATION,
)

MOIS_ABREGES = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)

# Requêtes SQL d'un calcul complet, quelle que soit la taille du dispositif (vérifié en test).
NOMBRE_DE_REQUETES = 16

TITRES_SECTIONS = {
    "periode": "Période",
    "file_active": "File active",
    "orientations": "Orientations",
    "adhesion": "Adhésion",
    "interventions": "Interventions",
    "objectifs": "Objectifs",
    "bilans": "Bilans",
    "dette_et_expulsions": "Dette locative et expulsions",
    "sorties": "Sorties",
    "cout": "Coût",
    "gouvernance": "Gouvernance",
    "croisement_problematique_territoire": "Problématiques par territoire",
}

_ACTIF = (
    "Un épisode d'accompagnement est « actif sur la période » s'il a commencé au plus tard le "
    "dernier jour de la période et n'est pas terminé (date de fin vide) ou s'est terminé au "
    "plus tôt le premier jour de la période."
)

DEFINITIONS = {
    # Période
    "periode.annee": "Année civile du semestre.",
    "periode.semestre": "Semestre : 1 (1er janvier – 30 juin) ou 2 (1er juillet – 31 décembre).",
    "periode.libelle": "Le semestre sous la forme AAAA-S1 ou AAAA-S2.",
    "periode.debut": "Premier jour de la période, inclus.",
    "periode.fin": "Dernier jour de la période, inclus.",
    # File active
    "file_active.episodes_actifs": "Épisodes d'accompagnement du dispositif actifs sur la "
    "période : commencés au plus tard le dernier jour de la période, et sans date de fin ou "
    "terminés au plus tôt le premier jour de la période.",
    "file_active.menages_actifs": "Ménages distincts ayant au moins un épisode actif sur la "
    "période (un ménage dont l'accompagnement a été rouvert n'est compté qu'une fois).",
    "file_active.nouveaux_episodes": "Épisodes dont la date de début est dans la période.",
    "file_active.episodes_clos": "Épisodes dont la date de fin est dans la période.",
    "file_active.par_parcours": "Épisodes actifs sur la période, par parcours : celui de "
    "l'orientation qui a ouvert l'épisode, à défaut celui de la dernière orientation du ménage "
    "datée au plus tard du dernier jour de la période ; « non renseigné » sans orientation.",
    "file_active.par_territoire": "Épisodes actifs sur la période, par territoire du logement "
    "actuel du ménage (au jour du calcul) ; « non renseigné » si le logement actuel n'a pas de "
    "territoire ou s'il n'y a pas de logement actuel.",
    "file_active.courbe_mensuelle": "Pour chaque mois de la période, épisodes actifs au moins "
    "un jour du mois (commencés au plus tard le dernier jour du mois, et sans date de fin ou "
    "terminés au plus tôt le premier jour du mois).",
    # Orientations
    "orientations.recues": "Orientations des ménages du dispositif dont la date d'orientation "
    "est dans la période.",
    "orientations.par_source": "Orientations reçues dans la période, par service ou structure "
    "qui oriente.",
    "orientations.par_problematique": "Orientations reçues dans la période portant chaque "
    "problématique ; une orientation à plusieurs problématiques compte dans chacune, le total "
    "dépasse donc le nombre d'orientations.",
    "orientations.decisions": "Orientations du dispositif dont le statut est « admise », "
    "« refusée » ou « réorientée » et dont la date de ce statut est dans la période, quelle que "
    "soit leur date d'orientation.",
    "orientations.delai_premier_contact": "Médiane, en jours, de (date du premier contact − "
    "date de l'orientation qui a ouvert l'épisode), pour les épisodes commencés dans la période "
    "qui ont une date de premier contact et une orientation ; « nombre » dit sur combien "
    "d'épisodes elle est calculée (médiane vide s'il n'y en a aucun).",
    "orientations.delai_decision_cotech": "Médiane, en jours, de (date de la séance − date de "
    "l'orientation), pour les décisions d'admission, de refus ou de réorientation prises en "
    "séance dans la période sur un point de l'ordre du jour lié à une orientation ; « nombre » "
    "dit sur combien de décisions elle est calculée.",
    # Adhésion
    "adhesion.episodes_avec_premier_contact": "Épisodes actifs sur la période ayant une date "
    "de premier contact (dénominateur du taux).",
    "adhesion.acceptee": "Parmi ces épisodes, ceux dont l'adhésion est « acceptée » "
    "(numérateur du taux).",
    "adhesion.taux": "Adhésion acceptée ÷ épisodes avec un premier contact, en pourcentage à "
    "une décimale ; vide quand aucun épisode actif n'a de premier contact.",
    "adhesion.par_adhesion": "Épisodes actifs sur la période par état de l'adhésion, premier "
    "contact ou non.",
    # Interventions
    "interventions.total": "Interventions des épisodes du dispositif dont la date (heure de "
    "Paris) est dans la période.",
    "interventions.par_type": "Ces interventions par type.",
    "interventions.par_profession": "Ces interventions par profession de leur auteur·rice au "
    "moment de la saisie.",
    "interventions.visites_domicile": "Interventions de type « visite à domicile » (le ménage "
    "a été vu).",
    "interventions.visites_sans_reponse": "Interventions de type « visite à domicile sans "
    "réponse » (visites infructueuses).",
    "interventions.heures_total": "Somme des durées des interventions de la période, en "
    "heures à une décimale.",
    "interventions.heures_par_profession": "Somme des durées des interventions de la période "
    "par profession de l'auteur·rice, en heures à une décimale.",
    "interventions.orientations_partenaires": "Orientations vers un partenaire notées dans les "
    "interventions de la période, par destination (une intervention peut en compter plusieurs).",
    # Objectifs
    "objectifs.fixes": "Objectifs des plans d'action des épisodes actifs sur la période, "
    "quel que soit leur statut.",
    "objectifs.atteints": "Parmi eux, ceux dont le statut actuel est « atteint ».",
    "objectifs.partiellement_atteints": "Parmi eux, ceux dont le statut actuel est "
    "« partiellement atteint ».",
    "objectifs.abandonnes": "Parmi eux, ceux dont le statut actuel est « abandonné ».",
    "objectifs.taux_atteints": "Objectifs atteints ÷ objectifs fixés, en pourcentage.",
    "objectifs.taux_partiellement_atteints": "Objectifs partiellement atteints ÷ objectifs "
    "fixés, en pourcentage.",
    "objectifs.taux_abandonnes": "Objectifs abandonnés ÷ objectifs fixés, en pourcentage.",
    "objectifs.par_statut": "Objectifs fixés par statut actuel.",
    # Bilans
    "bilans.prevus": "Bilans des épisodes du dispositif dont la date prévue est dans la période.",
    "bilans.realises_a_temps": "Parmi eux, ceux réalisés au plus tard 15 jours après la date "
    "prévue.",
    "bilans.realises_en_retard": "Parmi eux, ceux réalisés plus de 15 jours après la date prévue.",
    "bilans.manquants": "Parmi eux, ceux non réalisés dont la date prévue est antérieure à la "
    "date de référence.",
    "bilans.non_echus": "Parmi eux, ceux non réalisés dont la date prévue n'est pas antérieure "
    "à la date de référence (pas encore dus au jour du calcul).",
    "bilans.date_reference": "Le plus tôt du dernier jour de la période et du jour du calcul : "
    "une période terminée donne toujours les mêmes chiffres.",
    "bilans.taux_a_temps": "Bilans réalisés à temps ÷ bilans prévus, en pourcentage.",
    "bilans.taux_en_retard": "Bilans réalisés en retard ÷ bilans prévus, en pourcentage.",
    "bilans.taux_manquants": "Bilans manquants ÷ bilans prévus, en pourcentage.",
    # Dette et expulsions
    "dette_et_expulsions.menages_avec_dette": "Ménages ayant un épisode actif sur la période "
    "et au moins un relevé de dette locative daté au plus tard du dernier jour de la période ; "
    "les chiffres de dette portent sur eux.",
    "dette_et_expulsions.entree_total": "Somme des dettes à l'entrée : pour chaque ménage, le "
    "dernier relevé daté au plus tard du début de son premier épisode actif sur la période, à "
    "défaut son premier relevé (en euros).",
    "dette_et_expulsions.entree_mediane": "Médiane des dettes à l'entrée ainsi définies.",
    "dette_et_expulsions.derniere_total": "Somme des dernières dettes connues : pour chaque "
    "ménage, le dernier relevé daté au plus tard du dernier jour de la période (en euros).",
    "dette_et_expulsions.derniere_mediane": "Médiane des dernières dettes connues.",
    "dette_et_expulsions.menages_dette_en_baisse": "Ménages dont la dernière dette connue est "
    "strictement inférieure à la dette à l'entrée.",
    "dette_et_expulsions.plans_apurement_en_place": "Ménages ayant un épisode actif sur la "
    "période et au moins un plan d'apurement actif commencé au plus tard le dernier jour de la "
    "période.",
    "dette_et_expulsions.procedures_a_l_entree": "Épisodes actifs sur la période pour lesquels "
    "une procédure d'expulsion était engagée à l'entrée (stade renseigné et différent de "
    "« aucune »).",
    "dette_et_expulsions.procedures_par_stade": "Ces épisodes par stade de la procédure à "
    "l'entrée.",
    "dette_et_expulsions.expulsions_evitees": "Clôtures datées dans la période marquées "
    "« expulsion évitée » (procédure engagée à l'entrée et ménage toujours dans son logement).",
    "dette_et_expulsions.expulsions": "Clôtures datées dans la période dont le motif est "
    "« expulsion ».",
    # Sorties
    "sorties.total": "Clôtures (fiches de clôture) datées dans la période.",
    "sorties.par_motif": "Ces clôtures par motif.",
    "sorties.maintien_dans_logement": "Clôtures de la période où le ménage est resté dans son "
    "logement.",
    "sorties.part_maintien": "Maintiens dans le logement ÷ clôtures de la période, en pourcentage.",
    "sorties.relogements": "Clôtures de la période au motif « relogement / mutation ».",
    "sorties.duree_mediane_jours": "Médiane, en jours, de (date de fin − date de début) des "
    "épisodes dont la date de fin est dans la période.",
    "sorties.episodes_mesures": "Nombre d'épisodes sur lesquels la durée médiane est calculée.",
    # Coût
    "cout.annee": "Année civile du semestre.",
    "cout.budget_annuel": "Somme des lignes du budget annuel du dispositif (en euros).",
    "cout.menages_suivis_annee": "Ménages distincts ayant un épisode actif au moins un jour de "
    "l'année civile du semestre (du 1er janvier au 31 décembre).",
    "cout.cout_par_menage": "Budget annuel ÷ ménages suivis dans l'année (en euros) ; vide "
    "sans ménage suivi.",
    "cout.cout_menage_prevu": "Coût par ménage et par an prévu au dossier du dispositif (en "
    "euros).",
    # Gouvernance
    "gouvernance.seances_total": "Séances des comités du dispositif dont la date (heure de "
    "Paris) est dans la période.",
    "gouvernance.seances_par_type": "Ces séances par type de comité.",
    "gouvernance.decisions_total": "Décisions prises lors de ces séances.",
    "gouvernance.decisions_par_type": "Ces décisions par nature.",
    # Croisement
    "croisement_problematique_territoire.colonnes": "Territoire du logement actuel du ménage "
    "orienté (au jour du calcul) : les territoires du dispositif par ordre alphabétique, puis "
    "« non renseigné » (pas de logement actuel, ou logement sans territoire).",
    "croisement_problematique_territoire.lignes": "Pour chaque problématique, nombre "
    "d'orientations reçues dans la période qui la portent, par territoire ; toute case de 1 à "
    "4 se lit « < 5 » (secret statistique), 0 reste 0.",
}


# --- Période --------------------------------------------------------------------------------


_FORMAT_SEMESTRE = re.compile(r"^\s*(\d{4})-[sS]([12])\s*$")


def parse_semestre(texte):
    """« 2026-S1 » → (2026, 1). ValueError (message en français) pour tout autre texte."""
    correspondance = _FORMAT_SEMESTRE.match(texte) if isinstance(texte, str) else None
    if correspondance is None:
        raise ValueError(
            f"Semestre invalide : « {texte} ». Écrivez l'année puis S1 ou S2, par exemple "
            "2026-S1 (janvier à juin) ou 2026-S2 (juillet à décembre)."
        )
    return int(correspondance.group(1)), int(correspondance.group(2))


def bornes_semestre(annee, semestre):
    """(premier jour, dernier jour) du semestre, inclus : S1 1/1–30/6, S2 1/7–31/12."""
    if semestre not in (1, 2):
        raise ValueError(f"Semestre invalide : {semestre}. Un semestre vaut 1 ou 2.")
    if not isinstance(annee, int) or not 1 <= annee <= 9999:
        raise ValueError(f"Année invalide : {annee}.")
    if semestre == 1:
        return date(annee, 1, 1), date(annee, 6, 30)
    return date(annee, 7, 1), date(annee, 12, 31)


def semestre_ecoule(aujourd_hui):
    """(année, semestre) du dernier semestre terminé au jour `aujourd_hui`."""
    return (aujourd_hui.year - 1, 2) if aujourd_hui.month <= 6 else (aujourd_hui.year, 1)


def semestres_proposes(aujourd_hui=None, nombre=6):
    """Les derniers semestres terminés ou en cours, du plus récent au plus ancien."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    annee, semestre = aujourd_hui.year, 1 if aujourd_hui.month <= 6 else 2
    resultat = []
    for _ in range(nombre):
        resultat.append(f"{annee}-S{semestre}")
        annee, semestre = (annee, 1) if semestre == 2 else (annee - 1, 2)
    return resultat


def _mois_de(debut, fin):
    """Les mois de la période : (premier jour, dernier jour) de chacun, rognés à la période."""
    mois = []
    courant = debut.replace(day=1)
    while courant <= fin:
        suivant = (courant.replace(day=28) + timedelta(days=4)).replace(day=1)
        mois.append((max(courant, debut), min(suivant - timedelta(days=1), fin)))
        courant = suivant
    return mois


def _bornes_horaires(debut, fin):
    """[minuit du premier jour, minuit du lendemain du dernier jour[, heure de Paris."""
    zone = timezone.get_default_timezone()
    return (
        datetime.combine(debut, time.min, tzinfo=zone),
        datetime.combine(fin + timedelta(days=1), time.min, tzinfo=zone),
    )


def _jour_local(moment):
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _actif_entre(debut, fin):
    """Épisode actif au moins un jour de [debut, fin]."""
    return Q(date_debut__lte=fin) & (Q(date_fin__isnull=True) | Q(date_fin__gte=debut))


# --- Mise en forme --------------------------------------------------------------------------


def _date_fr(jour):
    return jour.strftime("%d/%m/%Y")


def _arrondi(valeur, decimales):
    """Arrondi au plus proche (0,05 → 0,1), rendu en float ; None reste None."""
    if valeur is None:
        return None
    pas = Decimal(1).scaleb(-decimales)
    return float(Decimal(str(valeur)).quantize(pas, rounding=ROUND_HALF_UP))


def _euros(montant):
    return _arrondi(montant, 2)


def _taux(numerateur, denominateur):
    """Pourcentage à une décimale ; None quand le dénominateur est nul."""
    if not denominateur:
        return None
    return _arrondi(Decimal(numerateur) * 100 / Decimal(denominateur), 1)


def _mediane(valeurs):
    """Médiane (moyenne des deux valeurs du milieu pour un nombre pair) ; None si vide."""
    if not valeurs:
        return None
    return statistics.median(sorted(valeurs))


def _repartition(choix, compteur):
    """Une ligne par catégorie, dans l'ordre de l'énumération, zéros compris."""
    return [
        {"code": valeur, "libelle": str(libelle), "nombre": compteur.get(valeur, 0)}
        for valeur, libelle in choix.choices
    ]


def _ordre_alphabetique(nom):
    """Clé de tri « à la française » et indépendante de la base : Écully avant Lille."""
    sans_accents = unicodedata.normalize("NFKD", nom).encode("ascii", "ignore").decode()
    return sans_accents.casefold(), nom


def _colonnes_territoires(noms_du_dispositif, noms_trouves):
    """Territoires du dispositif (par nom), puis les autres rencontrés, puis « non renseigné »."""
    connus = {*noms_du_dispositif, NON_RENSEIGNE}
    autres = {nom for nom in noms_trouves if nom and nom not in connus}
    return [
        *sorted(noms_du_dispositif, key=_ordre_alphabetique),
        *sorted(autres, key=_ordre_alphabetique),
        NON_RENSEIGNE,
    ]


def _masquer(nombre):
    """Secret statistique : 1 à 4 → « < 5 » ; 0 et 5 ou plus restent des nombres."""
    return MASQUE if 0 < nombre < SEUIL_SECRET else nombre


# --- Chargements ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Episode:
    pk: int
    menage_id: int
    date_debut: date
    date_fin: date | None
    adhesion: str
    date_premier_contact: date | None
    stade_procedure_entree: str
    parcours: str | None
    territoire: str | None
    date_orientation: date | None

    def actif_entre(self, debut, fin):
        return self.date_debut <= fin and (self.date_fin is None or self.date_fin >= debut)


def _territoire_actuel(chemin_menage):
    """Sous-requête : nom du territoire du logement actuel du ménage."""
    return Subquery(
        Logement.objects.filter(menage=OuterRef(chemin_menage), actuel=True).values(
            "territoire__nom"
        )[:1]
    )


def _charger_episodes(dispositif, debut, fin, fin_parcours):
    """Les épisodes du dispositif actifs un jour de [debut, fin], en une requête."""
    derniere_orientation = (
        Orientation.objects.filter(menage=OuterRef("menage_id"), date_orientation__lte=fin_parcours)
        .order_by("-date_orientation", "-cree_le", "-pk")
        .values("parcours")[:1]
    )
    lignes = (
        Accompagnement.objects.filter(_actif_entre(debut, fin), dispositif=dispositif)
        .annotate(
            parcours_retenu=Coalesce("orientation__parcours", Subquery(derniere_orientation)),
            territoire_nom=_territoire_actuel("menage_id"),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "menage_id",
            "date_debut",
            "date_fin",
            "adhesion",
            "date_premier_contact",
            "stade_procedure_entree",
            "parcours_retenu",
            "territoire_nom",
            "orientation__date_orientation",
        )
    )
    return [_Episode(*ligne) for ligne in lignes]


def _episodes_actifs_qs(dispositif, debut, fin):
    return Accompagnement.objects.filter(_actif_entre(debut, fin), dispositif=dispositif)


# --- Sections -------------------------------------------------------------------------------


def file_active(episodes, debut, fin, territoires):
    """Épisodes actifs, nouveaux, clos ; par parcours, par territoire ; courbe mensuelle."""
    actifs = [e for e in episodes if e.actif_entre(debut, fin)]
    par_parcours = Counter(e.parcours or "non_renseigne" for e in actifs)
    par_territoire = Counter(e.territoire or NON_RENSEIGNE for e in actifs)
    colonnes = _colonnes_territoires(territoires, par_territoire)
    return {
        "episodes_actifs": len(actifs),
        "menages_actifs": len({e.menage_id for e in actifs}),
        "nouveaux_episodes": sum(1 for e in actifs if debut <= e.date_debut <= fin),
        "episodes_clos": sum(1 for e in actifs if e.date_fin and debut <= e.date_fin <= fin),
        "par_parcours": [
            *_repartition(Parcours, par_parcours),
            {
                "code": "non_renseigne",
                "libelle": NON_RENSEIGNE,
                "nombre": par_parcours.get("non_renseigne", 0),
            },
        ],
        "par_territoire": [
            {"libelle": nom, "nombre": par_territoire.get(nom, 0)} for nom in colonnes
        ],
        "courbe_mensuelle": [
            {
                "mois": f"{premier:%Y-%m}",
                "libelle": f"{MOIS_ABREGES[premier.month - 1]} {premier.year}",
                "nombre": sum(1 for e in actifs if e.actif_entre(premier, dernier)),
            }
            for premier, dernier in _mois_de(debut, fin)
        ],
    }


def orientations(dispositif, episodes, debut, fin, territoires):
    """Orientations reçues, décisions, délais ; et le croisement problématique × territoire.

    Rend (section orientations, section croisement) : les deux lisent les mêmes orientations.
    """
    recues_qs = Orientation.objects.filter(
        menage__dispositif=dispositif, date_orientation__range=(debut, fin)
    )
    recues = list(
        recues_qs.annotate(territoire_nom=_territoire_actuel("menage_id"))
        .order_by("pk")
        .values_list("pk", "source", "territoire_nom")
    )
    territoire_de = {pk: territoire or NON_RENSEIGNE for pk, _, territoire in recues}
    problematiques = list(
        ProblematiqueOrientation.objects.filter(orientation__in=recues_qs)
        .order_by("pk")
        .values_list("orientation_id", "code")
    )
    decisions = dict(
        Orientation.objects.filter(
            menage__dispositif=dispositif,
            statut__in=STATUTS_DECIDES,
            date_statut__range=(debut, fin),
        )
        .values("statut")
        .annotate(nombre=Count("pk"))
        .order_by()
        .values_list("statut", "nombre")
    )

    delais_contact = [
        (e.date_premier_contact - e.date_orientation).days
        for e in episodes
        if debut <= e.date_debut <= fin and e.date_premier_contact and e.date_orientation
    ]
    debut_h, fin_h = _bornes_horaires(debut, fin)
    decisions_cotech = Decision.objects.filter(
        seance__comite__dispositif=dispositif,
        seance__date__gte=debut_h,
        seance__date__lt=fin_h,
        type__in=DECISIONS_SUR_ORIENTATION,
        point__orientation__isnull=False,
    ).values_list("seance__date", "point__orientation__date_orientation")
    delais_cotech = [
        (_jour_local(moment) - date_orientation).days
        for moment, date_orientation in decisions_cotech
    ]

    section = {
        "recues": len(recues),
        "par_source": _repartition(Source, Counter(source for _, source, _ in recues)),
        "par_problematique": _repartition(Problematique, Counter(c for _, c in problematiques)),
        "decisions": {
            "total": sum(decisions.values()),
            "par_statut": [
                {"code": statut.value, "libelle": statut.label, "nombre": decisions.get(statut, 0)}
                for statut in STATUTS_DECIDES
            ],
        },
        "delai_premier_contact": {
            "mediane_jours": _arrondi(_mediane(delais_contact), 1),
            "nombre": len(delais_contact),
        },
        "delai_decision_cotech": {
            "mediane_jours": _arrondi(_mediane(delais_cotech), 1),
            "nombre": len(delais_cotech),
        },
    }

    croisement = Counter((code, territoire_de[pk]) for pk, code in problematiques)
    colonnes = _colonnes_territoires(territoires, set(territoire_de.values()))
    tableau = {
        "colonnes": colonnes,
        "lignes": [
            {
                "code": code,
                "libelle": str(libelle),
                "cellules": [_masquer(croisement.get((code, nom), 0)) for nom in colonnes],
            }
            for code, libelle in Problematique.choices
        ],
    }
    return section, tableau


def adhesion(episodes, debut, fin):
    """Taux d'adhésion : acceptée ÷ épisodes actifs ayant un premier contact."""
    actifs = [e for e in episodes if e.actif_entre(debut, fin)]
    contactes = [e for e in actifs if e.date_premier_contact]
    acceptee = sum(1 for e in contactes if e.adhesion == Adhesion.ACCEPTEE)
    return {
        "episodes_avec_premier_contact": len(contactes),
        "acceptee": acceptee,
        "taux": _taux(acceptee, len(contactes)),
        "par_adhesion": _repartition(Adhesion, Counter(e.adhesion for e in actifs)),
    }


def interventions(dispositif, debut, fin):
    """Interventions de la période : par type, par profession, heures, orientations."""
    debut_h, fin_h = _bornes_horaires(debut, fin)
    de_la_periode = Intervention.objects.filter(
        accompagnement__dispositif=dispositif, date_heure__gte=debut_h, date_heure__lt=fin_h
    )
    groupes = list(
        de_la_periode.values("type", "profession_auteur")
        .annotate(nombre=Count("pk"), minutes=Sum("duree_minutes"))
        .order_by()
        .values_list("type", "profession_auteur", "nombre", "minutes")
    )
    par_type, par_profession, minutes_par_profession = Counter(), Counter(), Counter()
    for type_, profession, nombre, minutes in groupes:
        par_type[type_] += nombre
        par_profession[profession] += nombre
        minutes_par_profession[profession] += minutes
    destinations = dict(
        OrientationPartenaire.objects.filter(intervention__in=de_la_periode)
        .values("destination")
        .annotate(nombre=Count("pk"))
        .order_by()
        .values_list("destination", "nombre")
    )
    return {
        "total": sum(par_type.values()),
        "par_type": _repartition(TypeIntervention, par_type),
        "par_profession": _repartition(Profession, par_profession),
        "visites_domicile": par_type.get(TypeIntervention.VISITE_DOMICILE, 0),
        "visites_sans_reponse": par_type.get(TypeIntervention.VISITE_SANS_REPONSE, 0),
        "heures_total": _heures(sum(minutes_par_profession.values())),
        "heures_par_profession": [
            {
                "code": valeur,
                "libelle": str(libelle),
                "heures": _heures(minutes_par_profession.get(valeur, 0)),
            }
            for valeur, libelle in Profession.choices
        ],
        "orientations_partenaires": {
            "total": sum(destinations.values()),
            "par_destination": _repartition(DestinationPartenaire, destinations),
        },
    }


def _heures(minutes):
    return _arrondi(Decimal(minutes) / 60, 1)


def objectifs(dispositif, debut, fin):
    """Objectifs des épisodes actifs : fixés, atteints, partiellement, abandonnés (taux)."""
    par_statut = dict(
        Objectif.objects.filter(accompagnement__in=_episodes_actifs_qs(dispositif, debut, fin))
        .values("statut")
        .annotate(nombre=Count("pk"))
        .order_by()
        .values_list("statut", "nombre")
    )
    fixes = sum(par_statut.values())
    atteints = par_statut.get(StatutObjectif.ATTEINT, 0)
    partiels = par_statut.get(StatutObjectif.PARTIELLEMENT_ATTEINT, 0)
    abandonnes = par_statut.get(StatutObjectif.ABANDONNE, 0)
    return {
        "fixes": fixes,
        "atteints": atteints,
        "partiellement_atteints": partiels,
        "abandonnes": abandonnes,
        "taux_atteints": _taux(atteints, fixes),
        "taux_partiellement_atteints": _taux(partiels, fixes),
        "taux_abandonnes": _taux(abandonnes, fixes),
        "par_statut": _repartition(StatutObjectif, par_statut),
    }


def bilans(dispositif, debut, fin, aujourd_hui):
    """Bilans prévus dans la période : à temps, en retard, manquants, pas encore dus."""
    reference = min(aujourd_hui, fin)
    prevus = list(
        Bilan.objects.filter(
            accompagnement__dispositif=dispositif, date_prevue__range=(debut, fin)
        ).values_list("date_prevue", "date_realisation")
    )
    a_temps = en_retard = manquants = non_echus = 0
    for prevue, realisation in prevus:
        if realisation is not None:
            if realisation <= prevue + DELAI_BILAN_A_TEMPS:
                a_temps += 1
            else:
                en_retard += 1
        elif prevue < reference:
            manquants += 1
        else:
            non_echus += 1
    return {
        "prevus": len(prevus),
        "realises_a_temps": a_temps,
        "realises_en_retard": en_retard,
        "manquants": manquants,
        "non_echus": non_echus,
        "date_reference": _date_fr(reference),
        "taux_a_temps": _taux(a_temps, len(prevus)),
        "taux_en_retard": _taux(en_retard, len(prevus)),
        "taux_manquants": _taux(manquants, len(prevus)),
    }


def dette_et_expulsions(dispositif, episodes, clotures, debut, fin):
    """Dette à l'entrée et dernière connue, plans d'apurement, procédures, expulsions."""
    actifs = [e for e in episodes if e.actif_entre(debut, fin)]
    entree_du_menage = {}
    for e in actifs:
        entree_du_menage[e.menage_id] = min(e.date_debut, entree_du_menage.get(e.menage_id, fin))
    menages_actifs = _episodes_actifs_qs(dispositif, debut, fin).values("menage_id")

    releves = defaultdict(list)  # ménage → [(date, montant)] dans l'ordre (date, pk)
    for menage_id, jour, montant in (
        DetteLocative.objects.filter(menage__in=menages_actifs, date__lte=fin)
        .order_by("menage_id", "date", "pk")
        .values_list("menage_id", "date", "montant")
    ):
        releves[menage_id].append((jour, montant))

    dettes_entree, dettes_dernieres, en_baisse = [], [], 0
    for menage_id, suite in sorted(releves.items()):
        debut_menage = entree_du_menage[menage_id]
        avant = [montant for jour, montant in suite if jour <= debut_menage]
        entree = avant[-1] if avant else suite[0][1]
        derniere = suite[-1][1]
        dettes_entree.append(entree)
        dettes_dernieres.append(derniere)
        en_baisse += derniere < entree

    plans = (
        PlanApurement.objects.filter(menage__in=menages_actifs, actif=True, date_debut__lte=fin)
        .values("menage_id")
        .distinct()
        .count()
    )
    procedures = Counter(
        e.stade_procedure_entree
        for e in actifs
        if e.stade_procedure_entree and e.stade_procedure_entree != StadeProcedure.AUCUNE
    )
    return {
        "menages_avec_dette": len(dettes_entree),
        "entree_total": _euros(sum(dettes_entree, Decimal(0))),
        "entree_mediane": _euros(_mediane(dettes_entree)),
        "derniere_total": _euros(sum(dettes_dernieres, Decimal(0))),
        "derniere_mediane": _euros(_mediane(dettes_dernieres)),
        "menages_dette_en_baisse": en_baisse,
        "plans_apurement_en_place": plans,
        "procedures_a_l_entree": sum(procedures.values()),
        "procedures_par_stade": [
            ligne
            for ligne in _repartition(StadeProcedure, procedures)
            if ligne["code"] != StadeProcedure.AUCUNE
        ],
        "expulsions_evitees": sum(1 for _, _, evitee in clotures if evitee),
        "expulsions": sum(1 for motif, _, _ in clotures if motif == MotifCloture.EXPULSION),
    }


def _charger_clotures(dispositif, debut, fin):
    return list(
        Cloture.objects.filter(accompagnement__dispositif=dispositif, date__range=(debut, fin))
        .order_by("pk")
        .values_list("motif", "maintien_dans_logement", "expulsion_evitee")
    )


def sorties(episodes, clotures, debut, fin):
    """Clôtures de la période par motif, maintien, relogements ; durée médiane des épisodes."""
    durees = [
        (e.date_fin - e.date_debut).days
        for e in episodes
        if e.date_fin and debut <= e.date_fin <= fin
    ]
    maintien = sum(1 for _, reste_dans_le_logement, _ in clotures if reste_dans_le_logement)
    return {
        "total": len(clotures),
        "par_motif": _repartition(MotifCloture, Counter(motif for motif, _, _ in clotures)),
        "maintien_dans_logement": maintien,
        "part_maintien": _taux(maintien, len(clotures)),
        "relogements": sum(1 for motif, _, _ in clotures if motif == MotifCloture.RELOGEMENT),
        "duree_mediane_jours": _arrondi(_mediane(durees), 1),
        "episodes_mesures": len(durees),
    }


def cout(dispositif, episodes, annee):
    """Budget annuel ÷ ménages suivis dans l'année civile, à côté du coût prévu."""
    debut_annee, fin_annee = date(annee, 1, 1), date(annee, 12, 31)
    menages = len({e.menage_id for e in episodes if e.actif_entre(debut_annee, fin_annee)})
    budget = dispositif.budget_annuel()
    return {
        "annee": annee,
        "budget_annuel": _euros(budget),
        "menages_suivis_annee": menages,
        "cout_par_menage": _euros(budget / menages) if menages else None,
        "cout_menage_prevu": _euros(dispositif.cout_menage_prevu),
    }


def gouvernance(dispositif, debut, fin):
    """Séances tenues par type de comité, décisions par nature."""
    debut_h, fin_h = _bornes_horaires(debut, fin)
    seances = Seance.objects.filter(
        comite__dispositif=dispositif, date__gte=debut_h, date__lt=fin_h
    )
    par_type = dict(
        seances.values("comite__type")
        .annotate(nombre=Count("pk"))
        .order_by()
        .values_list("comite__type", "nombre")
    )
    decisions = dict(
        Decision.objects.filter(seance__in=seances)
        .values("type")
        .annotate(nombre=Count("pk"))
        .order_by()
        .values_list("type", "nombre")
    )
    return {
        "seances_total": sum(par_type.values()),
        "seances_par_type": _repartition(TypeComite, par_type),
        "decisions_total": sum(decisions.values()),
        "decisions_par_type": _repartition(TypeDecision, decisions),
    }


# --- Point d'entrée -------------------------------------------------------------------------


def calculer_periode(dispositif, debut, fin, *, aujourd_hui=None):
    """Tous les chiffres de §4 pour [debut, fin] ; le coût porte sur l'année de `debut`."""
    if debut > fin:
        raise ValueError("La période commence après sa fin.")
    aujourd_hui = aujourd_hui or timezone.localdate()
    annee = debut.year
    territoires = list(
        Territoire.objects.filter(dispositif=dispositif).values_list("nom", flat=True)
    )
    # Un seul chargement sert la période et l'année civile (coût par ménage).
    episodes = _charger_episodes(
        dispositif, min(debut, date(annee, 1, 1)), max(fin, date(annee, 12, 31)), fin
    )
    clotures = _charger_clotures(dispositif, debut, fin)
    section_orientations, croisement = orientations(dispositif, episodes, debut, fin, territoires)
    return {
        "periode": {"debut": _date_fr(debut), "fin": _date_fr(fin)},
        "file_active": file_active(episodes, debut, fin, territoires),
        "orientations": section_orientations,
        "adhesion": adhesion(episodes, debut, fin),
        "interventions": interventions(dispositif, debut, fin),
        "objectifs": objectifs(dispositif, debut, fin),
        "bilans": bilans(dispositif, debut, fin, aujourd_hui),
        "dette_et_expulsions": dette_et_expulsions(dispositif, episodes, clotures, debut, fin),
        "sorties": sorties(episodes, clotures, debut, fin),
        "cout": cout(dispositif, episodes, annee),
        "gouvernance": gouvernance(dispositif, debut, fin),
        "croisement_problematique_territoire": croisement,
    }


def calculer(dispositif, annee, semestre, *, aujourd_hui=None):
    """Les chiffres du rapport semestriel de `dispositif` (voir `DEFINITIONS`).

    `aujourd_hui` (par défaut la date du jour, heure de Paris) ne compte que pour les bilans
    d'un semestre pas encore terminé.
    """
    debut, fin = bornes_semestre(annee, semestre)
    chiffres = calculer_periode(dispositif, debut, fin, aujourd_hui=aujourd_hui)
    chiffres["periode"] = {
        "annee": annee,
        "semestre": semestre,
        "libelle": f"{annee}-S{semestre}",
        **chiffres["periode"],
    }
    return chiffres
