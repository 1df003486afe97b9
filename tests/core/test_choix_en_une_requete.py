"""Les choix d'une liste de modèles se lisent en une requête (`core.selects.ChoixEnUneRequete`) :
les mêmes que ceux de Django, sans le curseur côté serveur que `queryset.iterator()` ouvre sur
PostgreSQL (quatre allers-retours pour quelques lignes)."""

import django_filters
import pytest
from django import forms
from django.db import connection

from core.factories import DispositifFactory, TerritoireFactory
from core.forms import ChoixModele, ChoixModeles
from core.listes import ChoixModeleFiltre
from core.models import Territoire

pytestmark = pytest.mark.django_db


@pytest.fixture
def territoires():
    dispositif = DispositifFactory()
    for nom in ("Nord", "Sud <b>", "Est"):
        TerritoireFactory(dispositif=dispositif, nom=nom)
    return Territoire.objects.filter(dispositif=dispositif).order_by("nom")


def _libelles(champ):
    return [(str(valeur), str(libelle)) for valeur, libelle in champ.choices]


@pytest.mark.parametrize("classe", [ChoixModele, ChoixModeles])
def test_les_memes_choix_que_django(territoires, classe, django_assert_num_queries):
    ordinaire = forms.ModelChoiceField if classe is ChoixModele else forms.ModelMultipleChoiceField
    attendus = _libelles(ordinaire(queryset=territoires))
    champ = classe(queryset=territoires)
    with django_assert_num_queries(1):
        assert _libelles(champ) == attendus
    assert [libelle for valeur, libelle in attendus if valeur] == ["Est", "Nord", "Sud <b>"]
    # Chaque parcours relit la base, comme celui de Django.
    with django_assert_num_queries(1):
        assert _libelles(champ) == attendus


def test_un_filtre_garde_le_tous_puis_le_choix_vide_de_django_filters(territoires):
    class Filtres(django_filters.FilterSet):
        territoire = ChoixModeleFiltre(
            queryset=territoires, field_name="territoire", empty_label="Tous", null_label="Aucun"
        )
        ordinaire = django_filters.ModelChoiceFilter(
            queryset=territoires, field_name="territoire", empty_label="Tous", null_label="Aucun"
        )

    formulaire = Filtres(queryset=Territoire.objects.none()).form
    assert _libelles(formulaire["territoire"].field) == _libelles(formulaire["ordinaire"].field)
    assert _libelles(formulaire["territoire"].field)[:2] == [("", "Tous"), ("null", "Aucun")]
    assert 'value="null"' in str(formulaire["territoire"])


def _curseurs_ouverts_pendant(choix):
    """Le nombre de curseurs côté serveur de la session ouverts une fois le premier choix lu."""
    iterateur = iter(choix)
    next(iterateur)  # « --------- »
    next(iterateur)  # le premier territoire : la requête est partie
    with connection.cursor() as curseur:
        curseur.execute("SELECT count(*) FROM pg_cursors")
        (nombre,) = curseur.fetchone()
    list(iterateur)
    return nombre


@pytest.mark.parametrize("classe", [ChoixModele, ChoixModeles])
def test_aucun_curseur_cote_serveur_sur_postgresql(postgresql, territoires, classe):
    assert _curseurs_ouverts_pendant(classe(queryset=territoires).choices) == 0
    # Le champ de Django, lui, en ouvre un : le test voit bien la différence.
    assert _curseurs_ouverts_pendant(forms.ModelChoiceField(queryset=territoires).choices) == 1


def test_aucun_curseur_cote_serveur_pour_un_filtre(postgresql, territoires):
    class Filtres(django_filters.FilterSet):
        territoire = ChoixModeleFiltre(queryset=territoires, field_name="territoire")

    champ = Filtres(queryset=Territoire.objects.none()).form.fields["territoire"]
    assert _curseurs_ouverts_pendant(champ.choices) == 0
