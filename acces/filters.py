"""Filtres de la liste des logements vacants d'un dispositif : elle garde, année après année,
chaque logement proposé, attribué ou retiré ; on y cherche une référence, une adresse, ceux d'un
état."""

import django_filters

from core.listes import FiltresDeListe, champ_de_recherche, chercher_les_mots

from .enums import EtatVacant


class FiltresLogementsVacants(FiltresDeListe):
    q = champ_de_recherche("rechercher", "Référence, adresse ou commune")
    etat = django_filters.ChoiceFilter(
        choices=EtatVacant.choices, field_name="etat", label="État", empty_label="Tous"
    )

    def rechercher(self, queryset, name, value):
        return chercher_les_mots(
            queryset, value, ("reference", "adresse", "code_postal", "commune")
        )
