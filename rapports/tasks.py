"""Les tâches du rapport semestriel.

Elles gardent le nom qu'elles avaient quand le rapport vivait dans `comites` : le planning de
Celery beat (`CELERY_BEAT_SCHEDULE`, copié en base par django-celery-beat) et les messages déjà
en file les appellent par ce nom.
"""

from celery import shared_task

from . import chiffres_servis, services


@shared_task(name="comites.tasks.produire_rapport_semestriel")
def produire_rapport_semestriel(rapport_id):
    """Produit un rapport semestriel ; reçoit l'identifiant seul et revérifie les droits."""
    return services.produire_rapport(rapport_id)


@shared_task(name="comites.tasks.rapports_du_semestre_ecoule")
def rapports_du_semestre_ecoule():
    """Planifiée le 1er janvier et le 1er juillet : le rapport de chaque dispositif."""
    return [rapport.pk for rapport in services.demander_semestre_ecoule()]


@shared_task(name="rapports.tasks.produire_rapport_national")
def produire_rapport_national(rapport_id):
    """Produit le rapport national consolidé ; reçoit l'identifiant seul et revérifie les
    droits du demandeur."""
    return services.produire_rapport_national(rapport_id)


@shared_task(name="rapports.tasks.rapport_national_du_semestre_ecoule")
def rapport_national_du_semestre_ecoule():
    """Planifiée le 1er janvier et le 1er juillet, après les rapports des dispositifs : le
    rapport national consolidé du semestre écoulé."""
    return services.demander_national_semestre_ecoule().pk


@shared_task(name="rapports.tasks.rafraichir_les_chiffres")
def rafraichir_les_chiffres():
    """Planifiée peu avant l'expiration du cache des indicateurs : les chiffres du semestre en
    cours recalculés pour les pages (agrégés, aucun droit à revérifier : aucune personne)."""
    return chiffres_servis.rafraichir()
