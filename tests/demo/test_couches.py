"""La démonstration est au-dessus de tout : aucune autre partie du produit ne l'importe."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings


def modules_importes(fichier):
    for noeud in ast.walk(ast.parse(fichier.read_text(encoding="utf-8"))):
        if isinstance(noeud, ast.Import):
            yield from (alias.name for alias in noeud.names)
        elif isinstance(noeud, ast.ImportFrom) and noeud.level == 0 and noeud.module:
            yield noeud.module


def test_aucune_app_du_produit_n_importe_la_demo():
    racine = Path(settings.BASE_DIR).resolve()
    dossiers = [
        Path(config.path).resolve()
        for config in apps.get_app_configs()
        if config.name != "demo"
        and Path(config.path).resolve().is_relative_to(racine)
        and "site-packages" not in Path(config.path).parts
    ]
    assert {dossier.name for dossier in dossiers} >= {"core", "menages", "comites"}
    fautifs = [
        f"{fichier.relative_to(racine)} : {module}"
        for dossier in dossiers
        for fichier in dossier.rglob("*.py")
        for module in modules_importes(fichier)
        if module == "demo" or module.startswith("demo.")
    ]
    assert fautifs == []
