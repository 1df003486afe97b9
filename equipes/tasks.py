from celery import shared_task

from . import services


@shared_task
def appliquer_les_departs():
    """Chaque nuit : ferme les accès des personnes dont le dernier départ est arrivé."""
    return services.appliquer_les_departs()
