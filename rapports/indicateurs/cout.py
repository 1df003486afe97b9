"""Coût : le budget annuel, les diagnostics et la gestion locative adaptée, rapportés aux
ménages suivis dans l'année civile ; le financement demandé et les cofinancements."""

from datetime import date
from decimal import Decimal

from core.enums import Parcours

from .mise_en_forme import euros
from .perimetre import Ensemble

TITRE = "Coût"

DEFINITIONS = {
    "cout.annee": "Année civile du semestre.",
    "cout.budget_annuel": "Somme des lignes du budget annuel du dispositif (en euros).",
    "cout.menages_suivis_annee": "Ménages distincts ayant un épisode actif au moins un jour de "
    "l'année civile du semestre (du 1er janvier au 31 décembre).",
    "cout.diagnostics": "Épisodes commencés dans l'année civile (un diagnostic chacun).",
    "cout.cout_diagnostics": "Diagnostics × coût du diagnostic par ménage des réglages du "
    "dispositif (en euros).",
    "cout.menages_gestion_locative": "Ménages suivis dans l'année dont l'épisode relève du "
    "parcours accès (gestion locative adaptée du logement).",
    "cout.cout_gestion_locative": "Ces ménages × coût annuel de la gestion locative adaptée des "
    "réglages du dispositif (en euros).",
    "cout.cout_total": "Budget annuel + diagnostics + gestion locative adaptée (en euros).",
    "cout.cout_par_menage": "Coût total ÷ ménages suivis dans l'année (en euros) ; vide sans "
    "ménage suivi.",
    "cout.cout_menage_prevu": "Coût par ménage et par an prévu au dossier du dispositif (en "
    "euros).",
    "cout.financement_demande": "Financement annuel demandé au programme, d'après les réglages "
    "du dispositif (en euros).",
    "cout.cofinancement": "Cofinancements annuels, d'après les réglages du dispositif (en euros).",
}


def calculer(dispositif, episodes, annee):
    """Coût total (budget, diagnostics, gestion locative adaptée) ÷ ménages suivis dans
    l'année civile, à côté du coût prévu."""
    debut_annee, fin_annee = date(annee, 1, 1), date(annee, 12, 31)
    de_l_annee = [e for e in episodes if e.actif_entre(debut_annee, fin_annee)]
    menages = len({e.menage_id for e in de_l_annee})
    diagnostics = sum(1 for e in de_l_annee if debut_annee <= e.date_debut <= fin_annee)
    menages_acces = len({e.menage_id for e in de_l_annee if e.parcours == Parcours.ACCES})
    budget = dispositif.budget_annuel()
    # Chaque dispositif a ses coûts unitaires : sur l'ensemble, chacun compte les siens.
    cout_diagnostics = cout_gestion = Decimal(0)
    for un in dispositif.dispositifs if isinstance(dispositif, Ensemble) else (dispositif,):
        siens = [e for e in de_l_annee if e.dispositif_id in (None, un.pk)]
        cout_diagnostics += un.cout_diagnostic * sum(
            1 for e in siens if debut_annee <= e.date_debut <= fin_annee
        )
        cout_gestion += un.cout_gestion_locative_adaptee * len(
            {e.menage_id for e in siens if e.parcours == Parcours.ACCES}
        )
    total = budget + cout_diagnostics + cout_gestion
    return {
        "annee": annee,
        "budget_annuel": euros(budget),
        "menages_suivis_annee": menages,
        "diagnostics": diagnostics,
        "cout_diagnostics": euros(cout_diagnostics),
        "menages_gestion_locative": menages_acces,
        "cout_gestion_locative": euros(cout_gestion),
        "cout_total": euros(total),
        "cout_par_menage": euros(total / menages) if menages else None,
        "cout_menage_prevu": euros(dispositif.cout_menage_prevu),
        "financement_demande": euros(_somme(dispositif, "financement_demande")),
        "cofinancement": euros(_somme(dispositif, "cofinancement")),
    }


def _somme(perimetre, champ):
    dispositifs = perimetre.dispositifs if isinstance(perimetre, Ensemble) else (perimetre,)
    return sum((getattr(un, champ) or Decimal(0) for un in dispositifs), Decimal(0))
