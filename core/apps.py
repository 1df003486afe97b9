from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = "Dispositifs, structures et personnes"

    def ready(self):
        from . import sessions, signals  # noqa: F401


class AdminTechniqueConfig(admin_apps.AdminConfig):
    """L'administration de Django, sur le site qui exige la double authentification."""

    default = False
    default_site = "core.admin_site.AdminTechnique"
