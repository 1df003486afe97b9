"""Une orientation « à rattacher » attend la coordination sur un ménage provisoire : tant que la
coordination ne l'a pas rattachée au ménage déjà connu ou gardée à part, elle ne compte ni dans
le rapport semestriel (ses chiffres, son classeur, son PDF) ni dans le tableau de bord."""

from datetime import date

import pytest
from django.urls import reverse

from core.enums import Role
from core.factories import DispositifFactory, TerritoireFactory
from menages import services
from menages.enums import Problematique, Source, StatutOrientation
from menages.factories import LogementFactory, MenageFactory, OrientationFactory
from menages.models import Orientation
from rapports import indicateurs
from tests.outils import membre, texte

pytestmark = pytest.mark.django_db

DATE = date(2026, 3, 2)  # dans 2026-S1


def orientations(dispositif, territoire, nombre, *, provisoires):
    """`nombre` orientations reçues en 2026-S1 ; provisoires : « à rattacher », chacune sur un
    ménage provisoire doublon d'un ménage déjà connu."""
    for _ in range(nombre):
        menage = MenageFactory(dispositif=dispositif)
        LogementFactory(menage=menage, territoire=territoire)
        if provisoires:
            menage = MenageFactory(
                dispositif=dispositif,
                reference_locataire=menage.reference_locataire,
                provisoire=True,
                doublon_possible_de=menage,
            )
            LogementFactory(menage=menage, territoire=territoire)
        OrientationFactory(
            menage=menage,
            date_orientation=DATE,
            source=Source.RECOUVREMENT if provisoires else Source.GESTION_LOCATIVE,
            statut=StatutOrientation.A_RATTACHER if provisoires else StatutOrientation.RECUE,
            problematiques=[Problematique.ADDICTIONS if provisoires else Problematique.IMPAYES],
        )


@pytest.fixture
def dispositif():
    dispositif = DispositifFactory()
    territoire = TerritoireFactory(dispositif=dispositif, nom="Bassin d'Aurillac")
    orientations(dispositif, territoire, 6, provisoires=False)
    orientations(dispositif, territoire, 7, provisoires=True)
    return dispositif


def par_code(repartition):
    return {ligne["code"]: ligne["nombre"] for ligne in repartition}


def test_les_orientations_a_rattacher_ne_comptent_pas_dans_le_rapport(dispositif):
    chiffres = indicateurs.calculer(dispositif, 2026, 1)
    section = chiffres["orientations"]
    assert section["recues"] == 6
    assert par_code(section["par_source"])[Source.RECOUVREMENT] == 0
    assert par_code(section["par_source"])[Source.GESTION_LOCATIVE] == 6
    assert par_code(section["par_problematique"])[Problematique.ADDICTIONS] == 0
    assert par_code(section["par_problematique"])[Problematique.IMPAYES] == 6


def test_une_orientation_rattachee_ou_gardee_a_part_compte_ensuite(dispositif):
    coordinateur = membre(dispositif, Role.COORDINATEUR)
    premiere, seconde = Orientation.objects.filter(statut=StatutOrientation.A_RATTACHER)[:2]

    services.rattacher_orientation(coordinateur, premiere)
    services.garder_a_part(coordinateur, seconde)

    assert indicateurs.calculer(dispositif, 2026, 1)["orientations"]["recues"] == 8


def test_le_tableau_de_bord_ne_compte_pas_les_orientations_a_rattacher(client, dispositif):
    client.force_login(membre(dispositif, Role.COORDINATEUR))
    reponse = client.get(
        reverse("rapports:tableau_de_bord", args=[dispositif.slug]), {"semestre": "2026-S1"}
    )
    contenu = texte(reponse)
    assert '<div class="valeur">6</div><div class="libelle">orientations reçues</div>' in contenu
