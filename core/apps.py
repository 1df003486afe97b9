from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "core"
    verbose_name = "Dispositifs, structures et personnes"

    def ready(self):
        from . import postgresql, sans_accents, sessions, signals, verifications  # noqa: F401
        from .fichiers import proteger_var, restreindre_le_masque

        # Avant toute connexion : la base SQLite, les rapports, les fichiers privés naissent
        # lisibles par le seul compte du service.
        restreindre_le_masque()
        proteger_var()


class AdminTechniqueConfig(admin_apps.AdminConfig):
    """L'administration de Django, sur le site qui exige la double authentification."""

    default = False
    default_site = "core.admin_site.AdminTechnique"
