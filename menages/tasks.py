"""Les tâches des ménages : l'import CSV lancé depuis la page d'import."""

from celery import shared_task

from . import importation


@shared_task
def importer_en_arriere_plan(import_id):
    """Importe le fichier d'un `Import` ; reçoit l'identifiant seul et revérifie les droits."""
    return importation.executer_import(import_id)
