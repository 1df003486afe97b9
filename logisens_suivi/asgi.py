import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "logisens_suivi.settings")

from .demarrage import exiger_des_cles_de_chiffrement, exiger_une_cle_secrete

exiger_une_cle_secrete()
exiger_des_cles_de_chiffrement()
application = get_asgi_application()
