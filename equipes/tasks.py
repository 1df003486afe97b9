from celery import shared_task

from . import services


@shared_task
def appliquer_les_departs():
    """Chaque nuit : ferme les accès des personnes dont le dernier départ est arrivé."""
    return services.appliquer_les_departs()


@shared_task
def effacer_les_invitations_closes():
    """Chaque nuit : efface les invitations expirées ou révoquées depuis plus de
    `CONSERVATION_INVITATIONS_JOURS` jours. Rend leur nombre."""
    return services.effacer_les_invitations_closes()
