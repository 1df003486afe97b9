"""Accessibilité (WCAG 2.1 A et AA, le référentiel du RGAA 4) mesurée par axe-core.

Pour chaque rôle de la démonstration, les pages atteignables depuis l'accueil, une par motif
d'URL, sont analysées à 1 280 px puis à 375 px de large : aucune violation « grave » ou
« critique » n'est admise.
"""

import pytest
from django.urls import Resolver404, resolve

from .accessibilite import decrire, violations
from .conftest import se_connecter

COMPTES = [
    "coordinateur.cantal@demo.test",
    "ts.cantal@demo.test",
    "infirmier.cantal@demo.test",
    "psychologue.cantal@demo.test",
    "bailleur.cantal@demo.test",
    "cotech.cantal@demo.test",
    "copil.cantal@demo.test",
    "coordinateur.nord@demo.test",
]
LARGEURS = (1280, 375)
# Liens qui ne mènent pas à une page HTML de lecture (téléchargements, sortie, administration).
A_EVITER = ("deconnexion", "/admin", "export", ".pdf", ".csv", ".xlsx", "/fiche")
PAGES_MAX = 40


def pages_du_role(page, base):
    """Parcourt en largeur depuis l'accueil ; rend {motif: chemin} (une page par motif d'URL)."""
    vues, a_voir, par_motif = set(), ["/"], {}
    while a_voir and len(vues) < PAGES_MAX * 3 and len(par_motif) < PAGES_MAX:
        chemin = a_voir.pop(0)
        if chemin in vues:
            continue
        vues.add(chemin)
        try:
            motif = resolve(chemin.split("?")[0].split("#")[0]).route
        except Resolver404:
            continue
        if motif in par_motif:
            continue
        reponse = page.goto(base + chemin)
        if reponse is None or "text/html" not in reponse.headers.get("content-type", ""):
            continue
        par_motif[motif] = chemin
        for lien in page.eval_on_selector_all(
            "a[href^='/']", "liens => liens.map(l => l.getAttribute('href'))"
        ):
            if not any(morceau in lien for morceau in A_EVITER) and lien not in vues:
                a_voir.append(lien)
    return par_motif


@pytest.mark.parametrize("compte", COMPTES)
def test_aucune_violation_grave_a_1280_et_375_px(demo, navigateur, live_server, compte):
    contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    contexte.set_default_timeout(20_000)
    page = contexte.new_page()
    try:
        se_connecter(page, live_server, compte)
        pages = pages_du_role(page, live_server.url)
        assert len(pages) >= 3, pages
        constats = []
        for motif, chemin in sorted(pages.items()):
            page.set_viewport_size({"width": 1280, "height": 900})
            page.goto(live_server.url + chemin)
            for largeur in LARGEURS:
                page.set_viewport_size({"width": largeur, "height": 900})
                page.wait_for_timeout(50)  # le script de la page réagit au redimensionnement
                trouve = violations(page)
                if trouve:
                    constats.append(f"{chemin} ({motif}) à {largeur} px :\n{decrire(trouve)}")
        assert not constats, "\n".join(constats)
    finally:
        contexte.close()
