from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from . import limitation
from .models import JournalAudit
from .reseau import adresse_client
from .services import journaliser


@receiver(user_logged_in)
def journaliser_connexion(sender, request, user, **kwargs):
    journaliser(user, JournalAudit.Action.CONNEXION, request=request)
    limitation.enregistrer_succes(user.get_username())


@receiver(user_login_failed)
def journaliser_echec(sender, credentials, request=None, **kwargs):
    identifiant = credentials.get("username", "")
    # On garde l'adresse tentée, jamais le mot de passe.
    JournalAudit.objects.create(
        # En minuscules, comme les adresses des comptes : la coordination les retrouve.
        email=str(identifiant).strip().lower()[:254],
        action=JournalAudit.Action.CONNEXION_ECHOUEE,
        adresse_ip=adresse_client(request),
    )
    if request is not None:
        limitation.enregistrer_echec(request, identifiant)
