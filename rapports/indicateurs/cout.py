"""Coût : le budget annuel rapporté aux ménages suivis dans l'année civile."""

from datetime import date

from .mise_en_forme import euros

TITRE = "Coût"

DEFINITIONS = {
    "cout.annee": "Année civile du semestre.",
    "cout.budget_annuel": "Somme des lignes du budget annuel du dispositif (en euros).",
    "cout.menages_suivis_annee": "Ménages distincts ayant un épisode actif au moins un jour de "
    "l'année civile du semestre (du 1er janvier au 31 décembre).",
    "cout.cout_par_menage": "Budget annuel ÷ ménages suivis dans l'année (en euros) ; vide "
    "sans ménage suivi.",
    "cout.cout_menage_prevu": "Coût par ménage et par an prévu au dossier du dispositif (en "
    "euros).",
}


def calculer(dispositif, episodes, annee):
    """Budget annuel ÷ ménages suivis dans l'année civile, à côté du coût prévu."""
    debut_annee, fin_annee = date(annee, 1, 1), date(annee, 12, 31)
    menages = len({e.menage_id for e in episodes if e.actif_entre(debut_annee, fin_annee)})
    budget = dispositif.budget_annuel()
    return {
        "annee": annee,
        "budget_annuel": euros(budget),
        "menages_suivis_annee": menages,
        "cout_par_menage": euros(budget / menages) if menages else None,
        "cout_menage_prevu": euros(dispositif.cout_menage_prevu),
    }
