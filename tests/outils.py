"""Les petites aides que partagent les tests : lire une page (et son SQL) ou une liste, créer un
membre, se connecter."""

import csv
import html
import re
import shutil
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.factories import MembreFactory


def texte(reponse):
    """Le contenu de la page tel qu'on le lit (entités HTML décodées)."""
    return html.unescape(reponse.content.decode())


def lue_avec_son_sql(client, adresse):
    """`(texte, sql)` : la page à `adresse` telle qu'on la lit, et le SQL de toutes les requêtes
    qui l'ont faite, bout à bout (pour vérifier qu'une colonne n'est pas lue)."""
    with CaptureQueriesContext(connection) as requetes:
        contenu = texte(client.get(adresse))
    return contenu, " ".join(requete["sql"] for requete in requetes.captured_queries)


def membre(dispositif, role):
    """L'utilisateur d'un nouveau membre du dispositif, avec ce rôle."""
    return MembreFactory(dispositif=dispositif, role=role).user


def connecte(client, role, **kwargs):
    """Un nouveau membre avec ce rôle, connecté sur le client de test."""
    nouveau = MembreFactory(role=role, **kwargs)
    client.force_login(nouveau.user)
    return nouveau


def noms_affiches(reponse):
    """Les ménages d'une liste, dans l'ordre de la page (« Nom Prénom »)."""
    contenu = reponse.content.decode()
    return [nom.strip() for nom in re.findall(r'class="fw-semibold">([^<]*)</a>', contenu)]


# LibreOffice ouvre-t-il un classeur comme un tableur le ferait ? `make test` l'installe (paquet
# Debian libreoffice-calc-nogui) ; le test n'est sauté que sur une machine où il ne peut pas l'être
# (sans droits root), ce que `make test` annonce, et le classeur y reste relu par openpyxl.
AVEC_LIBREOFFICE = pytest.mark.skipif(
    shutil.which("soffice") is None,
    reason="LibreOffice (soffice) absent : apt-get install libreoffice-calc-nogui",
)
# Filtre CSV : séparateur « , », guillemets, UTF-8, valeurs formatées ; -1 = une feuille par
# fichier (<nom>-<feuille>.csv).
FILTRE_CSV_PAR_FEUILLE = (
    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
)


def feuilles_lues_par_libreoffice(contenu, dossier, nom):
    """Convertit le classeur `contenu` par LibreOffice sans interface ; rend une fonction qui lit
    une feuille (telle que LibreOffice l'affiche) comme une liste de rangées."""
    chemin = dossier / f"{nom}.xlsx"
    chemin.write_bytes(contenu)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{dossier}/profil",
            "--headless",
            "--convert-to",
            FILTRE_CSV_PAR_FEUILLE,
            "--outdir",
            str(dossier),
            str(chemin),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )

    def lire(feuille):
        with (dossier / f"{nom}-{feuille}.csv").open(encoding="utf-8") as fichier:
            return list(csv.reader(fichier))

    return lire
