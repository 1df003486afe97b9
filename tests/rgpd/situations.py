"""Un ménage suivi de bout en bout, avec un texte marqué dans chaque champ libre : ce que
l'historique, l'anonymisation et le droit d'accès doivent retrouver ou faire disparaître."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import timezone

from accompagnement.enums import (
    Adhesion,
    Confidentialite,
    DecisionBilan,
    MotifCloture,
    StatutAccompagnement,
    TypeBilan,
)
from accompagnement.factories import (
    AccompagnementFactory,
    BilanFactory,
    InterventionFactory,
    MembreEquipeFactory,
    ObjectifFactory,
)
from accompagnement.models import Cloture, PlanAction, ProgressionObjectif
from comites.factories import ComiteFactory, DecisionFactory, PointOrdreDuJourFactory, SeanceFactory
from core.enums import Profession, Role
from core.factories import MembreFactory
from menages.enums import StatutOrientation
from menages.factories import (
    DetteLocativeFactory,
    LogementFactory,
    MenageFactory,
    OrientationFactory,
)
from menages.models import Personne, PlanApurement

MARQUE = "MARQUE-RGPD"


def marque(champ):
    return f"{MARQUE}-{champ}"


@dataclass
class Suivi:
    menage: object
    accompagnement: object
    ts: object  # le ou la travailleur·se social·e de l'équipe
    infirmier: object
    coordinateur: object


def menage_suivi(dispositif, *, debut=date(2024, 1, 8), clos=True, coordinateur=None):
    """Un ménage orienté, accompagné, passé en comité, avec une intervention de chaque
    confidentialité ; clos deux mois après son début si `clos`."""
    fin = debut + timedelta(days=60)
    coordinateur = coordinateur or MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user
    ts = MembreFactory(dispositif=dispositif, role=Role.TRAVAILLEUR_SOCIAL).user
    infirmier = MembreFactory(dispositif=dispositif, role=Role.INFIRMIER).user
    menage = MenageFactory(
        dispositif=dispositif,
        nom=marque("nom"),
        prenom=marque("prenom"),
        telephone="06 00 00 00 01",
        email="menage-rgpd@exemple.test",
        mandataire=marque("mandataire"),
        cree_le=timezone.make_aware(datetime.combine(debut, datetime.min.time())),
    )
    Personne.objects.create(
        menage=menage, prenom=marque("enfant"), annee_naissance=2015, adulte=False, lien="enfant"
    )
    LogementFactory(menage=menage, adresse=marque("adresse"))
    orientation = OrientationFactory(
        menage=menage,
        date_orientation=debut - timedelta(days=20),
        description=marque("description"),
        motif_statut=marque("motif"),
        contact_prescripteur=marque("contact"),
        statut=StatutOrientation.ADMISE,
        dette_locative=Decimal("1800.00"),
    )
    DetteLocativeFactory(menage=menage, date=debut, montant=Decimal("1800.00"))
    PlanApurement.objects.create(
        menage=menage,
        date_debut=debut,
        montant_mensuel=Decimal("50.00"),
        autres_aides=marque("aides"),
    )
    accompagnement = AccompagnementFactory(
        menage=menage,
        orientation=orientation,
        date_debut=debut,
        date_premier_contact=debut,
        referent=ts,
        adhesion=Adhesion.ACCEPTEE,
        statut=StatutAccompagnement.CLOS if clos else StatutAccompagnement.EN_COURS,
        date_fin=fin if clos else None,
    )
    PlanAction.objects.filter(accompagnement=accompagnement).update(
        structures_autour=marque("structures")
    )
    MembreEquipeFactory(
        accompagnement=accompagnement, user=ts, profession=Profession.TRAVAILLEUR_SOCIAL
    )
    MembreEquipeFactory(
        accompagnement=accompagnement, user=infirmier, profession=Profession.INFIRMIER
    )
    objectif = ObjectifFactory(
        accompagnement=accompagnement, libelle=marque("objectif"), indicateur=marque("indicateur")
    )
    moment = timezone.make_aware(
        datetime.combine(debut + timedelta(days=10), datetime.min.time().replace(hour=10))
    )
    InterventionFactory(
        accompagnement=accompagnement,
        auteur=ts,
        date_heure=moment,
        note=marque("note-equipe"),
        autres_participants=marque("participants"),
    )
    InterventionFactory(
        accompagnement=accompagnement,
        auteur=infirmier,
        profession_auteur=Profession.INFIRMIER,
        date_heure=moment + timedelta(days=1),
        note=marque("note-soignants"),
        confidentialite=Confidentialite.SOIGNANTS,
    )
    InterventionFactory(
        accompagnement=accompagnement,
        auteur=ts,
        date_heure=moment + timedelta(days=2),
        note=marque("note-personnelle"),
        confidentialite=Confidentialite.PERSONNELLE,
    )
    bilan = BilanFactory(
        accompagnement=accompagnement,
        type=TypeBilan.DIAGNOSTIC,
        date_prevue=debut + timedelta(days=30),
        date_realisation=debut + timedelta(days=30),
        synthese=marque("synthese"),
        decision=DecisionBilan.POURSUITE,
        dette=Decimal("1200.00"),
    )
    ProgressionObjectif.objects.create(
        bilan=bilan, objectif=objectif, statut="en_cours", commentaire=marque("progression")
    )
    if clos:
        Cloture.objects.create(
            accompagnement=accompagnement,
            date=fin,
            motif=MotifCloture.STABILISEE,
            maintien_dans_logement=True,
            expulsion_evitee=False,
            commentaire=marque("cloture"),
        )
    comite = ComiteFactory(dispositif=dispositif)
    seance = SeanceFactory(
        comite=comite,
        date=timezone.make_aware(
            datetime.combine(debut - timedelta(days=10), datetime.min.time().replace(hour=14))
        ),
    )
    point = PointOrdreDuJourFactory(seance=seance, menage=menage, orientation=orientation)
    DecisionFactory(seance=seance, point=point, menage=menage, motifs=marque("decision"))
    return Suivi(menage, accompagnement, ts, infirmier, coordinateur)
