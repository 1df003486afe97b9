"""L'historique des enregistrements principaux, et la trace des ménages anonymisés.

**Historique** (django-simple-history) : chaque création, modification et suppression d'un
ménage, d'un logement, d'une orientation, d'un relevé de dette, d'un plan d'apurement, d'un
accompagnement, d'un objectif, d'un bilan, d'une intervention et d'une adhésion (`Membre`)
ajoute une version complète de la ligne dans sa table d'historique (`rgpd_historical…`), avec
la date, la nature du changement et son auteur (l'intergiciel de l'historique lit la personne
connectée ; une commande ou une tâche laisse l'auteur vide). Les tables d'historique vivent dans
cette app : les apps du domaine n'en savent rien et gardent leurs champs.

Les textes chiffrés (`core.chiffrement.TexteChiffre`) restent chiffrés dans l'historique : la
table d'historique copie le champ tel quel, donc son chiffrement (et `manage.py rechiffrer` la
parcourt comme les autres). Les écritures groupées (`bulk_create`, `update`) n'écrivent pas de
version : la démonstration en insère ainsi, l'anonymisation aussi (elle efface, en plus, les
versions passées).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history import register

from accompagnement.models import Accompagnement, Bilan, Intervention, Objectif
from core.models import Membre
from menages.models import (
    CHAMPS_DE_SITUATION,
    DetteLocative,
    Logement,
    Menage,
    Orientation,
    PlanApurement,
)

# Les enregistrements suivis, dans l'ordre où la page « Historique » les présente.
MODELES_HISTORISES = (
    Menage,
    Logement,
    Orientation,
    DetteLocative,
    PlanApurement,
    Accompagnement,
    Objectif,
    Bilan,
    Intervention,
    Membre,
)

for _modele in MODELES_HISTORISES:
    # La « raison du changement » de django-simple-history n'est jamais remplie : un texte
    # libre en clair pourrait dire la santé.
    # La situation du jour que le ménage porte pour la file active se recalcule de ses
    # orientations et de ses relevés (historisés eux-mêmes) : elle n'y entre pas.
    register(
        _modele,
        app="rgpd",
        manager_name="historique",
        excluded_fields=list(CHAMPS_DE_SITUATION) if _modele is Menage else None,
    )


class Anonymisation(models.Model):
    """Un ménage anonymisé, quand, et son dernier contact : une ligne par ménage, sans donnée."""

    menage = models.OneToOneField(Menage, on_delete=models.CASCADE, related_name="anonymisation")
    anonymise_le = models.DateTimeField("anonymisé le", default=timezone.now)
    dernier_contact = models.DateField("dernier contact")
    # La règle appliquée ce jour-là (elle peut changer ensuite).
    conservation_jours = models.PositiveIntegerField("durée de conservation (jours)")
    par = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Vide pour la tâche quotidienne.",
    )

    class Meta:
        verbose_name = "anonymisation"
        ordering = ["-anonymise_le"]

    def __str__(self):
        return f"Ménage anonymisé le {timezone.localtime(self.anonymise_le):%d/%m/%Y}"
