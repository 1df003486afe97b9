"""Application Celery : courtier Redis en production, exécution immédiate sans courtier."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "logisens_suivi.settings")

app = Celery("logisens_suivi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
def verifier_la_configuration(**kwargs):
    from .demarrage import exiger_des_cles_de_chiffrement, exiger_une_cle_secrete

    exiger_une_cle_secrete()
    exiger_des_cles_de_chiffrement()
