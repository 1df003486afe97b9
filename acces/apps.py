from django.apps import AppConfig


class AccesConfig(AppConfig):
    name = "acces"
    verbose_name = "Parcours accès"
