"""Les graphiques SVG du rapport semestriel : du XML valide, les bons libellés, rien de cassé."""

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from accompagnement.enums import MotifCloture
from core.factories import DispositifFactory
from menages.enums import Problematique
from menages.factories import MenageFactory, OrientationFactory
from rapports import graphiques
from rapports.graphiques import (
    AUCUNE_DONNEE,
    barres_problematiques,
    barres_sorties,
    courbe_file_active,
    dette_entree_actuelle,
    euros_fr,
    nombre_fr,
)
from rapports.indicateurs import MASQUE, MASQUE_COMPLEMENTAIRE, calculer

SVG = "{http://www.w3.org/2000/svg}"


def analyse(svg):
    """L'arbre XML du SVG, après avoir vérifié ce que tout graphique doit porter."""
    racine = ET.fromstring(svg)
    assert racine.tag == f"{SVG}svg"
    assert racine.get("role") == "img"
    assert racine.get("aria-label")
    assert racine.get("viewBox").startswith("0 0 640 ")
    assert racine.get("width") == "160mm"
    assert racine.find(f"{SVG}title").text == racine.get("aria-label")
    return racine


def textes(racine):
    return ["".join(texte.itertext()) for texte in racine.iter(f"{SVG}text")]


def barres(racine):
    """Les rectangles de données (le fond gris d'un graphique vide n'en est pas un)."""
    return [rect for rect in racine.iter(f"{SVG}rect") if rect.get("fill") != "#f5f7f9"]


def repartition(*lignes):
    return [
        {"code": f"code{rang}", "libelle": libelle, "nombre": nombre}
        for rang, (libelle, nombre) in enumerate(lignes)
    ]


MOIS = ["janv. 2026", "févr. 2026", "mars 2026", "avr. 2026", "mai 2026", "juin 2026"]


def courbe(*nombres, libelles=MOIS):
    return {
        "file_active": {
            "courbe_mensuelle": [
                {"mois": f"2026-{rang + 1:02d}", "libelle": libelle, "nombre": nombre}
                for rang, (libelle, nombre) in enumerate(zip(libelles, nombres, strict=True))
            ]
        }
    }


# --- Nombres à la française -----------------------------------------------------------------


def test_nombres_et_euros_a_la_francaise():
    assert nombre_fr(12345) == "12\xa0345"
    assert nombre_fr(1234567) == "1\xa0234\xa0567"
    assert nombre_fr(1250.5, 1) == "1\xa0250,5"
    assert nombre_fr(0.25, 1) == "0,3"  # arrondi au plus proche, 0,05 vers le haut
    assert nombre_fr(7) == "7"
    assert euros_fr(12345) == "12\xa0345\xa0€"
    assert euros_fr(45230.5) == "45\xa0231\xa0€"


# --- File active ----------------------------------------------------------------------------


def test_courbe_de_la_file_active_une_colonne_par_mois():
    racine = analyse(courbe_file_active(courbe(23, 27, 31, 30, 0, 1234)))

    contenu = textes(racine)
    for libelle in MOIS:
        assert libelle in contenu
    # Valeurs au-dessus des colonnes, milliers séparés par une espace insécable.
    for valeur in ("23", "27", "31", "30", "0", "1\xa0234"):
        assert valeur in contenu
    colonnes = barres(racine)
    assert len(colonnes) == 6
    assert {colonne.get("fill") for colonne in colonnes} == {"#1f4e79"}
    # Hauteurs proportionnelles : 1 234 est la plus haute, 0 est plate.
    hauteurs = [float(colonne.get("height")) for colonne in colonnes]
    assert hauteurs[5] == max(hauteurs)
    assert hauteurs[4] == 0


def test_courbe_de_douze_mois_ecrit_le_mois_et_l_annee_sur_deux_lignes():
    libelles = [f"m{rang} 2026" for rang in range(12)]
    racine = analyse(courbe_file_active(courbe(*range(1, 13), libelles=libelles)))

    contenu = textes(racine)
    assert "m0" in contenu and "m11" in contenu
    assert contenu.count("2026") == 12


def test_courbe_sans_episode_affiche_aucune_donnee():
    for chiffres in ({}, courbe(0, 0, 0, 0, 0, 0), {"file_active": {"courbe_mensuelle": []}}):
        racine = analyse(courbe_file_active(chiffres))
        assert textes(racine) == [AUCUNE_DONNEE]
        assert barres(racine) == []


# --- Barres horizontales --------------------------------------------------------------------


def test_barres_des_problematiques_de_la_plus_frequente_sans_les_zeros():
    chiffres = {
        "orientations": {
            "par_problematique": repartition(
                ("impayés", 20), ("addictions", 0), ("souffrance psychique", 40), ("animaux", 20)
            )
        }
    }

    racine = analyse(barres_problematiques(chiffres))

    contenu = textes(racine)
    assert "addictions" not in contenu
    # Ordre : 40, puis les deux 20 dans l'ordre d'origine.
    libelles = [texte for texte in contenu if not texte.isdigit()]
    assert libelles == ["souffrance psychique", "impayés", "animaux"]
    assert [texte for texte in contenu if texte.isdigit()] == ["40", "20", "20"]
    largeurs = [float(barre.get("width")) for barre in barres(racine)]
    assert largeurs[0] == pytest.approx(2 * largeurs[1])


def test_un_chiffre_masque_n_a_ni_barre_ni_rang():
    chiffres = {
        "orientations": {
            "par_problematique": repartition(
                ("impayés", MASQUE_COMPLEMENTAIRE),
                ("addictions", 12),
                ("animaux", MASQUE),
                ("handicap", 6),
            )
        }
    }

    racine = analyse(barres_problematiques(chiffres))

    # Les chiffres d'abord, du plus grand au plus petit ; les masqués ensuite, dans l'ordre
    # d'origine : ni la longueur d'une barre ni son rang ne disent ce que vaut un masqué.
    assert textes(racine) == ["addictions", "12", "handicap", "6", "impayés", "s", "animaux", "< 5"]
    largeurs = [float(barre.get("width")) for barre in barres(racine)]
    assert len(largeurs) == 2
    assert largeurs[0] == pytest.approx(2 * largeurs[1])


def test_barres_des_sorties_coupe_les_libelles_longs():
    chiffres = {
        "sorties": {
            "par_motif": [
                {"code": code, "libelle": libelle, "nombre": nombre}
                for (code, libelle), nombre in zip(
                    MotifCloture.choices, [3, 0, 1, 2, 0, 0, 0, 0, 0], strict=True
                )
            ]
        }
    }

    racine = analyse(barres_sorties(chiffres))

    contenu = textes(racine)
    assert "Situation stabilisée" in contenu
    assert "Relogement / mutation" in contenu
    # « Réorientation hébergement ou autre dispositif » tient sur deux lignes.
    assert "Réorientation hébergement ou" in contenu
    assert "autre dispositif" in contenu
    assert len(barres(racine)) == 3


def test_un_libelle_avec_des_caracteres_speciaux_est_echappe():
    chiffres = {"sorties": {"par_motif": repartition(("Loyers <&> charges", 2))}}

    svg = barres_sorties(chiffres)

    assert "Loyers &lt;&amp;&gt; charges" in svg
    assert "<&>" not in svg
    assert "Loyers <&> charges" in textes(analyse(svg))


def test_barres_vides_affichent_aucune_donnee():
    for fabrique in (barres_problematiques, barres_sorties):
        racine = analyse(fabrique({}))
        assert textes(racine) == [AUCUNE_DONNEE]
    nulles = {"sorties": {"par_motif": repartition(("Décès", 0))}}
    assert textes(analyse(barres_sorties(nulles))) == [AUCUNE_DONNEE]


# --- Dette ----------------------------------------------------------------------------------


def test_dette_a_l_entree_et_derniere_connue_en_euros():
    chiffres = {
        "dette_et_expulsions": {
            "menages_avec_dette": 4,
            "entree_total": 5900.0,
            "entree_mediane": 1250.0,
            "derniere_total": 4800.0,
            "derniere_mediane": 1400.0,
        }
    }

    svg = dette_entree_actuelle(chiffres)
    racine = analyse(svg)

    contenu = textes(racine)
    assert "5\xa0900\xa0€" in contenu
    assert "4\xa0800\xa0€" in contenu
    assert "médiane : 1\xa0250\xa0€" in contenu
    assert "4 ménages avec une dette connue" in contenu
    entree, derniere = barres(racine)
    assert entree.get("fill") == "#1f4e79"
    assert derniere.get("fill") == "#c77d00"
    # 4 800 / 5 900 de la hauteur.
    assert float(derniere.get("height")) / float(entree.get("height")) == pytest.approx(
        4800 / 5900, abs=0.01
    )


def test_dette_sans_menage_endette_affiche_aucune_donnee():
    vide = {"dette_et_expulsions": {"menages_avec_dette": 0, "entree_total": 0.0}}
    for chiffres in ({}, vide):
        assert textes(analyse(dette_entree_actuelle(chiffres))) == [AUCUNE_DONNEE]


# --- Avec les vrais chiffres ----------------------------------------------------------------


@pytest.mark.django_db
def test_les_graphiques_lisent_le_dictionnaire_des_indicateurs():
    dispositif = DispositifFactory()
    for problematiques in ([Problematique.IMPAYES], [Problematique.IMPAYES, Problematique.ANIMAUX]):
        OrientationFactory(
            menage=MenageFactory(dispositif=dispositif, nom="Zorglubovitch"),
            date_orientation=date(2026, 2, 2),
            problematiques=problematiques,
        )

    chiffres = calculer(dispositif, 2026, 1, aujourd_hui=date(2026, 11, 24))
    # Ce que lisent le PDF et le tableau de bord.
    du_rapport = graphiques.graphiques_du_rapport(chiffres)

    assert list(du_rapport) == ["file_active", "problematiques", "sorties", "dette"]
    problematiques = textes(analyse(du_rapport["problematiques"]))
    # Chaque barre : son libellé puis sa valeur, telle que le dictionnaire la publie. Sans
    # territoire, impayés (2) et animaux (1) sont chacun la seule case (« non renseigné ») de
    # leur ligne du croisement : le total par problématique vaudrait cette case « < 5 », il est
    # donc masqué (« s ») ici comme dans le tableau, sans barre, dans l'ordre d'origine.
    assert chiffres["orientations"]["par_problematique"][0]["nombre"] == MASQUE_COMPLEMENTAIRE
    assert problematiques == ["impayés", "s", "animaux", "s"]
    assert barres(analyse(du_rapport["problematiques"])) == []
    # Pas d'accompagnement : file active, sorties et dette sont vides, sans erreur.
    for nom in ("file_active", "sorties", "dette"):
        assert textes(analyse(du_rapport[nom])) == [AUCUNE_DONNEE]
    assert all("Zorglubovitch" not in svg for svg in du_rapport.values())
    # Mêmes chiffres, mêmes graphiques.
    assert graphiques.graphiques_du_rapport(chiffres) == du_rapport
