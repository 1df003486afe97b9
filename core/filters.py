"""Filtres de la page « Accès et comptes » : retrouver une personne parmi les centaines d'un
programme national, par son nom ou son adresse, son rôle, ou l'état de sa double
authentification."""

import django_filters
from django.db.models import Exists, OuterRef

from .enums import Role
from .listes import FiltresDeListe, champ_de_recherche, chercher_les_mots
from .models import Membre

ETATS_DU_FACTEUR = [("activee", "Activée"), ("non_activee", "Non activée")]


class FiltresPersonnes(FiltresDeListe):
    q = champ_de_recherche("rechercher", "Nom ou adresse électronique")
    role = django_filters.ChoiceFilter(
        choices=Role.choices, method="filtrer_role", label="Rôle", empty_label="Tous"
    )
    double_facteur = django_filters.ChoiceFilter(
        choices=ETATS_DU_FACTEUR,
        method="filtrer_double_facteur",
        label="Double authentification",
        empty_label="Toutes",
    )

    def __init__(self, *args, dispositif, **kwargs):
        self.dispositif = dispositif
        super().__init__(*args, **kwargs)

    def rechercher(self, queryset, name, value):
        return chercher_les_mots(queryset, value, ("last_name", "first_name", "email"))

    def filtrer_role(self, queryset, name, value):
        return queryset.filter(
            Exists(
                Membre.objects.actifs().filter(
                    dispositif=self.dispositif, user=OuterRef("pk"), role=value
                )
            )
        )

    def filtrer_double_facteur(self, queryset, name, value):
        return queryset.filter(double_facteur=value == "activee")
