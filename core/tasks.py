from celery import shared_task

from .retention import purger_journal


@shared_task
def purger_le_journal():
    """Tâche quotidienne (Celery beat) : supprime les lignes du journal d'audit plus anciennes
    que `DUREE_CONSERVATION_JOURNAL_JOURS`. Rend le nombre de lignes supprimées."""
    return purger_journal()
