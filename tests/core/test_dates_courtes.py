"""`|date_courte` et `|date_heure_courte` écrivent ce qu'écrit le filtre `date` de Django avec
les formats du produit, à l'heure de Paris, sans passer par son moteur de formats."""

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone

VALEURS = [
    date(2026, 12, 7),
    date(1, 1, 1),
    date(999, 3, 4),
    # Minuit à Paris est 23 h (hiver) ou 22 h (été) en temps universel : la veille en UTC.
    datetime(2026, 12, 6, 23, 30, tzinfo=UTC),
    datetime(2026, 7, 14, 22, 5, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # passage à l'heure d'été
    datetime(2026, 3, 29, 1, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # retour à l'heure d'hiver
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    datetime(2026, 1, 2, 3, 4),  # sans fuseau : écrite telle quelle
    None,
    "",
    "07/12/2026",
    42,
]


def rendu(gabarit, valeur):
    return Template("{% load formats_fr %}" + gabarit).render(Context({"v": valeur}))


@pytest.mark.parametrize("valeur", VALEURS, ids=repr)
def test_date_courte_ecrit_comme_le_format_court_de_django(valeur):
    attendu = rendu('{{ v|date:"SHORT_DATE_FORMAT" }}', valeur)
    assert rendu("{{ v|date_courte }}", valeur) == attendu
    assert rendu('{{ v|date:"d/m/Y" }}', valeur) == attendu


@pytest.mark.parametrize(
    "valeur",
    [v for v in VALEURS if not isinstance(v, date)]
    + [v for v in VALEURS if isinstance(v, datetime)],
    ids=repr,
)
def test_date_heure_courte_ecrit_comme_le_format_court_de_django(valeur):
    attendu = rendu('{{ v|date:"SHORT_DATETIME_FORMAT" }}', valeur)
    assert rendu("{{ v|date_heure_courte }}", valeur) == attendu


def test_l_heure_est_celle_de_paris():
    soir = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    assert rendu("{{ v|date_heure_courte }}", soir) == "07/12/2026 00:30"
    assert rendu("{{ v|date_courte }}", soir) == "07/12/2026"
    maintenant = timezone.now()
    local = timezone.localtime(maintenant)
    assert rendu("{{ v|date_courte }}", maintenant) == local.strftime("%d/%m/%Y")


FORMATS_COURTS = re.compile(
    r"""\|date:["'](SHORT_DATE_FORMAT|SHORT_DATETIME_FORMAT|d/m/Y|d/m/Y H:i)["']"""
)


def test_les_gabarits_ecrivent_les_dates_courtes_par_les_filtres_du_produit():
    """Un gabarit nouveau ou modifié n'y revient pas : `|date_courte`, `|date_heure_courte`."""
    gabarits = Path(settings.BASE_DIR, "templates")
    fautifs = [
        f"{chemin.relative_to(gabarits)}: {trouve.group(0)}"
        for chemin in sorted(gabarits.rglob("*"))
        if chemin.is_file() and chemin.suffix in {".html", ".txt", ".xml"}
        for trouve in FORMATS_COURTS.finditer(chemin.read_text())
    ]
    assert fautifs == []
