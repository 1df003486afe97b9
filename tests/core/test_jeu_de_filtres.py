"""`core.listes.JeuDeFiltres` : le formulaire d'un jeu de filtres prend les champs créés pour
ce jeu sans les recopier, et rien ne passe d'un jeu à l'autre."""

import copy

import django_filters
import pytest

from core.enums import Role
from core.factories import MembreFactory
from core.listes import JeuDeFiltres, habiller
from core.models import Membre
from ecrans.filters import FiltresFileActive
from menages.models import Menage

pytestmark = pytest.mark.django_db


class Filtres(JeuDeFiltres):
    role = django_filters.ChoiceFilter(choices=Role.choices, label="Rôle")
    actif = django_filters.BooleanFilter(label="Actif")


def test_le_formulaire_prend_les_champs_du_jeu_sans_les_recopier(monkeypatch):
    copies = []
    profonde = copy.deepcopy

    def compter(objet, memo=None):
        copies.append(type(objet).__name__)
        return profonde(objet, memo)

    filtres = Filtres({"role": Role.INFIRMIER}, queryset=Membre.objects.all())
    monkeypatch.setattr(copy, "deepcopy", compter)
    formulaire = filtres.form
    monkeypatch.undo()
    assert formulaire.fields["role"] is filtres.filters["role"].field
    assert formulaire.fields["actif"] is filtres.filters["actif"].field
    # Aucun champ, widget ni liste de choix recopié : seul le dictionnaire des champs l'est.
    assert copies == ["_ChampsDuJeu"]


def test_deux_jeux_ne_partagent_ni_champs_ni_widgets():
    un = Filtres(None, queryset=Membre.objects.all())
    autre = Filtres(None, queryset=Membre.objects.all())
    habiller(un.form)
    un.form.fields["role"].widget.attrs["data-marque"] = "un"
    un.form.fields["role"].choices = [("", "Tous")]
    assert un.form.fields["role"] is not autre.form.fields["role"]
    assert "data-marque" not in autre.form.fields["role"].widget.attrs
    assert "form-select" not in autre.form.fields["role"].widget.attrs.get("class", "")
    assert len(autre.form.fields["role"].choices) == len(Role.choices) + 1
    # La classe du filtre n'a rien appris d'un jeu : un troisième repart de zéro.
    troisieme = Filtres(None, queryset=Membre.objects.all())
    assert troisieme.form.fields["role"].widget.attrs == {}


def test_la_file_active_de_deux_personnes_garde_ses_listes_propres():
    """Les listes d'une personne (référent·es, territoires) ne passent pas dans le formulaire
    d'une autre servie par le même processus."""
    coordination = MembreFactory(role=Role.COORDINATEUR)
    ailleurs = MembreFactory(role=Role.COORDINATEUR)
    a = FiltresFileActive(None, queryset=Menage.objects.none(), user=coordination.user)
    b = FiltresFileActive(None, queryset=Menage.objects.none(), user=ailleurs.user)
    territoires_a = a.form.fields["territoire"].queryset
    territoires_b = b.form.fields["territoire"].queryset
    assert a.form.fields["territoire"] is not b.form.fields["territoire"]
    assert str(territoires_a.query) != str(territoires_b.query)
    assert a.form.fields["referent"].widget is not b.form.fields["referent"].widget
