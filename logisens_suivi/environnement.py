"""Lecture typée des variables d'environnement, avec un message clair en cas d'erreur."""

import os

from django.core.exceptions import ImproperlyConfigured

VRAI = {"1", "true", "vrai", "oui", "yes", "on"}
FAUX = {"0", "false", "faux", "non", "no", "off", ""}


def env_str(nom, defaut=""):
    return os.environ.get(nom, defaut).strip()


def env_bool(nom, defaut=False):
    brut = os.environ.get(nom)
    if brut is None:
        return defaut
    valeur = brut.strip().lower()
    if valeur in VRAI:
        return True
    if valeur in FAUX:
        return False
    raise ImproperlyConfigured(f"{nom} doit valoir 1 ou 0 (reçu : {brut!r}).")


def env_int(nom, defaut):
    brut = os.environ.get(nom)
    if brut is None or not brut.strip():
        return defaut
    try:
        return int(brut)
    except ValueError:
        raise ImproperlyConfigured(f"{nom} doit être un nombre entier (reçu : {brut!r}).") from None


def env_liste(nom, defaut=""):
    """Liste séparée par des virgules ; les éléments vides sont ignorés."""
    return [element.strip() for element in env_str(nom, defaut).split(",") if element.strip()]
