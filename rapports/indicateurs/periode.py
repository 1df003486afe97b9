"""La période d'un rapport : le semestre (« 2026-S1 »), ses bornes, ses mois, ses heures.

Une période [debut, fin] va du premier au dernier jour inclus ; S1 = 1er janvier – 30 juin,
S2 = 1er juillet – 31 décembre. Les moments (séances, interventions) se rapportent aux jours
à l'heure de Paris.
"""

import re
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from core.bornes import DATE_MINIMUM

TITRE = "Période"

DEFINITIONS = {
    "periode.annee": "Année civile du semestre.",
    "periode.semestre": "Semestre : 1 (1er janvier – 30 juin) ou 2 (1er juillet – 31 décembre).",
    "periode.libelle": "Le semestre sous la forme AAAA-S1 ou AAAA-S2.",
    "periode.debut": "Premier jour de la période, inclus.",
    "periode.fin": "Dernier jour de la période, inclus.",
}


_FORMAT_SEMESTRE = re.compile(r"^\s*(\d{4})-[sS]([12])\s*$")


def parse_semestre(texte):
    """« 2026-S1 » → (2026, 1). ValueError (message en français) pour tout autre texte."""
    correspondance = _FORMAT_SEMESTRE.match(texte) if isinstance(texte, str) else None
    if correspondance is None:
        raise ValueError(
            f"Semestre invalide : « {texte} ». Écrivez l'année puis S1 ou S2, par exemple "
            "2026-S1 (janvier à juin) ou 2026-S2 (juillet à décembre)."
        )
    annee, semestre = int(correspondance.group(1)), int(correspondance.group(2))
    bornes_semestre(annee, semestre)  # refuse une année hors bornes, avec son message
    return annee, semestre


def bornes_semestre(annee, semestre):
    """(premier jour, dernier jour) du semestre, inclus : S1 1/1–30/6, S2 1/7–31/12."""
    if semestre not in (1, 2):
        raise ValueError(f"Semestre invalide : {semestre}. Un semestre vaut 1 ou 2.")
    # Aucune donnée n'est antérieure à 2000 ; l'an 9999 déborderait du calendrier aux bornes.
    if (
        not isinstance(annee, int)
        or not DATE_MINIMUM.year <= annee <= timezone.localdate().year + 1
    ):
        raise ValueError(f"Année invalide : {annee} (de {DATE_MINIMUM.year} à l'an prochain).")
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


def mois_de(debut, fin):
    """Les mois de la période : (premier jour, dernier jour) de chacun, rognés à la période."""
    mois = []
    courant = debut.replace(day=1)
    while courant <= fin:
        suivant = (courant.replace(day=28) + timedelta(days=4)).replace(day=1)
        mois.append((max(courant, debut), min(suivant - timedelta(days=1), fin)))
        courant = suivant
    return mois


def bornes_horaires(debut, fin):
    """[minuit du premier jour, minuit du lendemain du dernier jour[, heure de Paris."""
    zone = timezone.get_default_timezone()
    return (
        datetime.combine(debut, time.min, tzinfo=zone),
        datetime.combine(fin + timedelta(days=1), time.min, tzinfo=zone),
    )


def jour_local(moment):
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def actif_entre(debut, fin):
    """Épisode actif au moins un jour de [debut, fin]."""
    return Q(date_debut__lte=fin) & (Q(date_fin__isnull=True) | Q(date_fin__gte=debut))
