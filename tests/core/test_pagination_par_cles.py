"""`core.listes.page_par_les_cles` : la même page que `Paginator`, et le décompte sans requête à
la première page d'une liste courte."""

import pytest
from django.core.paginator import Paginator

from core.factories import DispositifFactory
from core.listes import PAGES_LUES_D_AVANCE, page_par_les_cles
from menages.factories import MenageFactory
from menages.models import Menage

pytestmark = pytest.mark.django_db

PAR_PAGE = 2
LIMITE = PAR_PAGE * PAGES_LUES_D_AVANCE


def liste_de(nombre):
    dispositif = DispositifFactory()
    MenageFactory.create_batch(nombre, dispositif=dispositif)
    return Menage.objects.filter(dispositif=dispositif).order_by("nom", "pk")


def attendue(queryset, numero):
    """La page que donne `Paginator` sur les lignes elles-mêmes."""
    return Paginator(list(queryset), PAR_PAGE).get_page(numero)


@pytest.mark.parametrize("nombre", [0, 1, PAR_PAGE + 1, LIMITE])
def test_la_premiere_page_d_une_liste_courte_se_compte_par_ses_cles(
    nombre, django_assert_num_queries
):
    menages = liste_de(nombre)
    # Les clés (toute la liste tient dans les pages lues d'avance), puis les lignes de la page.
    with django_assert_num_queries(2 if nombre else 1):
        page = page_par_les_cles(menages, PAR_PAGE, None)
        lignes = list(page.object_list)

    modele = attendue(menages, 1)
    assert lignes == list(modele.object_list)
    assert page.paginator.count == nombre
    assert page.paginator.num_pages == modele.paginator.num_pages
    assert (page.number, page.has_next()) == (1, modele.has_next())


def test_la_premiere_page_d_une_liste_longue_compte_la_liste(django_assert_num_queries):
    menages = liste_de(LIMITE + 1)
    # Les clés lues d'avance, le décompte, les lignes de la page.
    with django_assert_num_queries(3):
        page = page_par_les_cles(menages, PAR_PAGE, "1")

    assert list(page.object_list) == list(attendue(menages, 1).object_list)
    assert page.paginator.count == LIMITE + 1
    assert page.paginator.num_pages == (LIMITE + 1 + PAR_PAGE - 1) // PAR_PAGE


@pytest.mark.parametrize("numero", ["2", "3", "0", "-1", "99", "abc", "1.0", "", None, " 1", "2.5"])
def test_toute_page_demandee_est_celle_de_paginator(numero):
    menages = liste_de(2 * PAR_PAGE + 1)

    page = page_par_les_cles(menages, PAR_PAGE, numero)

    modele = attendue(menages, numero)
    assert page.number == modele.number
    assert list(page.object_list) == list(modele.object_list)
    assert page.paginator.count == modele.paginator.count


def test_une_page_profonde_compte_la_liste(django_assert_num_queries):
    menages = liste_de(2 * PAR_PAGE + 1)
    # Le décompte, les clés de la page, ses lignes.
    with django_assert_num_queries(3):
        page = page_par_les_cles(menages, PAR_PAGE, "2")
        list(page.object_list)
