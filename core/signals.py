from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from . import double_facteur, limitation
from .middleware import requete_courante
from .models import JournalAudit, User
from .reseau import adresse_client
from .services import journaliser, journaliser_changements_du_compte


@receiver(user_logged_in)
def journaliser_connexion(sender, request, user, **kwargs):
    journaliser(user, JournalAudit.Action.CONNEXION, request=request)
    if request is not None and hasattr(request, "session"):
        double_facteur.noter_la_connexion(request, user)
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


@receiver(post_save, sender=User)
def journaliser_changement_de_compte(sender, instance, created, raw, update_fields, **kwargs):
    """Tout changement d'adresse, d'activation, de droits d'administration ou de mot de passe
    d'un compte va au journal, quel que soit le chemin (administration, page du compte, commande).

    La mise à niveau de l'empreinte d'un mot de passe à la connexion (même mot de passe,
    `update_fields=["password"]`) n'est pas un changement.
    """
    if raw:
        return
    mot_de_passe = getattr(instance, "_mot_de_passe_change", False)
    instance._mot_de_passe_change = False
    if update_fields is not None and set(update_fields) <= {"password", "last_login"}:
        return
    avant = getattr(instance, "_valeurs_lues", {})
    changements = {
        champ: (valeur, getattr(instance, champ))
        for champ, valeur in avant.items()
        if valeur != getattr(instance, champ) and (update_fields is None or champ in update_fields)
    }
    instance._valeurs_lues = {champ: getattr(instance, champ) for champ in User.CHAMPS_SUIVIS}
    if not (created or changements or mot_de_passe):
        return
    request = requete_courante()
    acteur = getattr(request, "user", None)
    if acteur is not None and not acteur.is_authenticated:
        acteur = None
    if acteur is None and not created:
        # Réinitialisation par courriel, commande : c'est la personne elle-même (ou la machine).
        acteur = instance if request is not None else None
    journaliser_changements_du_compte(
        acteur,
        instance,
        creation=created,
        changements=changements,
        mot_de_passe=mot_de_passe,
        request=request,
    )
