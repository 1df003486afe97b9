import uuid
from decimal import Decimal
from functools import cache

from django.apps import apps
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.hashable import make_hashable

from .enums import (
    LIBELLES_DES_ROLES,
    IndicateurCible,
    NatureDepense,
    Parcours,
    Profession,
    Role,
    RolePartenaire,
    TypeOrganisation,
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Connexion insensible à la casse de l'adresse.
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """Une personne qui se connecte, par son adresse électronique.

    Être administrateur technique (`is_staff`) ne donne accès à aucune donnée nominative : ce
    sont les adhésions à un dispositif (`Membre`) qui ouvrent les droits.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    is_staff = models.BooleanField(
        "administrateur technique",
        default=False,
        help_text="Accède à l'administration technique, sans aucune donnée de ménage.",
    )
    is_active = models.BooleanField("actif", default=True)
    date_joined = models.DateTimeField("date de création", default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    # Ce que le journal d'audit suit d'un compte : un changement de l'un d'eux y est écrit
    # (core.signals, core.comptes).
    CHAMPS_SUIVIS = ("email", "is_active", "is_staff", "is_superuser")

    @classmethod
    def from_db(cls, db, field_names, values):
        user = super().from_db(db, field_names, values)
        # Les valeurs lues, pour reconnaître ce qu'un enregistrement change (sans relire).
        user._valeurs_lues = {
            champ: getattr(user, champ) for champ in cls.CHAMPS_SUIVIS if champ in field_names
        }
        return user

    def set_password(self, raw_password):
        super().set_password(raw_password)
        self._mot_de_passe_change = True

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        if (self.is_staff or self.is_superuser) and self.pk and self.adhesions.exists():
            raise ValidationError(
                "Un compte d'administration technique ne tient aucun rôle dans un dispositif : "
                "retirez d'abord ses adhésions, ou créez un compte distinct pour l'administration."
            )

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email


class LibellesDesChoix(models.Model):
    """Base des modèles dont on affiche les champs à choix : `get_<champ>_display()` lit le
    libellé dans un dictionnaire fait une fois par champ, là où Django le refait à chaque
    appel (10 à 20 µs ; une séance en affiche plus de 150, une liste de 50 lignes 50 à 100).
    Les libellés restent des textes traduisibles, rendus au moment de l'appel."""

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        valeur = getattr(self, field.attname)
        return force_str(
            _libelles_des_choix(field).get(make_hashable(valeur), valeur), strings_only=True
        )


@cache
def _libelles_des_choix(champ):
    return dict(make_hashable(champ.flatchoices))


class Organisation(LibellesDesChoix):
    """Une structure : bailleur, association, service de l'État, collectivité…"""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    nom = models.CharField(max_length=200, unique=True)
    sigle = models.CharField(max_length=40, blank=True)
    type = models.CharField(max_length=30, choices=TypeOrganisation.choices)
    commune = models.CharField(max_length=120, blank=True)

    class Meta:
        verbose_name = "structure"
        ordering = ["nom"]

    def __str__(self):
        return self.nom


class Dispositif(models.Model):
    """Un programme d'accompagnement financé, porté par un bailleur ou une association.

    Toute donnée nominative appartient à un et un seul dispositif.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(unique=True, help_text="Identifiant court : cantal, nord…")
    nom = models.CharField(max_length=200)
    porteur = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="dispositifs_portes"
    )
    departement = models.CharField("département", max_length=3)
    description = models.TextField(blank=True)
    parcours_acces = models.BooleanField("parcours accès", default=False)
    parcours_maintien = models.BooleanField("parcours maintien", default=False)
    capacite_acces = models.PositiveIntegerField("capacité cible accès (ménages/an)", default=0)
    capacite_maintien = models.PositiveIntegerField(
        "capacité cible maintien (ménages/an)", default=0
    )
    date_debut = models.DateField("début")
    date_fin = models.DateField("fin", null=True, blank=True)
    cout_diagnostic = models.DecimalField(
        "coût du diagnostic par ménage", max_digits=10, decimal_places=2, default=Decimal(0)
    )
    cout_gestion_locative_adaptee = models.DecimalField(
        "coût de gestion locative adaptée (par ménage et par an)",
        max_digits=10,
        decimal_places=2,
        default=Decimal(0),
    )
    cout_menage_prevu = models.DecimalField(
        "coût prévu par ménage et par an",
        max_digits=10,
        decimal_places=2,
        default=Decimal(0),
        help_text="Chiffre du dossier de candidature, comparé au coût constaté.",
    )
    financement_demande = models.DecimalField(
        "financement demandé (par an)", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    cofinancement = models.DecimalField(
        "cofinancements (par an)", max_digits=12, decimal_places=2, default=Decimal(0)
    )
    organisations = models.ManyToManyField(
        Organisation, through="Partenariat", related_name="dispositifs", blank=True
    )

    class Meta:
        ordering = ["nom"]

    def __str__(self):
        return self.nom

    @property
    def parcours(self):
        return [
            choix
            for choix, offert in (
                (Parcours.ACCES, self.parcours_acces),
                (Parcours.MAINTIEN, self.parcours_maintien),
            )
            if offert
        ]

    @property
    def capacite_cible(self):
        return self.capacite_acces + self.capacite_maintien

    def budget_annuel(self):
        return self.lignes_budgetaires.aggregate(total=Sum("montant_annuel"))["total"] or Decimal(0)


class Territoire(models.Model):
    """Bassin ou secteur d'un dispositif, avec ses communes."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="territoires")
    nom = models.CharField(max_length=120)
    capacite = models.PositiveIntegerField(
        "capacité cible",
        default=0,
        help_text="Ménages (ou logements) accompagnés sur ce territoire ; 0 : pas de cible.",
    )

    class Meta:
        ordering = ["dispositif", "nom"]
        constraints = [
            models.UniqueConstraint(fields=["dispositif", "nom"], name="territoire_unique")
        ]

    def __str__(self):
        return self.nom


class Commune(models.Model):
    territoire = models.ForeignKey(Territoire, on_delete=models.CASCADE, related_name="communes")
    nom = models.CharField(max_length=120)
    code_postal = models.CharField(max_length=5)

    class Meta:
        ordering = ["nom"]
        constraints = [
            models.UniqueConstraint(
                fields=["territoire", "nom", "code_postal"], name="commune_unique"
            )
        ]

    def __str__(self):
        return f"{self.nom} ({self.code_postal})"


class LigneBudgetaire(LibellesDesChoix):
    """Une ligne du budget annuel : un poste (profession) et une nature de dépense."""

    dispositif = models.ForeignKey(
        Dispositif, on_delete=models.CASCADE, related_name="lignes_budgetaires"
    )
    poste = models.CharField(max_length=30, choices=Profession.choices)
    nature = models.CharField(max_length=20, choices=NatureDepense.choices)
    libelle = models.CharField("libellé", max_length=200, blank=True)
    montant_annuel = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "ligne budgétaire"
        verbose_name_plural = "lignes budgétaires"
        ordering = ["dispositif", "poste", "nature"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispositif", "poste", "nature", "libelle"], name="ligne_budgetaire_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(montant_annuel__gte=0), name="ligne_budgetaire_positive"
            ),
        ]

    def __str__(self):
        return f"{self.get_poste_display()} – {self.get_nature_display()}"


class CibleDispositif(LibellesDesChoix):
    """La cible qu'un dispositif se fixe pour un chiffre du rapport (réglages du programme).

    Modifiée par la coordination (`core.reglages`), chaque changement écrit dans
    `HistoriqueReglage`. Un rapport produit garde les cibles de son jour : en changer une ne
    change jamais un rapport déjà rendu.
    """

    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="cibles")
    indicateur = models.CharField(max_length=30, choices=IndicateurCible.choices)
    valeur = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "cible"
        ordering = ["dispositif", "indicateur"]
        constraints = [
            models.UniqueConstraint(fields=["dispositif", "indicateur"], name="cible_unique"),
            models.CheckConstraint(condition=models.Q(valeur__gte=0), name="cible_positive"),
        ]

    def __str__(self):
        return f"{self.get_indicateur_display()} : {self.valeur}"


class HistoriqueReglage(models.Model):
    """Un changement d'un réglage du dispositif : qui, quand, quoi, l'ancienne et la nouvelle
    valeur. Ne fait que s'allonger : l'application ne le modifie ni ne le supprime."""

    dispositif = models.ForeignKey(
        Dispositif, on_delete=models.CASCADE, related_name="historique_reglages"
    )
    date = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    email = models.CharField(max_length=254, blank=True, help_text="Gardé si le compte disparaît.")
    reglage = models.CharField("réglage", max_length=200)
    ancienne_valeur = models.CharField("ancienne valeur", max_length=300, blank=True)
    nouvelle_valeur = models.CharField("nouvelle valeur", max_length=300, blank=True)

    class Meta:
        verbose_name = "changement de réglage"
        verbose_name_plural = "historique des réglages"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y %H:%M} {self.reglage}"


class Partenariat(LibellesDesChoix):
    """Place d'une structure dans un dispositif (porteur, accompagnement, pilotage…)."""

    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT)
    role = models.CharField("rôle", max_length=20, choices=RolePartenaire.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dispositif", "organisation", "role"], name="partenariat_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation} – {self.get_role_display()}"


def adhesion_en_cours(prefixe="", jour=None):
    """La condition d'une adhésion (ou d'une place dans une équipe) pas encore terminée au
    `jour` dit (aujourd'hui par défaut) : sans date de fin, ou dont la fin est à venir. Le jour
    de la fin, plus rien n'est ouvert."""
    return Q(**{f"{prefixe}date_fin__isnull": True}) | Q(
        **{f"{prefixe}date_fin__gt": jour or timezone.localdate()}
    )


def compte_qui_ouvre_des_droits(user):
    """Vrai pour un compte actif qui n'est pas un compte d'administration technique : le seul
    dont les adhésions et l'habilitation nationale ouvrent quelque chose. La même règle, sur
    les lignes qui nomment un compte : `COMPTE_QUI_OUVRE_DES_DROITS`."""
    return user.is_active and not (user.is_staff or user.is_superuser)


COMPTE_QUI_OUVRE_DES_DROITS = Q(
    user__is_active=True, user__is_staff=False, user__is_superuser=False
)


class MembreQuerySet(models.QuerySet):
    def en_cours(self, jour=None):
        """Les adhésions qui ne sont pas terminées (voir `adhesion_en_cours`)."""
        return self.filter(adhesion_en_cours(jour=jour))

    def terminees(self):
        return self.filter(date_fin__lte=timezone.localdate())

    def actifs(self):
        """Les adhésions qui ouvrent des droits : actives, pas terminées, confirmées, d'un compte
        actif qui n'est pas un compte d'administration technique."""
        return self.en_cours().filter(COMPTE_QUI_OUVRE_DES_DROITS, actif=True, a_confirmer=False)

    def du_compte_verifie(self, user_id, jour=None):
        """Les adhésions du compte `user_id` qui ouvrent des droits au `jour` dit : les lignes de
        `actifs()` pour ce compte, dont l'état (actif, administration technique) a été vérifié
        avant sur l'objet déjà chargé (`compte_qui_ouvre_des_droits(request.user)`, relu à chaque
        requête) au lieu d'une jointure sur la table des comptes. Seul appelant :
        `core.permissions._adhesions`, qui fait cette vérification."""
        return self.en_cours(jour).filter(user_id=user_id, actif=True, a_confirmer=False)

    def a_confirmer(self):
        return self.en_cours().filter(actif=True, a_confirmer=True, user__is_active=True)


class Membre(LibellesDesChoix):
    """Adhésion d'une personne à un dispositif, avec sa profession et son rôle.

    Une personne peut tenir plusieurs rôles dans un dispositif (une ligne par rôle).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="adhesions")
    dispositif = models.ForeignKey(Dispositif, on_delete=models.CASCADE, related_name="membres")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="membres"
    )
    profession = models.CharField(max_length=30, choices=Profession.choices)
    role = models.CharField("rôle", max_length=30, choices=Role.choices)
    territoire = models.ForeignKey(
        Territoire,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text="Pour un coordinateur territorial ou une équipe de secteur.",
    )
    actif = models.BooleanField(default=True)
    date_debut = models.DateField("depuis", default=timezone.localdate)
    # Le départ : à partir de ce jour, l'adhésion n'ouvre plus rien (`en_cours`). La ligne reste,
    # pour la revue des habilitations et l'historique des équipes (equipes.services).
    date_fin = models.DateField(
        "jusqu'au",
        null=True,
        blank=True,
        help_text="Jour du départ : à partir de ce jour, plus aucun accès.",
    )
    terminee_par = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="terminée par",
    )
    # Une adhésion à un rôle qui lit des ménages, posée par l'administration technique, n'ouvre
    # rien tant qu'un coordinateur du dispositif (ou un second administrateur) ne l'a pas
    # confirmée (core.comptes).
    a_confirmer = models.BooleanField("en attente de confirmation", default=False)
    demandee_par = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="demandée par",
    )
    confirmee_par = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="confirmée par",
    )
    confirmee_le = models.DateTimeField("confirmée le", null=True, blank=True)
    # Pour un prescripteur : quand il a consulté pour la dernière fois les décisions prises sur
    # les orientations de sa structure ; les suivantes sont signalées « nouveau ».
    decisions_vues_le = models.DateTimeField("décisions consultées le", null=True, blank=True)

    objects = MembreQuerySet.as_manager()

    class Meta:
        verbose_name = "membre"
        ordering = ["dispositif", "role", "user"]
        constraints = [
            # Une personne qui part puis revient a une nouvelle adhésion : l'ancienne, terminée,
            # reste lisible.
            models.UniqueConstraint(
                fields=["user", "dispositif", "role"],
                condition=Q(date_fin__isnull=True),
                name="membre_unique_en_cours",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} ({self.dispositif.slug})"

    def clean(self):
        super().clean()
        try:
            user = self.user
        except User.DoesNotExist:
            return
        if user.is_staff or user.is_superuser:
            raise ValidationError(
                {
                    "user": "Un compte d'administration technique ne tient aucun rôle dans un "
                    "dispositif : créez un compte distinct pour cette personne."
                }
            )


class HabilitationNationaleQuerySet(models.QuerySet):
    def actives(self):
        """Les habilitations qui ouvrent la vue nationale : actives, confirmées, d'un compte
        actif qui n'est pas un compte d'administration technique."""
        return self.filter(COMPTE_QUI_OUVRE_DES_DROITS, actif=True, a_confirmer=False)

    def du_compte_verifie(self, user_id):
        """L'habilitation du compte `user_id` si elle ouvre la vue nationale, l'état du compte
        vérifié avant (voir `MembreQuerySet.du_compte_verifie`)."""
        return self.filter(user_id=user_id, actif=True, a_confirmer=False)


class HabilitationNationale(models.Model):
    """Le financeur national : une habilitation à l'échelle de l'instance, pas d'un dispositif.

    C'est la seule exception à la règle « on ne voit que les dispositifs dont on est membre »
    (DESIGN.md §2) : elle ouvre les chiffres agrégés de tous les dispositifs, côte à côte et
    consolidés, et le rapport semestriel consolidé ; jamais un nom ni une ligne. Posée par
    l'administration technique, elle n'ouvre rien tant qu'un second administrateur ne l'a pas
    confirmée (`core.services.confirmer_habilitation_nationale`) ; chaque geste est journalisé.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="habilitation_nationale"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actif = models.BooleanField(default=True)
    date_debut = models.DateField("depuis", default=timezone.localdate)
    a_confirmer = models.BooleanField("en attente de confirmation", default=True)
    demandee_par = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="demandée par",
    )
    confirmee_par = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="confirmée par",
    )
    confirmee_le = models.DateTimeField("confirmée le", null=True, blank=True)

    objects = HabilitationNationaleQuerySet.as_manager()

    class Meta:
        verbose_name = "habilitation nationale (financeur)"
        verbose_name_plural = "habilitations nationales (financeurs)"
        ordering = ["user"]

    def __str__(self):
        return f"{self.user} – financeur national"

    def clean(self):
        super().clean()
        try:
            user = self.user
        except User.DoesNotExist:
            return
        if user.is_staff or user.is_superuser:
            raise ValidationError(
                {
                    "user": "Un compte d'administration technique ne tient aucune habilitation : "
                    "créez un compte distinct pour cette personne."
                }
            )


class JournalAudit(LibellesDesChoix):
    """Trace d'une lecture sensible ou d'un export : qui, avec quel rôle, quoi, quand, d'où.

    Ne contient jamais le contenu lu. Le journal ne fait que s'allonger : sur PostgreSQL, la
    base elle-même refuse toute modification et toute suppression d'une ligne (un trigger, voir
    la migration `0003_journal_inalterable`) ; la seule sortie est la purge de rétention
    (`core.retention.purger_journal`). L'administration le montre en lecture seule.
    """

    class Action(models.TextChoices):
        CONNEXION = "connexion", "Connexion"
        CONNEXION_ECHOUEE = "connexion_echouee", "Connexion refusée"
        LECTURE_NOTE_SOIGNANTS = "lecture_note_soignants", "Lecture d'une note soignants"
        EXPORT = "export", "Export"
        TELECHARGEMENT_RAPPORT = "telechargement_rapport", "Téléchargement d'un rapport"
        IMPORT = "import", "Import"
        PURGE = "purge_journal", "Purge de rétention du journal"
        FACTEUR_ACTIVE = "facteur_active", "Double authentification activée"
        FACTEUR_REFUSE = "facteur_refuse", "Code de double authentification refusé"
        CODE_SECOURS = "code_secours", "Code de secours utilisé"
        CODES_SECOURS_RENOUVELES = "codes_secours_renouveles", "Codes de secours renouvelés"
        FACTEUR_REINITIALISE = "facteur_reinitialise", "Double authentification réinitialisée"
        ADHESION_CREEE = "adhesion_creee", "Adhésion créée"
        ADHESION_MODIFIEE = "adhesion_modifiee", "Adhésion modifiée"
        ADHESION_CONFIRMEE = "adhesion_confirmee", "Adhésion confirmée"
        ADHESION_SUPPRIMEE = "adhesion_supprimee", "Adhésion supprimée"
        COMPTE_CREE = "compte_cree", "Compte créé"
        COMPTE_MODIFIE = "compte_modifie", "Compte modifié (adresse, activation)"
        DROITS_ADMINISTRATION = "droits_administration", "Droits d'administration modifiés"
        MOT_DE_PASSE_CHANGE = "mot_de_passe_change", "Mot de passe changé"
        ANONYMISATION = "anonymisation", "Anonymisation d'un ménage (conservation)"
        HABILITATION_CREEE = "habilitation_creee", "Habilitation nationale créée"
        HABILITATION_MODIFIEE = "habilitation_modifiee", "Habilitation nationale modifiée"
        HABILITATION_CONFIRMEE = "habilitation_confirmee", "Habilitation nationale confirmée"
        HABILITATION_SUPPRIMEE = "habilitation_supprimee", "Habilitation nationale supprimée"
        INTERVENTION_CORRIGEE = "intervention_corrigee", "Intervention corrigée par son auteur"
        INTERVENTION_ANNULEE = "intervention_annulee", "Intervention annulée par son auteur"
        DECISION_CORRIGEE = "decision_corrigee", "Décision de comité corrigée"
        INVITATION_ENVOYEE = "invitation_envoyee", "Invitation envoyée"
        INVITATION_RENVOYEE = "invitation_renvoyee", "Invitation renvoyée"
        INVITATION_REVOQUEE = "invitation_revoquee", "Invitation révoquée"
        INVITATION_ACCEPTEE = "invitation_acceptee", "Invitation acceptée"
        INVITATIONS_EFFACEES = "invitations_effacees", "Invitations closes effacées (conservation)"
        ADHESION_TERMINEE = "adhesion_terminee", "Adhésion terminée (départ)"
        SESSIONS_FERMEES = "sessions_fermees", "Sessions fermées"
        REAFFECTATION = "reaffectation", "Suivi réaffecté"

    date = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True)
    email = models.CharField(
        max_length=254, blank=True, help_text="Conservé même si le compte disparaît."
    )
    roles = models.CharField("rôles", max_length=200, blank=True)
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, null=True, blank=True)
    action = models.CharField(max_length=40, choices=Action.choices)
    objet_type = models.CharField(max_length=60, blank=True)
    objet_id = models.CharField(max_length=60, blank=True)
    menage_public_id = models.UUIDField(
        "ménage concerné",
        null=True,
        blank=True,
        db_index=True,
        help_text="Le ménage auquel l'objet se rattache (l'objet lui-même, son accompagnement…).",
    )
    detail = models.CharField(max_length=255, blank=True)
    adresse_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = "entrée du journal d'audit"
        verbose_name_plural = "journal d'audit"
        ordering = ["-date"]
        indexes = [
            # La page « Journal d'accès » de la coordination : un dispositif, du plus récent.
            models.Index(fields=["dispositif", "-date"], name="journal_dispositif_date"),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y %H:%M} {self.email} {self.get_action_display()}"

    @cached_property
    def libelles_roles(self):
        return [
            LIBELLES_DES_ROLES[role] for role in self.roles.split(",") if role in LIBELLES_DES_ROLES
        ]

    @property
    def libelle_objet(self):
        """Ce qu'est l'objet journalisé (« intervention », « accompagnement »…), sans lui."""
        if not self.objet_type:
            return ""
        try:
            return apps.get_model(self.objet_type)._meta.verbose_name
        except (LookupError, ValueError):
            return self.objet_type
