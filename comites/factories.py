"""Fabriques factory_boy des comités, pour les tests."""

from datetime import datetime, time

import factory
from django.utils import timezone

from core.factories import DispositifFactory
from menages.factories import MenageFactory

from .enums import NaturePoint, TypeComite, TypeDecision
from .models import Comite, Decision, PointOrdreDuJour, Seance


class ComiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comite
        skip_postgeneration_save = True

    dispositif = factory.SubFactory(DispositifFactory)
    type = TypeComite.TECHNIQUE
    nom = factory.Sequence(lambda n: f"Comité technique {n}")
    lieu_habituel = "Salle du conseil"

    class Params:
        pilotage = factory.Trait(
            type=TypeComite.PILOTAGE, nom=factory.Sequence(lambda n: f"Comité de pilotage {n}")
        )
        equipe = factory.Trait(
            type=TypeComite.EQUIPE, nom=factory.Sequence(lambda n: f"Réunion d'équipe {n}")
        )

    @factory.post_generation
    def membres(comite, create, personnes, **kwargs):
        if create and personnes:
            comite.membres.set(personnes)


def _aujourd_hui_a_14h():
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(14, 0)))


class SeanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seance
        skip_postgeneration_save = True

    comite = factory.SubFactory(ComiteFactory)
    date = factory.LazyFunction(_aujourd_hui_a_14h)
    lieu = factory.SelfAttribute("comite.lieu_habituel")

    @factory.post_generation
    def presents(seance, create, personnes, **kwargs):
        if create and personnes:
            seance.presents.set(personnes)


class PointOrdreDuJourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointOrdreDuJour

    seance = factory.SubFactory(SeanceFactory)
    menage = factory.SubFactory(
        MenageFactory, dispositif=factory.SelfAttribute("..seance.comite.dispositif")
    )
    nature = NaturePoint.NOUVELLE_ORIENTATION
    rang = factory.Sequence(lambda n: n + 1)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    point = factory.SubFactory(PointOrdreDuJourFactory)
    seance = factory.SelfAttribute("point.seance")
    menage = factory.SelfAttribute("point.menage")
    accompagnement = factory.SelfAttribute("point.accompagnement")
    type = TypeDecision.STRATEGIE
    motifs = "Renforcer les visites à domicile ; point avec le CMP."
