import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from accompagnement.models import Accompagnement
from core.chiffrement import TexteChiffre
from core.models import Dispositif, LibellesDesChoix, Organisation
from menages.models import Menage, Orientation

from .enums import NaturePoint, TypeComite, TypeDecision

UTILISATEUR = settings.AUTH_USER_MODEL


class Comite(LibellesDesChoix):
    """Un comité d'un dispositif, avec ses structures et ses membres."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="comites")
    type = models.CharField(max_length=20, choices=TypeComite.choices)
    nom = models.CharField(max_length=200)
    organisations = models.ManyToManyField(Organisation, related_name="comites", blank=True)
    membres = models.ManyToManyField(
        UTILISATEUR,
        related_name="comites",
        blank=True,
        help_text="Les personnes qui siègent : elles voient les ménages de leurs ordres du jour.",
    )
    lieu_habituel = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "comité"
        ordering = ["dispositif", "type", "nom"]

    def __str__(self):
        return self.nom


class Seance(models.Model):
    """Une réunion d'un comité : date, lieu, présents, ordre du jour, décisions."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    comite = models.ForeignKey(Comite, on_delete=models.CASCADE, related_name="seances")
    date = models.DateTimeField()
    lieu = models.CharField(max_length=200, blank=True)
    presents = models.ManyToManyField(UTILISATEUR, related_name="seances", blank=True)
    organisations_presentes = models.ManyToManyField(
        Organisation, related_name="seances", blank=True, verbose_name="structures présentes"
    )
    cloturee = models.BooleanField("compte rendu arrêté", default=False)

    class Meta:
        verbose_name = "séance"
        ordering = ["-date"]
        # Les décisions les plus récentes d'une structure (l'accueil du prescripteur) se lisent
        # en remontant les séances par leur date, sans trier toutes celles de la structure.
        indexes = [models.Index(fields=["date"], name="seance_date")]

    def __str__(self):
        return f"{self.comite} du {timezone.localtime(self.date):%d/%m/%Y}"


class PointOrdreDuJour(LibellesDesChoix):
    """Un ménage inscrit à l'ordre du jour d'une séance, et pourquoi."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seance = models.ForeignKey(Seance, on_delete=models.CASCADE, related_name="points")
    menage = models.ForeignKey(
        Menage, on_delete=models.CASCADE, related_name="points_ordre_du_jour"
    )
    nature = models.CharField(max_length=30, choices=NaturePoint.choices)
    orientation = models.ForeignKey(
        Orientation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    accompagnement = models.ForeignKey(
        Accompagnement, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    rang = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "point de l'ordre du jour"
        ordering = ["rang", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["seance", "menage", "nature"], name="point_unique_par_seance"
            )
        ]

    def __str__(self):
        return f"{self.get_nature_display()} – {self.menage}"


class Decision(LibellesDesChoix):
    """Une décision de comité, avec ses motifs ; elle change ce qu'elle décide."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    seance = models.ForeignKey(Seance, on_delete=models.PROTECT, related_name="decisions")
    point = models.ForeignKey(
        PointOrdreDuJour, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    menage = models.ForeignKey(Menage, on_delete=models.PROTECT, related_name="decisions")
    type = models.CharField(max_length=20, choices=TypeDecision.choices)
    # Chiffrés (core.chiffrement) : les motifs d'une décision peuvent parler de santé.
    motifs = TexteChiffre(blank=True)
    # Ce que le prescripteur transmet au ménage (une décision sur une orientation de sa
    # structure) ; chiffrée comme les motifs.
    explication_prescripteur = TexteChiffre("explication à transmettre au prescripteur", blank=True)
    accompagnement = models.ForeignKey(
        Accompagnement, on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    auteur = models.ForeignKey(UTILISATEUR, on_delete=models.SET_NULL, null=True, related_name="+")
    cree_le = models.DateTimeField(default=timezone.now)
    corrigee_le = models.DateTimeField("corrigée le", null=True, blank=True)
    # L'équipe telle que la décision l'a nommée (admission, désignation de l'équipe), écrite au
    # moment de la décision : le compte rendu la redit même si l'équipe change ensuite.
    equipe_nommee = models.CharField("équipe nommée", max_length=500, blank=True)

    class Meta:
        verbose_name = "décision"
        ordering = ["seance__date", "pk"]

    def __str__(self):
        return f"{self.get_type_display()} – {self.menage}"


class DecisionCorrection(models.Model):
    """Une correction d'une décision : ce qu'elle disait avant, qui l'a corrigée, quand et
    pourquoi. Ne se modifie jamais ; l'historique d'une décision se lit dans l'ordre."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="corrections")
    anciens_motifs = TexteChiffre("contenu avant la correction", blank=True)
    motif_correction = models.CharField("motif de la correction", max_length=250)
    corrigee_par = models.ForeignKey(UTILISATEUR, on_delete=models.PROTECT, related_name="+")
    corrigee_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "correction d'une décision"
        ordering = ["corrigee_le", "pk"]

    def __str__(self):
        return f"Correction du {timezone.localtime(self.corrigee_le):%d/%m/%Y %H:%M}"
