"""Les chiffres que montrent le tableau de bord et la vue nationale : stockés, ou calculés et
gardés en cache.

Calculer tous les indicateurs d'un semestre (`indicateurs.calculer` : 24 requêtes, dont les
interventions de la période) prend une seconde et plus à l'échelle du programme national, et
ces pages sont l'accueil de la coordination, du COPIL et du financeur. Elles lisent donc :

1. **un semestre clos dont le rapport est prêt** (produit après la fin du semestre) : les
   chiffres STOCKÉS du rapport (`RapportSemestriel.chiffres` ; `RapportNational.chiffres` pour
   la vue nationale), cibles comprises, sans rien recalculer : ce que le COPIL a reçu, qui ne
   change plus. La page le dit (« Chiffres du rapport produit le … »). Un rapport produit par
   une version plus ancienne, à qui manque une section, n'est pas servi : on calcule ;
2. **sinon** (semestre en cours, ou clos sans rapport) : le calcul, gardé dans le cache de
   Django (Redis en production, par `CACHE_URL` : partagé entre les instances) pendant
   `INDICATEURS_CACHE_SECONDES` (0 : recalculé à chaque page). La clé : le dispositif (ou
   l'ensemble des dispositifs), le semestre, le jour (les bilans d'un semestre en cours dépendent
   d'aujourd'hui) et `indicateurs.VERSION`. La page dit « Chiffres calculés à HH:MM, mis à jour
   toutes les N minutes ». Les cibles et capacités, elles, sont relues à chaque page : une
   cible changée se voit tout de suite.

Les chiffres sont agrégés par dispositif, jamais par personne : une même entrée du cache sert
tous ceux qui ont le droit de la voir, et ce module ne décide d'aucun droit. La vue choisit
d'abord, par `core.permissions`, le dispositif que la personne voit (ou refuse), et ne demande
ses chiffres qu'ensuite.

La vue nationale lit les chiffres de chaque dispositif sous la même clé que son tableau de bord
(une page remplit le cache de l'autre), et ceux de l'ensemble sous la sienne. Le rapport produit
par la tâche, lui, calcule toujours (`indicateurs.calculer`, `national.calculer`), sans cache.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from core.models import Dispositif

from . import indicateurs, national, pilotage
from .enums import StatutRapport
from .models import RapportNational, RapportSemestriel

# Ce que doivent porter des chiffres stockés pour être servis tels quels.
CLES_DU_RAPPORT = (*indicateurs.SECTIONS, "cibles", "capacites_territoires")
CLES_DU_RAPPORT_NATIONAL = ("dispositifs", "ensemble")


@dataclass(frozen=True)
class ChiffresServis:
    """Les chiffres d'une page et d'où ils viennent : `produit_le` (rapport stocké) ou
    `calcule_le` (calcul, peut-être lu dans le cache)."""

    chiffres: dict
    produit_le: datetime | None = None
    calcule_le: datetime | None = None

    @property
    def provenance(self):
        """La phrase que la page montre sous son titre."""
        if self.produit_le is not None:
            moment = timezone.localtime(self.produit_le)
            return (
                f"Chiffres du rapport produit le {moment:%d/%m/%Y} à {moment:%H:%M} : "
                "un rapport produit ne change plus."
            )
        moment = timezone.localtime(self.calcule_le)
        duree = duree_du_cache()
        if not duree:
            return f"Chiffres calculés à {moment:%H:%M}."
        return f"Chiffres calculés à {moment:%H:%M}, mis à jour {frequence(duree)}."


def duree_du_cache():
    return max(int(getattr(settings, "INDICATEURS_CACHE_SECONDES", 0) or 0), 0)


def frequence(secondes):
    """« toutes les 5 minutes », « chaque minute », « toutes les 90 secondes »."""
    if secondes % 60:
        return "chaque seconde" if secondes == 1 else f"toutes les {secondes} secondes"
    minutes = secondes // 60
    return "chaque minute" if minutes == 1 else f"toutes les {minutes} minutes"


# --- Rapports stockés ---------------------------------------------------------------------------


def _stocke(rapports, fin, cles):
    """(chiffres, terminé le) du rapport prêt de `rapports`, produit après `fin` et portant
    toutes les `cles` ; None sinon (une requête)."""
    ligne = (
        rapports.filter(statut=StatutRapport.PRET, termine_le__date__gt=fin)
        .values_list("chiffres", "termine_le")
        .first()
    )
    if ligne is None:
        return None
    chiffres, termine_le = ligne
    if not isinstance(chiffres, dict) or any(cle not in chiffres for cle in cles):
        return None
    return ChiffresServis(chiffres, produit_le=termine_le)


def _semestre_clos(annee, semestre, aujourd_hui):
    _, fin = indicateurs.bornes_semestre(annee, semestre)
    return fin if fin < aujourd_hui else None


# --- Calculs gardés en cache --------------------------------------------------------------------


def cle_du_cache(perimetre, annee, semestre, aujourd_hui):
    """« rapports:chiffres:v1:d12:2026-S2:2026-12-02 » (un dispositif) ou
    « …:ensemble-1-2:… » (l'ensemble, par ses dispositifs)."""
    if isinstance(perimetre, indicateurs.Ensemble):
        qui = "ensemble-" + "-".join(str(pk) for pk in perimetre.ids)
    else:
        qui = f"d{perimetre.pk}"
    return (
        f"rapports:chiffres:v{indicateurs.VERSION}:{qui}:{annee}-S{semestre}:"
        f"{aujourd_hui.isoformat()}"
    )


def _calcule(perimetre, annee, semestre, aujourd_hui, *, recalculer=False):
    """(chiffres de `indicateurs.calculer`, calculés le) : lus dans le cache, ou calculés et
    gardés `INDICATEURS_CACHE_SECONDES` (`recalculer` : calculés et gardés même s'ils y
    sont encore)."""
    duree = duree_du_cache()
    cle = cle_du_cache(perimetre, annee, semestre, aujourd_hui)
    if duree and not recalculer:
        garde = cache.get(cle)
        if garde is not None:
            return garde
    valeur = (
        indicateurs.calculer(perimetre, annee, semestre, aujourd_hui=aujourd_hui),
        timezone.now(),
    )
    if duree:
        cache.set(cle, valeur, duree)
    return valeur


def rafraichir():
    """Recalcule et remet en cache, avant qu'ils n'expirent, les chiffres que les pages lisent
    par défaut : le semestre en cours de chaque dispositif et de l'ensemble (tâche planifiée
    `rapports.tasks.rafraichir_les_chiffres`, une minute avant l'expiration : réglages,
    `CELERY_BEAT_SCHEDULE`). La
    coordination, le COPIL et le financeur ne paient plus le calcul d'une entrée expirée : ils
    lisent toujours le cache. Rend le nombre de calculs (0 sans cache : les pages calculent)."""
    if not duree_du_cache():
        return 0
    aujourd_hui = timezone.localdate()
    annee, semestre = indicateurs.parse_semestre(indicateurs.semestres_proposes(aujourd_hui)[0])
    dispositifs = list(Dispositif.objects.order_by("nom"))
    perimetres = [*dispositifs, indicateurs.Ensemble(tuple(dispositifs))] if dispositifs else []
    for perimetre in perimetres:
        _calcule(perimetre, annee, semestre, aujourd_hui, recalculer=True)
    return len(perimetres)


# --- Les pages ----------------------------------------------------------------------------------


def du_tableau_de_bord(dispositif, annee, semestre):
    """Les chiffres du tableau de bord de `dispositif` (droits déjà vérifiés par la vue), avec
    leurs cibles (`pilotage.avec_cibles`)."""
    aujourd_hui = timezone.localdate()
    fin = _semestre_clos(annee, semestre, aujourd_hui)
    if fin is not None:
        stocke = _stocke(
            RapportSemestriel.objects.filter(dispositif=dispositif, annee=annee, semestre=semestre),
            fin,
            CLES_DU_RAPPORT,
        )
        if stocke is not None:
            return stocke
    chiffres, calcule_le = _calcule(dispositif, annee, semestre, aujourd_hui)
    return ChiffresServis(pilotage.avec_cibles(chiffres, dispositif), calcule_le=calcule_le)


def de_la_vue_nationale(annee, semestre):
    """Les chiffres de la vue nationale (`national.calculer` : chaque dispositif et l'ensemble),
    pour une personne dont l'habilitation nationale est déjà vérifiée."""
    aujourd_hui = timezone.localdate()
    fin = _semestre_clos(annee, semestre, aujourd_hui)
    if fin is not None:
        stocke = _stocke(
            RapportNational.objects.filter(annee=annee, semestre=semestre),
            fin,
            CLES_DU_RAPPORT_NATIONAL,
        )
        if stocke is not None:
            return stocke
    dispositifs = list(Dispositif.objects.order_by("nom"))
    calculs = [
        (dispositif, *_calcule(dispositif, annee, semestre, aujourd_hui))
        for dispositif in dispositifs
    ]
    ensemble, calcule_le = _calcule(
        indicateurs.Ensemble(tuple(dispositifs)), annee, semestre, aujourd_hui
    )
    chiffres = national.assembler(
        [(dispositif, chiffres) for dispositif, chiffres, _ in calculs], ensemble
    )
    # Le plus ancien des calculs : c'est lui qui sera rafraîchi le premier.
    plus_ancien = min([calcule_le, *(moment for _, _, moment in calculs)])
    return ChiffresServis(chiffres, calcule_le=plus_ancien)
