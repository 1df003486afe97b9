from django.apps import AppConfig


class RgpdConfig(AppConfig):
    name = "rgpd"
    verbose_name = "Protection des données : historique, conservation, droit d'accès"
