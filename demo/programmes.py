"""Le socle de la démonstration : les quatre programmes, leurs structures et leurs comptes.

Idempotent : chaque ligne est retrouvée par sa clé naturelle (slug, nom, adresse) et n'est
créée que si elle manque. Les programmes sont décrits dans `donnees/programmes.toml`.
"""

from decimal import Decimal

from django.db import transaction

from core import reglages
from core.enums import IndicateurCible, Role
from core.models import (
    Commune,
    Dispositif,
    LigneBudgetaire,
    Membre,
    Organisation,
    Partenariat,
    Territoire,
)

from . import comptes
from .lecture import lire

DONNEES = lire("programmes")
ORGANISATIONS = DONNEES["organisations"]
DISPOSITIFS = DONNEES["dispositifs"]


@transaction.atomic
def charger_programmes():
    """Crée ce qui manque du socle de démonstration."""
    organisations = {
        nom: Organisation.objects.get_or_create(
            nom=nom,
            defaults={
                "sigle": structure["sigle"],
                "type": structure["type"],
                "commune": structure["commune"],
            },
        )[0]
        for nom, structure in ORGANISATIONS.items()
    }
    for donnees in DISPOSITIFS:
        dispositif = _dispositif(donnees, organisations)
        comptes.creer_comptes(dispositif, donnees, organisations)
        _cibles(dispositif, donnees)
    comptes.creer_administrateur()
    comptes.creer_financeur()


def _cibles(dispositif, donnees):
    """Les cibles du dossier, fixées par la coordination du dispositif comme dans le produit
    (l'historique des réglages les garde) ; une cible déjà à cette valeur n'écrit rien."""
    coordination = (
        Membre.objects.actifs()
        .filter(dispositif=dispositif, role=Role.COORDINATEUR, territoire__isnull=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if coordination is None or not donnees.get("cibles"):
        return
    reglages.fixer_cibles(
        coordination.user,
        dispositif,
        {IndicateurCible(cle): Decimal(str(valeur)) for cle, valeur in donnees["cibles"].items()},
    )


def _dispositif(donnees, organisations):
    champs = {
        cle: donnees[cle]
        for cle in (
            "nom",
            "departement",
            "description",
            "parcours_acces",
            "parcours_maintien",
            "capacite_acces",
            "capacite_maintien",
            "date_debut",
        )
    }
    for cle in (
        "cout_menage_prevu",
        "cout_diagnostic",
        "cout_gestion_locative_adaptee",
        "financement_demande",
        "cofinancement",
    ):
        champs[cle] = Decimal(donnees[cle])
    champs["porteur"] = organisations[donnees["porteur"]]
    dispositif, _ = Dispositif.objects.get_or_create(slug=donnees["slug"], defaults=champs)
    capacites = donnees.get("capacites_territoires", {})
    for nom_territoire, communes in donnees["territoires"].items():
        territoire, _ = Territoire.objects.get_or_create(
            dispositif=dispositif,
            nom=nom_territoire,
            defaults={"capacite": capacites.get(nom_territoire, 0)},
        )
        for nom_commune, code_postal in communes:
            Commune.objects.get_or_create(
                territoire=territoire, nom=nom_commune, code_postal=code_postal
            )
    for ligne in donnees["budget"]:
        LigneBudgetaire.objects.get_or_create(
            dispositif=dispositif,
            poste=ligne["poste"],
            nature=ligne["nature"],
            libelle=ligne["libelle"],
            defaults={"montant_annuel": Decimal(ligne["montant"])},
        )
    for nom, role in donnees["partenaires"].items():
        Partenariat.objects.get_or_create(
            dispositif=dispositif, organisation=organisations[nom], role=role
        )
    return dispositif
