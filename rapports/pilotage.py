"""Piloter : chaque chiffre suivi à côté de sa cible et des semestres précédents.

- `PILOTES` : les chiffres qu'un dispositif se donne pour cible (`core.enums.IndicateurCible`),
  où les lire dans le dictionnaire des chiffres, leur unité, la façon de les dire.
- `avec_cibles(chiffres, dispositif)` : les chiffres plus les cibles en vigueur
  (`chiffres["cibles"]`) ; `services.produire_rapport` les garde ainsi dans le rapport produit.
- `semestres_precedents(dispositif, annee, semestre)` : jusqu'à 5 rapports PRÊTS d'avant, lus
  dans leurs chiffres STOCKÉS (`RapportSemestriel.chiffres`) : changer une cible, un territoire
  ou une donnée ne change jamais un semestre déjà rendu au COPIL.
- `comparer(chiffres, precedents)` : une ligne par chiffre suivi — valeur, cible (celle que
  portent les chiffres), valeur au semestre précédent, série sur ≤ 6 semestres, une phrase de
  lecture (« 68 % d'adhésion, au-dessus de la cible de 66 % ; 61 % au semestre précédent. ») et
  une courbe SVG titrée (`graphique_tendance`).
"""

from dataclasses import dataclass

from core.enums import IndicateurCible, Parcours
from core.models import CibleDispositif

from .enums import StatutRapport
from .graphiques import ACCENT, GRILLE, PRINCIPALE, TEXTE, _n, _svg, _texte, nombre_fr
from .models import RapportSemestriel

SEMESTRES_DE_TENDANCE = 6

EFFECTIF, POURCENTAGE, EUROS = "effectif", "pourcentage", "euros"


def _chemin(*cles):
    def lire(chiffres):
        valeur = chiffres
        for cle in cles:
            if not isinstance(valeur, dict) or cle not in valeur:
                return None
            valeur = valeur[cle]
        return valeur if isinstance(valeur, int | float) else None

    return lire


def _parcours(code):
    def lire(chiffres):
        lignes = (chiffres.get("file_active") or {}).get("par_parcours") or []
        for ligne in lignes:
            if ligne.get("code") == code and isinstance(ligne.get("nombre"), int):
                return ligne["nombre"]
        return None

    return lire


@dataclass(frozen=True)
class Pilote:
    indicateur: IndicateurCible
    cle: str  # la clé du chiffre dans le rapport (« adhesion.taux »)
    titre: str  # le titre de sa courbe
    phrase: str  # « {} d'adhésion »
    unite: str
    lire: object


PILOTES = [
    Pilote(
        IndicateurCible.MENAGES_ACCOMPAGNES,
        "file_active.menages_actifs",
        "Ménages accompagnés",
        "{} ménages accompagnés",
        EFFECTIF,
        _chemin("file_active", "menages_actifs"),
    ),
    Pilote(
        IndicateurCible.MENAGES_ACCES,
        "file_active.par_parcours.acces",
        "Parcours accès (actifs)",
        "{} accompagnements actifs en parcours accès",
        EFFECTIF,
        _parcours(Parcours.ACCES),
    ),
    Pilote(
        IndicateurCible.MENAGES_MAINTIEN,
        "file_active.par_parcours.maintien",
        "Parcours maintien (actifs)",
        "{} accompagnements actifs en parcours maintien",
        EFFECTIF,
        _parcours(Parcours.MAINTIEN),
    ),
    Pilote(
        IndicateurCible.TAUX_ADHESION,
        "adhesion.taux",
        "Taux d'adhésion",
        "{} d'adhésion",
        POURCENTAGE,
        _chemin("adhesion", "taux"),
    ),
    Pilote(
        IndicateurCible.PART_RELOGES,
        "resultats.part_relogement_ou_reorientation",
        "Relogés ou réorientés à la clôture",
        "{} des sortants relogés ou réorientés",
        POURCENTAGE,
        _chemin("resultats", "part_relogement_ou_reorientation"),
    ),
    Pilote(
        IndicateurCible.REPRISE_PAIEMENT,
        "resultats.taux_reprise_paiement",
        "Reprise du paiement du loyer",
        "{} des ménages ont repris le paiement du loyer",
        POURCENTAGE,
        _chemin("resultats", "taux_reprise_paiement"),
    ),
    Pilote(
        IndicateurCible.MAINTIEN_APRES,
        "resultats.part_toujours_dans_le_logement",
        "Dans le logement 3 mois après la fin",
        "{} toujours dans leur logement 3 mois après la fin",
        POURCENTAGE,
        _chemin("resultats", "part_toujours_dans_le_logement"),
    ),
    Pilote(
        IndicateurCible.EXPULSIONS_EVITEES,
        "dette_et_expulsions.expulsions_evitees",
        "Expulsions évitées",
        "{} expulsions évitées",
        EFFECTIF,
        _chemin("dette_et_expulsions", "expulsions_evitees"),
    ),
    Pilote(
        IndicateurCible.COUT_PAR_MENAGE,
        "cout.cout_par_menage",
        "Coût par ménage et par an",
        "{} par ménage et par an",
        EUROS,
        _chemin("cout", "cout_par_menage"),
    ),
    Pilote(
        IndicateurCible.BILANS_A_L_HEURE,
        "bilans.taux_a_temps",
        "Bilans faits à temps",
        "{} des bilans faits à temps",
        POURCENTAGE,
        _chemin("bilans", "taux_a_temps"),
    ),
]

PILOTE_DE = {pilote.indicateur: pilote for pilote in PILOTES}


# --- Les cibles, gardées dans les chiffres ---------------------------------------------------


def cibles_en_vigueur(dispositif):
    """[{indicateur, cle, libelle, valeur, unite}] des cibles du dispositif, dans l'ordre."""
    valeurs = dict(
        CibleDispositif.objects.filter(dispositif=dispositif).values_list("indicateur", "valeur")
    )
    return [
        {
            "indicateur": pilote.indicateur.value,
            "cle": pilote.cle,
            "libelle": pilote.titre,
            "valeur": float(valeurs[pilote.indicateur]),
            "unite": pilote.unite,
        }
        for pilote in PILOTES
        if pilote.indicateur in valeurs
    ]


def avec_cibles(chiffres, dispositif):
    """Les chiffres et les cibles en vigueur aujourd'hui (`chiffres["cibles"]`)."""
    return {**chiffres, "cibles": cibles_en_vigueur(dispositif)}


def semestres_precedents(dispositif, annee, semestre, nombre=SEMESTRES_DE_TENDANCE - 1):
    """[(« 2025-S2 », chiffres stockés)] des rapports prêts d'avant, du plus ancien au plus
    récent : au plus `nombre`."""
    rapports = (
        RapportSemestriel.objects.filter(dispositif=dispositif, statut=StatutRapport.PRET)
        .exclude(annee__gt=annee)
        .exclude(annee=annee, semestre__gte=semestre)
        .order_by("-annee", "-semestre")
        .values_list("annee", "semestre", "chiffres")[:nombre]
    )
    return [(f"{a}-S{s}", chiffres or {}) for a, s, chiffres in reversed(rapports)]


# --- La comparaison --------------------------------------------------------------------------


def formater(valeur, unite, decimales=0):
    if valeur is None:
        return "—"
    if unite == POURCENTAGE:
        return f"{nombre_fr(valeur, decimales)}\xa0%"
    if unite == EUROS:
        return f"{nombre_fr(valeur, decimales)}\xa0€"
    return nombre_fr(valeur, decimales)


def _deux(valeur, autre, unite):
    """Les deux nombres écrits pour qu'une différence réelle se voie (une décimale au besoin)."""
    a, b = formater(valeur, unite), formater(autre, unite)
    if a == b and valeur != autre:
        return formater(valeur, unite, 1), formater(autre, unite, 1)
    return a, b


def lecture(pilote, valeur, cible, precedent, a_un_precedent):
    """La phrase de lecture d'un chiffre, en français simple."""
    if valeur is None:
        debut = f"{pilote.titre} : pas de chiffre ce semestre (aucun cas à compter)"
    else:
        debut = pilote.phrase.format(formater(valeur, pilote.unite))
    if cible is None:
        position = "pas de cible fixée"
    elif valeur is None:
        position = f"cible : {formater(cible, pilote.unite)}"
    else:
        ecrit, ecrite = _deux(valeur, cible, pilote.unite)
        if valeur > cible:
            position = f"au-dessus de la cible de {ecrite}"
        elif valeur < cible:
            position = f"en dessous de la cible de {ecrite}"
        else:
            position = f"égal à la cible de {ecrite}"
        if ecrit != formater(valeur, pilote.unite):
            debut = pilote.phrase.format(ecrit)
    if not a_un_precedent:
        avant = "premier semestre mesuré"
    elif precedent is None:
        avant = "pas de chiffre au semestre précédent"
    else:
        avant = f"{formater(precedent, pilote.unite)} au semestre précédent"
    return f"{debut}, {position} ; {avant}."


def comparer(chiffres, precedents):
    """Une ligne par chiffre suivi : valeur, cible, précédent, série, lecture, courbe SVG.

    `chiffres` : ceux du semestre (avec `chiffres["cibles"]`) ; `precedents` : la liste de
    `semestres_precedents`.
    """
    cibles = {c["indicateur"]: c["valeur"] for c in chiffres.get("cibles") or []}
    libelle = (chiffres.get("periode") or {}).get("libelle", "ce semestre")
    lignes = []
    for pilote in PILOTES:
        valeur = pilote.lire(chiffres)
        cible = cibles.get(pilote.indicateur.value)
        serie = [(nom, pilote.lire(anciens)) for nom, anciens in precedents]
        serie.append((libelle, valeur))
        parcours = pilote.indicateur in (
            IndicateurCible.MENAGES_ACCES,
            IndicateurCible.MENAGES_MAINTIEN,
        )
        if parcours and cible is None and not any(v for _, v in serie):
            continue  # un parcours que le dispositif n'offre pas
        precedent = serie[-2][1] if len(serie) > 1 else None
        lignes.append(
            {
                "indicateur": pilote.indicateur.value,
                "cle": pilote.cle,
                "titre": pilote.titre,
                "unite": pilote.unite,
                "valeur": valeur,
                "valeur_texte": formater(valeur, pilote.unite),
                "cible": cible,
                "cible_texte": formater(cible, pilote.unite),
                "precedent": precedent,
                "precedent_texte": formater(precedent, pilote.unite),
                "serie": [
                    {"semestre": nom, "valeur": v, "texte": formater(v, pilote.unite)}
                    for nom, v in serie
                ],
                "lecture": lecture(pilote, valeur, cible, precedent, len(serie) > 1),
                "graphique": graphique_tendance(pilote, serie, cible),
            }
        )
    return lignes


# --- La courbe de tendance ------------------------------------------------------------------

LARGEUR_TENDANCE = 320  # 80 mm à 4 unités par millimètre
HAUTEUR_TENDANCE = 146
CORPS = 13  # 13 unités = 3,25 mm ≈ 9,2 pt à l'impression


def _semestre_court(nom, nombre):
    """« 2025-S2 » ; « S2 25 » quand six points se partagent 80 mm."""
    if nombre <= 4 or len(nom) != 7:
        return nom
    return f"{nom[5:]} {nom[2:4]}"


def graphique_tendance(pilote, serie, cible):
    """Courbe du chiffre sur ≤ 6 semestres, cible en tirets : SVG titré, texte alternatif."""
    alternative = (
        f"{pilote.titre} par semestre : "
        + ", ".join(f"{nom} {formater(v, pilote.unite)}" for nom, v in serie)
        + (f" ; cible {formater(cible, pilote.unite)}" if cible is not None else "")
    )
    valeurs = [v for _, v in serie if v is not None]
    haut = max([*valeurs, cible or 0, 1]) * 1.15
    # Marges : la moitié d'un libellé de semestre (« 2025-S1 ») de chaque côté.
    gauche, droite, y_haut, y_bas = 40, LARGEUR_TENDANCE - 40, 58, 118
    pas = (droite - gauche) / max(len(serie) - 1, 1)

    def x(rang):
        return (gauche + droite) / 2 if len(serie) == 1 else gauche + rang * pas

    def y(valeur):
        return y_bas - (float(valeur) / float(haut)) * (y_bas - y_haut)

    contenu = [
        _texte(0, 15, pilote.titre, taille=CORPS, couleur=PRINCIPALE, gras=True),
        _texte(
            0,
            32,
            f"cible {formater(cible, pilote.unite)} (tirets)"
            if cible is not None
            else "sans cible",
            taille=CORPS,
            couleur=ACCENT if cible is not None else TEXTE,
        ),
        f'<line x1="{gauche}" y1="{y_bas}" x2="{droite}" y2="{y_bas}" stroke="{GRILLE}"/>',
    ]
    if cible is not None:
        contenu.append(
            f'<line x1="{gauche}" y1="{_n(y(cible))}" x2="{droite}" y2="{_n(y(cible))}" '
            f'stroke="{ACCENT}" stroke-width="1.5" stroke-dasharray="6 4"/>'
        )
    points = [(x(rang), y(v)) for rang, (_, v) in enumerate(serie) if v is not None]
    if len(points) > 1:
        trace = " ".join(f"{_n(px)},{_n(py)}" for px, py in points)
        contenu.append(
            f'<polyline points="{trace}" fill="none" stroke="{PRINCIPALE}" stroke-width="2"/>'
        )
    for rang, (nom, v) in enumerate(serie):
        dernier = rang == len(serie) - 1
        if v is not None:
            contenu.append(
                f'<circle cx="{_n(x(rang))}" cy="{_n(y(v))}" r="{4 if dernier else 3}" '
                f'fill="{PRINCIPALE}"/>'
            )
        contenu.append(
            _texte(
                x(rang),
                (y(v) if v is not None else y_bas) - 8,
                formater(v, pilote.unite),
                ancre="middle",
                taille=CORPS,
                couleur=PRINCIPALE if dernier else TEXTE,
                gras=dernier,
            )
        )
        contenu.append(
            _texte(
                x(rang),
                y_bas + 20,
                _semestre_court(nom, len(serie)),
                ancre="middle",
                taille=CORPS,
                couleur=TEXTE,
            )
        )
    return _svg(alternative, HAUTEUR_TENDANCE, contenu, largeur=LARGEUR_TENDANCE)
