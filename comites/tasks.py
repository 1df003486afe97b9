from celery import shared_task

from . import rapports


@shared_task
def produire_rapport_semestriel(rapport_id):
    """Produit un rapport semestriel ; reçoit l'identifiant seul et revérifie les droits."""
    return rapports.produire_rapport(rapport_id)


@shared_task
def rapports_du_semestre_ecoule():
    """Planifiée le 1er janvier et le 1er juillet : le rapport de chaque dispositif."""
    return [rapport.pk for rapport in rapports.demander_semestre_ecoule()]
