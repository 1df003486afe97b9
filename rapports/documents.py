"""Les fichiers d'un rapport semestriel : le PDF, le classeur des chiffres, et leur rangement.

Les fichiers sont rangés dans le stockage privé (`core.stockage` : `VAR_DIR/prive/rapports/` sur
le disque, ou le stockage objet), jamais sous une URL publique. Les deux documents sont produits
en mémoire avant d'être écrits : un échec de production n'écrit rien.
"""

from django.utils import timezone

from core import stockage
from core.pdf import rendre_pdf

from . import graphiques, indicateurs, pilotage
from .classeur import classeur_des_chiffres

GABARIT_PDF = "pdf/rapport_semestriel.html"


DOSSIER = "rapports"


def cle(nom):
    """La clé d'un fichier de rapport dans le stockage privé."""
    return f"{DOSSIER}/{nom}"


def noms_des_fichiers(rapport):
    """{"pdf": nom, "xlsx": nom} : le dispositif et le semestre, rien d'autre."""
    base = f"{rapport.dispositif.slug}-{rapport.libelle_semestre}"
    return {"pdf": f"rapport-{base}.pdf", "xlsx": f"chiffres-{base}.xlsx"}


def enregistrer(nom, contenu):
    stockage.enregistrer(cle(nom), contenu)


def existe(nom):
    return stockage.existe(cle(nom))


def ouvrir(nom):
    return stockage.ouvrir(cle(nom))


def lire(nom):
    return stockage.lire(cle(nom))


def emplacement(nom):
    return stockage.emplacement(cle(nom))


def pdf(rapport, chiffres):
    return rendre_pdf(GABARIT_PDF, contexte_pdf(rapport, chiffres))


def comparaisons(rapport, chiffres):
    """Chaque chiffre suivi à côté de sa cible et des semestres précédents (stockés)."""
    return pilotage.comparer(
        chiffres,
        pilotage.semestres_precedents(rapport.dispositif, rapport.annee, rapport.semestre),
    )


def contexte_pdf(rapport, chiffres):
    precedents = pilotage.semestres_precedents(rapport.dispositif, rapport.annee, rapport.semestre)
    return {
        "rapport": rapport,
        "dispositif": rapport.dispositif,
        **pilotage.contexte(chiffres, precedents),
        "definitions": definitions_par_section(),
        "graphiques": graphiques.graphiques_du_rapport(chiffres),
        "produit_le": timezone.localtime(),
    }


def definitions_par_section():
    """[(titre de section, [définitions])] dans l'ordre du rapport, pour la page des définitions."""
    sections = {}
    for cle, texte in indicateurs.DEFINITIONS.items():
        section = cle.split(".", 1)[0]
        if section != "periode":
            sections.setdefault(section, []).append(texte)
    return [
        (indicateurs.TITRES_SECTIONS.get(section, section), textes)
        for section, textes in sections.items()
    ]


def classeur(rapport, chiffres):
    """Les chiffres du rapport en XLSX, en tables propres (`classeur.classeur_des_chiffres`)."""
    dispositif = rapport.dispositif
    return classeur_des_chiffres(
        chiffres,
        presentation=[
            ("Dispositif", dispositif.nom),
            ("Porteur", dispositif.porteur.nom),
            ("Département", dispositif.departement),
        ],
        tendances=comparaisons(rapport, chiffres),
    )
