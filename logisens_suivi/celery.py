"""Application Celery : courtier Redis en production, exécution immédiate sans courtier."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "logisens_suivi.settings")

app = Celery("logisens_suivi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
