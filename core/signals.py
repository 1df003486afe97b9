from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from .models import JournalAudit
from .services import journaliser


@receiver(user_logged_in)
def journaliser_connexion(sender, request, user, **kwargs):
    journaliser(user, JournalAudit.Action.CONNEXION, request=request)


@receiver(user_login_failed)
def journaliser_echec(sender, credentials, request=None, **kwargs):
    # On garde l'adresse tentée, jamais le mot de passe.
    JournalAudit.objects.create(
        # En minuscules, comme les adresses des comptes : la coordination les retrouve.
        email=str(credentials.get("username", "")).strip().lower()[:254],
        action=JournalAudit.Action.CONNEXION_ECHOUEE,
        adresse_ip=(request.META.get("REMOTE_ADDR") or None) if request else None,
    )
