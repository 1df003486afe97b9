"""Les accrocs du quotidien dans la démonstration : une orientation « en attente » depuis
longtemps, une intervention corrigée par son auteur et une décision du comité corrigée par la
coordination (textes dans `donnees/quotidien.toml`).

Idempotent : rien n'est refait là où la situation existe déjà."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accompagnement import services as accompagnement
from accompagnement.models import Intervention, InterventionVersion
from comites import services as comites
from comites.enums import TypeDecision
from comites.models import Decision
from core.models import Dispositif, User
from menages import services as menages
from menages.enums import StatutOrientation
from menages.models import Orientation
from menages.services import TRANSITIONS

from .comptes import email_demo
from .lecture import lire

DONNEES = lire("quotidien")


@transaction.atomic
def charger_accrocs():
    aujourd_hui = timezone.localdate()
    for dispositif in Dispositif.objects.order_by("slug"):
        coordinateur = User.objects.filter(email=email_demo("coordinateur", dispositif.slug))
        ts = User.objects.filter(email=email_demo("ts", dispositif.slug))
        if coordinateur.exists():
            _attente_ancienne(dispositif, coordinateur.get(), aujourd_hui)
            _decision_corrigee(dispositif, coordinateur.get())
        if ts.exists():
            _intervention_corrigee(dispositif, ts.get())


def _attente_ancienne(dispositif, coordinateur, aujourd_hui):
    """Une orientation du programme attend depuis `attente.jours` jours (au moins une)."""
    limite = aujourd_hui - timedelta(days=settings.DELAI_ORIENTATION_EN_ATTENTE_JOURS)
    en_attente = Orientation.objects.filter(
        menage__dispositif=dispositif, statut=StatutOrientation.EN_ATTENTE
    )
    if en_attente.filter(date_statut__lt=limite).exists():
        return
    depuis = aujourd_hui - timedelta(days=DONNEES["attente"]["jours"])
    # Une orientation encore à examiner, arrivée avant la date : le comité l'a mise en attente.
    candidate = (
        Orientation.objects.filter(
            menage__dispositif=dispositif,
            statut__in=[
                statut
                for statut, suivants in TRANSITIONS.items()
                if StatutOrientation.EN_ATTENTE in suivants
            ],
            date_orientation__lt=depuis,
            menage__provisoire=False,
        )
        .order_by("date_orientation", "pk")
        .first()
    )
    if candidate is None:
        return
    menages.changer_statut_orientation(
        coordinateur,
        candidate,
        StatutOrientation.EN_ATTENTE,
        DONNEES["attente"]["motif"],
        date_statut=depuis,
    )


def _intervention_corrigee(dispositif, ts):
    """Le travailleur social complète sa dernière note d'équipe (dans le délai de correction).

    Les autres interventions de l'histoire ont été écrites le jour de la visite : elles ne se
    corrigent plus (leur date d'enregistrement est ramenée à celle de la visite)."""
    if InterventionVersion.objects.filter(accompagnement__dispositif=dispositif).exists():
        return
    derniere = (
        Intervention.objects.filter(
            accompagnement__dispositif=dispositif, auteur=ts, confidentialite="equipe"
        )
        .exclude(note="")
        .select_related("accompagnement")
        .order_by("-date_heure", "-pk")
        .first()
    )
    Intervention.objects.filter(
        accompagnement__dispositif=dispositif, date_heure__lt=F("cree_le")
    ).exclude(pk=getattr(derniere, "pk", None)).update(cree_le=F("date_heure"))
    if derniere is None or not accompagnement.peut_corriger_intervention(ts, derniere):
        return
    accompagnement.corriger_intervention(
        ts,
        derniere,
        type=derniere.type,
        date_heure=derniere.date_heure,
        duree_minutes=derniere.duree_minutes,
        participants=list(derniere.participants.all()),
        autres_participants=derniere.autres_participants,
        objectifs=list(derniere.objectifs.all()),
        destinations=list(derniere.orientations_partenaires.values_list("destination", flat=True)),
        note=f"{derniere.note}\n{DONNEES['correction']['ajout']}",
        confidentialite=derniere.confidentialite,
        motif=DONNEES["correction"]["motif"],
    )


def _decision_corrigee(dispositif, coordinateur):
    """La coordination précise les motifs de la dernière stratégie d'intervention du comité."""
    decisions = Decision.objects.filter(seance__comite__dispositif=dispositif)
    if decisions.filter(corrigee_le__isnull=False).exists():
        return
    derniere = (
        decisions.filter(type=TypeDecision.STRATEGIE).exclude(motifs="").order_by("-pk").first()
    )
    if derniere is None:
        return
    comites.corriger_decision(
        coordinateur,
        derniere,
        motifs=f"{derniere.motifs} {DONNEES['decision_corrigee']['ajout']}",
        motif_correction=DONNEES["decision_corrigee"]["motif"],
    )
