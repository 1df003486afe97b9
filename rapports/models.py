import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.models import Dispositif, LibellesDesChoix

from .enums import StatutRapport


class RapportSemestriel(LibellesDesChoix):
    """Le rapport d'activité d'un dispositif pour un semestre, produit par une tâche Celery."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="rapports")
    annee = models.PositiveSmallIntegerField("année")
    semestre = models.PositiveSmallIntegerField(choices=[(1, "S1"), (2, "S2")])
    statut = models.CharField(
        max_length=20, choices=StatutRapport.choices, default=StatutRapport.EN_ATTENTE
    )
    erreur = models.TextField(blank=True)
    fichier_pdf = models.CharField(max_length=300, blank=True)
    fichier_xlsx = models.CharField(max_length=300, blank=True)
    chiffres = models.JSONField(default=dict, blank=True)
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    demande_le = models.DateTimeField(default=timezone.now)
    termine_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        # La table a été créée par l'app `comites`, d'où vient le modèle : elle garde son nom
        # (le déplacement n'a touché que l'état des migrations, aucune donnée).
        db_table = "comites_rapportsemestriel"
        verbose_name = "rapport semestriel"
        verbose_name_plural = "rapports semestriels"
        ordering = ["-annee", "-semestre"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispositif", "annee", "semestre"], name="rapport_unique_par_semestre"
            )
        ]

    def __str__(self):
        return f"Rapport {self.annee}-S{self.semestre} – {self.dispositif}"

    @property
    def libelle_semestre(self):
        return f"{self.annee}-S{self.semestre}"


class RapportNational(LibellesDesChoix):
    """Le rapport semestriel consolidé de tous les dispositifs, pour le financeur national.

    Même cycle que le rapport d'un dispositif (en attente → en cours → prêt ou échec), produit
    par une tâche Celery. `chiffres` garde ce qui a été publié : chaque dispositif côte à côte
    et l'ensemble recalculé puis masqué (`rapports.national`).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    annee = models.PositiveSmallIntegerField("année")
    semestre = models.PositiveSmallIntegerField(choices=[(1, "S1"), (2, "S2")])
    statut = models.CharField(
        max_length=20, choices=StatutRapport.choices, default=StatutRapport.EN_ATTENTE
    )
    erreur = models.TextField(blank=True)
    fichier_pdf = models.CharField(max_length=300, blank=True)
    fichier_xlsx = models.CharField(max_length=300, blank=True)
    chiffres = models.JSONField(default=dict, blank=True)
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    demande_le = models.DateTimeField(default=timezone.now)
    termine_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "rapport national consolidé"
        verbose_name_plural = "rapports nationaux consolidés"
        ordering = ["-annee", "-semestre"]
        constraints = [
            models.UniqueConstraint(
                fields=["annee", "semestre"], name="rapport_national_unique_par_semestre"
            )
        ]

    def __str__(self):
        return f"Rapport national {self.libelle_semestre}"

    @property
    def libelle_semestre(self):
        return f"{self.annee}-S{self.semestre}"
