"""Fabriques factory_boy du socle, pour les tests et la démonstration."""

from datetime import date
from decimal import Decimal

import factory

from .enums import NatureDepense, Profession, Role, TypeOrganisation
from .models import (
    Commune,
    Dispositif,
    HabilitationNationale,
    LigneBudgetaire,
    Membre,
    Organisation,
    Territoire,
    User,
)

PROFESSION_PAR_ROLE = {
    Role.COORDINATEUR: Profession.COORDINATEUR,
    Role.TRAVAILLEUR_SOCIAL: Profession.TRAVAILLEUR_SOCIAL,
    Role.INFIRMIER: Profession.INFIRMIER,
    Role.PSYCHOLOGUE: Profession.PSYCHOLOGUE,
    Role.AGENT_BAILLEUR: Profession.AGENT_BAILLEUR,
    Role.MEMBRE_COTECH: Profession.PARTENAIRE,
    Role.MEMBRE_COPIL: Profession.PARTENAIRE,
    Role.EVALUATEUR: Profession.PARTENAIRE,
    Role.PRESCRIPTEUR: Profession.PARTENAIRE,
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")
    # Des noms qui ne coïncident jamais avec ceux que les tests cherchent (présents ou absents).
    first_name = factory.Sequence(lambda n: f"Prénom{n}")
    last_name = factory.Sequence(lambda n: f"Professionnel{n}")
    password = factory.django.Password("mot-de-passe-de-test")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    nom = factory.Sequence(lambda n: f"Structure {n}")
    type = TypeOrganisation.ASSOCIATION


class DispositifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispositif

    slug = factory.Sequence(lambda n: f"dispositif-{n}")
    nom = factory.Sequence(lambda n: f"Dispositif {n}")
    porteur = factory.SubFactory(OrganisationFactory, type=TypeOrganisation.BAILLEUR)
    departement = "15"
    parcours_maintien = True
    capacite_maintien = 30
    date_debut = date(2024, 1, 1)

    class Params:
        acces = factory.Trait(parcours_acces=True, capacite_acces=20)


class TerritoireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territoire

    dispositif = factory.SubFactory(DispositifFactory)
    nom = factory.Sequence(lambda n: f"Territoire {n}")


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    territoire = factory.SubFactory(TerritoireFactory)
    nom = factory.Sequence(lambda n: f"Commune {n}")
    code_postal = "15000"


class LigneBudgetaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LigneBudgetaire

    dispositif = factory.SubFactory(DispositifFactory)
    poste = Profession.TRAVAILLEUR_SOCIAL
    nature = NatureDepense.SALAIRE
    montant_annuel = Decimal("30000")


class MembreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membre

    user = factory.SubFactory(UserFactory)
    dispositif = factory.SubFactory(DispositifFactory)
    role = Role.TRAVAILLEUR_SOCIAL
    profession = factory.LazyAttribute(lambda membre: PROFESSION_PAR_ROLE[Role(membre.role)])


class HabilitationNationaleFactory(factory.django.DjangoModelFactory):
    """Une habilitation nationale confirmée (le financeur) ; `a_confirmer=True` pour une
    habilitation en attente."""

    class Meta:
        model = HabilitationNationale

    user = factory.SubFactory(UserFactory)
    a_confirmer = False
