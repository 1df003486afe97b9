"""Chargement du socle de démonstration : programmes, structures, comptes.

Idempotent : chaque ligne est retrouvée par sa clé naturelle (slug, nom, adresse) et n'est
créée que si elle manque ; un mot de passe n'est posé qu'à la création du compte.
"""

from decimal import Decimal
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from faker import Faker

from .demo_donnees import COMPTES, DISPOSITIFS, ORGANISATIONS
from .models import (
    Commune,
    Dispositif,
    LigneBudgetaire,
    Membre,
    Organisation,
    Partenariat,
    Territoire,
    User,
)

ADMIN_EMAIL = "admin@demo.test"


def email_demo(prefixe, slug):
    return f"{prefixe}.{slug}@demo.test"


@transaction.atomic
def charger_socle():
    """Crée ce qui manque du socle de démonstration."""
    organisations = {
        nom: Organisation.objects.get_or_create(
            nom=nom, defaults={"sigle": sigle, "type": type_, "commune": commune}
        )[0]
        for nom, (sigle, type_, commune) in ORGANISATIONS.items()
    }
    for donnees in DISPOSITIFS:
        dispositif = _dispositif(donnees, organisations)
        _comptes(dispositif, donnees, organisations)
    _compte(ADMIN_EMAIL, "Camille", "Admin-Technique", superuser=True)


def comptes_de_demo():
    """(adresse, rôle, dispositif) de chaque compte de démonstration, dans l'ordre des rôles."""
    ordre = {prefixe: rang for rang, prefixe in enumerate(COMPTES)}
    membres = Membre.objects.filter(user__email__endswith="@demo.test").select_related(
        "user", "dispositif"
    )
    comptes = sorted(
        ((m.user.email, m.get_role_display(), m.dispositif.slug) for m in membres),
        key=lambda compte: (compte[2], ordre.get(compte[0].split(".")[0], 99)),
    )
    comptes.append((ADMIN_EMAIL, "Administrateur technique", "—"))
    return comptes


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
    for nom_territoire, communes in donnees["territoires"].items():
        territoire, _ = Territoire.objects.get_or_create(dispositif=dispositif, nom=nom_territoire)
        for nom_commune, code_postal in communes:
            Commune.objects.get_or_create(
                territoire=territoire, nom=nom_commune, code_postal=code_postal
            )
    for poste, nature, libelle, montant in donnees["budget"]:
        LigneBudgetaire.objects.get_or_create(
            dispositif=dispositif,
            poste=poste,
            nature=nature,
            libelle=libelle,
            defaults={"montant_annuel": Decimal(montant)},
        )
    for nom, role in donnees["partenaires"]:
        Partenariat.objects.get_or_create(
            dispositif=dispositif, organisation=organisations[nom], role=role
        )
    return dispositif


def _comptes(dispositif, donnees, organisations):
    for prefixe, (role, profession, cle_structure) in COMPTES.items():
        faux = Faker("fr_FR")
        email = email_demo(prefixe, dispositif.slug)
        faux.seed_instance(email)
        user = _compte(email, faux.first_name(), faux.last_name())
        nom_structure = donnees["porteur"] if cle_structure == "porteur" else donnees[cle_structure]
        Membre.objects.get_or_create(
            user=user,
            dispositif=dispositif,
            role=role,
            defaults={
                "profession": profession,
                "organisation": organisations[nom_structure],
                "date_debut": dispositif.date_debut,
            },
        )


def _compte(email, prenom, nom, superuser=False):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email,
            first_name=prenom,
            last_name=nom,
            password=_empreinte_demo(settings.DEMO_PASSWORD),
            is_staff=superuser,
            is_superuser=superuser,
        )
    return user


@cache
def _empreinte_demo(mot_de_passe):
    # Une seule empreinte pour tous les comptes de démonstration : le hachage est lent à dessein.
    return make_password(mot_de_passe)
