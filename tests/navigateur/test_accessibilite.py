"""Accessibilité (WCAG 2.1 A et AA, le référentiel du RGAA 4) mesurée par axe-core.

Pour chaque rôle de la démonstration, les pages atteignables depuis l'accueil, une par motif
d'URL, sont analysées à 1 280 px puis à 375 px de large : aucune violation « grave » ou
« critique » n'est admise, et aucun identifiant n'est porté par deux éléments d'une même page.

Les comptes sont regroupés : la démonstration est chargée une fois par groupe, et chaque compte
du groupe se connecte à son tour dans le même contexte du navigateur (cookies effacés entre deux).
"""

import pytest
from django.urls import Resolver404, resolve

from .accessibilite import decrire, ids_en_double, violations
from .conftest import changer_de_largeur, se_connecter

ROLES = ("coordinateur", "ts", "infirmier", "psychologue", "bailleur", "cotech", "copil")
GROUPES = {
    # Tous les rôles de deux programmes, avec l'évaluateur de chacun.
    "cantal": [f"{role}.cantal@demo.test" for role in (*ROLES, "evaluateur")],
    "savoie": [f"{role}.savoie@demo.test" for role in (*ROLES, "evaluateur")],
    # Les prescripteurs (deux structures en Savoie, une dans le Nord), le troisième programme
    # vu de sa coordination et de son évaluation, le financeur national, l'administration.
    "prescripteurs, nord et national": [
        "prescripteur.savoie@demo.test",
        "prescripteur2.savoie@demo.test",
        "prescripteur.nord@demo.test",
        "coordinateur.nord@demo.test",
        "evaluateur.nord@demo.test",
        "financeur@demo.test",
        "admin@demo.test",
    ],
}
LARGEURS = (1280, 375)
# Liens qui ne mènent pas à une page HTML de lecture (téléchargements, sortie, administration).
A_EVITER = ("deconnexion", "/admin", "export", ".pdf", ".csv", ".xlsx", "/fiche")
PAGES_MAX = 40


def constats_de_la_page(page, compte, chemin, motif):
    """Les identifiants en double (à 1 280 px) et les violations graves à chaque largeur de la
    page affichée ; la page est rendue à 1 280 px ensuite."""
    constats = []
    doubles = ids_en_double(page)
    if doubles:
        constats.append(f"{compte} {chemin} ({motif}) : identifiants en double {doubles}")
    for largeur in LARGEURS:
        changer_de_largeur(page, largeur, 900)
        trouve = violations(page)
        if trouve:
            constats.append(f"{compte} {chemin} ({motif}) à {largeur} px :\n{decrire(trouve)}")
    page.set_viewport_size({"width": LARGEURS[0], "height": 900})
    return constats


def constats_du_compte(page, live_server, compte):
    """Parcourt en largeur depuis l'accueil, une page par motif d'URL, et mesure chaque page
    nouvelle dès qu'elle est affichée : les violations graves et les identifiants en double."""
    base = live_server.url
    se_connecter(page, live_server, compte)
    vues, a_voir, par_motif, constats = set(), ["/"], {}, []
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
        liens = page.eval_on_selector_all(
            "a[href^='/']", "liens => liens.map(l => l.getAttribute('href'))"
        )
        constats += constats_de_la_page(page, compte, chemin, motif)
        for lien in liens:
            if not any(morceau in lien for morceau in A_EVITER) and lien not in vues:
                a_voir.append(lien)
    # L'accueil et au moins une page : un compte qui n'ouvre rien ne mesure rien.
    assert len(par_motif) >= 2, f"{compte} : {par_motif}"
    return constats


@pytest.mark.parametrize("groupe", GROUPES)
def test_aucune_violation_grave_a_1280_et_375_px(demo, navigateur, live_server, groupe):
    contexte = navigateur.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    contexte.set_default_timeout(20_000)
    page = contexte.new_page()
    constats = []
    try:
        for compte in GROUPES[groupe]:
            constats += constats_du_compte(page, live_server, compte)
            contexte.clear_cookies()
        assert not constats, "\n".join(constats)
    finally:
        contexte.close()
