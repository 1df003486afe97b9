from celery import shared_task

from .rappels import envoyer_rappels_bilans


@shared_task
def rappeler_bilans_en_retard():
    """Tâche quotidienne (Celery beat) : un courriel par référent·e ayant des bilans en retard."""
    return envoyer_rappels_bilans()
