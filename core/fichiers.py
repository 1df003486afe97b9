"""Les fichiers privés du produit, sous `VAR_DIR` : lisibles par le seul compte du service.

`VAR_DIR` garde la base SQLite embarquée, les rapports et les fichiers privés (données de
ménages, de santé). Au démarrage de chaque processus (`CoreConfig.ready`), le masque de création
devient 0077 (tout fichier créé ensuite est en 0600, tout dossier en 0700), `VAR_DIR` est créé
en 0700 et ce qu'il contient déjà est ramené à 0700 (dossiers) et 0600 (fichiers). Les
fichiers enregistrés par le stockage de Django le sont en 0600 (`FILE_UPLOAD_PERMISSIONS`).
"""

import logging
import os
import stat
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

DOSSIER = 0o700
FICHIER = 0o600
MASQUE = 0o077


def restreindre_le_masque():
    os.umask(MASQUE)


def dossier_prive(chemin):
    """Crée `chemin` (et ce qui manque au-dessus, jusqu'à `VAR_DIR`) en 0700 ; le rend."""
    chemin = Path(chemin)
    manquants = []
    parent = chemin
    while not parent.exists():
        manquants.append(parent)
        parent = parent.parent
    chemin.mkdir(mode=DOSSIER, parents=True, exist_ok=True)
    for dossier in manquants:
        dossier.chmod(DOSSIER)  # mkdir applique le masque ; les parents, le mode par défaut
    return chemin


def proteger_var(var_dir=None):
    """`VAR_DIR` en 0700 et tout ce qu'il contient en 0700 / 0600.

    Un fichier qui n'appartient pas au compte du service est signalé, pas corrigé : le
    démarrage ne s'arrête pas pour autant.
    """
    racine = dossier_prive(var_dir or settings.VAR_DIR)
    _restreindre(racine, DOSSIER)
    for dossier, sous_dossiers, fichiers in os.walk(racine):
        for nom in sous_dossiers:
            _restreindre(Path(dossier) / nom, DOSSIER)
        for nom in fichiers:
            _restreindre(Path(dossier) / nom, FICHIER)


def _restreindre(chemin, mode):
    try:
        actuel = stat.S_IMODE(chemin.lstat().st_mode)
        if chemin.is_symlink() or actuel & ~mode == 0:
            return
        chemin.chmod(actuel & mode)
    except OSError as erreur:
        logger.warning("Droits de %s non restreints : %s", chemin, erreur)
