from django.apps import AppConfig


class AccompagnementConfig(AppConfig):
    name = "accompagnement"
    verbose_name = "Accompagnements"
