from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Dispositifs, structures et personnes"

    def ready(self):
        from . import sessions, signals  # noqa: F401
