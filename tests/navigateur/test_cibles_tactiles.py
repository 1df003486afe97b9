"""Au pouce : sur les pages d'une visite, au format téléphone, chaque cible fait au moins
44 × 44 px (champs, boutons, cases, liens hors du texte courant) et le champ de date tient dans
l'écran."""

from .conftest import se_connecter
from .test_intervention_telephone import accompagnement_partage

# Une case à cocher se touche par sa ligne entière (.form-check, étiquette comprise).
CIBLES = (
    "main button, main input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
    "main select, main textarea, main .btn, main .form-check"
)
MESURE = f"""() => [...document.querySelectorAll('{CIBLES}')]
  .filter(e => e.offsetParent !== null).map(e => {{
    const r = e.getBoundingClientRect();
    return {{quoi: e.outerHTML.slice(0, 90), hauteur: Math.round(r.height), droite: r.right}};
  }})"""


def test_les_cibles_des_pages_de_visite_font_44_px(demo, telephone, live_server):
    accompagnement = accompagnement_partage()
    se_connecter(telephone, live_server, "ts.cantal@demo.test")
    base = f"{live_server.url}/accompagnements/{accompagnement.public_id}/"
    trop_petites = []
    for chemin in ("", "intervention/"):
        telephone.goto(base + chemin)
        largeur = telephone.evaluate("document.documentElement.clientWidth")
        for cible in telephone.evaluate(MESURE):
            if cible["hauteur"] < 44 or cible["droite"] > largeur + 1:
                trop_petites.append((chemin, cible))
    assert not trop_petites, trop_petites
