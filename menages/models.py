import uuid
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from core.chiffrement import TexteChiffre
from core.enums import Parcours
from core.models import Commune, Dispositif, LibellesDesChoix, Organisation, Territoire

from .enums import (
    IMPORTS_EN_COURS,
    Composition,
    EtatImport,
    LienPersonne,
    MesureProtection,
    NatureRessource,
    OrigineDette,
    Problematique,
    Rattachement,
    Source,
    StadeProcedure,
    StatutOccupation,
    StatutOrientation,
    Typologie,
)

POSITIF = [MinValueValidator(Decimal(0))]
MONTANT_MAXIMUM = Decimal("99999999.99")  # ce que garde un `montant` (10 chiffres dont 2 décimales)


def montant(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=10, decimal_places=2, validators=POSITIF, **kwargs
    )


# Les champs par lesquels on cherche un ménage (file active, mes orientations) : chacun a son
# index par trigrammes sous PostgreSQL (migration 0017), par lequel
# `menages.selectors.chercher_des_menages` les cherche.
CHAMPS_DE_RECHERCHE = ("nom", "prenom", "reference_locataire")


class MenageQuerySet(models.QuerySet):
    def provisoires(self):
        """Les ménages provisoires : une orientation « à rattacher » attend la coordination."""
        return self.filter(provisoire=True)


class Menage(LibellesDesChoix):
    """Un ménage suivi dans un dispositif.

    Le numéro de locataire du bailleur identifie le ménage dans son dispositif. Quand une
    personne oriente une référence que d'autres ont déjà orientée, son orientation ne s'ajoute
    pas au ménage connu : elle porte sur un ménage *provisoire* (ce que la personne a saisi),
    relié au ménage connu par `doublon_possible_de`, jusqu'à ce que la coordination le rattache
    (il disparaît) ou le garde à part (il devient un ménage à part entière et garde le lien).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="menages")
    reference_locataire = models.CharField(
        "référence locataire", max_length=30, blank=True, help_text="Numéro chez le bailleur."
    )
    nom = models.CharField("nom", max_length=150, help_text="Nom du ou de la titulaire.")
    prenom = models.CharField("prénom", max_length=150, blank=True)
    composition = models.CharField(max_length=30, choices=Composition.choices, blank=True)
    nb_adultes = models.PositiveSmallIntegerField("adultes", null=True, blank=True)
    nb_enfants = models.PositiveSmallIntegerField("enfants", null=True, blank=True)
    telephone = models.CharField("téléphone", max_length=30, blank=True)
    email = models.EmailField("adresse électronique", blank=True)
    mesure_protection = models.CharField(
        "mesure de protection",
        max_length=20,
        choices=MesureProtection.choices,
        default=MesureProtection.AUCUNE,
    )
    mandataire = models.CharField(
        "mandataire ou organisme de la mesure", max_length=200, blank=True
    )
    opposition_partage = models.BooleanField(
        "s'oppose au partage des informations",
        default=False,
        help_text="Les notes restent alors dans la profession de leur auteur.",
    )
    date_information_partage = models.DateField(
        "date d'information sur le partage", null=True, blank=True
    )
    informe_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="informé par",
    )
    doublon_possible_de = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="doublons_possibles",
        verbose_name="même référence que",
        help_text="Le ménage déjà connu sous la même référence locataire.",
    )
    provisoire = models.BooleanField(
        default=False,
        help_text="Porte une orientation « à rattacher » ; la coordination n'a pas encore décidé.",
    )
    # Le territoire qui décide de ce que voit un coordinateur territorial : celui du logement
    # actuel, ou, pour un ménage sans logement, celui de sa dernière orientation. Tenu à jour
    # par `menages.services.actualiser_territoire` ; jamais saisi.
    territoire = models.ForeignKey(
        Territoire,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="menages",
        editable=False,
    )
    cree_le = models.DateTimeField("créé le", default=timezone.now)
    cree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # La situation du jour que trie et filtre la file active : la dernière orientation (date
    # puis création les plus récentes), sa date et son statut, et le dernier relevé de la dette
    # (date puis clé les plus récentes). Tenus à jour par `menages.services.actualiser_situation`
    # (tout service qui écrit une orientation ou une dette l'appelle) ; jamais saisis, hors de
    # l'historique (`CHAMPS_DE_SITUATION`).
    derniere_orientation = models.ForeignKey(
        "Orientation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    date_derniere_orientation = models.DateField(null=True, blank=True, editable=False)
    statut_derniere_orientation = models.CharField(
        max_length=20, choices=StatutOrientation.choices, null=True, blank=True, editable=False
    )
    derniere_dette = montant("dernière dette connue", null=True, blank=True, editable=False)
    date_derniere_dette = models.DateField(null=True, blank=True, editable=False)
    # Les problématiques de toutes ses orientations : codes sans doublon, triés, joints par des
    # virgules (None s'il n'y en a aucune). La file active et son export les lisent sur la
    # ligne, sans sous-requête par ménage.
    codes_problematiques = models.TextField(null=True, blank=True, editable=False)

    objects = MenageQuerySet.as_manager()

    class Meta:
        verbose_name = "ménage"
        ordering = ["nom", "prenom"]
        constraints = [
            # Une référence, un ménage ; sauf les ménages reliés à celui qui la porte déjà
            # (provisoires, ou gardés à part par la coordination : homonyme, référence en double).
            models.UniqueConstraint(
                fields=["dispositif", "reference_locataire"],
                condition=~models.Q(reference_locataire="")
                & models.Q(doublon_possible_de__isnull=True),
                name="menage_reference_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(provisoire=False) | models.Q(doublon_possible_de__isnull=False),
                name="menage_provisoire_relie",
            ),
        ]
        indexes = [
            # Le tri par défaut de la file active, dans un dispositif : une page profonde se lit
            # dans l'index, sans trier les 10 000 ménages d'un programme national.
            models.Index(
                fields=["dispositif", "nom", "prenom", "id"], name="menage_file_active_nom"
            ),
            # Les autres tris de la file active, sur la situation portée par le ménage.
            models.Index(
                fields=["dispositif", "date_derniere_orientation", "id"],
                name="menage_file_active_date",
            ),
            models.Index(
                fields=["dispositif", "statut_derniere_orientation", "id"],
                name="menage_file_active_statut",
            ),
            models.Index(
                fields=["dispositif", "derniere_dette", "id"], name="menage_file_active_dette"
            ),
        ]

    def __str__(self):
        return f"{self.nom} {self.prenom}".strip()

    def save(self, *args, **kwargs):
        # La situation du jour ne s'écrit que par `actualiser_situation` : un ménage lu avant
        # une orientation ou un relevé, puis enregistré en entier, ne la ramène pas en arrière.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                champ.name
                for champ in self._meta.concrete_fields
                if not champ.primary_key and champ.name not in CHAMPS_DE_SITUATION
            ]
        super().save(*args, **kwargs)

    @property
    def liste_problematiques(self):
        """Les codes des problématiques de ses orientations, triés (`codes_problematiques`)."""
        return self.codes_problematiques.split(",") if self.codes_problematiques else []

    @property
    def ressources_mensuelles(self):
        return sum((r.montant_mensuel for r in self.ressources.all()), Decimal(0))


# Les champs que tient `menages.services.actualiser_situation` : ils se recalculent, l'historique
# ne les garde pas.
CHAMPS_DE_SITUATION = (
    "derniere_orientation",
    "date_derniere_orientation",
    "statut_derniere_orientation",
    "derniere_dette",
    "date_derniere_dette",
    "codes_problematiques",
)


class Personne(LibellesDesChoix):
    menage = models.ForeignKey(Menage, on_delete=models.CASCADE, related_name="personnes")
    prenom = models.CharField("prénom", max_length=150, blank=True)
    nom = models.CharField(max_length=150, blank=True)
    annee_naissance = models.PositiveSmallIntegerField("année de naissance", null=True, blank=True)
    adulte = models.BooleanField(default=True)
    lien = models.CharField(max_length=20, choices=LienPersonne.choices)

    class Meta:
        ordering = ["-adulte", "annee_naissance"]

    def __str__(self):
        return f"{self.prenom} {self.nom}".strip() or self.get_lien_display()


class Ressource(LibellesDesChoix):
    menage = models.ForeignKey(Menage, on_delete=models.CASCADE, related_name="ressources")
    nature = models.CharField(max_length=30, choices=NatureRessource.choices)
    montant_mensuel = montant("montant mensuel")

    class Meta:
        ordering = ["-montant_mensuel"]

    def __str__(self):
        return f"{self.get_nature_display()} : {self.montant_mensuel} €"


class Logement(LibellesDesChoix):
    """Logement d'un ménage ; `actuel` marque celui qu'il occupe (ou attend) aujourd'hui."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    menage = models.ForeignKey(Menage, on_delete=models.CASCADE, related_name="logements")
    actuel = models.BooleanField(default=True)
    adresse = models.CharField(max_length=250, blank=True)
    code_postal = models.CharField(
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", "Le code postal compte cinq chiffres.")],
    )
    commune = models.CharField(max_length=120, blank=True)
    commune_du_dispositif = models.ForeignKey(
        Commune, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    territoire = models.ForeignKey(
        Territoire, on_delete=models.SET_NULL, null=True, blank=True, related_name="logements"
    )
    typologie = models.CharField(max_length=2, choices=Typologie.choices, blank=True)
    etage = models.SmallIntegerField("étage", null=True, blank=True)
    loyer = montant("loyer", null=True, blank=True)
    charges = montant("charges", null=True, blank=True)
    apl = montant("APL", null=True, blank=True)
    statut_occupation = models.CharField(
        "statut d'occupation",
        max_length=30,
        choices=StatutOccupation.choices,
        default=StatutOccupation.LOCATAIRE_EN_TITRE,
    )
    date_entree = models.DateField("entrée dans les lieux", null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["menage"], condition=models.Q(actuel=True), name="un_logement_actuel"
            )
        ]

    def __str__(self):
        return f"{self.adresse}, {self.code_postal} {self.commune}".strip(", ")

    @property
    def reste_a_charge(self):
        if self.loyer is None:
            return None
        return self.loyer + (self.charges or 0) - (self.apl or 0)

    def taux_effort(self, ressources):
        """(loyer + charges − APL) / ressources mensuelles ; None si l'un manque."""
        reste = self.reste_a_charge
        if reste is None or not ressources:
            return None
        return (reste / ressources * 100).quantize(Decimal("0.1"))


class Orientation(LibellesDesChoix):
    """La fiche d'orientation : un signalement d'un ménage vers le dispositif."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    menage = models.ForeignKey(Menage, on_delete=models.PROTECT, related_name="orientations")
    date_orientation = models.DateField("date d'orientation")
    parcours = models.CharField(max_length=10, choices=Parcours.choices)
    source = models.CharField("qui oriente", max_length=20, choices=Source.choices)
    prescripteur = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orientations",
        help_text="Structure extérieure qui oriente (SIAO, association, CCAS…).",
    )
    contact_prescripteur = models.CharField(
        "personne à contacter chez le prescripteur", max_length=200, blank=True
    )
    # Chiffrés (core.chiffrement) : la situation décrite par le prescripteur et le motif d'un
    # refus parlent souvent de santé (« hospitalisation en psychiatrie »).
    description = TexteChiffre("description de la situation", blank=True)
    dette_locative = montant("dette locative à l'orientation", null=True, blank=True)
    stade_procedure = models.CharField(
        "procédure d'expulsion",
        max_length=30,
        choices=StadeProcedure.choices,
        default=StadeProcedure.AUCUNE,
    )
    lien_rompu = models.BooleanField("contact rompu avec le bailleur", default=False)
    territoire = models.ForeignKey(
        Territoire,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orientations",
        help_text="Territoire du ménage à l'orientation, même sans logement (parcours accès).",
    )
    statut = models.CharField(
        max_length=20, choices=StatutOrientation.choices, default=StatutOrientation.RECUE
    )
    date_statut = models.DateField("date du statut", default=timezone.localdate)
    motif_statut = TexteChiffre("motif", max_length=500, blank=True)
    statut_modifie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="statut changé par",
        help_text="La coordination, ou le membre du comité dont la décision a changé le statut.",
    )
    orientee_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orientations_faites",
        verbose_name="saisie par",
    )
    # La structure de l'auteur (celle que nomme son adhésion au dispositif), posée à la
    # création : c'est elle qui ouvre l'orientation aux prescripteurs de la même structure.
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orientations_faites",
        verbose_name="structure qui oriente",
        editable=False,
    )
    cree_le = models.DateTimeField(default=timezone.now)
    importee = models.BooleanField("importée d'un fichier", default=False)
    rattachement = models.CharField(
        "décision de rattachement", max_length=20, choices=Rattachement.choices, blank=True
    )
    rattachement_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="rattachement décidé par",
    )
    rattachement_le = models.DateTimeField("rattachement décidé le", null=True, blank=True)

    class Meta:
        ordering = ["-date_orientation", "-cree_le"]
        constraints = [
            # Deux personnes peuvent orienter le même ménage le même jour (le recouvrement et la
            # proximité) : rattacher la seconde orientation ne doit pas la fondre dans la première.
            models.UniqueConstraint(
                fields=["menage", "date_orientation", "parcours", "orientee_par"],
                name="orientation_unique_par_auteur",
            )
        ]
        indexes = [
            # « Mes orientations » (l'accueil de l'agent du bailleur) : les siennes, les plus
            # récentes d'abord, lues dans l'ordre de l'index jusqu'à la fin de la page.
            models.Index(
                fields=["orientee_par", "-date_orientation", "-cree_le"],
                name="orientation_par_auteur_date",
            )
        ]

    def __str__(self):
        return f"Orientation du {self.date_orientation:%d/%m/%Y} ({self.get_parcours_display()})"

    @property
    def libelles_problematiques(self):
        return [Problematique(p.code).label for p in self.problematiques.all()]


class ProblematiqueOrientation(LibellesDesChoix):
    orientation = models.ForeignKey(
        Orientation, on_delete=models.CASCADE, related_name="problematiques"
    )
    code = models.CharField(max_length=30, choices=Problematique.choices, db_index=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["orientation", "code"], name="problematique_unique")
        ]

    def __str__(self):
        return self.get_code_display()


class DetteLocative(LibellesDesChoix):
    """Montant de la dette locative d'un ménage à une date donnée."""

    menage = models.ForeignKey(Menage, on_delete=models.CASCADE, related_name="dettes")
    date = models.DateField()
    montant = montant("montant")
    origine = models.CharField(max_length=20, choices=OrigineDette.choices)
    stade_procedure = models.CharField(
        "procédure à cette date", max_length=30, choices=StadeProcedure.choices, blank=True
    )
    # La reprise du paiement (rapport, section « Résultats ») : vide quand on ne sait pas.
    loyer_paye_3_mois = models.BooleanField(
        "loyer courant payé au moins 3 mois consécutifs", null=True, blank=True
    )
    saisie_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "dette locative"
        verbose_name_plural = "dettes locatives"
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.montant} € au {self.date:%d/%m/%Y}"


class PlanApurement(models.Model):
    """Un plan d'apurement de la dette : mensualité, début, respect constaté, aides obtenues."""

    menage = models.ForeignKey(Menage, on_delete=models.CASCADE, related_name="plans_apurement")
    date_debut = models.DateField("début")
    montant_mensuel = montant("mensualité")
    respecte = models.BooleanField("respecté", null=True, help_text="Vide tant qu'on ne sait pas.")
    date_constat = models.DateField("constaté le", null=True, blank=True)
    aide_fsl = montant("aide FSL obtenue", null=True, blank=True)
    autres_aides = models.CharField("autres aides", max_length=250, blank=True)
    actif = models.BooleanField(default=True)
    saisi_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "plan d'apurement"
        verbose_name_plural = "plans d'apurement"
        ordering = ["-date_debut", "-pk"]

    def __str__(self):
        return f"{self.montant_mensuel} €/mois depuis le {self.date_debut:%d/%m/%Y}"


class InformationPartage(models.Model):
    """L'historique daté de l'information du ménage sur le partage de ses informations.

    Chaque enregistrement ajoute une ligne (jamais modifiée) : qui l'a enregistré, quand, et ce
    que le ménage a dit (informé à telle date, s'oppose ou non au partage). Le ménage porte l'état
    du jour (`date_information_partage`, `informe_par`, `opposition_partage`).
    """

    menage = models.ForeignKey(Menage, on_delete=models.CASCADE, related_name="informations")
    date_information = models.DateField("informé le")
    opposition = models.BooleanField("s'oppose au partage")
    enregistree_par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="enregistrée par",
    )
    enregistree_le = models.DateTimeField("enregistrée le", default=timezone.now)

    class Meta:
        verbose_name = "information sur le partage"
        verbose_name_plural = "informations sur le partage"
        ordering = ["-enregistree_le", "-pk"]

    def __str__(self):
        opposition = "s'oppose au partage" if self.opposition else "ne s'oppose pas au partage"
        return f"Informé le {self.date_information:%d/%m/%Y}, {opposition}"


MARGE_D_ABANDON = timedelta(minutes=5)


def _chemin_du_fichier_importe(_import, _nom):
    # Le nom d'origine (souvent celui d'un bailleur, parfois d'une personne) ne va jamais sur le
    # disque : un nom aléatoire dans le stockage privé (VAR_DIR/prive/imports/).
    return f"imports/{uuid.uuid4().hex}.csv"


class Import(LibellesDesChoix):
    """Un import CSV d'orientations demandé depuis la page d'import, exécuté par une tâche.

    Le fichier n'est gardé que le temps de l'import, dans le stockage privé ; restent l'état,
    la progression, le résumé et les premières erreurs, que seule la personne qui a importé lit.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dispositif = models.ForeignKey(Dispositif, on_delete=models.PROTECT, related_name="imports")
    demande_par = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    fichier = models.FileField(upload_to=_chemin_du_fichier_importe, blank=True)
    nom_du_fichier = models.CharField(max_length=100, blank=True)
    # L'adresse du client qui l'a envoyé, pour le journal d'audit écrit par la tâche.
    adresse_ip = models.GenericIPAddressField(null=True, blank=True)
    etat = models.CharField(
        max_length=20, choices=EtatImport.choices, default=EtatImport.EN_ATTENTE
    )
    lignes_faites = models.PositiveIntegerField(default=0)
    lignes_total = models.PositiveIntegerField(default=0)
    resume = models.TextField(blank=True)
    # Les premières erreurs : [{"ligne": 4, "colonne": "code_postal", "message": "…"}, …]
    erreurs = models.JSONField(default=list, blank=True)
    nombre_erreurs = models.PositiveIntegerField(default=0)
    demande_le = models.DateTimeField(default=timezone.now)
    commence_le = models.DateTimeField(null=True, blank=True)
    termine_le = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "import d'orientations"
        verbose_name_plural = "imports d'orientations"
        ordering = ["-demande_le"]

    def __str__(self):
        return f"Import {self.nom_du_fichier} – {self.get_etat_display()}"

    @property
    def abandonne(self):
        """Commencé depuis plus longtemps que sa durée maximale (et une marge) : le worker ou le
        serveur s'est arrêté en route ; la transaction annulée, rien n'a été écrit."""
        limite = timedelta(seconds=settings.IMPORT_DUREE_MAX_SECONDES) + MARGE_D_ABANDON
        return (
            self.etat in (EtatImport.VERIFICATION, EtatImport.ENREGISTREMENT)
            and self.commence_le is not None
            and self.commence_le < timezone.now() - limite
        )

    @property
    def en_cours(self):
        return self.etat in IMPORTS_EN_COURS and not self.abandonne

    @property
    def suite_des_erreurs(self):
        """« … et 79 900 autres erreurs » : celles qui ne sont pas gardées."""
        autres = self.nombre_erreurs - len(self.erreurs)
        if autres <= 0:
            return ""
        nombre = f"{autres:,}".replace(",", " ")
        return f"… et {nombre} {'autre erreur' if autres == 1 else 'autres erreurs'}"
