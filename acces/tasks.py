from celery import shared_task

from .rappels import envoyer_rappels_relais


@shared_task
def rappeler_etapes_du_relais_en_retard():
    """Tâche quotidienne (Celery beat) : un courriel par personne ayant des étapes du relais du
    lien en retard (référent du bailleur, référent·e de l'accompagnement)."""
    return envoyer_rappels_relais()
