"""Les couches : `rapports` lit les apps du domaine, aucune d'elles ne dépend de `rapports`."""

import ast
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]
EN_DESSOUS = ["core", "menages", "accompagnement", "comites"]


def modules_importes(fichier):
    """Les modules qu'importe `fichier`, au niveau du module comme dans une fonction."""
    for noeud in ast.walk(ast.parse(fichier.read_text(), filename=str(fichier))):
        if isinstance(noeud, ast.Import):
            yield from (alias.name for alias in noeud.names)
        elif isinstance(noeud, ast.ImportFrom) and noeud.level == 0 and noeud.module:
            yield noeud.module


@pytest.mark.parametrize("app", EN_DESSOUS)
def test_les_apps_du_dessous_n_importent_pas_rapports(app):
    fautifs = [
        f"{fichier.relative_to(RACINE)} : {module}"
        for fichier in sorted((RACINE / app).rglob("*.py"))
        # La démonstration raconte toute l'histoire, rapport compris : elle est au-dessus de tout.
        if fichier.name != "demo.py"
        for module in modules_importes(fichier)
        if module == "rapports" or module.startswith("rapports.")
    ]
    assert fautifs == []
