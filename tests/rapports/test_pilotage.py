"""Piloter : chaque chiffre à côté de sa cible et des semestres précédents, lus dans les chiffres
STOCKÉS des rapports ; les cibles gardées dans le rapport produit ; la phrase de lecture ; la
courbe de tendance ; le tableau de bord, le PDF et le classeur qui les montrent."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accompagnement.enums import Adhesion
from core import reglages
from core.enums import IndicateurCible, Role
from core.factories import DispositifFactory, MembreFactory, TerritoireFactory
from menages.factories import LogementFactory
from rapports import documents, pilotage, services
from rapports.enums import StatutRapport
from rapports.models import RapportSemestriel
from tests.outils import texte

from .test_indicateurs import episode

pytestmark = pytest.mark.django_db

ADHESION = pilotage.PILOTE_DE[IndicateurCible.TAUX_ADHESION]
COUT = pilotage.PILOTE_DE[IndicateurCible.COUT_PAR_MENAGE]


def coordination(dispositif):
    return MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user


def rapport_stocke(dispositif, annee, semestre, chiffres):
    return RapportSemestriel.objects.create(
        dispositif=dispositif,
        annee=annee,
        semestre=semestre,
        statut=StatutRapport.PRET,
        chiffres=chiffres,
    )


def adherents(dispositif, acceptes, refus, debut=date(2026, 1, 5)):
    """Des épisodes avec un premier contact : `acceptes` acceptés, `refus` refusés."""
    for rang in range(acceptes + refus):
        episode(
            dispositif,
            debut,
            adhesion=Adhesion.ACCEPTEE if rang < acceptes else Adhesion.REFUSEE,
            date_premier_contact=debut,
        )


# --- La phrase de lecture -------------------------------------------------------------------


def test_la_phrase_de_l_exemple():
    assert pilotage.lecture(ADHESION, 68.0, 66.0, 61.0, True) == (
        "68\xa0% d'adhésion, au-dessus de la cible de 66\xa0% ; 61\xa0% au semestre précédent."
    )


def test_la_phrase_en_dessous_de_la_cible_et_premier_semestre():
    assert pilotage.lecture(COUT, 5200.0, 4833.0, None, False) == (
        "5\xa0200\xa0€ par ménage et par an, au-dessus de la cible de 4\xa0833\xa0€ ; "
        "premier semestre mesuré."
    )
    assert pilotage.lecture(ADHESION, 60.0, 66.7, 62.5, True).startswith(
        "60\xa0% d'adhésion, en dessous de la cible de 67\xa0%"
    )


def test_la_phrase_montre_une_decimale_quand_l_arrondi_cache_l_ecart():
    # 33,3 % contre une cible de 33,33 % : « 33 % en dessous de 33 % » ne se lirait pas.
    phrase = pilotage.lecture(ADHESION, 33.3, 33.33, None, True)
    assert phrase.startswith("33,3\xa0% d'adhésion, en dessous de la cible de 33,3\xa0%")
    assert phrase.endswith("pas de chiffre au semestre précédent.")


def test_la_phrase_sans_cible_ni_chiffre():
    assert pilotage.lecture(ADHESION, None, None, 50.0, True) == (
        "Taux d'adhésion : pas de chiffre ce semestre (aucun cas à compter), pas de cible "
        "fixée ; 50\xa0% au semestre précédent."
    )


# --- La comparaison : cible, semestres précédents stockés ------------------------------------


def test_chaque_chiffre_suivi_a_cote_de_sa_cible_et_des_semestres_stockes():
    dispositif = DispositifFactory()
    reglages.fixer_cibles(
        coordination(dispositif), dispositif, {IndicateurCible.TAUX_ADHESION: Decimal("66")}
    )
    # Sept semestres stockés : seuls les cinq derniers avant 2026-S1 entrent dans la courbe.
    for rang, (annee, semestre) in enumerate(
        [(2022, 2), (2023, 1), (2023, 2), (2024, 1), (2024, 2), (2025, 1), (2025, 2)]
    ):
        rapport_stocke(dispositif, annee, semestre, {"adhesion": {"taux": 50.0 + rang}})
    # Un rapport en échec ou postérieur n'entre pas.
    RapportSemestriel.objects.create(
        dispositif=dispositif, annee=2021, semestre=1, statut=StatutRapport.ECHEC
    )
    rapport_stocke(dispositif, 2026, 2, {"adhesion": {"taux": 99.0}})
    # Semestre courant : 17 acceptés sur 25 = 68 %.
    adherents(dispositif, 17, 8)
    from rapports import indicateurs

    chiffres = pilotage.avec_cibles(indicateurs.calculer(dispositif, 2026, 1), dispositif)
    lignes = pilotage.comparer(chiffres, pilotage.semestres_precedents(dispositif, 2026, 1))

    adhesion = next(ligne for ligne in lignes if ligne["indicateur"] == "taux_adhesion")
    assert [point["semestre"] for point in adhesion["serie"]] == [
        "2023-S2",
        "2024-S1",
        "2024-S2",
        "2025-S1",
        "2025-S2",
        "2026-S1",
    ]
    assert [point["valeur"] for point in adhesion["serie"]] == [52.0, 53.0, 54.0, 55.0, 56.0, 68.0]
    assert adhesion["cible"] == 66.0
    assert adhesion["lecture"] == (
        "68\xa0% d'adhésion, au-dessus de la cible de 66\xa0% ; 56\xa0% au semestre précédent."
    )
    # La courbe : titrée avec la cible, texte alternatif avec toutes les valeurs.
    svg = adhesion["graphique"]
    assert ">Taux d'adhésion<" in svg and "cible 66\xa0% (tirets)" in svg
    assert 'role="img"' in svg and "2023-S2 52\xa0%" in svg
    assert 'font-size="13"' in svg and 'font-size="12"' not in svg
    # Un chiffre sans cible le dit.
    cout = next(ligne for ligne in lignes if ligne["indicateur"] == "cout_par_menage")
    assert cout["cible"] is None and "pas de cible fixée" in cout["lecture"]


def test_un_ancien_rapport_sans_la_section_resultats_se_lit_quand_meme():
    dispositif = DispositifFactory()
    rapport_stocke(dispositif, 2025, 2, {"adhesion": {"taux": 40.0}})
    from rapports import indicateurs

    chiffres = pilotage.avec_cibles(indicateurs.calculer(dispositif, 2026, 1), dispositif)
    lignes = pilotage.comparer(chiffres, pilotage.semestres_precedents(dispositif, 2026, 1))

    reprise = next(ligne for ligne in lignes if ligne["indicateur"] == "reprise_paiement")
    assert reprise["precedent"] is None
    assert "pas de chiffre au semestre précédent" in reprise["lecture"]


# --- Un rapport produit ne change plus ---------------------------------------------------------


@pytest.fixture
def produire(django_capture_on_commit_callbacks):
    def _produire(user, dispositif, annee, semestre):
        with django_capture_on_commit_callbacks(execute=True):
            rapport, _ = services.demander_rapport(user, dispositif, annee, semestre)
        rapport.refresh_from_db()
        assert rapport.statut == StatutRapport.PRET, rapport.erreur
        return rapport

    return _produire


def test_le_rapport_garde_les_cibles_et_les_chiffres_de_son_jour(produire):
    dispositif = DispositifFactory()
    nord = TerritoireFactory(dispositif=dispositif, nom="Flandre")
    user = coordination(dispositif)
    reglages.fixer_cibles(user, dispositif, {IndicateurCible.TAUX_ADHESION: Decimal("66.67")})
    accompagnement = episode(
        dispositif,
        date(2025, 7, 1),
        adhesion=Adhesion.ACCEPTEE,
        date_premier_contact=date(2025, 7, 2),
    )
    LogementFactory(menage=accompagnement.menage, territoire=nord)

    ancien = produire(user, dispositif, 2025, 2)
    assert ancien.chiffres["cibles"] == [
        {
            "indicateur": "taux_adhesion",
            "cle": "adhesion.taux",
            "libelle": "Taux d'adhésion",
            "valeur": 66.67,
            "unite": "pourcentage",
        }
    ]
    fige = RapportSemestriel.objects.get(pk=ancien.pk).chiffres

    # Après le rapport : la cible change, le territoire est renommé, l'adhésion aussi.
    reglages.fixer_cibles(user, dispositif, {IndicateurCible.TAUX_ADHESION: Decimal("80")})
    reglages.renommer_territoire(user, nord, "Flandre intérieure")
    accompagnement.adhesion = Adhesion.REFUSEE
    accompagnement.save(update_fields=["adhesion"])

    assert RapportSemestriel.objects.get(pk=ancien.pk).chiffres == fige
    assert fige["file_active"]["par_territoire"][0]["libelle"] == "Flandre"

    # Le semestre suivant compare à la valeur STOCKÉE (100 %), pas à un recalcul (0 %).
    suivant = produire(user, dispositif, 2026, 1)
    assert suivant.chiffres["cibles"][0]["valeur"] == 80.0
    pdf = PdfReader(io.BytesIO(documents.lire(suivant.fichier_pdf)))
    texte_pdf = "\n".join(page.extract_text() for page in pdf.pages)
    assert "Cibles et tendances" in texte_pdf
    # Le texte du PDF, espaces et retours à la ligne ramenés à une espace.
    assert "d'adhésion, en dessous de la cible de 80 % ; 100 % au semestre précédent" in " ".join(
        texte_pdf.split()
    )
    classeur = load_workbook(io.BytesIO(documents.lire(suivant.fichier_xlsx)))
    tendances = [
        rangee
        for rangee in classeur["Tendances"].iter_rows(min_row=2, values_only=True)
        if rangee[5] == "adhesion.taux"
    ]
    assert [(r[1], r[2], r[3]) for r in tendances] == [
        ("2025-S2", 1.0, 0.8),
        ("2026-S1", 0.0, 0.8),
    ]
    cibles = list(classeur["Cibles"].iter_rows(min_row=2, values_only=True))
    assert cibles == [("Taux d'adhésion", 0.8, "pourcentage", "adhesion.taux")]
    assert classeur["Lecture"]["A1"].value == "Indicateur"


# --- Le tableau de bord ----------------------------------------------------------------------


def test_le_tableau_de_bord_montre_cibles_tendances_et_donnees_des_graphiques(client):
    dispositif = DispositifFactory()
    reglages.fixer_cibles(
        coordination(dispositif), dispositif, {IndicateurCible.TAUX_ADHESION: Decimal("66")}
    )
    rapport_stocke(dispositif, 2025, 2, {"adhesion": {"taux": 61.0}})
    adherents(dispositif, 17, 8)
    client.force_login(MembreFactory(dispositif=dispositif, role=Role.MEMBRE_COPIL).user)

    page = texte(
        client.get(
            reverse("rapports:tableau_de_bord", args=[dispositif.slug]), {"semestre": "2026-S1"}
        )
    )

    assert "Cibles et tendances" in page
    assert (
        "68\xa0% d'adhésion, au-dessus de la cible de 66\xa0% ; 61\xa0% au semestre précédent."
        in page
    )
    assert "Données du graphique" in page
    # Le COPIL lit ; il ne voit pas le lien vers les réglages.
    assert reverse("core:reglages", args=[dispositif.slug]) not in page


def test_la_coordination_voit_le_lien_vers_les_cibles(client):
    dispositif = DispositifFactory()
    client.force_login(coordination(dispositif))

    page = texte(client.get(reverse("rapports:tableau_de_bord", args=[dispositif.slug])))

    assert reverse("core:reglages", args=[dispositif.slug]) in page


def test_le_pdf_titre_ses_graphiques_et_lit_les_barres():
    dispositif = DispositifFactory()
    rapport = RapportSemestriel(dispositif=dispositif, annee=2026, semestre=1)
    from rapports import indicateurs

    chiffres = pilotage.avec_cibles(indicateurs.calculer(dispositif, 2026, 1), dispositif)
    lu = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(documents.pdf(rapport, chiffres))).pages
    )

    for titre in (
        "Accompagnements actifs par mois",
        "Problématiques des orientations reçues",
        "Sorties par motif",
        "Cibles et tendances",
    ):
        assert titre in lu
    assert "chaque barre compte" in lu
    assert "chaque point compte" not in lu


def test_les_libelles_des_graphiques_sont_lisibles_a_l_impression():
    """Corps 13 au moins : 13 unités de viewBox = 3,25 mm ≈ 9,2 pt pour un graphique imprimé
    sur toute la largeur (640 unités = 160 mm), et pour une courbe de tendance (320 unités =
    80 mm)."""
    import re

    from rapports import graphiques, indicateurs

    dispositif = DispositifFactory()
    adherents(dispositif, 3, 2)
    chiffres = pilotage.avec_cibles(indicateurs.calculer(dispositif, 2026, 1), dispositif)
    svgs = [
        *graphiques.graphiques_du_rapport(chiffres).values(),
        *(ligne["graphique"] for ligne in pilotage.comparer(chiffres, [])),
    ]
    tailles = {int(t) for svg in svgs for t in re.findall(r'font-size="(\d+)"', svg)}
    assert tailles and min(tailles) >= 13
