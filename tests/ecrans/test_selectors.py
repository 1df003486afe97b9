"""Les lectures de la file active : la situation du jour de chaque ménage, et ce qu'une ligne
perd pour qui ne voit pas la dette (dans la page comme dans l'export)."""

from datetime import date
from decimal import Decimal

import pytest

from core.enums import Parcours, Role
from core.factories import MembreFactory
from ecrans import exports, selectors
from menages.enums import StadeProcedure, StatutOrientation
from menages.factories import (
    DetteLocativeFactory,
    LogementFactory,
    MenageFactory,
    OrientationFactory,
)
from tests.accompagnement.situations import equipe_ouverte

pytestmark = pytest.mark.django_db

S = StatutOrientation


def membre(role, dispositif=None, **kwargs):
    if dispositif is not None:
        kwargs["dispositif"] = dispositif
    return MembreFactory(role=role, **kwargs)


def test_la_file_active_porte_la_derniere_orientation_et_la_derniere_dette():
    coordinateur = membre(Role.COORDINATEUR)
    menage = MenageFactory(dispositif=coordinateur.dispositif)
    LogementFactory(menage=menage, commune="Aurillac")
    OrientationFactory(menage=menage, date_orientation=date(2025, 1, 6), statut=S.REFUSEE)
    OrientationFactory(
        menage=menage,
        date_orientation=date(2026, 3, 2),
        parcours=Parcours.MAINTIEN,
        avec_dette=True,
    )
    DetteLocativeFactory(menage=menage, date=date(2026, 3, 2), montant=Decimal("2450"))
    DetteLocativeFactory(menage=menage, date=date(2026, 6, 1), montant=Decimal("1900"))

    [ligne] = selectors.file_active(coordinateur.user)

    assert ligne.date_orientation == date(2026, 3, 2)
    assert ligne.statut == S.RECUE
    assert ligne.stade_procedure == StadeProcedure.ASSIGNATION
    assert ligne.commune == "Aurillac"
    assert ligne.dette == Decimal("1900")


def test_la_dette_et_la_procedure_sont_effacees_pour_qui_ne_les_voit_pas():
    """L'infirmière de l'équipe voit la ligne, sans sa dette ni sa procédure : la requête même
    les rend vides, ligne par ligne."""
    equipe = equipe_ouverte(avec_dette=True)
    DetteLocativeFactory(menage=equipe.menage)

    [vue_par_la_coordination] = selectors.file_active(equipe.coordinateur)
    assert vue_par_la_coordination.voit_dette is True
    assert vue_par_la_coordination.dette == Decimal("1200")

    vues_par_l_infirmiere = selectors.avec_problematiques(
        list(selectors.file_active(equipe.infirmier))
    )
    [ligne] = vues_par_l_infirmiere
    assert ligne.voit_dette is False
    assert ligne.dette is None
    assert ligne.stade_procedure is None
    entetes, [cellules] = exports.file_active(vues_par_l_infirmiere)
    export = dict(zip(entetes, cellules, strict=True))
    assert export["Dette locative (€)"] is None
    assert export["Procédure d'expulsion"] == ""
