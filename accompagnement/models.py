import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from core.chiffrement import TexteChiffre
from core.enums import Profession
from core.models import Dispositif, LibellesDesChoix, adhesion_en_cours
from menages.enums import StadeProcedure
from menages.models import Menage, Orientation

from .enums import (
    STATUTS_APRES_CLOTURE,
    Adhesion,
    Axe,
    Confidentialite,
    DecisionBilan,
    DestinationPartenaire,
    MotifCloture,
    StatutAccompagnement,
    StatutObjectif,
    TypeBilan,
    TypeIntervention,
)

UTILISATEUR = settings.AUTH_USER_MODEL

# Ouvert : ni en suivi post-clôture, ni clos (enums.STATUTS_APRES_CLOTURE). La contrainte « un
# accompagnement ouvert par ménage », le filtre `ouverts()` et `est_ouvert` s'appuient dessus.
OUVERT = ~models.Q(statut__in=STATUTS_APRES_CLOTURE)


class AccompagnementQuerySet(models.QuerySet):
    def ouverts(self):
        """Les épisodes ouverts (un seul par ménage) : ni en suivi post-clôture, ni clos."""
        return self.filter(OUVERT)


class Accompagnement(LibellesDesChoix):
    """Un épisode d'accompagnement d'un ménage dans un dispositif.

    Rouvrir un accompagnement clos crée un nouvel épisode : l'ancien reste lisible tel quel.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    menage = models.ForeignKey(Menage, on_delete=models.PROTECT, related_name="accompagnements")
    dispositif = models.ForeignKey(
        Dispositif, on_delete=models.PROTECT, related_name="accompagnements"
    )
    orientation = models.ForeignKey(
        Orientation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accompagnements",
    )
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    referent = models.ForeignKey(
        UTILISATEUR, on_delete=models.PROTECT, related_name="accompagnements_referent"
    )
    statut = models.CharField(
        max_length=20,
        choices=StatutAccompagnement.choices,
        default=StatutAccompagnement.DIAGNOSTIC,
    )
    adhesion = models.CharField(
        "adhésion", max_length=20, choices=Adhesion.choices, default=Adhesion.NON_RENSEIGNEE
    )
    date_premier_contact = models.DateField("premier contact", null=True, blank=True)
    stade_procedure_entree = models.CharField(
        "procédure à l'entrée", max_length=30, choices=StadeProcedure.choices, blank=True
    )
    cree_le = models.DateTimeField(default=timezone.now)
    ouvert_par = models.ForeignKey(
        UTILISATEUR,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ouvert par",
        help_text="La coordination, ou le membre du comité dont la décision d'admission l'ouvre.",
    )

    objects = AccompagnementQuerySet.as_manager()

    class Meta:
        ordering = ["-date_debut", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["menage"], condition=OUVERT, name="un_accompagnement_ouvert_par_menage"
            )
        ]

    def __str__(self):
        return f"Accompagnement de {self.menage} depuis le {self.date_debut:%d/%m/%Y}"

    @property
    def est_ouvert(self):
        """La ligne lue avec la définition de `OUVERT`."""
        return self.statut not in STATUTS_APRES_CLOTURE


class MembreEquipeQuerySet(models.QuerySet):
    def en_cours(self):
        """Les places dans l'équipe qui ne sont pas terminées : elles seules ouvrent des droits."""
        return self.filter(adhesion_en_cours())


class MembreEquipe(LibellesDesChoix):
    """Une personne de l'équipe d'un accompagnement (le référent en fait partie), pour une période.

    L'équipe est datée : une personne retirée de l'équipe (ou qui quitte le dispositif) garde sa
    ligne, avec sa date de fin, et n'ouvre plus rien (`core.permissions.Lien(en_cours=…)`) ; qui
    était dans quelle équipe reste lisible sur la page de l'accompagnement. Une personne peut
    revenir : une nouvelle ligne.
    """

    accompagnement = models.ForeignKey(
        Accompagnement, on_delete=models.CASCADE, related_name="equipe"
    )
    user = models.ForeignKey(UTILISATEUR, on_delete=models.PROTECT, related_name="equipes")
    profession = models.CharField(max_length=30, choices=Profession.choices)
    depuis = models.DateField(default=timezone.localdate)
    # Le jour où la personne quitte l'équipe : à partir de ce jour, elle n'y est plus.
    date_fin = models.DateField("jusqu'au", null=True, blank=True)
    ajoute_par = models.ForeignKey(
        UTILISATEUR,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ajouté·e par",
    )
    retire_par = models.ForeignKey(
        UTILISATEUR,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="retiré·e par",
    )

    objects = MembreEquipeQuerySet.as_manager()

    class Meta:
        verbose_name = "membre de l'équipe"
        verbose_name_plural = "équipe"
        ordering = ["profession", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["accompagnement", "user"],
                condition=models.Q(date_fin__isnull=True),
                name="membre_equipe_unique_en_cours",
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.get_profession_display()})"


class Objectif(LibellesDesChoix):
    """Un objectif du plan d'action (contrat d'objectifs), par axe."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    accompagnement = models.ForeignKey(
        Accompagnement, on_delete=models.CASCADE, related_name="objectifs"
    )
    axe = models.CharField(max_length=20, choices=Axe.choices)
    # Chiffrés : « Obtenir un rendez-vous au CMP » dit la santé du ménage.
    libelle = TexteChiffre("objectif", max_length=250)
    indicateur = TexteChiffre(
        "indicateur de progression",
        max_length=250,
        blank=True,
        help_text="Ce qui dira que l'objectif avance : « loyer payé 3 mois de suite »…",
    )
    avancement = models.PositiveSmallIntegerField(
        "avancement (%)", default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    echeance = models.DateField("échéance", null=True, blank=True)
    statut = models.CharField(
        max_length=20, choices=StatutObjectif.choices, default=StatutObjectif.A_ENGAGER
    )
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["axe", "echeance", "pk"]

    def __str__(self):
        return self.libelle


class PlanAction(models.Model):
    """Le plan d'action d'un accompagnement, validé avec le ménage à une date."""

    accompagnement = models.OneToOneField(
        Accompagnement, on_delete=models.CASCADE, related_name="plan"
    )
    date_validation = models.DateField("validé avec le ménage le", null=True, blank=True)
    duree_prevue_mois = models.PositiveSmallIntegerField(
        "durée prévue (mois)", null=True, blank=True
    )
    # Chiffré (core.chiffrement) : les soignants autour du ménage (CMP, médecin) disent sa santé.
    structures_autour = TexteChiffre(
        "structures autour du ménage",
        blank=True,
        help_text="Les organismes et personnes qui interviennent déjà.",
    )

    class Meta:
        verbose_name = "plan d'action"

    def __str__(self):
        return f"Plan d'action – {self.accompagnement.menage}"


class Intervention(LibellesDesChoix):
    """Une fiche de suivi : visite, entretien, démarche, avec sa note et sa confidentialité."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    accompagnement = models.ForeignKey(
        Accompagnement, on_delete=models.PROTECT, related_name="interventions"
    )
    date_heure = models.DateTimeField("date et heure", default=timezone.now)
    duree_minutes = models.PositiveSmallIntegerField(
        "durée (minutes)", default=0, validators=[MaxValueValidator(24 * 60)]
    )
    type = models.CharField(max_length=30, choices=TypeIntervention.choices)
    auteur = models.ForeignKey(UTILISATEUR, on_delete=models.PROTECT, related_name="interventions")
    profession_auteur = models.CharField(max_length=30, choices=Profession.choices)
    participants = models.ManyToManyField(
        UTILISATEUR,
        related_name="interventions_participees",
        blank=True,
        verbose_name="professionnels présents",
    )
    autres_participants = models.CharField("autres personnes présentes", max_length=250, blank=True)
    objectifs = models.ManyToManyField(
        Objectif, related_name="interventions", blank=True, verbose_name="objectifs travaillés"
    )
    # Chiffrée quelle que soit sa confidentialité : une note d'équipe peut aussi parler de santé.
    note = TexteChiffre(blank=True)
    # Identifiant tiré par l'appareil qui a saisi la fiche (static/js/horsligne.js) : une fiche
    # envoyée deux fois (file d'attente hors réseau, réponse perdue) n'est enregistrée qu'une fois.
    uuid_client = models.UUIDField(
        "identifiant de la saisie", null=True, blank=True, unique=True, editable=False
    )
    confidentialite = models.CharField(
        "confidentialité de la note",
        max_length=20,
        choices=Confidentialite.choices,
        default=Confidentialite.EQUIPE,
    )
    cree_le = models.DateTimeField(default=timezone.now)
    corrigee_le = models.DateTimeField("corrigée le", null=True, blank=True)

    class Meta:
        ordering = ["-date_heure", "-pk"]
        indexes = [
            models.Index(fields=["accompagnement", "-date_heure"]),
            # Les chiffres d'une période (tableau de bord, rapport, vue nationale) se lisent dans
            # cet index seul, sans toucher aux lignes (larges : la note chiffrée) : parcours
            # d'index seul sur la période, puis jointure à l'accompagnement et aux orientations
            # vers un partenaire (docs/performance.md).
            models.Index(
                fields=[
                    "date_heure",
                    "accompagnement",
                    "type",
                    "profession_auteur",
                    "duree_minutes",
                    "id",
                ],
                name="intervention_periode_idx",
            ),
        ]

    def __str__(self):
        return f"{self.get_type_display()} du {timezone.localtime(self.date_heure):%d/%m/%Y}"


class InterventionVersion(LibellesDesChoix):
    """Une version remplacée (corrigée) ou retirée (annulée) d'une intervention, telle qu'elle
    était juste avant le geste de son auteur.

    La version ne se modifie jamais ; elle survit à l'intervention annulée (d'où
    `intervention_public_id` plutôt qu'une clé étrangère). Sa note reste chiffrée comme
    l'originale et garde sa confidentialité : le produit ne l'affiche pas, elle sert à
    l'administration pour retrouver ce qui a été écrit.
    """

    class Geste(models.TextChoices):
        CORRECTION = "correction", "Correction"
        ANNULATION = "annulation", "Annulation"

    accompagnement = models.ForeignKey(
        Accompagnement, on_delete=models.PROTECT, related_name="versions_interventions"
    )
    intervention_public_id = models.UUIDField(db_index=True)
    geste = models.CharField(max_length=20, choices=Geste.choices)
    motif = models.CharField(max_length=250, blank=True)
    faite_par = models.ForeignKey(UTILISATEUR, on_delete=models.PROTECT, related_name="+")
    faite_le = models.DateTimeField(default=timezone.now)
    # L'intervention telle qu'elle était.
    date_heure = models.DateTimeField("date et heure")
    duree_minutes = models.PositiveSmallIntegerField("durée (minutes)")
    type = models.CharField(max_length=30, choices=TypeIntervention.choices)
    auteur = models.ForeignKey(UTILISATEUR, on_delete=models.PROTECT, related_name="+")
    profession_auteur = models.CharField(max_length=30, choices=Profession.choices)
    participants = models.CharField("professionnels présents", max_length=500, blank=True)
    autres_participants = models.CharField(max_length=250, blank=True)
    objectifs = models.CharField("objectifs travaillés (identifiants)", max_length=500, blank=True)
    destinations = models.CharField("orientations vers des partenaires", max_length=250, blank=True)
    note = TexteChiffre(blank=True)
    confidentialite = models.CharField(max_length=20, choices=Confidentialite.choices)
    cree_le = models.DateTimeField("enregistrée le")

    class Meta:
        verbose_name = "version d'une intervention"
        verbose_name_plural = "versions des interventions"
        ordering = ["-faite_le", "-pk"]

    def __str__(self):
        return f"{self.get_geste_display()} du {timezone.localtime(self.faite_le):%d/%m/%Y %H:%M}"


class OrientationPartenaire(LibellesDesChoix):
    """Une orientation vers un partenaire faite pendant une intervention."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="orientations_partenaires"
    )
    destination = models.CharField(max_length=20, choices=DestinationPartenaire.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "destination"], name="orientation_partenaire_unique"
            )
        ]

    def __str__(self):
        return self.get_destination_display()


class BilanQuerySet(models.QuerySet):
    def a_faire(self):
        """Les bilans pas encore réalisés d'un accompagnement ouvert ou en suivi post-clôture.

        Un accompagnement clos n'attend plus de bilan ; celui de 3 mois après la fin reste dû
        pendant le suivi post-clôture.
        """
        return self.filter(date_realisation__isnull=True, annule_le__isnull=True).exclude(
            accompagnement__statut=StatutAccompagnement.CLOS
        )


class Bilan(LibellesDesChoix):
    """Un bilan prévu par le calendrier de l'accompagnement, puis réalisé."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    accompagnement = models.ForeignKey(
        Accompagnement, on_delete=models.CASCADE, related_name="bilans"
    )
    type = models.CharField(max_length=20, choices=TypeBilan.choices)
    date_prevue = models.DateField("prévu le")
    date_realisation = models.DateField("réalisé le", null=True, blank=True)
    synthese = TexteChiffre("synthèse", blank=True)
    dette = models.DecimalField(
        "dette à cette date", max_digits=10, decimal_places=2, null=True, blank=True
    )
    stade_procedure = models.CharField(
        "procédure à cette date", max_length=30, choices=StadeProcedure.choices, blank=True
    )
    decision = models.CharField(
        "décision", max_length=20, choices=DecisionBilan.choices, blank=True
    )
    # Les résultats du rapport : vides quand on ne sait pas (ou que la question ne se pose pas).
    loyer_paye_3_mois = models.BooleanField(
        "loyer courant payé au moins 3 mois consécutifs", null=True, blank=True
    )
    dans_le_logement = models.BooleanField(
        "toujours dans son logement",
        null=True,
        blank=True,
        help_text="Au bilan 3 mois après la fin : le ménage vit-il toujours dans son logement ?",
    )
    auteur = models.ForeignKey(
        UTILISATEUR, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Identifiant tiré par l'appareil qui a saisi le bilan : un second envoi du même bilan
    # ramène au bilan déjà réalisé au lieu d'être refusé.
    uuid_client = models.UUIDField(
        "identifiant de la saisie", null=True, blank=True, unique=True, editable=False
    )
    # Un bilan qui attendait encore à la clôture n'est plus dû : il est annulé, avec la raison,
    # plutôt que de rester « en retard » pour toujours.
    annule_le = models.DateField("annulé le", null=True, blank=True)
    motif_annulation = models.CharField("motif de l'annulation", max_length=250, blank=True)

    objects = BilanQuerySet.as_manager()

    class Meta:
        ordering = ["date_prevue", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["accompagnement", "type"], name="bilan_unique_par_type")
        ]
        indexes = [
            # Les bilans à faire, par date prévue : l'accueil en montre les 30 premiers sans
            # joindre tous les bilans en attente du dispositif (docs/performance.md).
            models.Index(
                fields=["date_prevue"],
                name="bilan_a_faire_idx",
                condition=models.Q(date_realisation__isnull=True, annule_le__isnull=True),
            )
        ]

    def __str__(self):
        return f"{self.get_type_display()} – {self.accompagnement.menage}"

    @property
    def en_retard(self):
        return (
            self.date_realisation is None
            and self.annule_le is None
            and self.date_prevue < timezone.localdate()
        )


class ProgressionObjectif(LibellesDesChoix):
    """Où en était un objectif au moment d'un bilan."""

    bilan = models.ForeignKey(Bilan, on_delete=models.CASCADE, related_name="progressions")
    objectif = models.ForeignKey(Objectif, on_delete=models.CASCADE, related_name="progressions")
    statut = models.CharField(max_length=20, choices=StatutObjectif.choices)
    avancement = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    commentaire = TexteChiffre(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bilan", "objectif"], name="progression_unique")
        ]

    def __str__(self):
        return f"{self.objectif} : {self.get_statut_display()}"


class Cloture(LibellesDesChoix):
    """La fiche de clôture d'un accompagnement."""

    accompagnement = models.OneToOneField(
        Accompagnement, on_delete=models.CASCADE, related_name="cloture"
    )
    date = models.DateField()
    motif = models.CharField(max_length=30, choices=MotifCloture.choices)
    maintien_dans_logement = models.BooleanField("le ménage est resté dans son logement")
    expulsion_evitee = models.BooleanField(
        "expulsion évitée",
        help_text="Une procédure était engagée à l'entrée et le ménage vit toujours dans son "
        "logement. Calculé à la clôture.",
    )
    dette = models.DecimalField(
        "dette à la clôture", max_digits=10, decimal_places=2, null=True, blank=True
    )
    plan_apurement_en_place = models.BooleanField("plan d'apurement en place", default=False)
    commentaire = TexteChiffre(blank=True)
    auteur = models.ForeignKey(
        UTILISATEUR, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "clôture"

    def __str__(self):
        return f"Clôture du {self.date:%d/%m/%Y} – {self.get_motif_display()}"
