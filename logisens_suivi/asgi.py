import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "logisens_suivi.settings")

application = get_asgi_application()
