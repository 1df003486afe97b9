from django.apps import AppConfig


class EquipesConfig(AppConfig):
    name = "equipes"
    verbose_name = "Équipes des dispositifs : invitations, adhésions, départs"
