"""La vue nationale du financeur : chaque dispositif côte à côte, et l'ensemble consolidé.

Ce que le financeur national reçoit, et seulement cela (jamais un nom, jamais une ligne) :

- côte à côte : les indicateurs de `INDICATEURS` de chaque dispositif, lus dans les chiffres
  du rapport de ce dispositif (`indicateurs.calculer`, déjà masqués) ;
- consolidé : les chiffres recalculés sur les données de l'ensemble des dispositifs puis
  masqués une fois (`indicateurs.calculer_ensemble`) — jamais la somme de chiffres masqués.

Le croisement problématique × territoire n'est pas publié dans la vue nationale : ses
colonnes sont les territoires d'un dispositif, déjà publiés dans le rapport de ce dispositif
avec leur propre masquage complémentaire ; publier le même tableau masqué autrement permettrait
de retrouver une case masquée par différence. Les répartitions par problématique de l'ensemble
restent, masquées comme dans un rapport (« < 5 », « s »), et en plus partout où l'un des
dispositifs masque la sienne (`masquer_comme_les_dispositifs`) : sinon le total de l'ensemble
moins les valeurs visibles des autres dispositifs redonnerait la valeur masquée.
"""

from dataclasses import dataclass

from django.utils import timezone

from core.models import Dispositif
from core.pdf import rendre_pdf
from core.templatetags.formats_fr import euros, pourcentage

from . import documents, graphiques, indicateurs
from .classeur import (
    UNITE_EFFECTIF,
    UNITE_EUROS,
    UNITE_HEURES,
    UNITE_JOURS,
    UNITE_POURCENTAGE,
    classeur_des_chiffres,
)

GABARIT_PDF = "pdf/rapport_national.html"
SECTION_NON_PUBLIEE = "croisement_problematique_territoire"


@dataclass(frozen=True)
class Indicateur:
    section: str
    cle: str
    libelle: str
    format: str = "nombre"  # nombre, pourcentage, euros, jours, heures

    def valeur(self, chiffres):
        return (chiffres.get(self.section) or {}).get(self.cle)

    def affiche(self, valeur):
        """La valeur à la française (« 12,5 % », « 4 833 € ») ; « — » quand elle manque."""
        if valeur is None:
            return "—"
        if isinstance(valeur, str):  # « < 5 », « s »
            return valeur
        if self.format == "pourcentage":
            return pourcentage(valeur, 1)
        if self.format == "euros":
            return euros(valeur)
        texte = f"{valeur:,}".replace(",", "\u202f").replace(".", ",")
        return {"jours": f"{texte} j", "heures": f"{texte} h"}.get(self.format, texte)


INDICATEURS = (
    Indicateur("file_active", "menages_actifs", "Ménages accompagnés"),
    Indicateur("file_active", "episodes_actifs", "Épisodes actifs"),
    Indicateur("file_active", "nouveaux_episodes", "Nouveaux épisodes"),
    Indicateur("file_active", "episodes_clos", "Épisodes clos"),
    Indicateur("orientations", "recues", "Orientations reçues"),
    Indicateur("adhesion", "taux", "Taux d'adhésion", "pourcentage"),
    Indicateur("interventions", "total", "Interventions"),
    Indicateur("interventions", "visites_domicile", "Visites à domicile"),
    Indicateur("interventions", "heures_total", "Heures d'intervention", "heures"),
    Indicateur("objectifs", "fixes", "Objectifs fixés"),
    Indicateur("objectifs", "taux_atteints", "Objectifs atteints", "pourcentage"),
    Indicateur("bilans", "prevus", "Bilans prévus"),
    Indicateur("bilans", "taux_a_temps", "Bilans faits à temps", "pourcentage"),
    Indicateur("bilans", "manquants", "Bilans manquants"),
    Indicateur("dette_et_expulsions", "procedures_a_l_entree", "Procédures engagées à l'entrée"),
    Indicateur("dette_et_expulsions", "expulsions_evitees", "Expulsions évitées"),
    Indicateur("dette_et_expulsions", "expulsions", "Expulsions"),
    Indicateur("dette_et_expulsions", "plans_apurement_en_place", "Plans d'apurement en place"),
    Indicateur("sorties", "total", "Sorties (clôtures)"),
    Indicateur("sorties", "part_maintien", "Maintien dans le logement", "pourcentage"),
    Indicateur("sorties", "relogements", "Relogements"),
    Indicateur("sorties", "duree_mediane_jours", "Durée médiane d'un épisode", "jours"),
    Indicateur("cout", "budget_annuel", "Budget annuel", "euros"),
    Indicateur("cout", "menages_suivis_annee", "Ménages suivis dans l'année"),
    Indicateur("cout", "cout_par_menage", "Coût par ménage", "euros"),
    Indicateur("gouvernance", "seances_total", "Séances de comité"),
    Indicateur("gouvernance", "decisions_total", "Décisions de comité"),
)


def publiable(chiffres):
    """Les chiffres consolidés tels que la vue nationale les publie (voir l'en-tête)."""
    return {cle: valeur for cle, valeur in chiffres.items() if cle != SECTION_NON_PUBLIEE}


def calculer(annee, semestre, *, aujourd_hui=None):
    """{"dispositifs": [{"slug", "nom", "chiffres"}], "ensemble": chiffres consolidés}.

    Sérialisable en JSON, gardé avec le rapport consolidé : le rapport d'un semestre se relit
    tel qu'il a été produit.
    """
    dispositifs = list(Dispositif.objects.order_by("nom"))
    return assembler(
        [
            (dispositif, indicateurs.calculer(dispositif, annee, semestre, aujourd_hui=aujourd_hui))
            for dispositif in dispositifs
        ],
        indicateurs.calculer_ensemble(dispositifs, annee, semestre, aujourd_hui=aujourd_hui),
    )


def assembler(chiffres_des_dispositifs, chiffres_de_l_ensemble):
    """Le dictionnaire de `calculer` à partir des chiffres de chaque dispositif
    (`[(dispositif, indicateurs.calculer(…))]`, dans l'ordre des noms) et de ceux de
    l'ensemble (`indicateurs.calculer_ensemble`) : la partie publiable de chacun, l'ensemble
    masqué aussi là où un dispositif masque."""
    par_dispositif = [
        {"slug": dispositif.slug, "nom": dispositif.nom, "chiffres": publiable(chiffres)}
        for dispositif, chiffres in chiffres_des_dispositifs
    ]
    ensemble = masquer_comme_les_dispositifs(publiable(chiffres_de_l_ensemble), par_dispositif)
    return {"dispositifs": par_dispositif, "ensemble": ensemble}


def masquer_comme_les_dispositifs(ensemble, par_dispositif):
    """Masque (« s ») chaque problématique de l'ensemble qu'un dispositif masque chez lui."""
    masquees = {
        ligne["code"]
        for dispositif in par_dispositif
        for ligne in dispositif["chiffres"]["orientations"]["par_problematique"]
        if isinstance(ligne["nombre"], str)
    }
    orientations = ensemble["orientations"]
    return {
        **ensemble,
        "orientations": {
            **orientations,
            "par_problematique": [
                {**ligne, "nombre": indicateurs.MASQUE_COMPLEMENTAIRE}
                if ligne["code"] in masquees and not isinstance(ligne["nombre"], str)
                else ligne
                for ligne in orientations["par_problematique"]
            ],
        },
    }


def tableau_cote_a_cote(chiffres_nationaux):
    """[(indicateur, [valeur par dispositif], valeur de l'ensemble)] dans l'ordre d'INDICATEURS."""
    return [
        (
            indicateur,
            [indicateur.valeur(d["chiffres"]) for d in chiffres_nationaux["dispositifs"]],
            indicateur.valeur(chiffres_nationaux["ensemble"]),
        )
        for indicateur in INDICATEURS
    ]


def tableau_affiche(chiffres_nationaux):
    """Le même tableau, valeurs mises en forme pour une page ou un PDF."""
    return [
        (indicateur, [indicateur.affiche(v) for v in valeurs], indicateur.affiche(ensemble))
        for indicateur, valeurs, ensemble in tableau_cote_a_cote(chiffres_nationaux)
    ]


# --- Les fichiers du rapport consolidé ----------------------------------------------------------


def noms_des_fichiers(rapport):
    base = f"national-{rapport.libelle_semestre}"
    return {"pdf": f"rapport-{base}.pdf", "xlsx": f"chiffres-{base}.xlsx"}


def pdf(rapport, chiffres_nationaux):
    ensemble = chiffres_nationaux["ensemble"]
    return rendre_pdf(
        GABARIT_PDF,
        {
            "rapport": rapport,
            "chiffres": ensemble,
            "dispositifs": chiffres_nationaux["dispositifs"],
            "cote_a_cote": tableau_affiche(chiffres_nationaux),
            "graphiques": graphiques.graphiques_du_rapport(ensemble),
            "definitions": [
                (titre, textes)
                for titre, textes in documents.definitions_par_section()
                if titre != indicateurs.TITRES_SECTIONS[SECTION_NON_PUBLIEE]
            ],
            "produit_le": timezone.localtime(),
        },
    )


# L'unité d'un indicateur national dans le classeur (formats Excel de `rapports.classeur`).
UNITES_DU_CLASSEUR = {
    "nombre": UNITE_EFFECTIF,
    "pourcentage": UNITE_POURCENTAGE,
    "euros": UNITE_EUROS,
    "jours": UNITE_JOURS,
    "heures": UNITE_HEURES,
}


def classeur(chiffres_nationaux):
    """Le classeur consolidé, en tables propres comme celui d'un dispositif
    (`rapports.classeur`) : « Présentation », « Côte à côte » (une ligne par indicateur, une
    colonne par dispositif et l'ensemble), une feuille par section des chiffres consolidés (une
    ligne par catégorie), puis « Définitions ». Les nombres sont typés, au format Excel de leur
    unité (effectifs entiers, euros, pourcentages) ; « < 5 » et « s » restent exactement ces
    textes, ceux du PDF."""
    dispositifs = chiffres_nationaux["dispositifs"]
    ensemble = chiffres_nationaux["ensemble"]
    return classeur_des_chiffres(
        ensemble,
        presentation=[
            ("Rapport", "Rapport national consolidé (tous les dispositifs)"),
            ("Dispositifs", ", ".join(d["nom"] for d in dispositifs) or "aucun"),
            (
                "Ensemble",
                "Chiffres recalculés sur les données de tous les dispositifs puis masqués une "
                "fois ; une problématique masquée dans un dispositif l'est aussi dans l'ensemble.",
            ),
        ],
        definitions={
            cle: texte
            for cle, texte in indicateurs.DEFINITIONS.items()
            if not cle.startswith(SECTION_NON_PUBLIEE)
        },
        cote_a_cote=(
            [d["nom"] for d in dispositifs],
            [
                (indicateur.libelle, UNITES_DU_CLASSEUR[indicateur.format], valeurs, total)
                for indicateur, valeurs, total in tableau_cote_a_cote(chiffres_nationaux)
            ],
        ),
    )
