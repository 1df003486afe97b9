"""Le parcours accès : besoins en logement, logements vacants, propositions, CAL, bail, relais.

Chaque ligne nominative appartient à un ménage, et par lui à un dispositif : ses droits se lisent
par les chemins du ménage (`acces.selectors`). Un logement vacant n'est pas nominatif : il
appartient au dispositif auquel le bailleur le propose.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.chiffrement import TexteChiffre
from core.models import (
    Commune,
    Dispositif,
    LibellesDesChoix,
    LigneBudgetaire,
    Organisation,
    Territoire,
)
from menages.enums import Typologie
from menages.models import Logement, Menage, montant

from .enums import EtatVacant, IssueCAL, MotifRetrait, ReponseMenage, TypeBail

UTILISATEUR = settings.AUTH_USER_MODEL
TYPOLOGIES = [t.value for t in Typologie]


def rang_typologie(typologie):
    """T1 → 1 … T6 → 6 ; None pour une typologie vide."""
    return TYPOLOGIES.index(typologie) + 1 if typologie in TYPOLOGIES else None


class BesoinsLogement(LibellesDesChoix):
    """Les besoins en logement d'un ménage à une date : une nouvelle ligne à chaque mise à jour.

    La fiche en vigueur est la plus récente ; les précédentes restent l'historique.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    menage = models.ForeignKey(Menage, on_delete=models.CASCADE, related_name="besoins_logement")
    date = models.DateField("besoins exprimés le", default=timezone.localdate)
    secteurs_souhaites = models.ManyToManyField(
        Territoire, blank=True, related_name="+", verbose_name="secteurs souhaités"
    )
    secteurs_evites = models.ManyToManyField(
        Territoire, blank=True, related_name="+", verbose_name="secteurs à éviter"
    )
    communes_souhaitees = models.ManyToManyField(
        Commune, blank=True, related_name="+", verbose_name="communes souhaitées"
    )
    communes_evitees = models.ManyToManyField(
        Commune, blank=True, related_name="+", verbose_name="communes à éviter"
    )
    typologie_min = models.CharField(
        "typologie au moins", max_length=2, choices=Typologie.choices, blank=True
    )
    typologie_max = models.CharField(
        "typologie au plus", max_length=2, choices=Typologie.choices, blank=True
    )
    etage_max = models.SmallIntegerField(
        "étage au plus (sans ascenseur)",
        null=True,
        blank=True,
        help_text="Au-delà, un ascenseur est nécessaire. Vide : indifférent.",
    )
    ascenseur_necessaire = models.BooleanField(
        "ascenseur nécessaire quel que soit l'étage", default=False
    )
    accessibilite_pmr = models.BooleanField("logement accessible (mobilité réduite)", default=False)
    proximite_transports = models.BooleanField("proche des transports", default=False)
    proximite_soins = models.BooleanField("proche des lieux de soins", default=False)
    proximite_reseau = models.BooleanField(
        "proche du réseau du ménage (famille, amis)", default=False
    )
    animaux = models.BooleanField("le ménage a des animaux", default=False)
    date_au_plus_tot = models.DateField("entrée possible au plus tôt", null=True, blank=True)
    ressources_mensuelles = montant("ressources mensuelles", null=True, blank=True)
    commentaire = TexteChiffre("précisions", max_length=2000, blank=True)
    saisi_par = models.ForeignKey(
        UTILISATEUR, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    saisi_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "besoins en logement"
        verbose_name_plural = "besoins en logement"
        ordering = ["-date", "-saisi_le", "-pk"]

    def __str__(self):
        return f"Besoins du {self.date:%d/%m/%Y}"

    @property
    def exigences(self):
        """Les besoins cochés, en clair : « accessible PMR », « proche des transports »…"""
        libelles = (
            (self.accessibilite_pmr, "accessible PMR"),
            (self.proximite_transports, "proche des transports"),
            (self.proximite_soins, "proche des soins"),
            (self.proximite_reseau, "proche du réseau du ménage"),
            (self.animaux, "animaux"),
        )
        return [libelle for coche, libelle in libelles if coche]


class LogementVacant(LibellesDesChoix):
    """Un logement libre que le bailleur propose au dispositif."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dispositif = models.ForeignKey(
        Dispositif, on_delete=models.PROTECT, related_name="logements_vacants"
    )
    reference = models.CharField(
        "référence du logement", max_length=40, help_text="Numéro du logement chez le bailleur."
    )
    bailleur = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adresse = models.CharField(max_length=250)
    code_postal = models.CharField(max_length=5)
    commune = models.CharField(max_length=120)
    commune_du_dispositif = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    territoire = models.ForeignKey(
        Territoire,
        on_delete=models.PROTECT,
        related_name="logements_vacants",
        verbose_name="secteur",
    )
    typologie = models.CharField(max_length=2, choices=Typologie.choices)
    etage = models.SmallIntegerField("étage", default=0)
    ascenseur = models.BooleanField(default=False)
    accessible_pmr = models.BooleanField("accessible (mobilité réduite)", default=False)
    proche_transports = models.BooleanField("proche des transports", default=False)
    proche_soins = models.BooleanField("proche des lieux de soins", default=False)
    animaux_acceptes = models.BooleanField("animaux acceptés", default=True)
    loyer = montant("loyer")
    charges = montant("charges", default=Decimal(0))
    apl_estimee = montant("APL estimée", default=Decimal(0))
    disponible_le = models.DateField("disponible le")
    etat = models.CharField(
        "état", max_length=20, choices=EtatVacant.choices, default=EtatVacant.DISPONIBLE
    )
    cree_par = models.ForeignKey(
        UTILISATEUR, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "logement vacant"
        verbose_name_plural = "logements vacants"
        ordering = ["disponible_le", "commune", "adresse"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispositif", "reference"], name="logement_vacant_reference_unique"
            )
        ]

    def __str__(self):
        return f"{self.typologie} · {self.adresse}, {self.code_postal} {self.commune}"

    @property
    def reste_a_charge(self):
        return self.loyer + self.charges - self.apl_estimee


class RetraitLogement(LibellesDesChoix):
    """Un retrait d'un logement vacant de l'offre du dispositif, avec son motif ; s'il y est
    remis, la date et la personne s'ajoutent. Les retraits passés restent : c'est l'historique
    du logement."""

    logement = models.ForeignKey(LogementVacant, on_delete=models.CASCADE, related_name="retraits")
    date = models.DateField("retiré le")
    motif = models.CharField(max_length=30, choices=MotifRetrait.choices)
    precision = models.CharField("précision", max_length=500, blank=True)
    retire_par = models.ForeignKey(
        UTILISATEUR, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    enregistre_le = models.DateTimeField(default=timezone.now)
    remis_le = models.DateField("remis dans l'offre le", null=True, blank=True)
    remis_par = models.ForeignKey(
        UTILISATEUR, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "retrait d'un logement vacant"
        verbose_name_plural = "retraits de logements vacants"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"Retiré le {self.date:%d/%m/%Y} : {self.get_motif_display()}"


class SeanceCAL(models.Model):
    """Une séance de la commission d'attribution des logements du bailleur."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="seances_cal")
    date = models.DateField()
    bailleur = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "séance de CAL"
        verbose_name_plural = "séances de CAL"
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispositif", "date", "bailleur"], name="seance_cal_unique"
            )
        ]

    def __str__(self):
        return f"CAL du {self.date:%d/%m/%Y} ({self.bailleur})"


class Proposition(LibellesDesChoix):
    """Un logement vacant proposé à un ménage, jusqu'à la décision de la CAL."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    menage = models.ForeignKey(Menage, on_delete=models.PROTECT, related_name="propositions")
    logement = models.ForeignKey(
        LogementVacant, on_delete=models.PROTECT, related_name="propositions"
    )
    date_proposition = models.DateField("proposé le")
    taux_effort = models.DecimalField(
        "taux d'effort à la proposition (%)", max_digits=5, decimal_places=1, null=True
    )
    prescripteur_informe_le = models.DateField("prescripteur informé le", null=True, blank=True)
    visite_le = models.DateField("visite le", null=True, blank=True)
    reponse_menage = models.CharField(
        "réponse du ménage",
        max_length=20,
        choices=ReponseMenage.choices,
        default=ReponseMenage.EN_ATTENTE,
    )
    date_reponse = models.DateField("réponse le", null=True, blank=True)
    motif_refus = TexteChiffre("motif du refus du ménage", max_length=1000, blank=True)
    proposee_par = models.ForeignKey(
        UTILISATEUR, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date_proposition", "-pk"]

    def __str__(self):
        return f"Proposition du {self.date_proposition:%d/%m/%Y} : {self.logement}"


class PieceDossier(models.Model):
    """Une pièce du dossier CAL : reçue ou non, et quand ; jamais le document lui-même."""

    proposition = models.ForeignKey(Proposition, on_delete=models.CASCADE, related_name="pieces")
    ordre = models.PositiveSmallIntegerField(default=0)
    libelle = models.CharField("pièce", max_length=200)
    recue_le = models.DateField("reçue le", null=True, blank=True)

    class Meta:
        verbose_name = "pièce du dossier"
        verbose_name_plural = "pièces du dossier"
        ordering = ["ordre", "pk"]

    def __str__(self):
        return self.libelle


class DecisionCAL(LibellesDesChoix):
    """La décision de la CAL sur une proposition, avec l'explication à transmettre au
    prescripteur de l'orientation."""

    proposition = models.OneToOneField(
        Proposition, on_delete=models.CASCADE, related_name="decision"
    )
    seance = models.ForeignKey(SeanceCAL, on_delete=models.PROTECT, related_name="decisions")
    issue = models.CharField(max_length=20, choices=IssueCAL.choices)
    motif = TexteChiffre("motif ou condition", max_length=1000, blank=True)
    explication_prescripteur = TexteChiffre(
        "explication à transmettre au prescripteur", max_length=2000, blank=True
    )
    decidee_par = models.ForeignKey(
        UTILISATEUR, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    enregistree_le = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "décision de CAL"
        verbose_name_plural = "décisions de CAL"

    def __str__(self):
        return f"{self.get_issue_display()} ({self.seance})"


class Bail(LibellesDesChoix):
    """Le bail signé après une attribution : direct, ou glissant (une association preneuse)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    proposition = models.OneToOneField(Proposition, on_delete=models.PROTECT, related_name="bail")
    menage = models.ForeignKey(Menage, on_delete=models.PROTECT, related_name="baux")
    logement = models.OneToOneField(
        Logement, on_delete=models.PROTECT, related_name="bail_acces", null=True
    )
    date_signature = models.DateField("signé le")
    type = models.CharField(max_length=20, choices=TypeBail.choices)
    association_preneuse = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    glissement_prevu_le = models.DateField("glissement prévu le", null=True, blank=True)
    glissement_fait_le = models.DateField("glissement fait le", null=True, blank=True)
    referent_bailleur = models.ForeignKey(
        UTILISATEUR,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="référent du bailleur",
    )
    ligne_budgetaire = models.ForeignKey(
        LigneBudgetaire,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="ligne budgétaire de l'aide bail glissant",
    )
    signe_par = models.ForeignKey(
        UTILISATEUR, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "bail"
        verbose_name_plural = "baux"
        ordering = ["-date_signature"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(type=TypeBail.DIRECT)
                | models.Q(association_preneuse__isnull=False),
                name="bail_glissant_association",
            )
        ]

    def __str__(self):
        return f"{self.get_type_display()} signé le {self.date_signature:%d/%m/%Y}"


class AideBailGlissant(models.Model):
    """Un versement de l'« aide bail glissant » (au plus 2 400 € par an et par ménage)."""

    bail = models.ForeignKey(Bail, on_delete=models.CASCADE, related_name="aides")
    date = models.DateField("versée le")
    montant = montant("montant")
    saisie_par = models.ForeignKey(
        UTILISATEUR, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "aide bail glissant"
        verbose_name_plural = "aides bail glissant"
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.montant} € le {self.date:%d/%m/%Y}"


class EtapeRelais(models.Model):
    """Une étape datée du relais du lien, de l'association vers le référent du bailleur et le
    travailleur social de secteur."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    bail = models.ForeignKey(Bail, on_delete=models.CASCADE, related_name="etapes")
    libelle = models.CharField("étape", max_length=200)
    date_prevue = models.DateField("prévue le")
    date_faite = models.DateField("faite le", null=True, blank=True)

    class Meta:
        verbose_name = "étape du relais"
        verbose_name_plural = "étapes du relais"
        ordering = ["date_prevue", "pk"]

    def __str__(self):
        return self.libelle

    @property
    def en_retard(self):
        return self.date_faite is None and self.date_prevue < timezone.localdate()


class Mutation(models.Model):
    """Le relogement d'un ménage suivi dans le parc du bailleur : l'ancien logement et l'ancienne
    référence locataire restent en historique."""

    menage = models.ForeignKey(Menage, on_delete=models.PROTECT, related_name="mutations")
    date = models.DateField("date de la mutation")
    ancien_logement = models.ForeignKey(
        Logement, on_delete=models.PROTECT, null=True, related_name="+"
    )
    nouveau_logement = models.OneToOneField(Logement, on_delete=models.PROTECT, related_name="+")
    ancienne_reference = models.CharField("ancienne référence locataire", max_length=30, blank=True)
    nouvelle_reference = models.CharField("nouvelle référence locataire", max_length=30)
    logement_vacant = models.ForeignKey(
        LogementVacant, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    saisie_par = models.ForeignKey(
        UTILISATEUR, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"Mutation du {self.date:%d/%m/%Y}"


class OrganisationAutour(models.Model):
    """Une structure autour du ménage (CCAS, CMP, SPIP, association…) et ce qu'elle y fait."""

    menage = models.ForeignKey(
        Menage, on_delete=models.CASCADE, related_name="organisations_autour"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # Chiffré : « CMP : suivi psychiatrique », « CSAPA »… dit la santé du ménage.
    role = TexteChiffre("ce qu'elle fait auprès du ménage", max_length=200)
    depuis = models.DateField(default=timezone.localdate)
    ajoutee_par = models.ForeignKey(
        UTILISATEUR, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "structure autour du ménage"
        verbose_name_plural = "structures autour du ménage"
        ordering = ["organisation__nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["menage", "organisation"], name="organisation_autour_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation} : {self.role}"
