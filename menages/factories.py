"""Fabriques factory_boy des ménages, pour les tests et la démonstration."""

from datetime import date
from decimal import Decimal

import factory

from core.enums import Parcours
from core.factories import DispositifFactory

from .enums import (
    NatureRessource,
    OrigineDette,
    Problematique,
    Source,
    StadeProcedure,
    StatutOrientation,
)
from .models import (
    DetteLocative,
    Logement,
    Menage,
    Orientation,
    ProblematiqueOrientation,
    Ressource,
)
from .services import actualiser_situation, actualiser_territoire


class MenageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Menage

    dispositif = factory.SubFactory(DispositifFactory)
    reference_locataire = factory.Sequence(lambda n: f"LOC{n:06d}")
    # Des noms qui ne coïncident jamais avec ceux que les tests cherchent (présents ou absents).
    nom = factory.Sequence(lambda n: f"MENAGE{n:05d}")
    prenom = factory.Sequence(lambda n: f"Titulaire{n}")


class RessourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ressource

    menage = factory.SubFactory(MenageFactory)
    nature = NatureRessource.RSA
    montant_mensuel = Decimal("1000.00")


class LogementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Logement
        skip_postgeneration_save = True

    menage = factory.SubFactory(MenageFactory)
    adresse = factory.Faker("street_address", locale="fr_FR")
    code_postal = "15000"
    commune = "Aurillac"
    typologie = "T3"
    loyer = Decimal("420.00")
    charges = Decimal("80.00")
    apl = Decimal("250.00")

    @factory.post_generation
    def territoire_du_menage(logement, create, extracted, **kwargs):
        # Comme les services : le territoire du ménage suit son logement actuel.
        if create:
            actualiser_territoire(logement.menage)


class OrientationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Orientation
        skip_postgeneration_save = True

    menage = factory.SubFactory(MenageFactory)
    date_orientation = date(2026, 3, 2)
    date_statut = factory.SelfAttribute("date_orientation")
    parcours = Parcours.MAINTIEN
    source = Source.RECOUVREMENT
    statut = StatutOrientation.RECUE

    class Params:
        avec_dette = factory.Trait(
            dette_locative=Decimal("2450.00"), stade_procedure=StadeProcedure.ASSIGNATION
        )

    @factory.post_generation
    def problematiques(orientation, create, codes, **kwargs):
        if not create:
            return
        for code in codes or [Problematique.IMPAYES]:
            ProblematiqueOrientation.objects.create(orientation=orientation, code=code)

    @factory.post_generation
    def territoire_du_menage(orientation, create, extracted, **kwargs):
        # Comme les services : sans logement, le ménage prend le territoire de son orientation.
        if create and orientation.territoire_id is not None:
            actualiser_territoire(orientation.menage)

    @factory.post_generation
    def situation_du_menage(orientation, create, extracted, **kwargs):
        # Comme les services : le ménage porte sa dernière orientation.
        if create:
            actualiser_situation([orientation.menage])


class DetteLocativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DetteLocative
        skip_postgeneration_save = True

    menage = factory.SubFactory(MenageFactory)
    date = date(2026, 3, 2)
    montant = Decimal("1200.00")
    origine = OrigineDette.RELEVE

    @factory.post_generation
    def situation_du_menage(dette, create, extracted, **kwargs):
        # Comme les services : le ménage porte sa dernière dette.
        if create:
            actualiser_situation([dette.menage])
