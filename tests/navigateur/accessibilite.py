"""axe-core (registre npm, version figée dans package.json, copiée par `make assets`) dans la page.

Le script est évalué par le protocole du navigateur, pas inséré dans la page : la CSP stricte du
produit (aucun script en ligne) reste entière pendant l'analyse.
"""

from pathlib import Path

AXE = (Path(__file__).with_name("vendor") / "axe.min.js").read_text()
# WCAG 2.1 niveaux A et AA (le référentiel du RGAA 4).
REGLES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
GRAVES = {"serious", "critical"}


def violations(page, graves_seulement=True):
    """Les violations de la page affichée : [{id, impact, aide, cibles}]."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE)
    resultat = page.evaluate(
        """async (regles) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: regles}});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, aide: v.help,
                cibles: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
            }));
        }""",
        REGLES,
    )
    if graves_seulement:
        return [v for v in resultat if v["impact"] in GRAVES]
    return resultat


def decrire(liste):
    return "\n".join(f"- {v['id']} ({v['impact']}) : {v['aide']} → {v['cibles']}" for v in liste)


def ids_en_double(page):
    """Les identifiants portés par plusieurs éléments de la page : une étiquette `for`, un
    `aria-describedby` ou un lien d'évitement y désigneraient le mauvais champ."""
    return page.evaluate(
        """() => {
            const vus = new Map();
            for (const element of document.querySelectorAll('[id]')) {
                vus.set(element.id, (vus.get(element.id) || 0) + 1);
            }
            return [...vus].filter(([, nombre]) => nombre > 1).map(([id]) => id).sort();
        }"""
    )
