"""Les graphiques du rapport semestriel, en SVG écrit à la main (DESIGN.md §4).

Chaque fonction prend le dictionnaire de `rapports.indicateurs.calculer` et rend une chaîne
`<svg …>` autonome : `role="img"`, `aria-label` et `<title>`, lisible à la largeur d'une page A4
(160 mm, attributs `width`/`height` en millimètres), aux couleurs du produit, sans script ni
ressource externe, pour le navigateur comme pour WeasyPrint. Les libellés sont échappés ; les
nombres sont écrits à la française (espace insécable des milliers, virgule décimale). Sans donnée
sur la période, le graphique laisse la place à une courte phrase. Un chiffre masqué par le
secret statistique (« < 5 », « s ») s'écrit tel quel au bout d'une barre vide, après les autres :
ni la longueur d'une barre ni son rang ne trahissent sa valeur.
"""

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import mark_safe

PRINCIPALE = "#1f4e79"
ACCENT = "#c77d00"
TEXTE = "#6b7785"
GRILLE = "#d9dee4"
POLICE = "DejaVu Sans, Liberation Sans, Arial, sans-serif"

LARGEUR = 640  # unités du viewBox ; 640 unités = 160 mm, soit 4 unités par millimètre
UNITES_PAR_MM = 4
AUCUNE_DONNEE = "Aucune donnée sur la période"

# Au corps 13 (3,25 mm, plus de 9 pt à l'impression pleine largeur), 28 caractères tiennent dans
# la colonne des libellés.
CARACTERES_PAR_LIGNE = 28


# --- Nombres à la française -----------------------------------------------------------------


def nombre_fr(valeur, decimales=0):
    """« 12 345 », « 1 250,5 » : espace insécable des milliers, virgule décimale."""
    arrondi = Decimal(str(valeur)).quantize(Decimal(1).scaleb(-decimales), ROUND_HALF_UP)
    texte = f"{arrondi:,.{decimales}f}"
    return texte.replace(",", "\xa0").replace(".", ",")


def euros_fr(valeur):
    """« 12 345 € » (arrondi à l'euro)."""
    return f"{nombre_fr(valeur)}\xa0€"


# --- Briques SVG ----------------------------------------------------------------------------


def _n(valeur):
    """Une coordonnée : au dixième, sans zéros inutiles (sortie stable)."""
    texte = f"{valeur:.1f}"
    return texte[:-2] if texte.endswith(".0") else texte


def _svg(titre, hauteur, contenu, largeur=LARGEUR):
    """Le SVG d'un graphique, titré et nommé pour les lecteurs d'écran.

    Marqué sûr ici, là où il est écrit, pour que les gabarits l'insèrent sans `|safe` : tout
    texte qui y entre (titre, étiquettes par `_texte`) est échappé ; le reste n'est que des
    nombres formatés par `_n` et des couleurs constantes de ce module.
    """
    hauteur_mm = _n(hauteur / UNITES_PAR_MM)
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {largeur} {_n(hauteur)}" '
        f'width="{_n(largeur / UNITES_PAR_MM)}mm" height="{hauteur_mm}mm" '
        f'preserveAspectRatio="xMidYMid meet" role="img" aria-label={quoteattr(titre)} '
        f'font-family="{POLICE}" font-size="13" class="graphique">'
        f"<title>{escape(titre)}</title>{''.join(contenu)}</svg>"
    )


def _texte(x, y, texte, *, ancre="start", taille=13, couleur=TEXTE, gras=False):
    poids = ' font-weight="bold"' if gras else ""
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{ancre}" font-size="{taille}" '
        f'fill="{couleur}"{poids}>{escape(texte)}</text>'
    )


def _rect(x, y, largeur, hauteur, couleur):
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(max(largeur, 0))}" '
        f'height="{_n(max(hauteur, 0))}" fill="{couleur}"/>'
    )


def _ligne(x1, y1, x2, y2, couleur=GRILLE, epaisseur=1):
    return (
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" '
        f'stroke="{couleur}" stroke-width="{epaisseur}"/>'
    )


def _vide(titre, message=AUCUNE_DONNEE):
    hauteur = 60
    return _svg(
        titre,
        hauteur,
        [
            _rect(0.5, 0.5, LARGEUR - 1, hauteur - 1, "#f5f7f9"),
            _texte(LARGEUR / 2, hauteur / 2 + 5, message, ancre="middle", taille=13),
        ],
    )


def _graduation(maximum):
    """(pas, haut de l'axe) : un pas de 1, 2 ou 5 × 10ⁿ, quatre ou cinq graduations."""
    maximum = max(Decimal(str(maximum)), Decimal(1))
    brut = maximum / 4
    puissance = Decimal(10) ** (len(str(int(brut))) - 1) if brut >= 1 else Decimal(1)
    for facteur in (1, 2, 5, 10):
        pas = puissance * facteur
        if pas >= brut:
            break
    haut = (maximum / pas).to_integral_value(rounding=ROUND_CEILING) * pas
    return pas, haut


def _couper(libelle, largeur=CARACTERES_PAR_LIGNE):
    """Le libellé en lignes d'au plus `largeur` caractères, coupé entre les mots."""
    lignes, courante = [], ""
    for mot in libelle.split():
        if courante and len(courante) + 1 + len(mot) > largeur:
            lignes.append(courante)
            courante = mot
        else:
            courante = f"{courante} {mot}".strip()
    if courante:
        lignes.append(courante)
    return lignes or [""]


def _section(chiffres, *cles):
    """chiffres[cle1][cle2]… ou None si une clé manque."""
    valeur = chiffres
    for cle in cles:
        if not isinstance(valeur, dict) or cle not in valeur:
            return None
        valeur = valeur[cle]
    return valeur


# --- Graphiques -----------------------------------------------------------------------------


def courbe_file_active(chiffres):
    """File active mois par mois : une colonne par mois, libellée « janv. 2026 »."""
    titre = "File active mois par mois (épisodes actifs au moins un jour du mois)"
    mois = _section(chiffres, "file_active", "courbe_mensuelle") or []
    if not any(point.get("nombre") for point in mois):
        return _vide(titre)

    hauteur, gauche, droite, haut, bas = 260, 52, 16, 24, 44
    zone = hauteur - haut - bas
    pas, sommet = _graduation(max(point["nombre"] for point in mois))
    contenu = []
    graduation = Decimal(0)
    while graduation <= sommet:
        y = haut + zone - float(graduation / sommet) * zone
        contenu.append(_ligne(gauche, y, LARGEUR - droite, y))
        contenu.append(_texte(gauche - 8, y + 4, nombre_fr(graduation), ancre="end", taille=13))
        graduation += pas

    largeur_mois = (LARGEUR - gauche - droite) / len(mois)
    largeur_colonne = min(largeur_mois * 0.6, 64)
    for rang, point in enumerate(mois):
        centre = gauche + largeur_mois * (rang + 0.5)
        valeur = point["nombre"]
        hauteur_colonne = valeur / float(sommet) * zone
        y = haut + zone - hauteur_colonne
        contenu.append(
            _rect(centre - largeur_colonne / 2, y, largeur_colonne, hauteur_colonne, PRINCIPALE)
        )
        contenu.append(
            _texte(centre, y - 6, nombre_fr(valeur), ancre="middle", couleur=PRINCIPALE, gras=True)
        )
        libelle = point.get("libelle", "")
        if len(mois) <= 8:
            contenu.append(_texte(centre, haut + zone + 20, libelle, ancre="middle", taille=13))
        else:  # mois et année sur deux lignes pour garder la place
            for decalage, morceau in enumerate(libelle.rsplit(" ", 1)):
                contenu.append(
                    _texte(
                        centre, haut + zone + 18 + 13 * decalage, morceau, ancre="middle", taille=13
                    )
                )
    contenu.append(_ligne(gauche, haut + zone, LARGEUR - droite, haut + zone, TEXTE, 1.5))
    return _svg(titre, hauteur, contenu)


def _masque(nombre):
    """Vrai pour un chiffre masqué par le secret statistique (une chaîne : « < 5 », « s »)."""
    return isinstance(nombre, str)


def _barres_horizontales(titre, lignes, couleur):
    """Une barre par ligne (libellé, nombre), libellés à gauche coupés au besoin, valeur au bout.

    Un chiffre masqué n'a pas de barre : seule sa marque est écrite.
    """
    lignes = [(libelle, nombre) for libelle, nombre in lignes if nombre]
    if not lignes:
        return _vide(titre)

    colonne_libelles, droite, haut, interligne, epaisseur = 222, 56, 10, 14, 16
    debut_barres = colonne_libelles + 10
    longueur_max = LARGEUR - debut_barres - droite
    maximum = max((nombre for _, nombre in lignes if not _masque(nombre)), default=1)
    contenu, y = [], haut
    for libelle, nombre in lignes:
        morceaux = _couper(libelle)
        hauteur_ligne = max(epaisseur, interligne * len(morceaux)) + 10
        milieu = y + hauteur_ligne / 2
        premiere = milieu - interligne * (len(morceaux) - 1) / 2 + 4
        for rang, morceau in enumerate(morceaux):
            contenu.append(
                _texte(
                    colonne_libelles, premiere + interligne * rang, morceau, ancre="end", taille=13
                )
            )
        if _masque(nombre):
            longueur, texte = 0, nombre
        else:
            longueur, texte = nombre / maximum * longueur_max, nombre_fr(nombre)
            contenu.append(
                _rect(debut_barres, milieu - epaisseur / 2, longueur, epaisseur, couleur)
            )
        contenu.append(
            _texte(debut_barres + longueur + 6, milieu + 4, texte, couleur=couleur, gras=True)
        )
        y += hauteur_ligne
    contenu.append(_ligne(debut_barres, haut - 4, debut_barres, y + 2, TEXTE, 1.5))
    return _svg(titre, y + haut, contenu)


def _par_nombre_decroissant(repartition):
    """(libellé, nombre) du plus fréquent au moins fréquent ; à égalité, l'ordre d'origine.

    Les chiffres masqués viennent après tous les autres, dans l'ordre d'origine.
    """

    def cle(rang):
        nombre = rang[1]["nombre"]
        return (1, 0, rang[0]) if _masque(nombre) else (0, -nombre, rang[0])

    rangees = sorted(enumerate(repartition or []), key=cle)
    return [(ligne["libelle"], ligne["nombre"]) for _, ligne in rangees]


def barres_problematiques(chiffres):
    """Orientations reçues par problématique, barres horizontales de la plus fréquente."""
    titre = "Orientations reçues par problématique"
    repartition = _section(chiffres, "orientations", "par_problematique")
    return _barres_horizontales(titre, _par_nombre_decroissant(repartition), PRINCIPALE)


def barres_sorties(chiffres):
    """Clôtures de la période par motif, barres horizontales du plus fréquent."""
    titre = "Sorties du dispositif par motif de clôture"
    repartition = _section(chiffres, "sorties", "par_motif")
    return _barres_horizontales(titre, _par_nombre_decroissant(repartition), PRINCIPALE)


def dette_entree_actuelle(chiffres):
    """Deux colonnes : dette locative totale à l'entrée et dernière connue, en euros."""
    titre = "Dette locative totale : à l'entrée et dernière connue"
    dette = _section(chiffres, "dette_et_expulsions") or {}
    entree, derniere = dette.get("entree_total"), dette.get("derniere_total")
    if not dette.get("menages_avec_dette") or (not entree and not derniere):
        return _vide(titre)
    if isinstance(entree, str) or isinstance(derniere, str):
        # Montants masqués (moins de 5 ménages endettés) : rien à dessiner.
        return _vide(titre, "Montants masqués : moins de 5 ménages avec une dette connue")

    hauteur, haut, bas = 250, 30, 62
    zone = hauteur - haut - bas
    maximum = max(entree or 0, derniere or 0)
    colonnes = [
        ("Dette à l'entrée", entree or 0, dette.get("entree_mediane"), PRINCIPALE),
        ("Dernière dette connue", derniere or 0, dette.get("derniere_mediane"), ACCENT),
    ]
    contenu = []
    largeur_colonne, base = 120, haut + zone
    for rang, (libelle, montant, mediane, couleur) in enumerate(colonnes):
        centre = LARGEUR * (0.3 + 0.4 * rang)
        hauteur_colonne = montant / maximum * zone
        contenu.append(
            _rect(
                centre - largeur_colonne / 2,
                base - hauteur_colonne,
                largeur_colonne,
                hauteur_colonne,
                couleur,
            )
        )
        contenu.append(
            _texte(
                centre,
                base - hauteur_colonne - 8,
                euros_fr(montant),
                ancre="middle",
                taille=14,
                couleur=couleur,
                gras=True,
            )
        )
        contenu.append(_texte(centre, base + 20, libelle, ancre="middle", taille=13))
        if mediane is not None:
            contenu.append(
                _texte(
                    centre, base + 36, f"médiane : {euros_fr(mediane)}", ancre="middle", taille=13
                )
            )
    menages = dette["menages_avec_dette"]
    contenu.append(_ligne(LARGEUR * 0.12, base, LARGEUR * 0.88, base, TEXTE, 1.5))
    contenu.append(
        _texte(
            LARGEUR / 2,
            hauteur - 6,
            f"{nombre_fr(menages)} ménage{'s' if menages > 1 else ''} avec une dette connue",
            ancre="middle",
            taille=13,
        )
    )
    return _svg(titre, hauteur, contenu)


def graphiques_du_rapport(chiffres):
    """Les quatre graphiques, sous les noms que lisent le PDF et le tableau de bord : {nom: svg}."""
    return {
        "file_active": courbe_file_active(chiffres),
        "problematiques": barres_problematiques(chiffres),
        "sorties": barres_sorties(chiffres),
        "dette": dette_entree_actuelle(chiffres),
    }
