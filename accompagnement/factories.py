"""Fabriques factory_boy de l'accompagnement, pour les tests."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from core.enums import Profession
from core.factories import UserFactory
from menages.factories import MenageFactory

from .enums import Axe, Confidentialite, TypeBilan, TypeIntervention
from .models import Accompagnement, Bilan, Intervention, MembreEquipe, Objectif, PlanAction


class AccompagnementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Accompagnement
        skip_postgeneration_save = True

    menage = factory.SubFactory(MenageFactory)
    dispositif = factory.SelfAttribute("menage.dispositif")
    date_debut = date(2026, 1, 5)
    referent = factory.SubFactory(UserFactory)

    @factory.post_generation
    def plan(accompagnement, create, extracted, **kwargs):
        if create:
            PlanAction.objects.get_or_create(accompagnement=accompagnement)


class MembreEquipeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembreEquipe

    accompagnement = factory.SubFactory(AccompagnementFactory)
    user = factory.SubFactory(UserFactory)
    profession = Profession.TRAVAILLEUR_SOCIAL


class ObjectifFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objectif

    accompagnement = factory.SubFactory(AccompagnementFactory)
    axe = Axe.BUDGET
    libelle = "Reprendre le paiement du loyer résiduel"
    indicateur = "3 loyers payés consécutifs"


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    accompagnement = factory.SubFactory(AccompagnementFactory)
    date_heure = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    duree_minutes = 45
    type = TypeIntervention.VISITE_DOMICILE
    auteur = factory.SubFactory(UserFactory)
    profession_auteur = Profession.TRAVAILLEUR_SOCIAL
    note = "Visite : le courrier est ouvert avec Mme, dossier FSL à compléter."
    confidentialite = Confidentialite.EQUIPE


class BilanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bilan

    accompagnement = factory.SubFactory(AccompagnementFactory)
    type = TypeBilan.TROIS_MOIS
    date_prevue = date(2026, 4, 5)
