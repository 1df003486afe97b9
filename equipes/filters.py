"""Filtres de la page des membres : retrouver une personne parmi les centaines d'adhésions d'un
programme national, par son nom ou son adresse, son rôle, ou ce qui est en cours."""

import django_filters
from django.db.models import Q
from django.utils import timezone

from core.enums import Role
from core.listes import FiltresDeListe, champ_de_recherche, chercher_les_mots

PERIODES = [("en_cours", "En cours"), ("terminees", "Terminées")]


class FiltresAdhesions(FiltresDeListe):
    q = champ_de_recherche("rechercher", "Nom ou adresse électronique")
    role = django_filters.ChoiceFilter(
        choices=Role.choices, field_name="role", label="Rôle", empty_label="Tous"
    )
    periode = django_filters.ChoiceFilter(
        choices=PERIODES, method="filtrer_periode", label="Adhésions", empty_label="Toutes"
    )

    def rechercher(self, queryset, name, value):
        return chercher_les_mots(
            queryset, value, ("user__last_name", "user__first_name", "user__email")
        )

    def filtrer_periode(self, queryset, name, value):
        terminee = Q(date_fin__lte=timezone.localdate())
        return queryset.filter(terminee) if value == "terminees" else queryset.exclude(terminee)
