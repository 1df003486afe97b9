"""Filtres de « Mes orientations » : ce qu'un agent du bailleur ou une structure qui oriente
cherche dans ses orientations (un ménage, celles d'un statut)."""

import django_filters

from core.enums import Parcours
from core.listes import FiltresDeListe, champ_de_recherche

from .enums import StatutOrientation
from .selectors import chercher_des_menages


class FiltresMesOrientations(FiltresDeListe):
    q = champ_de_recherche("rechercher", "Nom ou référence locataire")
    statut = django_filters.ChoiceFilter(
        choices=StatutOrientation.choices,
        field_name="statut",
        label="Statut",
        empty_label="Tous",
    )
    parcours = django_filters.ChoiceFilter(
        choices=Parcours.choices, field_name="parcours", label="Parcours", empty_label="Tous"
    )

    def rechercher(self, queryset, name, value):
        return chercher_des_menages(queryset, value, chemin="menage__")
