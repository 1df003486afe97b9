"""Écritures des comités : séances, ordre du jour construit depuis les données, décisions.

Une décision change ce qu'elle décide : une admission ouvre l'accompagnement avec son équipe,
un refus ou une réorientation clôt l'orientation avec son motif, une désignation d'équipe
recompose l'équipe, une clôture validée clôt l'accompagnement. Chacun de ces changements a pour
auteur la personne qui enregistre la décision : les services appliqués la reçoivent
(`sur_decision=True`) et revérifient qu'elle décide dans ce dispositif.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accompagnement import services as accompagnement
from accompagnement.enums import DecisionBilan
from accompagnement.models import Accompagnement, Bilan
from core import bornes, permissions
from core.enums import Role
from core.models import JournalAudit, Membre
from core.permissions import Action
from core.services import journaliser
from menages import services as menages
from menages.enums import STATUTS_EN_COURS_D_EXAMEN, StatutOrientation
from menages.models import Orientation

from .enums import DECISIONS_PAR_NATURE, NaturePoint, TypeComite, TypeDecision
from .models import Decision, DecisionCorrection, PointOrdreDuJour, Seance

HORIZON_BILANS = timedelta(days=35)
EXPLICATION_MAXIMUM = 2000  # caractères

journal = logging.getLogger(__name__)


def peut_animer(user, comite):
    return user is None or permissions.peut(user, Action.ANIMER_COMITE, comite.dispositif)


def peut_decider(user, comite, siege=None):
    """La coordination du dispositif, ou un membre du comité qui a le droit de décider.
    `siege` : si la personne siège au comité, quand la page l'a déjà lu avec la séance
    (`selectors.seance_pour`) ; sinon il se lit ici."""
    if user is None:
        return True
    if permissions.peut(user, Action.ANIMER_COMITE, comite.dispositif):
        return True
    if not permissions.peut(user, Action.DECIDER, comite.dispositif):
        return False
    return comite.membres.filter(pk=user.pk).exists() if siege is None else siege


@transaction.atomic
def planifier_seance(user, comite, *, date, lieu=""):
    if not peut_animer(user, comite):
        raise PermissionDenied("Seule la coordination planifie les séances.")
    if not bornes.DATE_MINIMUM.year <= date.year <= bornes.date_maximum().year:
        raise ValidationError("Une séance se planifie entre 2000 et l'an prochain.")
    bornes.verifier_date(timezone.localtime(date).date(), quoi="La date de la séance")
    seance = Seance.objects.create(comite=comite, date=date, lieu=lieu or comite.lieu_habituel)
    if comite.type == TypeComite.TECHNIQUE:
        construire_ordre_du_jour(user, seance)
    return seance


@transaction.atomic
def construire_ordre_du_jour(user, seance):
    """Inscrit les ménages que le comité technique doit examiner à cette séance.

    - les orientations reçues, à examiner ou en attente (elles passent « à examiner ») ;
    - les accompagnements dont un bilan est en retard, ou à faire d'ici cinq semaines ;
    - les accompagnements dont un bilan propose la clôture.
    Idempotent : un point déjà inscrit n'est pas dupliqué. Rend le nombre de points ajoutés.
    """
    if not peut_animer(user, seance.comite):
        raise PermissionDenied("Seule la coordination construit l'ordre du jour.")
    if seance.comite.type != TypeComite.TECHNIQUE:
        return 0
    dispositif = seance.comite.dispositif
    jour = timezone.localtime(seance.date).date()
    points = []
    orientations = Orientation.objects.filter(
        menage__dispositif=dispositif,
        statut__in=STATUTS_EN_COURS_D_EXAMEN,
        date_orientation__lte=jour,
    ).order_by("date_orientation")
    for orientation in orientations:
        points.append((orientation.menage_id, NaturePoint.NOUVELLE_ORIENTATION, orientation, None))
    recues = orientations.filter(statut=StatutOrientation.RECUE)
    menages_inscrits = set(recues.values_list("menage_id", flat=True))
    recues.update(
        statut=StatutOrientation.A_EXAMINER,
        date_statut=timezone.localdate(),
        statut_modifie_par=user,
    )
    menages.actualiser_situation(menages_inscrits)
    ouverts = Accompagnement.objects.ouverts().filter(dispositif=dispositif)
    bilans = (
        Bilan.objects.filter(
            accompagnement__in=ouverts,
            date_realisation__isnull=True,
            date_prevue__lte=jour + HORIZON_BILANS,
        )
        .select_related("accompagnement")
        .order_by("date_prevue")
    )
    for bilan in bilans:
        nature = (
            NaturePoint.BILAN_EN_RETARD if bilan.date_prevue < jour else NaturePoint.BILAN_A_VENIR
        )
        points.append((bilan.accompagnement.menage_id, nature, None, bilan.accompagnement))
    propositions = ouverts.filter(
        bilans__decision=DecisionBilan.CLOTURE, cloture__isnull=True
    ).distinct()
    for proposition in propositions:
        points.append((proposition.menage_id, NaturePoint.CLOTURE_PROPOSEE, None, proposition))

    deja = set(seance.points.values_list("menage_id", "nature"))
    rang = seance.points.count()
    ajoutes = []
    for menage_id, nature, orientation, suivi in points:
        if (menage_id, nature) in deja:
            continue
        deja.add((menage_id, nature))
        rang += 1
        ajoutes.append(
            PointOrdreDuJour(
                seance=seance,
                menage_id=menage_id,
                nature=nature,
                orientation=orientation,
                accompagnement=suivi,
                rang=rang,
            )
        )
    PointOrdreDuJour.objects.bulk_create(ajoutes)
    return len(ajoutes)


@transaction.atomic
def decider(
    user,
    point,
    type,
    *,
    motifs="",
    referent=None,
    equipe=(),
    motif_cloture="",
    maintien_dans_logement=True,
    explication_prescripteur="",
):
    """Enregistre une décision du comité sur un point de l'ordre du jour et l'applique.

    `explication_prescripteur` : ce que la structure qui a orienté transmettra au ménage ; elle
    la lit avec la décision (`Donnee.DECISIONS`, portée « organisation »), et ses prescripteurs
    en sont prévenus par courriel (sans le nom du ménage) quand l'orientation a une structure.

    Refus : `PermissionDenied` hors coordination et membres du comité ; `ValidationError` pour
    une décision que la nature du point ne permet pas, un refus sans motif, une admission sans
    référent, ou ce que les services appliqués refusent eux-mêmes.
    """
    seance = point.seance
    if not peut_decider(user, seance.comite):
        raise PermissionDenied("Seuls les membres du comité et la coordination décident.")
    type = TypeDecision(type)
    if type not in DECISIONS_PAR_NATURE[NaturePoint(point.nature)]:
        raise ValidationError(
            f"« {type.label} » ne se décide pas sur un point « {point.get_nature_display()} »."
        )
    if (
        point.orientation is not None
        and type in DECISIONS_PAR_NATURE[NaturePoint.NOUVELLE_ORIENTATION]
    ):
        # Relu sous verrou : deux décisions contraires sur la même orientation ne passent pas.
        orientation = Orientation.objects.select_for_update().get(pk=point.orientation_id)
        if orientation.statut not in STATUTS_EN_COURS_D_EXAMEN:
            raise ValidationError(
                f"Cette orientation est déjà décidée (« {orientation.get_statut_display()} »)."
            )
        point.orientation = orientation
    motifs = motifs.strip()
    explication_prescripteur = (explication_prescripteur or "").strip()
    if len(explication_prescripteur) > EXPLICATION_MAXIMUM:
        raise ValidationError(
            f"L'explication au prescripteur tient en {EXPLICATION_MAXIMUM} caractères au plus."
        )
    suivi = point.accompagnement
    jour = min(timezone.localtime(seance.date).date(), timezone.localdate())

    if type == TypeDecision.ADMISSION:
        if referent is None:
            raise ValidationError({"referent": "Pour une admission, désignez le ou la référent·e."})
        suivi = accompagnement.ouvrir_accompagnement(
            user,
            point.menage,
            referent=referent,
            equipe=equipe,
            date_debut=jour,
            orientation=point.orientation,
            sur_decision=True,
        )
    elif type in (TypeDecision.REFUS, TypeDecision.REORIENTATION):
        if not motifs:
            raise ValidationError(
                {"motifs": f"Indiquez les motifs : « {type.label} » doit être expliqué."}
            )
        statut = (
            StatutOrientation.REFUSEE
            if type == TypeDecision.REFUS
            else StatutOrientation.REORIENTEE
        )
        menages.changer_statut_orientation(
            user, point.orientation, statut, motifs, sur_decision=True, date_statut=jour
        )
    elif type == TypeDecision.EQUIPE:
        if referent is None:
            raise ValidationError({"referent": "Désignez le ou la référent·e de l'équipe."})
        accompagnement.modifier_equipe(
            user, suivi, referent=referent, equipe=equipe, sur_decision=True
        )
    elif type == TypeDecision.CLOTURE_VALIDEE:
        if not motif_cloture:
            raise ValidationError({"motif_cloture": "Indiquez le motif de clôture."})
        accompagnement.cloturer_accompagnement(
            user,
            suivi,
            date=jour,
            motif=motif_cloture,
            maintien_dans_logement=maintien_dans_logement,
            commentaire=motifs,
            sur_decision=True,
        )
    elif not motifs:
        raise ValidationError(
            {"motifs": f"Décrivez la décision : « {type.label} » sans contenu ne dit rien."}
        )

    decision = Decision.objects.create(
        seance=seance,
        point=point,
        menage=point.menage,
        type=type,
        motifs=motifs,
        explication_prescripteur=explication_prescripteur,
        accompagnement=suivi,
        auteur=user,
        equipe_nommee=equipe_nommee(suivi)
        if type in (TypeDecision.ADMISSION, TypeDecision.EQUIPE)
        else "",
    )
    _prevenir_les_prescripteurs(decision)
    return decision


def _prevenir_les_prescripteurs(decision):
    """Un courriel, après la transaction, aux prescripteurs de la structure qui a fait
    l'orientation décidée. Il ne nomme pas le ménage : la personne se connecte pour lire la
    décision (la page « Mes orientations » la signale « nouveau » jusqu'à ce qu'elle la lise)."""
    orientation = decision.point.orientation if decision.point_id else None
    if orientation is None or orientation.organisation_id is None:
        return
    adresses = sorted(
        set(
            Membre.objects.actifs()
            .filter(
                dispositif_id=decision.seance.comite.dispositif_id,
                role=Role.PRESCRIPTEUR,
                organisation_id=orientation.organisation_id,
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if not adresses:
        return
    lien = f"{settings.SITE_URL}{reverse('ecrans:accueil')}"
    avec_explication = (
        " (avec une explication à transmettre au ménage)"
        if decision.explication_prescripteur
        else ""
    )
    messages = [
        (
            "Une décision sur une orientation de votre structure",
            "Bonjour,\n\n"
            f"Le comité a rendu une décision sur une orientation que votre structure a faite "
            f"le {orientation.date_orientation:%d/%m/%Y}"
            f"{avec_explication}"
            f".\n\nConnectez-vous pour la lire : {lien}\n\n"
            "Ce message ne contient volontairement aucune information sur le ménage.\n",
            settings.DEFAULT_FROM_EMAIL,
            [adresse],
        )
        for adresse in adresses
    ]

    def envoyer():
        try:
            send_mass_mail(messages, fail_silently=False)
        except Exception:  # la décision est enregistrée ; l'accueil la signale « nouveau »
            journal.exception("Courriel aux prescripteurs non envoyé (décision %s)", decision.pk)

    transaction.on_commit(envoyer)


def equipe_nommee(suivi):
    """« Camille Martin (travailleur·se social·e, référent·e), Léa Roux (psychologue) »."""
    membres = suivi.equipe.select_related("user").order_by("user__last_name", "user__first_name")
    return ", ".join(
        f"{membre.user.get_full_name() or membre.user.email} ("
        f"{membre.get_profession_display().lower()}"
        f"{', référent·e' if membre.user_id == suivi.referent_id else ''})"
        for membre in membres
    )[:500]


def peut_corriger_decision(user, decision):
    """Corriger une décision : qui décide à ce comité (la coordination, ses membres)."""
    return user is not None and peut_decider(user, decision.seance.comite)


@transaction.atomic
def corriger_decision(user, decision, *, motifs, motif_correction):
    """Corrige le contenu (les motifs) d'une décision déjà prise, sans en changer l'effet.

    Promesses : la version d'avant est gardée (`DecisionCorrection` : ancien contenu, auteur,
    date, motif de la correction) ; le motif d'un refus ou d'une réorientation est aussi
    corrigé sur l'orientation ; le geste est écrit au journal (sans le contenu).
    Refus : `PermissionDenied` hors des personnes qui décident à ce comité ; `ValidationError`
    sans motif de correction, ou si la décision demande un contenu et qu'il est vide. Changer
    l'effet d'une décision (une admission devenue refus) se fait par une nouvelle décision.
    """
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not peut_corriger_decision(user, decision):
        raise PermissionDenied("Seuls les membres du comité et la coordination corrigent.")
    motifs = motifs.strip()
    motif_correction = motif_correction.strip()
    if not motif_correction:
        raise ValidationError("Dites pourquoi la décision est corrigée.")
    exige_contenu = decision.type not in (
        TypeDecision.ADMISSION,
        TypeDecision.EQUIPE,
        TypeDecision.CLOTURE_VALIDEE,
    )
    if exige_contenu and not motifs:
        raise ValidationError(f"« {decision.get_type_display()} » doit garder ses motifs.")
    if motifs == decision.motifs:
        raise ValidationError("Le contenu est inchangé : rien à corriger.")
    DecisionCorrection.objects.create(
        decision=decision,
        anciens_motifs=decision.motifs,
        motif_correction=motif_correction[:250],
        corrigee_par=user,
    )
    decision.motifs = motifs
    decision.corrigee_le = timezone.now()
    decision.save(update_fields=["motifs", "corrigee_le"])
    point = decision.point
    if (
        decision.type in (TypeDecision.REFUS, TypeDecision.REORIENTATION)
        and point is not None
        and point.orientation_id
    ):
        Orientation.objects.filter(pk=point.orientation_id).update(motif_statut=motifs)
    journaliser(
        user,
        JournalAudit.Action.DECISION_CORRIGEE,
        dispositif=decision.seance.comite.dispositif_id,
        objet=decision,
        detail=f"{decision.get_type_display()} corrigée",
    )
    return decision


@transaction.atomic
def enregistrer_presences(user, seance, *, presents, organisations=()):
    """Les personnes et structures présentes ; seuls des membres du comité peuvent l'être."""
    if not peut_animer(user, seance.comite):
        raise PermissionDenied("Seule la coordination tient la feuille de présence.")
    membres = set(seance.comite.membres.values_list("pk", flat=True))
    etrangers = [str(personne) for personne in presents if personne.pk not in membres]
    if etrangers:
        raise ValidationError("Ces personnes ne siègent pas à ce comité : " + ", ".join(etrangers))
    seance.presents.set(presents)
    seance.organisations_presentes.set(organisations)
    return seance
