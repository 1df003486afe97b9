"""Le secret statistique attaqué : aucune case masquée du rapport ne se retrouve par différence.

L'attaquant lit tout ce que le rapport publie du croisement problématique × territoire et de ses
marges — dans le dictionnaire des chiffres (JSON gardé avec le rapport), dans le classeur XLSX,
dans le texte du PDF et sur le tableau de bord —, y compris les totaux par problématique de la
section Orientations. Il écrit toutes les équations que ces nombres permettent (chaque ligne et
chaque colonne avec son total, le total général, les totaux repris d'un autre tableau) et ce
qu'il sait des cases masquées : « < 5 » vaut 1 à 4 ; une case intérieure « s » vaut 5 ou plus
(toutes les cases de 1 à 4 sont des « < 5 ») ; un total « s » vaut au moins 1 ; un nombre qui
n'est pas publié vaut 0 ou plus. Puis il calcule, par une résolution exacte en nombres entiers
(propagation des bornes et découpage des intervalles), le plus petit et le plus grand effectif
possible de chaque case masquée : la case est protégée si son intervalle contient au moins deux
valeurs. Cet attaquant ne partage aucun code avec `masquage` ; il est aussi lancé sur le
masquage simple d'avant (« < 5 » seul), qu'il perce, pour montrer qu'il mord.
"""

import io
import json
import random
import re
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from core.enums import Role
from core.factories import DispositifFactory, MembreFactory, TerritoireFactory
from menages.enums import Problematique
from menages.factories import LogementFactory, MenageFactory, OrientationFactory
from rapports import documents, indicateurs
from rapports.indicateurs import MASQUE, MASQUE_COMPLEMENTAIRE, bornes_semestre, calculer, masquage
from rapports.indicateurs.masquage import masquer, proteger
from rapports.models import RapportSemestriel

PLAFOND = 10_000  # au-delà de tout effectif des jeux de ce fichier ; voir `attaquer`

# --- L'attaquant ----------------------------------------------------------------------------


def _propager(equations, bornes):
    """Resserre les bornes par chaque équation (Σ coef·x = constante) ; None si impossible."""
    bornes = dict(bornes)
    change = True
    while change:
        change = False
        for coefficients, constante in equations:
            for variable, coefficient in coefficients.items():
                reste_min = reste_max = 0
                for autre, coef in coefficients.items():
                    if autre != variable:
                        bas, haut = bornes[autre]
                        reste_min += min(coef * bas, coef * haut)
                        reste_max += max(coef * bas, coef * haut)
                # coefficient · variable ∈ [constante − reste_max, constante − reste_min]
                if coefficient == 1:
                    bas, haut = constante - reste_max, constante - reste_min
                else:
                    bas, haut = reste_min - constante, reste_max - constante
                ancien_bas, ancien_haut = bornes[variable]
                bas, haut = max(bas, ancien_bas), min(haut, ancien_haut)
                if bas > haut:
                    return None
                if (bas, haut) != (ancien_bas, ancien_haut):
                    bornes[variable] = (bas, haut)
                    change = True
    return bornes


def _une_solution(equations, bornes):
    """Une solution entière dans les bornes, ou None (recherche exhaustive par dichotomie)."""
    bornes = _propager(equations, bornes)
    if bornes is None:
        return None
    ouvertes = [v for v, (bas, haut) in bornes.items() if bas < haut]
    if not ouvertes:
        return {v: bas for v, (bas, _) in bornes.items()}
    variable = min(ouvertes, key=lambda v: (bornes[v][1] - bornes[v][0], str(v)))
    bas, haut = bornes[variable]
    milieu = (bas + haut) // 2
    for partie in ((bas, milieu), (milieu + 1, haut)):
        solution = _une_solution(equations, {**bornes, variable: partie})
        if solution is not None:
            return solution
    return None


def attaquer(publication):
    """{case masquée: (plus petite, plus grande valeur possible)} d'après ce qui est publié.

    Un nombre non publié ou « s » n'a pas de maximum connu : `PLAFOND` en tient lieu. Plafonner
    ne fait que retirer des solutions, donc rendre l'attaque plus forte, jamais plus faible.
    """
    equations, bornes = _equations(publication)
    solution = _une_solution(equations, bornes)
    assert solution is not None, "ce qui est publié doit être cohérent"
    intervalles = {}
    for variable in bornes:
        if variable[0] == "non publié":
            continue
        bas, haut = bornes[variable]
        valeur = solution[variable]

        def possible(partie, variable=variable):
            return _une_solution(equations, {**bornes, variable: partie}) is not None

        # La plus petite valeur possible : dichotomie sur « possible dans [bas, t] ».
        gauche, droite = bas, valeur
        while gauche < droite:
            t = (gauche + droite) // 2
            gauche, droite = (gauche, t) if possible((bas, t)) else (t + 1, droite)
        minimum = gauche
        gauche, droite = valeur, haut
        while gauche < droite:
            t = (gauche + droite + 1) // 2
            gauche, droite = (t, droite) if possible((t, haut)) else (gauche, t - 1)
        intervalles[variable] = (minimum, gauche)
    return intervalles


def percees(publication):
    """Les cases masquées dont la valeur est déterminée : {case: valeur}."""
    return {case: bas for case, (bas, haut) in attaquer(publication).items() if bas == haut}


def _equations(publication):
    """Les équations et les bornes qu'un lecteur tire de la publication.

    `publication` : {"cellules": lignes × colonnes, "totaux_lignes", "totaux_colonnes",
    "total", "totaux_repris"} ; un nombre, « < 5 », « s », ou None (non publié).
    """
    cellules = publication["cellules"]
    nb_lignes, nb_colonnes = len(cellules), len(cellules[0])
    termes, bornes = {}, {}

    def terme(nom, publie, interieure):
        """Une constante (nombre publié) ou une variable bornée (masquée, non publiée)."""
        if isinstance(publie, int):
            return publie
        if publie is None:
            variable, domaine = ("non publié", nom), (0, PLAFOND)
        elif publie == MASQUE:
            variable, domaine = ("masquée", nom), (1, 4)
        elif publie == MASQUE_COMPLEMENTAIRE:
            variable, domaine = ("masquée", nom), (5 if interieure else 1, PLAFOND)
        else:
            raise AssertionError(f"valeur publiée inattendue : {publie!r}")
        bornes[variable] = domaine
        return variable

    for i in range(nb_lignes):
        for j in range(nb_colonnes):
            termes[(i, j)] = terme((i, j), cellules[i][j], True)
    for i in range(nb_lignes):
        termes[(i, "total")] = terme((i, "total"), publication["totaux_lignes"][i], False)
        # Le même total, publié par un autre tableau (les orientations par problématique).
        termes[(i, "repris")] = terme((i, "repris"), publication["totaux_repris"][i], False)
    for j in range(nb_colonnes):
        termes[("total", j)] = terme(("total", j), publication["totaux_colonnes"][j], False)
    termes["total"] = terme("total", publication["total"], False)

    equations = []

    def egalite(positifs, negatifs):
        coefficients, constante = {}, 0
        for signe, liste in ((1, positifs), (-1, negatifs)):
            for element in liste:
                if isinstance(element, int):
                    constante -= signe * element
                else:
                    coefficients[element] = coefficients.get(element, 0) + signe
        coefficients = {v: c for v, c in coefficients.items() if c}
        if coefficients:
            assert all(c in (1, -1) for c in coefficients.values())
            equations.append((coefficients, constante))
        else:
            assert constante == 0, "ce qui est publié doit être cohérent"

    for i in range(nb_lignes):
        egalite([termes[(i, j)] for j in range(nb_colonnes)], [termes[(i, "total")]])
        egalite([termes[(i, "total")]], [termes[(i, "repris")]])
    for j in range(nb_colonnes):
        egalite([termes[(i, j)] for i in range(nb_lignes)], [termes[("total", j)]])
    egalite([termes[(i, "total")] for i in range(nb_lignes)], [termes["total"]])
    egalite([termes[("total", j)] for j in range(nb_colonnes)], [termes["total"]])
    return equations, bornes


# --- Ce que publie le rapport, lu dans chaque rendu -----------------------------------------


def publication_des_chiffres(chiffres):
    croisement = chiffres["croisement_problematique_territoire"]
    return {
        "colonnes": croisement["colonnes"],
        "libelles": [ligne["libelle"] for ligne in croisement["lignes"]],
        "cellules": [ligne["cellules"] for ligne in croisement["lignes"]],
        "totaux_lignes": [ligne.get("total") for ligne in croisement["lignes"]],
        "totaux_colonnes": croisement.get("totaux_colonnes", [None] * len(croisement["colonnes"])),
        "total": croisement.get("total"),
        "totaux_repris": [
            ligne["nombre"] for ligne in chiffres["orientations"]["par_problematique"]
        ],
    }


# --- Un jeu fait pour piéger le masquage simple ---------------------------------------------

NON_RENSEIGNE = None
# Problématique → {territoire: orientations reçues}. Pièges : impayés et souffrance psychique
# n'ont qu'une case « < 5 », que leur total redonne ; addictions a deux « < 5 » dont le total
# (2) force chacune à 1 ; troubles du voisinage n'a qu'une case, « non renseigné », égale à
# son total ; hygiène n'a aucune petite case.
JEU = {
    Problematique.IMPAYES: {"Bassin Flandres": 7, "Bassin Sud": 2, "Lille": 9},
    Problematique.SOUFFRANCE_PSYCHIQUE: {"Bassin Flandres": 3, "Lille": 6},
    Problematique.ADDICTIONS: {"Bassin Flandres": 1, "Bassin Sud": 1},
    Problematique.TROUBLES_VOISINAGE: {NON_RENSEIGNE: 4},
    Problematique.HYGIENE_INCURIE: {"Bassin Sud": 5, "Lille": 6},
}
COLONNES = ["Bassin Flandres", "Bassin Sud", "Lille", "non renseigné"]


def construire(jeu=JEU, *, a_rebours=False):
    """Le dispositif et ses orientations reçues en 2026-S1, une par (problématique, ménage)."""
    dispositif = DispositifFactory()
    territoires = {
        nom: TerritoireFactory(dispositif=dispositif, nom=nom)
        for nom in ("Lille", "Bassin Sud", "Bassin Flandres")
    }
    unites = [
        (code, territoire)
        for code, repartition in jeu.items()
        for territoire, nombre in repartition.items()
        for _ in range(nombre)
    ]
    for rang, (code, territoire) in enumerate(reversed(unites) if a_rebours else unites):
        menage = MenageFactory(dispositif=dispositif)
        if territoire is not NON_RENSEIGNE:
            LogementFactory(menage=menage, territoire=territoires[territoire])
        OrientationFactory(
            menage=menage,
            date_orientation=date(2026, 1 + rang % 6, 2 + rang % 27),
            problematiques=[code],
        )
    return dispositif


def effectifs(jeu=JEU):
    """Le tableau brut attendu, lignes dans l'ordre des problématiques."""
    return [
        [jeu.get(code, {}).get(None if nom == "non renseigné" else nom, 0) for nom in COLONNES]
        for code in Problematique.values
    ]


def chiffres_s1(dispositif):
    return calculer(dispositif, 2026, 1, aujourd_hui=date(2026, 11, 24))


VALEUR = r"(?:< 5|s|\d+)"


def _nombre(texte):
    texte = str(texte).strip()
    return int(texte) if texte.isdigit() else texte


def publication_du_classeur(contenu):
    """Relue dans le classeur XLSX : la feuille du croisement (une ligne par problématique, une
    colonne par territoire) et les lignes « Orientations par problématique »."""
    classeur = load_workbook(io.BytesIO(contenu), read_only=True)
    entete, *rangees, pied = classeur["Problématiques par territoire"].iter_rows(values_only=True)
    assert entete[0] == "Problématique" and entete[-1] == "Total" and pied[0] == "Total"
    repris = {
        categorie: valeur
        for _, categorie, valeur, _, cle in list(
            classeur["Orientations"].iter_rows(values_only=True)
        )[1:]
        if cle == "orientations.par_problematique"
    }
    return {
        "colonnes": list(entete[1:-1]),
        "libelles": [rangee[0] for rangee in rangees],
        "cellules": [list(rangee[1:-1]) for rangee in rangees],
        "totaux_lignes": [rangee[-1] for rangee in rangees],
        "totaux_colonnes": list(pied[1:-1]),
        "total": pied[-1],
        "totaux_repris": [repris[rangee[0]] for rangee in rangees],
    }


def publication_du_pdf(contenu, libelles, colonnes):
    """Relue dans le texte du PDF : le tableau croisé et le tableau des problématiques.

    Le tableau des orientations par problématique n'imprime pas les lignes à 0.
    """
    lignes = [
        ligne.strip()
        for page in PdfReader(io.BytesIO(contenu)).pages
        for ligne in page.extract_text().splitlines()
    ]
    largeur = len(colonnes) + 1

    def valeurs_apres(libelle, combien, precedent=False):
        # Le tableau des problématiques a une colonne de plus : le semestre précédent (« — »
        # sans rapport précédent), qui n'est pas une case de ce semestre.
        suite = rf" (?:—|{VALEUR})" if precedent else ""
        motif = re.compile(rf"{re.escape(libelle)} ({VALEUR}(?: {VALEUR}){{{combien - 1}}}){suite}")
        trouvees = [m.group(1) for ligne in lignes if (m := motif.fullmatch(ligne))]
        assert len(trouvees) <= 1, f"{libelle} : plusieurs lignes {trouvees}"
        return [_nombre(v) for v in re.findall(VALEUR, trouvees[0])] if trouvees else None

    assert f"Problématique {' '.join(colonnes)} Total" in lignes
    rangees = [valeurs_apres(libelle, largeur) for libelle in libelles]
    totaux = valeurs_apres("Total", largeur)
    repris = [valeurs_apres(libelle, 1, precedent=True) for libelle in libelles]
    return {
        "colonnes": colonnes,
        "libelles": libelles,
        "cellules": [rangee[:-1] for rangee in rangees],
        "totaux_lignes": [rangee[-1] for rangee in rangees],
        "totaux_colonnes": totaux[:-1],
        "total": totaux[-1],
        "totaux_repris": [valeur[0] if valeur else 0 for valeur in repris],
    }


class _Cellules(HTMLParser):
    """Le texte des cases de chaque rangée du tableau `id`, et les textes SVG du graphique des
    problématiques."""

    def __init__(self, id_tableau, titre_graphique):
        super().__init__()
        self.id_tableau, self.titre_graphique = id_tableau, titre_graphique
        self.rangees, self.textes_graphique = [], []
        self._dans_tableau = self._dans_graphique = False
        self._case = self._texte = None

    def handle_starttag(self, balise, attributs):
        attributs = dict(attributs)
        if balise == "table" and attributs.get("id") == self.id_tableau:
            self._dans_tableau = True
        elif balise == "svg" and attributs.get("aria-label") == self.titre_graphique:
            self._dans_graphique = True
        elif self._dans_tableau and balise == "tr":
            self.rangees.append([])
        elif self._dans_tableau and balise in ("td", "th"):
            self._case = ""
        elif self._dans_graphique and balise == "text":
            self._texte = ""

    def handle_endtag(self, balise):
        if balise == "table":
            self._dans_tableau = False
        elif balise == "svg":
            self._dans_graphique = False
        elif balise in ("td", "th") and self._case is not None:
            self.rangees[-1].append(self._case.strip())
            self._case = None
        elif balise == "text" and self._texte is not None:
            self.textes_graphique.append(self._texte)
            self._texte = None

    def handle_data(self, donnees):
        if self._case is not None:
            self._case += donnees
        if self._texte is not None:
            self._texte += donnees


def publication_du_tableau_de_bord(html):
    """Relue sur la page du tableau de bord : le tableau croisé et le graphique des
    problématiques (qui n'a pas de barre pour un 0)."""
    lecteur = _Cellules("croisement", "Orientations reçues par problématique")
    lecteur.feed(html)
    entete, *rangees, pied = lecteur.rangees
    assert entete[0] == "Problématique" and entete[-1] == "Total" and pied[0] == "Total"
    textes = lecteur.textes_graphique
    graphique = dict(zip(textes[::2], textes[1::2], strict=True))
    libelles = [rangee[0] for rangee in rangees]
    return {
        "colonnes": entete[1:-1],
        "libelles": libelles,
        "cellules": [[_nombre(v) for v in rangee[1:-1]] for rangee in rangees],
        "totaux_lignes": [_nombre(rangee[-1]) for rangee in rangees],
        "totaux_colonnes": [_nombre(v) for v in pied[1:-1]],
        "total": _nombre(pied[-1]),
        "totaux_repris": [_nombre(graphique.get(libelle, 0)) for libelle in libelles],
    }


def toutes_les_publications(client, dispositif, chiffres):
    """Ce que publient le dictionnaire (JSON), le classeur, le PDF et le tableau de bord."""
    rapport = RapportSemestriel(dispositif=dispositif, annee=2026, semestre=1)
    du_dictionnaire = publication_des_chiffres(json.loads(json.dumps(chiffres)))
    client.force_login(MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user)
    page = client.get(
        reverse("rapports:tableau_de_bord", args=[dispositif.slug]), {"semestre": "2026-S1"}
    )
    assert page.status_code == 200
    return {
        "chiffres": du_dictionnaire,
        "xlsx": publication_du_classeur(documents.classeur(rapport, chiffres)),
        "pdf": publication_du_pdf(
            documents.pdf(rapport, chiffres),
            du_dictionnaire["libelles"],
            du_dictionnaire["colonnes"],
        ),
        "tableau de bord": publication_du_tableau_de_bord(page.content.decode()),
    }


def cases_de(publication):
    """{case: nombre ou marque} de tout ce qui est publié, pour comparer deux rendus."""
    return {
        **{
            (i, j): valeur
            for i, rangee in enumerate(publication["cellules"])
            for j, valeur in enumerate(rangee)
        },
        **{(i, "total"): valeur for i, valeur in enumerate(publication["totaux_lignes"])},
        **{(i, "repris"): valeur for i, valeur in enumerate(publication["totaux_repris"])},
        **{("total", j): valeur for j, valeur in enumerate(publication["totaux_colonnes"])},
        "total": publication["total"],
    }


def interieure(case):
    """Une case du croisement lui-même (ni un total, ni un total repris)."""
    return isinstance(case, tuple) and all(isinstance(rang, int) for rang in case)


def vraies_valeurs(tableau):
    """{case: effectif} du tableau brut, marges et totaux repris compris."""
    return {
        **{(i, j): v for i, rangee in enumerate(tableau) for j, v in enumerate(rangee)},
        **{(i, "total"): sum(rangee) for i, rangee in enumerate(tableau)},
        **{(i, "repris"): sum(rangee) for i, rangee in enumerate(tableau)},
        **{("total", j): sum(rangee[j] for rangee in tableau) for j in range(len(tableau[0]))},
        "total": sum(map(sum, tableau)),
    }


# --- Les tests ------------------------------------------------------------------------------


def test_l_attaquant_resout_exactement_un_petit_systeme():
    # Impayés : s + « < 5 » = 9 ; la case « s » vaut 5 ou plus, la « < 5 » de 1 à 4.
    publication = {
        "cellules": [[MASQUE_COMPLEMENTAIRE, MASQUE], [6, 0]],
        "totaux_lignes": [9, 6],
        "totaux_colonnes": [None, None],
        "total": None,
        "totaux_repris": [9, 6],
    }
    assert attaquer(publication) == {
        ("masquée", (0, 0)): (5, 8),
        ("masquée", (0, 1)): (1, 4),
    }
    # Avec le total de la seconde colonne (3), la « < 5 » est percée, et la « s » avec elle.
    publication["totaux_colonnes"] = [None, 3]
    assert percees(publication) == {("masquée", (0, 0)): 6, ("masquée", (0, 1)): 3}
    # Deux « < 5 » dont la somme est 2 valent chacune 1, même sans case visible.
    assert percees(
        {
            "cellules": [[MASQUE, MASQUE]],
            "totaux_lignes": [None],
            "totaux_colonnes": [None, None],
            "total": None,
            "totaux_repris": [2],
        }
    ) == {("masquée", (0, 0)): 1, ("masquée", (0, 1)): 1}


@pytest.mark.django_db
def test_aucune_case_masquee_ne_se_retrouve_dans_aucun_rendu(client):
    dispositif = construire()
    chiffres = chiffres_s1(dispositif)

    publications = toutes_les_publications(client, dispositif, chiffres)

    # Un seul masquage : les mêmes nombres et les mêmes cases masquées partout.
    reference = publications["chiffres"]
    assert reference["colonnes"] == COLONNES
    for rendu, publication in publications.items():
        assert cases_de(publication) == cases_de(reference), rendu
    # Ce qui est publié en clair est vrai ; rien de 1 à 4 n'est en clair dans le croisement.
    vraies = vraies_valeurs(effectifs())
    publiees = cases_de(reference)
    masquees = {case for case, valeur in publiees.items() if isinstance(valeur, str)}
    for case, valeur in publiees.items():
        if case in masquees:
            assert vraies[case] > 0, f"{case} : un 0 masqué se déduirait"
            assert (valeur == MASQUE) == (interieure(case) and vraies[case] < 5), case
        else:
            assert valeur == vraies[case], case
    # Le jeu piège le masquage simple : il faut bien des cases masquées en complément, dont
    # des totaux (troubles du voisinage n'a qu'une case, égale à son total).
    assert {case for case in masquees if publiees[case] == MASQUE_COMPLEMENTAIRE}
    assert publiees[(1, "repris")] == MASQUE_COMPLEMENTAIRE

    for rendu, publication in publications.items():
        intervalles = attaquer(publication)
        assert {variable[1] for variable in intervalles} == masquees, rendu
        for (_, case), (bas, haut) in intervalles.items():
            # L'attaquant ne se trompe pas (la vraie valeur est possible) et ne conclut pas.
            assert bas <= vraies[case] <= haut, (rendu, case)
            assert bas < haut, f"{rendu} : la case {case} vaut {bas}, retrouvée par différence"


@pytest.mark.django_db
def test_le_masquage_simple_d_avant_etait_perce():
    """L'attaque mord : sur le même jeu, le masquage d'avant (« < 5 » seul, les totaux par
    problématique publiés dans la section Orientations) laisse retrouver des cases."""
    dispositif = construire()
    debut, fin = bornes_semestre(2026, 1)
    _, brut = indicateurs.orientations.calculer(
        dispositif, [], debut, fin, ["Bassin Flandres", "Bassin Sud", "Lille"]
    )
    tableau = [ligne["cellules"] for ligne in brut["lignes"]]
    assert tableau == effectifs()
    avant = {
        "cellules": [[masquer(v) for v in rangee] for rangee in tableau],
        "totaux_lignes": [None] * len(tableau),
        "totaux_colonnes": [None] * len(COLONNES),
        "total": None,
        "totaux_repris": [sum(rangee) for rangee in tableau],
    }

    assert percees(avant) == {
        ("masquée", (0, 1)): 2,  # impayés, Bassin Sud : 18 − 7 − 9
        ("masquée", (1, 3)): 4,  # troubles du voisinage, non renseigné : son total
        ("masquée", (2, 0)): 3,  # souffrance psychique, Bassin Flandres : 9 − 6
        ("masquée", (3, 0)): 1,  # addictions : deux « < 5 » pour un total de 2
        ("masquée", (3, 1)): 1,
    }
    # Le même tableau, masqué comme le rapport le publie désormais : rien n'est percé.
    assert percees(publication_des_chiffres(chiffres_s1(dispositif))) == {}


@pytest.mark.django_db
def test_memes_donnees_memes_cases_masquees():
    dispositif = construire()
    # Les mêmes orientations, saisies dans l'ordre inverse, dans un autre dispositif.
    jumeau = construire(a_rebours=True)

    premier = publication_des_chiffres(chiffres_s1(dispositif))

    assert publication_des_chiffres(chiffres_s1(dispositif)) == premier
    assert publication_des_chiffres(chiffres_s1(jumeau)) == premier
    assert proteger(effectifs()) == proteger(effectifs())


def test_des_tableaux_tires_au_hasard_resistent_a_l_attaque():
    hasard = random.Random(20260101)
    tires = (0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 9, 12, 20)
    for _ in range(60):
        nb_lignes, nb_colonnes = hasard.randint(1, 5), hasard.randint(1, 4)
        tableau = [[hasard.choice(tires) for _ in range(nb_colonnes)] for _ in range(nb_lignes)]
        publie = proteger(tableau)
        publication = {**publie, "totaux_repris": publie["totaux_lignes"]}
        vraies = vraies_valeurs(tableau)

        for case, valeur in cases_de(publication).items():
            if isinstance(valeur, int):
                assert valeur == vraies[case], (tableau, case)
            else:
                assert vraies[case] > 0, (tableau, case)
        for case, valeur in cases_de(publication).items():
            if interieure(case):
                assert (valeur == MASQUE) == (0 < vraies[case] < 5), (tableau, case)
        assert percees(publication) == {}, tableau


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "voit"),
    [
        (Role.COORDINATEUR, True),
        (Role.MEMBRE_COTECH, True),
        (Role.MEMBRE_COPIL, True),
        (Role.TRAVAILLEUR_SOCIAL, False),
        (Role.INFIRMIER, False),
        (Role.PSYCHOLOGUE, False),
        (Role.AGENT_BAILLEUR, False),
    ],
)
def test_le_croisement_masque_du_tableau_de_bord_pour_qui_le_voit(client, role, voit):
    dispositif = construire({Problematique.ADDICTIONS: {"Lille": 1, "Bassin Sud": 7}})
    client.force_login(MembreFactory(dispositif=dispositif, role=role).user)

    page = client.get(
        reverse("rapports:tableau_de_bord", args=[dispositif.slug]), {"semestre": "2026-S1"}
    )

    if not voit:
        assert page.status_code == 404
        return
    publication = publication_du_tableau_de_bord(page.content.decode())
    addictions = publication["libelles"].index("addictions")
    # Lille 1 → « < 5 » ; Bassin Sud 7 (sinon 8 − 7) et le total de la ligne, qui est aussi
    # celui du graphique, masqués en complément.
    assert publication["cellules"][addictions] == [0, MASQUE_COMPLEMENTAIRE, MASQUE, 0]
    assert publication["totaux_repris"][addictions] == publication["totaux_lignes"][addictions]
    assert percees(publication) == {}


@pytest.mark.django_db
def test_un_autre_dispositif_ne_voit_pas_le_tableau_de_bord(client):
    dispositif = construire({Problematique.ADDICTIONS: {"Lille": 1}})
    client.force_login(MembreFactory(role=Role.COORDINATEUR).user)

    page = client.get(reverse("rapports:tableau_de_bord", args=[dispositif.slug]))

    assert page.status_code == 404


def test_des_totaux_repris_qui_ne_sont_pas_ceux_du_croisement_sont_refuses():
    chiffres = {
        "orientations": {"par_problematique": [{"code": "impayes", "nombre": 3}]},
        "croisement_problematique_territoire": {
            "colonnes": ["Lille"],
            "lignes": [{"code": "impayes", "libelle": "impayés", "cellules": [2]}],
        },
    }

    with pytest.raises(ValueError, match="totaux de ligne du croisement"):
        masquage.appliquer(chiffres)
    chiffres["orientations"]["par_problematique"][0]["nombre"] = 2
    assert masquage.appliquer(chiffres)["orientations"]["par_problematique"][0]["nombre"] == "s"
