from celery import shared_task

from .conservation import anonymiser_menages


@shared_task
def anonymiser_les_menages():
    """Tâche quotidienne (Celery beat) : anonymise les ménages dont la durée de conservation
    (`CONSERVATION_MENAGES_JOURS` après le dernier contact) est dépassée. Rend leur nombre."""
    return len(anonymiser_menages().menages)
