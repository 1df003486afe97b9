"""Le classeur XLSX du rapport : des tables propres, des cellules typées, le masquage du PDF,
une feuille de définitions ; relu avec openpyxl et converti par LibreOffice."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from core.factories import DispositifFactory, TerritoireFactory
from rapports import indicateurs
from rapports.classeur import ENTETES, FORMAT_EUROS, FORMAT_POURCENTAGE, classeur_des_chiffres
from tests.outils import AVEC_LIBREOFFICE, feuilles_lues_par_libreoffice

pytestmark = pytest.mark.django_db


@pytest.fixture
def chiffres():
    """Les chiffres d'un dispositif vide, puis quelques valeurs connues posées à la main."""
    dispositif = DispositifFactory()
    TerritoireFactory(dispositif=dispositif, nom="=Bassin")  # ressemble à une formule
    chiffres = indicateurs.calculer(dispositif, 2026, 1, aujourd_hui=date(2026, 9, 1))
    chiffres["adhesion"]["taux"] = 68.0
    chiffres["adhesion"]["acceptee"] = 17
    chiffres["cout"]["budget_annuel"] = 145000.0
    chiffres["cout"]["cout_par_menage"] = 4833.33
    chiffres["orientations"]["par_source"][0]["nombre"] = 12
    croisement = chiffres["croisement_problematique_territoire"]
    croisement["lignes"][0]["cellules"][0] = indicateurs.MASQUE
    croisement["lignes"][0]["total"] = indicateurs.MASQUE_COMPLEMENTAIRE
    return chiffres


def relire(contenu):
    return load_workbook(io.BytesIO(contenu))


def lignes(feuille):
    return list(feuille.iter_rows(values_only=True))


def par_cle(feuille):
    """{(clé, catégorie): cellule} d'une feuille de section."""
    return {
        (rangee[4].value, rangee[1].value or ""): rangee[2]
        for rangee in feuille.iter_rows(min_row=2)
    }


def test_une_feuille_par_section_avec_une_seule_ligne_d_en_tete(chiffres):
    classeur = relire(classeur_des_chiffres(chiffres))
    attendues = [
        "Présentation",
        *[
            titre
            for cle, titre in indicateurs.TITRES_SECTIONS.items()
            if cle not in ("periode", "croisement_problematique_territoire")
        ],
        "Problématiques par territoire",
        "Définitions",
    ]
    assert classeur.sheetnames == attendues
    for titre in attendues[1:-2]:
        entete, *rangees = lignes(classeur[titre])
        assert list(entete) == ENTETES
        assert rangees, titre
        # Aucune ligne vide ni sous-titre : chaque ligne a un indicateur et une clé.
        assert all(rangee[0] and rangee[4] for rangee in rangees), titre
        assert classeur[titre].freeze_panes == "A2"


def test_une_ligne_par_categorie_avec_des_nombres_types(chiffres):
    classeur = relire(classeur_des_chiffres(chiffres))
    orientations = par_cle(classeur["Orientations"])
    premiere_source = chiffres["orientations"]["par_source"][0]["libelle"]
    cellule = orientations[("orientations.par_source", premiere_source)]
    assert cellule.value == 12 and isinstance(cellule.value, int)
    categories = [c for cle, c in orientations if cle == "orientations.par_source"]
    assert categories == [ligne["libelle"] for ligne in chiffres["orientations"]["par_source"]]

    adhesion = par_cle(classeur["Adhésion"])
    taux = adhesion[("adhesion.taux", "")]
    assert taux.value == pytest.approx(0.68) and taux.number_format == FORMAT_POURCENTAGE
    assert adhesion[("adhesion.acceptee", "")].value == 17

    cout = par_cle(classeur["Coût"])
    assert cout[("cout.budget_annuel", "")].value == 145000
    assert cout[("cout.budget_annuel", "")].number_format == FORMAT_EUROS
    assert cout[("cout.cout_par_menage", "")].value == pytest.approx(4833.33)
    assert cout[("cout.annee", "")].value == 2026
    # Des effectifs dans la section Coût restent des effectifs.
    assert cout[("cout.diagnostics", "")].number_format == "#,##0"
    assert cout[("cout.menages_suivis_annee", "")].number_format == "#,##0"
    assert cout[("cout.cout_diagnostics", "")].number_format == FORMAT_EUROS

    bilans = par_cle(classeur["Bilans"])
    assert bilans[("bilans.date_reference", "")].value.date() == date(2026, 6, 30)


def test_le_masquage_est_celui_des_chiffres_du_pdf(chiffres):
    classeur = relire(classeur_des_chiffres(chiffres))
    entete, premiere, *_reste, pied = lignes(classeur["Problématiques par territoire"])
    croisement = chiffres["croisement_problematique_territoire"]
    assert list(entete) == ["Problématique", "'=Bassin", "non renseigné", "Total"]
    assert premiere[0] == croisement["lignes"][0]["libelle"]
    assert premiere[1] == "< 5" and premiere[-1] == "s"
    assert pied[0] == "Total"
    # Les autres cases sont des nombres.
    assert all(isinstance(v, int) for v in premiere[2:-1])


def test_la_feuille_des_definitions_definit_chaque_cle(chiffres):
    classeur = relire(classeur_des_chiffres(chiffres))
    entete, *rangees = lignes(classeur["Définitions"])
    assert list(entete) == ["Section", "Indicateur", "Définition", "Clé"]
    cles = {rangee[3] for rangee in rangees}
    assert {c for c in indicateurs.DEFINITIONS if not c.startswith("periode.")} <= cles
    marques = {rangee[1] for rangee in rangees if rangee[0] == "Secret statistique"}
    assert marques == {"< 5", "s"}
    # Chaque clé d'une feuille de section est définie (elle-même ou le groupe qui la contient :
    # « orientations.decisions » définit « orientations.decisions.total »).
    for titre in ("File active", "Orientations", "Coût"):
        for rangee in lignes(classeur[titre])[1:]:
            assert any(rangee[4] == c or rangee[4].startswith(f"{c}.") for c in cles), rangee


def test_la_presentation_nomme_le_dispositif_et_la_periode(chiffres):
    classeur = relire(classeur_des_chiffres(chiffres, presentation=[("Dispositif", "Déclic")]))
    presentation = dict(lignes(classeur["Présentation"])[1:])
    assert presentation["Dispositif"] == "Déclic"
    assert presentation["Semestre"] == "2026-S1"
    assert presentation["Du"].date() == date(2026, 1, 1)


# Le seul saut de la suite : la conversion demande LibreOffice, un paquet système que
# `make test` (cible `libreoffice`) installe quand il le peut (root) ; le reste du classeur est
# vérifié sans lui par openpyxl, ci-dessus.
@AVEC_LIBREOFFICE
def test_libreoffice_ouvre_le_classeur_et_lit_les_memes_tables(chiffres, tmp_path):
    lire = feuilles_lues_par_libreoffice(classeur_des_chiffres(chiffres), tmp_path, "chiffres")
    adhesion = lire("Adhésion")
    assert adhesion[0] == ENTETES
    taux = next(rangee for rangee in adhesion if rangee[4] == "adhesion.taux")
    assert taux[2] in ("68.0%", "68,0 %", "68,0%")
    croisement = lire("Problématiques par territoire")
    assert croisement[1][1] == "< 5" and croisement[1][-1] == "s"
    assert (tmp_path / "chiffres-Définitions.csv").exists()
