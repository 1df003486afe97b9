from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Dispositifs, structures et personnes"

    def ready(self):
        from . import signals  # noqa: F401
        from .fichiers import proteger_var, restreindre_le_masque

        # Avant toute connexion : la base SQLite, les rapports, les fichiers privés naissent
        # lisibles par le seul compte du service.
        restreindre_le_masque()
        proteger_var()
