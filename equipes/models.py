"""L'invitation d'une personne dans un dispositif, par sa coordination."""

import hashlib
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.enums import Profession, Role
from core.models import Dispositif, LibellesDesChoix, Membre, Organisation, Territoire


def empreinte(jeton):
    """L'empreinte (SHA-256) d'un jeton d'invitation : seule elle est gardée en base.

    Le jeton est long et tiré au hasard (`secrets.token_urlsafe`) : une empreinte sans sel
    suffit, comme pour une clé d'API ; qui lit la base ne peut pas s'en servir.
    """
    return hashlib.sha256(jeton.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def ouvertes(self):
        """Ni acceptées, ni révoquées (expirées comprises : elles se renvoient)."""
        return self.filter(acceptee_le__isnull=True, revoquee_le__isnull=True)

    def en_attente(self):
        """Ni acceptées, ni révoquées, ni expirées."""
        return self.ouvertes().filter(expire_le__gt=timezone.now())


class Invitation(LibellesDesChoix):
    """Une invitation à rejoindre un dispositif avec un rôle : un lien à usage unique, qui expire.

    Le jeton n'est jamais gardé en clair : seule son empreinte l'est (`empreinte`). Renvoyer
    l'invitation tire un nouveau jeton (l'ancien lien ne vaut plus rien) et repousse l'échéance.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("adresse électronique")
    prenom = models.CharField("prénom", max_length=150, blank=True)
    nom = models.CharField(max_length=150, blank=True)
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    profession = models.CharField(max_length=30, choices=Profession.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    territoire = models.ForeignKey(
        Territoire, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    jeton_empreinte = models.CharField(max_length=64, unique=True, editable=False)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="invitée par",
    )
    cree_le = models.DateTimeField("invitée le", default=timezone.now)
    envoyee_le = models.DateTimeField("dernier envoi", default=timezone.now)
    envois = models.PositiveSmallIntegerField("nombre d'envois", default=1)
    expire_le = models.DateTimeField("expire le")
    acceptee_le = models.DateTimeField("acceptée le", null=True, blank=True)
    revoquee_le = models.DateTimeField("révoquée le", null=True, blank=True)
    revoquee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="révoquée par",
    )
    adhesion = models.ForeignKey(
        Membre,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="L'adhésion que l'acceptation a créée.",
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-cree_le"]
        indexes = [models.Index(fields=["dispositif", "-cree_le"], name="invitation_dispositif")]

    def __str__(self):
        return f"{self.email} – {self.get_role_display()} ({self.dispositif.slug})"

    @property
    def etat(self):
        if self.acceptee_le:
            return "acceptée"
        if self.revoquee_le:
            return "révoquée"
        if self.expire_le <= timezone.now():
            return "expirée"
        return "en attente"

    @property
    def en_attente(self):
        return self.etat == "en attente"
