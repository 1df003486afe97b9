"""Filtres de « Mes orientations » : ce qu'un agent du bailleur ou une structure qui oriente
cherche dans ses orientations (un ménage, celles d'un statut)."""

import django_filters

from core.enums import Parcours
from core.listes import FiltresDeListe, champ_de_recherche, chercher_les_mots

from .enums import StatutOrientation
from .models import CHAMPS_DE_RECHERCHE


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
        champs = [f"menage__{champ}" for champ in CHAMPS_DE_RECHERCHE]
        return chercher_les_mots(queryset, value, champs, par_trigrammes=champs)
