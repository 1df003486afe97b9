"""Contrôles de déploiement (`manage.py check --deploy`) propres au produit.

Une instance de production doit pouvoir tourner à plusieurs : rien d'important ne doit vivre dans
la mémoire d'un seul processus.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def etat_partage(app_configs, **kwargs):
    if settings.DEBUG:
        return []
    alertes = []
    if not settings.CACHE_URL:
        alertes.append(
            Warning(
                "CACHE_URL n'est pas défini : les compteurs de la limitation des connexions "
                "vivent dans la mémoire de chaque processus, et un attaquant multiplie ses essais "
                "par le nombre de processus et d'instances.",
                hint="Définissez CACHE_URL=redis://hote:6379/1 (voir docs/deploiement.md).",
                id="suivi.W001",
            )
        )
    if not settings.CELERY_BROKER_URL:
        alertes.append(
            Warning(
                "CELERY_BROKER_URL n'est pas défini : le rapport semestriel et les imports sont "
                "produits dans le processus web qui les demande ; le planificateur ne tourne pas.",
                hint="Définissez CELERY_BROKER_URL=redis://hote:6379/0, lancez worker et beat.",
                id="suivi.W002",
            )
        )
    return alertes
