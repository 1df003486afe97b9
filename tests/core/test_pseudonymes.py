"""Pseudonymes des extraits pour l'évaluation : stables pour un évaluateur, différents d'un
évaluateur à l'autre, dépendants de la clé ; tranches des montants et des années."""

from decimal import Decimal

import pytest

from core.factories import UserFactory
from core.pseudonymes import pseudonymiseur, tranche_annee, tranche_dette, tranche_ressources

pytestmark = pytest.mark.django_db


def test_le_pseudonyme_est_stable_pour_un_meme_evaluateur():
    evaluateur = UserFactory()
    assert pseudonymiseur(evaluateur)(42) == pseudonymiseur(evaluateur)(42)


def test_deux_menages_ont_deux_pseudonymes():
    pseudonyme = pseudonymiseur(UserFactory())
    assert pseudonyme(42) != pseudonyme(43)


def test_deux_evaluateurs_ont_deux_pseudonymes_pour_le_meme_menage():
    assert pseudonymiseur(UserFactory())(42) != pseudonymiseur(UserFactory())(42)


def test_le_pseudonyme_ne_montre_pas_l_identifiant(settings):
    pseudonyme = pseudonymiseur(UserFactory())(123456)
    assert pseudonyme.startswith("M-") and len(pseudonyme) == 18
    assert "123456" not in pseudonyme


def test_la_cle_dediee_change_les_pseudonymes(settings):
    evaluateur = UserFactory()
    settings.CLE_PSEUDONYMISATION = ""
    avec_secret_key = pseudonymiseur(evaluateur)(42)
    settings.CLE_PSEUDONYMISATION = "une-cle-dediee-aux-pseudonymes"
    avec_cle_dediee = pseudonymiseur(evaluateur)(42)
    assert avec_secret_key != avec_cle_dediee
    assert pseudonymiseur(evaluateur)(42) == avec_cle_dediee


@pytest.mark.parametrize(
    ("montant", "tranche"),
    [
        (None, ""),
        (Decimal("0"), "0 €"),
        (Decimal("0.01"), "moins de 500 €"),
        (Decimal("499.99"), "moins de 500 €"),
        (Decimal("500"), "500 à 1\u202f499 €"),
        (Decimal("2971.59"), "1\u202f500 à 2\u202f999 €"),
        (Decimal("9075.31"), "6\u202f000 à 9\u202f999 €"),
        (Decimal("10000"), "10\u202f000 € ou plus"),
    ],
)
def test_tranches_de_dette(montant, tranche):
    assert tranche_dette(montant) == tranche


def test_tranches_de_ressources():
    assert tranche_ressources(Decimal("1234.56")) == "1\u202f000 à 1\u202f499 €"
    assert tranche_ressources(Decimal("3500")) == "3\u202f000 € ou plus"


def test_annees_de_naissance_en_decennies():
    assert tranche_annee(1987) == "1980-1989"
    assert tranche_annee(2000) == "2000-2009"
    assert tranche_annee(None) == ""
