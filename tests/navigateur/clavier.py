"""Le clavier seul : Tab, Maj+Tab, Entrée, les flèches. Aucun clic.

`tabuler_jusqu_a` avance de champ en champ comme une personne qui ne se sert pas de la souris,
et vérifie à chaque arrêt que l'élément qui a le focus se voit (un anneau ou une ombre).
"""

import contextlib

from playwright.sync_api import TimeoutError as PlaywrightTimeout

# L'élément qui a le focus : sa description, et si un indicateur de focus est dessiné.
FOCUS = """(selecteur) => {
    const element = document.activeElement;
    if (!element || element === document.body) return null;
    const style = getComputedStyle(element);
    const anneau = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    const ombre = style.boxShadow !== 'none';
    const segmente = ['date', 'datetime-local', 'time'].includes(element.type);
    const etiquette = element.labels && element.labels.length ? element.labels[0].textContent : '';
    const nom = element.getAttribute('aria-label') || etiquette || element.textContent || '';
    return {
        balise: element.tagName.toLowerCase(),
        id: element.id,
        nom: nom.replace(/\\s+/g, ' ').trim().slice(0, 80),
        // Un champ de date et d'heure dont un segment (jour, heure…) a le focus : Chromium ne
        // fait pas toujours correspondre `:focus` au champ lui-même, mais surligne le segment
        // édité, ce qui est l'indicateur que voit la personne.
        visible: anneau || ombre || (segmente && !element.matches(':focus')),
        cible: element.matches(selecteur),
    };
}"""
ARRETS_MAX = 150
# Le temps laissé à la page pour dessiner le focus (un fondu de Bootstrap dure 150 ms ; htmx pose
# le focus après avoir fini son échange) avant de constater qu'il ne se voit pas.
ATTENTE_MS = 2_000


def focus(page, selecteur="*"):
    return page.evaluate(FOCUS, selecteur)


def focus_pose(page, selecteur="*"):
    """Le focus une fois la page posée : attend qu'il se voie, ou rend ce qui est constaté."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            f"(selecteur) => {{ const f = ({FOCUS})(selecteur); return f && f.visible; }}",
            arg=selecteur,
            timeout=ATTENTE_MS,
        )
    return focus(page, selecteur)


def tabuler_jusqu_a(page, selecteur, arrets_max=ARRETS_MAX):
    """Appuie sur Tab jusqu'à l'élément qui répond à `selecteur` ; rend le nombre d'arrêts.

    Chaque arrêt doit montrer son focus : sinon, la personne au clavier ne sait plus où elle est.
    """
    # Chromium ne dessine le focus (`:focus`) que dans la page qui a celui de la fenêtre : la page
    # du parcours le prend, comme celle que regarde la personne.
    page.bring_to_front()
    parcours = []
    for arret in range(1, arrets_max + 1):
        page.keyboard.press("Tab")
        courant = focus_pose(page, selecteur)
        if courant is None:
            continue
        parcours.append(f"{courant['balise']}#{courant['id']} « {courant['nom']} »")
        assert courant["visible"], f"focus invisible sur {parcours[-1]}"
        if courant["cible"]:
            return arret
    raise AssertionError(f"{selecteur} jamais atteint au clavier : " + " → ".join(parcours))


def choisir_au_clavier(page, libelle, arrets_max=30):
    """Dans la liste déroulante qui a le focus, descend par ↓ jusqu'à l'option `libelle`."""
    for _ in range(arrets_max):
        choisie = page.evaluate(
            "() => document.activeElement.selectedOptions[0]?.textContent.trim()"
        )
        if choisie == libelle:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option « {libelle} » introuvable au clavier")
