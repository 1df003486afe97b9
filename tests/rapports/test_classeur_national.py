"""Le classeur du rapport national consolidé : des tables propres, chaque nombre au format Excel
de son unité (effectifs entiers, euros, pourcentages), le masquage « < 5 » / « s » identique au
PDF, une feuille « Définitions » ; relu avec openpyxl et converti par LibreOffice."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from core.factories import DispositifFactory
from menages.enums import Problematique
from menages.factories import MenageFactory, OrientationFactory
from rapports import national
from rapports.classeur import ENTETES, FORMAT_EFFECTIF, FORMAT_EUROS, FORMAT_POURCENTAGE
from rapports.models import RapportNational
from tests.outils import AVEC_LIBREOFFICE, feuilles_lues_par_libreoffice

pytestmark = pytest.mark.django_db


def orientations(dispositif, code, nombre):
    for _ in range(nombre):
        OrientationFactory(
            menage=MenageFactory(dispositif=dispositif, nom="Nomcache"),
            date_orientation=date(2026, 3, 2),
            problematiques=[code],
        )


@pytest.fixture
def chiffres_nationaux():
    """Alpha : 2 addictions (« < 5 », donc « s » dans sa répartition), 5 hygiène / incurie
    (masquée en complément), 6 impayés ; Beta : 6 addictions, 7 impayés. L'ensemble masque les
    addictions (8 − 6 redonnerait 2) et l'hygiène, comme Alpha."""
    alpha = DispositifFactory(nom="Alpha", slug="alpha")
    beta = DispositifFactory(nom="Beta", slug="beta")
    orientations(alpha, Problematique.IMPAYES, 6)
    orientations(alpha, Problematique.ADDICTIONS, 2)
    orientations(alpha, Problematique.HYGIENE_INCURIE, 5)  # masquée en complément (« s »)
    orientations(beta, Problematique.IMPAYES, 7)
    orientations(beta, Problematique.ADDICTIONS, 6)
    chiffres = national.calculer(2026, 1)
    # Des valeurs connues pour lire les formats (le budget n'a pas de ligne ici).
    for dispositif, cout, taux in zip(
        chiffres["dispositifs"], (4833.33, 3900.0), (68.0, 50.0), strict=True
    ):
        dispositif["chiffres"]["cout"]["cout_par_menage"] = cout
        dispositif["chiffres"]["adhesion"]["taux"] = taux
    chiffres["ensemble"]["cout"]["cout_par_menage"] = 4300.5
    chiffres["ensemble"]["adhesion"]["taux"] = 60.0
    return chiffres


def relire(contenu):
    return load_workbook(io.BytesIO(contenu))


def ligne_de(feuille, libelle):
    return next(r for r in feuille.iter_rows(min_row=2) if r[0].value == libelle)


def test_le_cote_a_cote_type_chaque_nombre_au_format_de_son_unite(chiffres_nationaux):
    classeur = relire(national.classeur(chiffres_nationaux))
    feuille = classeur["Côte à côte"]
    assert [c.value for c in feuille[1]] == ["Indicateur", "Unité", "Alpha", "Beta", "Ensemble"]
    recues = ligne_de(feuille, "Orientations reçues")
    assert [c.value for c in recues[2:]] == [13, 13, 26]
    assert {c.number_format for c in recues[2:]} == {FORMAT_EFFECTIF}
    cout = ligne_de(feuille, "Coût par ménage")
    assert [c.value for c in cout[2:]] == [4833.33, 3900.0, 4300.5]
    assert {c.number_format for c in cout[2:]} == {FORMAT_EUROS}
    adhesion = ligne_de(feuille, "Taux d'adhésion")
    # La cellule vaut 0,68 et s'affiche « 68,0 % ».
    assert [c.value for c in adhesion[2:]] == [0.68, 0.5, 0.6]
    assert {c.number_format for c in adhesion[2:]} == {FORMAT_POURCENTAGE}
    assert feuille.freeze_panes == "A2" and feuille.auto_filter.ref


def test_une_feuille_par_section_en_tables_et_les_definitions(chiffres_nationaux):
    classeur = relire(national.classeur(chiffres_nationaux))
    assert classeur.sheetnames[:2] == ["Présentation", "Côte à côte"]
    assert classeur.sheetnames[-1] == "Définitions"
    assert "Problématiques par territoire" not in classeur.sheetnames
    orientations_ = classeur["Orientations"]
    assert [c.value for c in orientations_[1]] == ENTETES
    definitions = [r[3] for r in classeur["Définitions"].iter_rows(min_row=2, values_only=True)]
    assert "orientations.recues" in definitions
    assert not any(
        (cle or "").startswith("croisement_problematique_territoire") for cle in definitions
    )
    presentation = dict(classeur["Présentation"].iter_rows(min_row=2, values_only=True))
    assert presentation["Dispositifs"] == "Alpha, Beta"
    assert presentation["Semestre"] == "2026-S1"


def test_le_masquage_est_celui_du_pdf(chiffres_nationaux):
    classeur = relire(national.classeur(chiffres_nationaux))
    rangees = {
        (r[4].value, r[1].value): r[2]
        for r in classeur["Orientations"].iter_rows(min_row=2)
        if r[4].value == "orientations.par_problematique"
    }
    addictions = rangees[("orientations.par_problematique", "addictions")]
    impayes = rangees[("orientations.par_problematique", "impayés")]
    assert addictions.value == "s" and addictions.alignment.horizontal == "right"
    assert impayes.value == 13 and impayes.number_format == FORMAT_EFFECTIF
    # Le PDF du même rapport écrit les mêmes cases.
    rapport = RapportNational(annee=2026, semestre=1)
    pdf = " ".join(
        " ".join(
            page.extract_text()
            for page in PdfReader(io.BytesIO(national.pdf(rapport, chiffres_nationaux))).pages
        ).split()
    )
    assert re.search(r"addictions s\b", pdf)
    assert re.search(r"impayés 13\b", pdf)
    tout = "\n".join(
        ";".join(str(v) for v in ligne)
        for feuille in classeur.worksheets
        for ligne in feuille.iter_rows(values_only=True)
    )
    assert "Nomcache" not in tout
    # Aucune case de l'ensemble ne dit ce que le PDF masque.
    assert not any(
        r[1] == "addictions" and isinstance(r[2], int)
        for r in classeur["Orientations"].iter_rows(min_row=2, values_only=True)
    )


@AVEC_LIBREOFFICE
def test_libreoffice_ouvre_le_classeur_national(chiffres_nationaux, tmp_path):
    classeur = national.classeur(chiffres_nationaux)
    lire = feuilles_lues_par_libreoffice(classeur, tmp_path, "national")
    cote = lire("Côte à côte")
    assert cote[0] == ["Indicateur", "Unité", "Alpha", "Beta", "Ensemble"]
    adhesion = next(r for r in cote if r[0] == "Taux d'adhésion")
    assert adhesion[2] in ("68.0%", "68,0 %", "68,0%")
    cout = next(r for r in cote if r[0] == "Coût par ménage")
    assert "€" in cout[4] and "4" in cout[4]
    orientations_ = lire("Orientations")
    assert orientations_[0] == ENTETES
    assert any(r[1] == "addictions" and r[2] == "s" for r in orientations_)
    assert (tmp_path / "national-Définitions.csv").exists()
