"""L'écriture des cellules d'un export CSV (`core.exports._texte`, et `_en_texte` pour une ligne
entière, qui neutralise les textes sans l'appeler)."""

import io
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import openpyxl.xml
import pytest

from core.exports import _en_texte, _texte, ecrire_classeur


@pytest.mark.parametrize(
    "jour", [date(2026, 3, 5), date(1999, 12, 31), date(2026, 10, 1), date(1900, 1, 9)]
)
def test_une_date_s_ecrit_comme_strftime(jour):
    assert _texte(jour) == jour.strftime("%d/%m/%Y")


@pytest.mark.parametrize("debut", ["=", "+", "-", "@", "\t", "\r"])
def test_un_texte_qui_commence_comme_une_formule_est_neutralise(debut):
    assert _texte(f"{debut}SOMME(A1)") == f"'{debut}SOMME(A1)"


@pytest.mark.parametrize("texte", ["", "Dupont", " =1", "a=b", "1-2"])
def test_un_texte_ordinaire_part_tel_quel(texte):
    assert _texte(texte) == texte


def test_les_autres_valeurs_gardent_leur_ecriture():
    paris = ZoneInfo("Europe/Paris")
    assert _texte(None) == ""
    assert _texte(True) == "oui" and _texte(False) == "non"
    assert _texte(12) == "12" and _texte(-3) == "'-3"
    assert _texte(Decimal("2450.00")) == "2450,00"
    assert _texte(datetime(2026, 3, 5, 9, 7, tzinfo=paris)) == "05/03/2026 09:07"


def test_une_ligne_s_ecrit_cellule_par_cellule_comme_texte():
    """`_en_texte` écrit les textes lui-même (sans appel par cellule) : la règle des formules
    reste celle de `_texte`, cellule par cellule, pour chaque type."""
    paris = ZoneInfo("Europe/Paris")
    ligne = [
        *(f"{debut}SOMME(A1)" for debut in ["=", "+", "-", "@", "\t", "\r"]),
        "",
        "Dupont",
        " =1",
        "a=b",
        None,
        True,
        False,
        12,
        -3,
        Decimal("2450.00"),
        date(2026, 3, 5),
        date(2026, 3, 5),
        datetime(2026, 3, 5, 9, 7, tzinfo=paris),
    ]
    assert _en_texte(ligne) == [_texte(valeur) for valeur in ligne]
    assert _en_texte(ligne)[:6] == [
        "'=SOMME(A1)",
        "'+SOMME(A1)",
        "'-SOMME(A1)",
        "'@SOMME(A1)",
        "'\tSOMME(A1)",
        "'\rSOMME(A1)",
    ]


def test_les_classeurs_s_ecrivent_par_lxml_et_se_relisent():
    """openpyxl écrit les classeurs par lxml quand il est installé (requirements.txt) : un
    export XLSX un cinquième plus court (docs/performance.md, § 7). Le classeur ainsi écrit se
    relit avec ses types, son en-tête en gras et ses formules neutralisées."""
    assert openpyxl.xml.LXML
    fichier = io.BytesIO()
    ecrire_classeur(
        fichier,
        [
            (
                "Liste",
                ["Nom", "Depuis", "Dette"],
                [["=SOMME(A1)", date(2026, 3, 1), Decimal("12.5")]],
            )
        ],
    )
    feuille = openpyxl.load_workbook(io.BytesIO(fichier.getvalue())).active
    assert feuille.title == "Liste"
    assert [cellule.value for cellule in feuille[1]] == ["Nom", "Depuis", "Dette"]
    assert feuille["A1"].font.bold
    assert feuille["A2"].value == "'=SOMME(A1)"
    assert feuille["B2"].value == datetime(2026, 3, 1)
    assert feuille["C2"].value == 12.5
    assert feuille.freeze_panes == "A2"
