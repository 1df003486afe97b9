"""Les fichiers d'un rapport semestriel : le PDF, le classeur des chiffres, et leur rangement.

Les fichiers sont rangés sous `VAR_DIR/prive/rapports/`, jamais sous une URL publique. Un
fichier s'écrit d'abord à côté, en « .partiel », puis `services.produire_rapport` le renomme :
un échec ne laisse jamais de fichier à moitié écrit.
"""

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from core.fichiers import dossier_prive
from core.pdf import rendre_pdf

from . import graphiques, indicateurs, pilotage
from .classeur import classeur_des_chiffres

GABARIT_PDF = "pdf/rapport_semestriel.html"


def dossier_rapports():
    return dossier_prive(Path(settings.VAR_DIR) / "prive" / "rapports")


def chemin(nom):
    return dossier_rapports() / nom


def noms_des_fichiers(rapport):
    """{"pdf": nom, "xlsx": nom} : le dispositif et le semestre, rien d'autre."""
    base = f"{rapport.dispositif.slug}-{rapport.libelle_semestre}"
    return {"pdf": f"rapport-{base}.pdf", "xlsx": f"chiffres-{base}.xlsx"}


def ecrire_temporaire(contenu, extension):
    """Écrit `contenu` dans un fichier « .partiel » du dossier des rapports ; rend son nom."""
    descripteur, nom = tempfile.mkstemp(suffix=f".{extension}.partiel", dir=dossier_rapports())
    with os.fdopen(descripteur, "wb") as fichier:
        fichier.write(contenu)
    return nom


def pdf(rapport, chiffres):
    return rendre_pdf(GABARIT_PDF, contexte_pdf(rapport, chiffres))


def comparaisons(rapport, chiffres):
    """Chaque chiffre suivi à côté de sa cible et des semestres précédents (stockés)."""
    return pilotage.comparer(
        chiffres,
        pilotage.semestres_precedents(rapport.dispositif, rapport.annee, rapport.semestre),
    )


def contexte_pdf(rapport, chiffres):
    return {
        "rapport": rapport,
        "dispositif": rapport.dispositif,
        "chiffres": chiffres,
        "pilotage": comparaisons(rapport, chiffres),
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
