"""Les textes et tables de la démonstration, rangés dans `demo/donnees/*.toml`."""

import tomllib
from functools import cache
from pathlib import Path

DOSSIER = Path(__file__).resolve().parent / "donnees"


@cache
def lire(nom):
    """Le contenu de `demo/donnees/<nom>.toml` (lu une fois ; à ne pas modifier)."""
    with (DOSSIER / f"{nom}.toml").open("rb") as fichier:
        return tomllib.load(fichier)
