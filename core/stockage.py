"""Les fichiers privés passent par le stockage de Django, jamais par un chemin du disque.

Par défaut, le stockage est le système de fichiers sous `VAR_DIR/prive` (0700, fichiers en 0600) ;
en production à plusieurs machines, un stockage objet compatible S3 (réglages `STOCKAGE_S3_*`),
de sorte que n'importe quelle instance serve un fichier qu'un worker d'une autre machine a écrit.
Aucune URL de ces fichiers n'est jamais donnée : ils ne sortent que par des vues qui vérifient les
droits et journalisent.
"""

import os
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, storages


def stockage():
    return storages["default"]


def enregistrer(nom, contenu):
    """Écrit `contenu` (octets) sous `nom`, en remplaçant l'ancien fichier de ce nom.

    Sur le disque, le fichier est écrit à côté puis renommé : un lecteur voit l'ancien ou le
    nouveau, jamais un fichier à moitié écrit. Un stockage objet remplace l'objet d'un bloc.
    """
    cible = stockage()
    if isinstance(cible, FileSystemStorage):
        chemin = Path(cible.path(nom))
        chemin.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descripteur, temporaire = tempfile.mkstemp(suffix=".partiel", dir=chemin.parent)
        try:
            with os.fdopen(descripteur, "wb") as fichier:
                fichier.write(contenu)
            os.chmod(temporaire, 0o600)
            os.replace(temporaire, chemin)
        except BaseException:
            Path(temporaire).unlink(missing_ok=True)
            raise
        return nom
    if cible.exists(nom):
        cible.delete(nom)
    return cible.save(nom, ContentFile(contenu))


def existe(nom):
    return bool(nom) and stockage().exists(nom)


def ouvrir(nom):
    """Le fichier ouvert en lecture binaire (à fermer par l'appelant ; FileResponse le fait)."""
    return stockage().open(nom, "rb")


def lire(nom):
    with ouvrir(nom) as fichier:
        return fichier.read()


def supprimer(nom):
    if nom:
        stockage().delete(nom)


def emplacement(nom):
    """Où se trouve le fichier, pour l'exploitant : un chemin du disque, ou l'adresse de l'objet."""
    cible = stockage()
    if isinstance(cible, FileSystemStorage):
        return cible.path(nom)
    prefixe = getattr(cible, "location", "")
    cle = f"{prefixe.strip('/')}/{nom}" if prefixe else nom
    return f"s3://{getattr(cible, 'bucket_name', '?')}/{cle}"
