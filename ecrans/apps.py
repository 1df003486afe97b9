from django.apps import AppConfig


class EcransConfig(AppConfig):
    name = "ecrans"
    verbose_name = "Écrans qui croisent les parties du suivi"
