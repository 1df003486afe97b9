"""Écritures de l'accompagnement : ouvrir, composer l'équipe, noter, faire le bilan, clore.

Chaque fonction est une transaction, prend la personne qui agit et vérifie ses droits par
`core.permissions` (une commande ou une tâche d'exploitation passe `user=None`).
"""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from core import bornes, permissions
from core.enums import ROLES_TERRAIN, Profession, Role
from core.models import JournalAudit, Membre
from core.permissions import Action, Ecriture
from core.services import journaliser, journaliser_en_lot
from menages import services as menages
from menages.enums import OrigineDette, StadeProcedure, StatutOrientation
from menages.models import InformationPartage
from menages.selectors import CHEMINS_MENAGE

from .enums import (
    TYPES_CONTACT,
    Adhesion,
    Confidentialite,
    MotifCloture,
    StatutAccompagnement,
    StatutObjectif,
    TypeBilan,
    TypeIntervention,
)
from .models import (
    Accompagnement,
    Bilan,
    Cloture,
    Intervention,
    InterventionVersion,
    MembreEquipe,
    Objectif,
    OrientationPartenaire,
    PlanAction,
    ProgressionObjectif,
)
from .selectors import CHEMINS_ACCOMPAGNEMENT

# Calendrier des bilans, compté depuis le début de l'accompagnement.
CALENDRIER_BILANS = {
    TypeBilan.DIAGNOSTIC: relativedelta(months=1),
    TypeBilan.TROIS_MOIS: relativedelta(months=3),
    TypeBilan.SIX_MOIS: relativedelta(months=6),
}
DELAI_POST_CLOTURE = relativedelta(months=3)
# Le ou la référent·e de l'accompagnement : la coordination ou un rôle de terrain.
ROLES_REFERENT = (Role.COORDINATEUR, *ROLES_TERRAIN)
# L'équipe peut compter en plus le référent du bailleur (parcours accès, DESIGN.md §3) : il a
# sur ce ménage les droits d'un membre de l'équipe, jamais les notes « soignants ».
ROLES_EQUIPE = (*ROLES_REFERENT, Role.AGENT_BAILLEUR)
PROFESSIONS_SOIGNANTES = (Profession.INFIRMIER, Profession.PSYCHOLOGUE)
# Une visite sans réponse dure 15 minutes si on ne dit pas combien (le trajet compte à part).
DUREE_VISITE_SANS_REPONSE = 15
DUREE_MAXIMUM_MINUTES = 24 * 60


def _exiger(condition, message):
    if not condition:
        raise PermissionDenied(message)


def _exiger_ouvert(accompagnement):
    if not accompagnement.est_ouvert:
        raise ValidationError("Cet accompagnement est clos : il ne se modifie plus.")


def peut_ecrire(user, ecriture, accompagnement):
    """Écrire `ecriture` dans cet accompagnement-ci (`core.permissions.ECRITURE`) : son équipe et
    la coordination pour le plan, les bilans et les interventions ; la coordination pour
    l'équipe ; la coordination et le ou la référent·e pour la clôture. Une commande ou une tâche
    d'exploitation passe `user=None`."""
    return user is None or permissions.peut_ecrire(
        user, ecriture, accompagnement, CHEMINS_ACCOMPAGNEMENT
    )


def _exiger_le_droit_de_decider(user, dispositif):
    """Ce qu'applique une décision de comité : qui peut y décider (`Action.DECIDER` : la
    coordination et les membres du COTECH du dispositif).

    `comites.services.decider` vérifie en plus que la personne siège à ce comité-là ; ici on
    revérifie, sur le dispositif de l'accompagnement, le droit que la décision suppose.
    """
    _exiger(
        user is None or permissions.peut(user, Action.DECIDER, dispositif),
        "Seuls les membres du comité et la coordination décident.",
    )


def peut_ouvrir(user, menage):
    """Ouvrir un accompagnement pour ce ménage-ci : la coordination (de son territoire)."""
    return user is None or permissions.peut_ecrire(user, Ecriture.EQUIPE, menage, CHEMINS_MENAGE)


def peut_accompagner(user, accompagnement):
    """Noter une intervention dans cet accompagnement : son équipe et la coordination."""
    return peut_ecrire(user, Ecriture.INTERVENTIONS, accompagnement)


def peut_clore(user, accompagnement):
    """Clore un accompagnement : la coordination du dispositif et son ou sa référent·e.

    C'est le droit seul ; qu'il soit encore ouvert se vérifie à part (`est_ouvert`). La vue, la
    page de l'accompagnement (le bouton) et `cloturer_accompagnement` lisent cette règle-ci.
    """
    return peut_ecrire(user, Ecriture.CLOTURE, accompagnement)


def _membres_de_l_equipe(dispositif, referent, equipe):
    """Vérifie que chaque personne est membre active du dispositif avec un rôle d'équipe."""
    personnes = {personne.pk: personne for personne in [referent, *equipe]}
    adhesions = {
        membre.user_id: membre
        for membre in Membre.objects.actifs().filter(
            dispositif=dispositif, user_id__in=personnes, role__in=ROLES_EQUIPE
        )
    }
    absentes = [str(personnes[pk]) for pk in personnes if pk not in adhesions]
    if absentes:
        raise ValidationError(
            "Ces personnes ne font pas partie des équipes du dispositif : " + ", ".join(absentes)
        )
    if (
        adhesions[referent.pk].role not in ROLES_REFERENT
        and not Membre.objects.actifs()
        .filter(dispositif=dispositif, user=referent, role__in=ROLES_REFERENT)
        .exists()
    ):
        raise ValidationError(
            f"{referent} ne peut pas être référent·e : choisissez un membre de l'équipe de "
            "terrain ou de la coordination (le référent du bailleur rejoint l'équipe)."
        )
    return personnes, adhesions


@transaction.atomic
def ouvrir_accompagnement(
    user,
    menage,
    *,
    referent,
    equipe=(),
    date_debut=None,
    orientation=None,
    sur_decision=False,
):
    """Ouvre un épisode d'accompagnement avec son équipe, son plan et son calendrier de bilans.

    Promesses : le référent est dans l'équipe ; les bilans de diagnostic, 3 et 6 mois sont
    planifiés ; la procédure en cours à l'entrée est retenue (pour « expulsion évitée ») ;
    `user` est enregistré comme celui qui ouvre l'épisode, ajoute l'équipe et fait passer
    l'orientation « admise ». `sur_decision` : l'ouverture applique une décision d'admission
    d'un comité, et `user` est le membre du comité qui l'enregistre.
    Refus : `PermissionDenied` hors coordination (ou, sur décision, hors des personnes qui
    décident dans le dispositif) ; `ValidationError` si un accompagnement est déjà ouvert pour
    ce ménage, si le ménage est provisoire (une orientation « à rattacher »), si l'équipe
    sort du dispositif ou si le début est avant 2000 ou à plus d'un an.
    """
    dispositif = menage.dispositif
    if sur_decision:
        _exiger_le_droit_de_decider(user, dispositif)
    else:
        _exiger(peut_ouvrir(user, menage), "Seule la coordination ouvre un accompagnement.")
    if menage.provisoire:
        raise ValidationError(
            "Ce ménage est provisoire : rattachez son orientation au ménage déjà connu ou "
            "gardez-la à part avant d'ouvrir un accompagnement."
        )
    if Accompagnement.objects.ouverts().filter(menage=menage).exists():
        raise ValidationError("Un accompagnement est déjà ouvert pour ce ménage.")
    if est_decede(menage):
        raise ValidationError(
            "Un accompagnement de ce ménage a été clos pour décès : il ne se rouvre pas."
        )
    date_debut = date_debut or timezone.localdate()
    bornes.verifier_date(date_debut, quoi="La date de début")
    personnes, adhesions = _membres_de_l_equipe(dispositif, referent, equipe)
    orientation = orientation or menage.orientations.order_by("-date_orientation").first()
    accompagnement = Accompagnement.objects.create(
        menage=menage,
        dispositif=dispositif,
        orientation=orientation,
        date_debut=date_debut,
        referent=referent,
        stade_procedure_entree=_stade_procedure_actuel(menage),
        ouvert_par=user,
    )
    MembreEquipe.objects.bulk_create(
        MembreEquipe(
            accompagnement=accompagnement,
            user=personne,
            profession=adhesions[pk].profession,
            depuis=date_debut,
            ajoute_par=user,
        )
        for pk, personne in personnes.items()
    )
    PlanAction.objects.create(accompagnement=accompagnement)
    Bilan.objects.bulk_create(
        Bilan(accompagnement=accompagnement, type=type_bilan, date_prevue=date_debut + delai)
        for type_bilan, delai in CALENDRIER_BILANS.items()
    )
    if orientation is not None and orientation.statut != StatutOrientation.ADMISE:
        orientation.statut = StatutOrientation.ADMISE
        orientation.date_statut = date_debut
        orientation.statut_modifie_par = user
        orientation.save(update_fields=["statut", "date_statut", "statut_modifie_par"])
        menages.actualiser_situation([orientation.menage_id])
    return accompagnement


def _stade_procedure_actuel(menage):
    releve = menage.dettes.exclude(stade_procedure="").order_by("-date", "-pk").first()
    if releve is not None:
        return releve.stade_procedure
    orientation = menage.orientations.order_by("-date_orientation").first()
    return orientation.stade_procedure if orientation else StadeProcedure.AUCUNE


@transaction.atomic
def modifier_equipe(user, accompagnement, *, referent, equipe, sur_decision=False):
    """Remplace l'équipe (le référent en fait toujours partie) ; chaque personne ajoutée garde
    qui l'a ajoutée (`user`, membre du comité `sur_decision`)."""
    if sur_decision:
        _exiger_le_droit_de_decider(user, accompagnement.dispositif)
    else:
        _exiger(
            peut_ecrire(user, Ecriture.EQUIPE, accompagnement),
            "Seule la coordination compose l'équipe.",
        )
    _exiger_ouvert(accompagnement)
    personnes, adhesions = _membres_de_l_equipe(accompagnement.dispositif, referent, equipe)
    aujourd_hui = timezone.localdate()
    en_cours = accompagnement.equipe.en_cours()
    # Qui quitte l'équipe garde sa ligne, datée : l'historique reste lisible.
    en_cours.exclude(user_id__in=personnes).update(date_fin=aujourd_hui, retire_par=user)
    # Qui reste, alors qu'un départ était daté plus tard, reste sans date de fin.
    en_cours.filter(user_id__in=personnes, date_fin__isnull=False).update(
        date_fin=None, retire_par=None
    )
    deja = set(accompagnement.equipe.en_cours().values_list("user_id", flat=True))
    MembreEquipe.objects.bulk_create(
        MembreEquipe(
            accompagnement=accompagnement,
            user=personne,
            profession=adhesions[pk].profession,
            ajoute_par=user,
        )
        for pk, personne in personnes.items()
        if pk not in deja
    )
    accompagnement.referent = referent
    accompagnement.save(update_fields=["referent"])
    return accompagnement


@transaction.atomic
def changer_referent(user, accompagnement, nouveau):
    """Confie l'accompagnement à un·e autre référent·e (un départ, une réaffectation) : la
    personne entre dans l'équipe si elle n'y est pas ; l'ancien·ne référent·e reste dans
    l'équipe tant qu'on ne l'en retire pas (un départ l'en a déjà retiré·e).

    Refus : `PermissionDenied` hors coordination ; `ValidationError` si l'accompagnement est clos
    ou si la personne n'a pas de rôle d'équipe actif dans le dispositif.
    """
    _exiger(
        peut_ecrire(user, Ecriture.EQUIPE, accompagnement),
        "Seule la coordination confie un accompagnement.",
    )
    _exiger_ouvert(accompagnement)
    _, adhesions = _membres_de_l_equipe(accompagnement.dispositif, nouveau, ())
    if not accompagnement.equipe.en_cours().filter(user=nouveau).exists():
        MembreEquipe.objects.create(
            accompagnement=accompagnement,
            user=nouveau,
            profession=adhesions[nouveau.pk].profession,
            ajoute_par=user,
        )
    accompagnement.referent = nouveau
    accompagnement.save(update_fields=["referent"])
    return accompagnement


def retirer_des_equipes(user, personne, dispositif, *, date_fin):
    """Sort `personne` des équipes des accompagnements ouverts de ce dispositif à `date_fin`
    (un départ). Les lignes restent, datées ; rend le nombre d'équipes quittées.

    Pas de contrôle de droit ici : c'est une suite de la fin d'une adhésion, que son service
    (equipes.services.terminer_adhesion) autorise.
    """
    return (
        MembreEquipe.objects.en_cours()
        .filter(
            user=personne,
            accompagnement__dispositif=dispositif,
            accompagnement__in=Accompagnement.objects.ouverts(),
        )
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gt=date_fin))
        .update(date_fin=date_fin, retire_par=user)
    )


def profession_de(user, dispositif):
    """La profession de la personne dans ce dispositif (la première de ses adhésions)."""
    membre = (
        Membre.objects.actifs().filter(user=user, dispositif=dispositif).order_by("role").first()
    )
    return membre.profession if membre else Profession.PARTENAIRE


def _verifier_intervention(user, accompagnement, *, date_heure, confidentialite, objectifs):
    """Les contrôles communs à l'écriture et à la correction d'une intervention ; rend la date,
    la profession de l'auteur et la liste des objectifs."""
    if not accompagnement.est_ouvert:
        raise ValidationError(
            "Cet accompagnement est clos : rouvrez-le pour noter une intervention."
        )
    date_heure = date_heure or timezone.now()
    if date_heure > timezone.now() + timedelta(minutes=5):
        raise ValidationError("Une intervention ne peut pas être datée dans le futur.")
    if date_heure.year < bornes.DATE_MINIMUM.year:
        raise ValidationError("Une intervention ne peut pas être datée d'avant 2000.")
    profession = profession_de(user, accompagnement.dispositif) if user else Profession.PARTENAIRE
    if confidentialite == Confidentialite.SOIGNANTS and profession not in PROFESSIONS_SOIGNANTES:
        raise ValidationError(
            "Seuls l'infirmier·ère et le ou la psychologue écrivent une note « soignants »."
        )
    objectifs = list(objectifs)
    if any(objectif.accompagnement_id != accompagnement.pk for objectif in objectifs):
        raise ValidationError("Un objectif choisi n'appartient pas à cet accompagnement.")
    return date_heure, profession, objectifs


def _dater_premier_contact(accompagnement):
    """Le premier contact est la plus ancienne intervention qui en est un (ou rien)."""
    premiere = (
        accompagnement.interventions.filter(type__in=TYPES_CONTACT)
        .order_by("date_heure")
        .values_list("date_heure", flat=True)
        .first()
    )
    jour = timezone.localtime(premiere).date() if premiere else None
    if jour != accompagnement.date_premier_contact:
        accompagnement.date_premier_contact = jour
        accompagnement.save(update_fields=["date_premier_contact"])


@transaction.atomic
def enregistrer_intervention(
    user,
    accompagnement,
    *,
    type,
    date_heure=None,
    duree_minutes=0,
    participants=(),
    autres_participants="",
    objectifs=(),
    destinations=(),
    note="",
    confidentialite=Confidentialite.EQUIPE,
    uuid_client=None,
):
    """Enregistre une fiche de suivi (visite, entretien, démarche).

    Promesses : l'auteur est présent ; le premier contact avec le ménage est daté par la
    première intervention qui en est un ; la note garde la confidentialité choisie ; une fiche
    envoyée de nouveau avec le même `uuid_client` (file d'attente de l'appareil, réponse perdue
    sur un réseau qui flanche) rend la fiche déjà enregistrée, sans rien écrire.
    Refus : hors de l'équipe et de la coordination ; note « soignants » par un non-soignant ;
    date dans le futur ou d'avant 2000 ; objectif d'un autre accompagnement ; accompagnement
    clos ; `uuid_client` d'une fiche d'une autre personne ou d'un autre accompagnement.
    """
    _exiger(peut_accompagner(user, accompagnement), "Vous n'êtes pas dans l'équipe de ce ménage.")
    deja_recue = _saisie_deja_recue(Intervention, uuid_client, user, accompagnement)
    if deja_recue is not None:
        return deja_recue
    date_heure, profession, objectifs = _verifier_intervention(
        user,
        accompagnement,
        date_heure=date_heure,
        confidentialite=confidentialite,
        objectifs=objectifs,
    )
    try:
        # Point de sauvegarde : deux envois simultanés de la même saisie se départagent sur la
        # contrainte d'unicité, le second rend la fiche du premier.
        with transaction.atomic():
            intervention = Intervention.objects.create(
                accompagnement=accompagnement,
                date_heure=date_heure,
                duree_minutes=duree_minutes or 0,
                type=type,
                auteur=user,
                profession_auteur=profession,
                autres_participants=autres_participants,
                note=note,
                confidentialite=confidentialite,
                uuid_client=uuid_client,
            )
    except IntegrityError:
        deja_recue = _saisie_deja_recue(Intervention, uuid_client, user, accompagnement)
        if deja_recue is None:
            raise
        return deja_recue
    intervention.participants.set({*participants, user} - {None})
    intervention.objectifs.set(objectifs)
    OrientationPartenaire.objects.bulk_create(
        OrientationPartenaire(intervention=intervention, destination=destination)
        for destination in dict.fromkeys(destinations)
    )
    jour = timezone.localtime(date_heure).date()
    if type in TYPES_CONTACT and (
        accompagnement.date_premier_contact is None or jour < accompagnement.date_premier_contact
    ):
        accompagnement.date_premier_contact = jour
        accompagnement.save(update_fields=["date_premier_contact"])
    return intervention


def _saisie_deja_recue(modele, uuid_client, user, accompagnement):
    """La ligne déjà enregistrée sous cet identifiant d'appareil, ou None.

    L'identifiant est tiré par l'appareil : il ne doit ni révéler ni atteindre la saisie d'une
    autre personne ou d'un autre ménage (refus, sans rien dire de ce qu'il désigne).
    """
    if not uuid_client:
        return None
    deja_recue = modele.objects.filter(uuid_client=uuid_client).first()
    if deja_recue is None:
        return None
    if deja_recue.accompagnement_id != accompagnement.pk or (
        user is not None and deja_recue.auteur_id not in (None, user.pk)
    ):
        raise ValidationError(
            "Cette saisie porte l'identifiant d'une autre saisie : elle n'est pas enregistrée. "
            "Rechargez la page et saisissez-la de nouveau."
        )
    return deja_recue


def noter_visite_sans_reponse(
    user, accompagnement, date_heure=None, duree_minutes=DUREE_VISITE_SANS_REPONSE
):
    """La visite à domicile sans réponse, en deux gestes : sa durée réelle (15 minutes si on
    ne la change pas), rien d'autre à saisir ; elle s'annule comme toute intervention."""
    if not 1 <= duree_minutes <= DUREE_MAXIMUM_MINUTES:
        raise ValidationError("La durée se donne entre 1 minute et 24 heures.")
    return enregistrer_intervention(
        user,
        accompagnement,
        type=TypeIntervention.VISITE_SANS_REPONSE,
        date_heure=date_heure,
        duree_minutes=duree_minutes,
        note="",
    )


def delai_correction():
    """Le temps pendant lequel l'auteur corrige ou annule son intervention (réglage
    `DELAI_CORRECTION_INTERVENTION_MINUTES`)."""
    return timedelta(minutes=settings.DELAI_CORRECTION_INTERVENTION_MINUTES)


def corrigeable_jusqu_au(intervention):
    return intervention.cree_le + delai_correction()


def peut_corriger_intervention(user, intervention, maintenant=None):
    """Corriger ou annuler cette intervention : son auteur seul, tant qu'il est dans l'équipe
    (ou la coordination), que l'accompagnement est ouvert et que le délai court depuis
    l'enregistrement. Personne d'autre, pas même la coordination : c'est la note de l'auteur."""
    maintenant = maintenant or timezone.now()
    return (
        user is not None
        and user.is_authenticated
        and intervention.auteur_id == user.pk
        and intervention.accompagnement.est_ouvert
        and maintenant <= corrigeable_jusqu_au(intervention)
        and peut_accompagner(user, intervention.accompagnement)
    )


def corrigeables_parmi(user, interventions, ecrit_interventions):
    """Les clés des interventions d'une page que la personne peut encore corriger : ses
    propres interventions dans le délai, quand elle écrit dans cet accompagnement ouvert
    (`ecrit_interventions`, déjà calculé pour la page)."""
    if not ecrit_interventions:
        return set()
    maintenant = timezone.now()
    return {
        intervention.pk
        for intervention in interventions
        if intervention.auteur_id == user.pk and maintenant <= corrigeable_jusqu_au(intervention)
    }


def _exiger_correction(user, intervention):
    if intervention.auteur_id != getattr(user, "pk", None):
        raise PermissionDenied("Seul l'auteur d'une intervention la corrige ou l'annule.")
    if not peut_accompagner(user, intervention.accompagnement):
        raise PermissionDenied("Vous n'êtes plus dans l'équipe de ce ménage.")
    if not intervention.accompagnement.est_ouvert:
        raise ValidationError("Cet accompagnement est clos : ses interventions ne changent plus.")
    if timezone.now() > corrigeable_jusqu_au(intervention):
        raise ValidationError(
            "Le délai de correction est passé : cette intervention ne se modifie plus."
        )


def _garder_version(user, intervention, geste, motif):
    return InterventionVersion.objects.create(
        accompagnement=intervention.accompagnement,
        intervention_public_id=intervention.public_id,
        geste=geste,
        motif=motif.strip()[:250],
        faite_par=user,
        date_heure=intervention.date_heure,
        duree_minutes=intervention.duree_minutes,
        type=intervention.type,
        auteur_id=intervention.auteur_id,
        profession_auteur=intervention.profession_auteur,
        participants=",".join(
            str(pk) for pk in sorted(intervention.participants.values_list("pk", flat=True))
        ),
        autres_participants=intervention.autres_participants,
        objectifs=",".join(
            str(public_id)
            for public_id in intervention.objectifs.values_list("public_id", flat=True)
        )[:500],
        destinations=",".join(
            intervention.orientations_partenaires.values_list("destination", flat=True)
        ),
        note=intervention.note,
        confidentialite=intervention.confidentialite,
        cree_le=intervention.cree_le,
    )


@transaction.atomic
def corriger_intervention(
    user,
    intervention,
    *,
    type,
    date_heure,
    duree_minutes=0,
    participants=(),
    autres_participants="",
    objectifs=(),
    destinations=(),
    note="",
    confidentialite=Confidentialite.EQUIPE,
    motif="",
):
    """Corrige une intervention : la version d'avant est gardée (`InterventionVersion`), le
    geste est écrit au journal (sans le contenu), le premier contact est redaté.

    Refus : `PermissionDenied` pour qui n'en est pas l'auteur ou a quitté l'équipe ;
    `ValidationError` après le délai (`DELAI_CORRECTION_INTERVENTION_MINUTES`), sur un
    accompagnement clos, et pour les mêmes saisies que `enregistrer_intervention`.
    """
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    accompagnement = intervention.accompagnement
    _exiger_correction(user, intervention)
    date_heure, profession, objectifs = _verifier_intervention(
        user,
        accompagnement,
        date_heure=date_heure,
        confidentialite=confidentialite,
        objectifs=objectifs,
    )
    _garder_version(user, intervention, InterventionVersion.Geste.CORRECTION, motif)
    intervention.type = type
    intervention.date_heure = date_heure
    intervention.duree_minutes = duree_minutes or 0
    intervention.autres_participants = autres_participants
    intervention.note = note
    intervention.confidentialite = confidentialite
    intervention.profession_auteur = profession
    intervention.corrigee_le = timezone.now()
    intervention.save()
    intervention.participants.set({*participants, user})
    intervention.objectifs.set(objectifs)
    intervention.orientations_partenaires.all().delete()
    OrientationPartenaire.objects.bulk_create(
        OrientationPartenaire(intervention=intervention, destination=destination)
        for destination in dict.fromkeys(destinations)
    )
    _dater_premier_contact(accompagnement)
    journaliser(
        user,
        JournalAudit.Action.INTERVENTION_CORRIGEE,
        dispositif=accompagnement.dispositif_id,
        objet=intervention,
        detail=f"{intervention.get_type_display()} corrigée",
    )
    return intervention


@transaction.atomic
def annuler_intervention(user, intervention, motif=""):
    """Annule (retire) une intervention : elle disparaît de la chronologie et des chiffres, sa
    dernière version est gardée (`InterventionVersion`, geste « annulation »), le geste est
    écrit au journal, le premier contact est redaté.

    Refus : ceux de `corriger_intervention`.
    """
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    accompagnement = intervention.accompagnement
    _exiger_correction(user, intervention)
    version = _garder_version(user, intervention, InterventionVersion.Geste.ANNULATION, motif)
    journaliser(
        user,
        JournalAudit.Action.INTERVENTION_ANNULEE,
        dispositif=accompagnement.dispositif_id,
        objet=intervention,
        detail=f"{intervention.get_type_display()} annulée",
    )
    intervention.delete()
    _dater_premier_contact(accompagnement)
    return version


@transaction.atomic
def definir_adhesion(user, accompagnement, adhesion):
    _exiger(
        peut_ecrire(user, Ecriture.PLAN, accompagnement),
        "Vous n'êtes pas dans l'équipe de ce ménage.",
    )
    _exiger_ouvert(accompagnement)
    accompagnement.adhesion = Adhesion(adhesion)
    if accompagnement.statut == StatutAccompagnement.DIAGNOSTIC and adhesion == Adhesion.ACCEPTEE:
        accompagnement.statut = StatutAccompagnement.EN_COURS
    accompagnement.save(update_fields=["adhesion", "statut"])
    return accompagnement


@transaction.atomic
def ajouter_objectif(user, accompagnement, *, axe, libelle, indicateur="", echeance=None):
    _exiger(
        peut_ecrire(user, Ecriture.PLAN, accompagnement),
        "Vous n'êtes pas dans l'équipe de ce ménage.",
    )
    _exiger_ouvert(accompagnement)
    if not libelle.strip():
        raise ValidationError("Décrivez l'objectif.")
    return Objectif.objects.create(
        accompagnement=accompagnement,
        axe=axe,
        libelle=libelle.strip(),
        indicateur=indicateur.strip(),
        echeance=echeance,
    )


@transaction.atomic
def suivre_objectif(user, objectif, *, statut, avancement):
    _exiger(
        peut_ecrire(user, Ecriture.PLAN, objectif.accompagnement),
        "Vous n'êtes pas dans l'équipe de ce ménage.",
    )
    _exiger_ouvert(objectif.accompagnement)
    if not 0 <= avancement <= 100:
        raise ValidationError("L'avancement se donne entre 0 et 100 %.")
    objectif.statut = StatutObjectif(statut)
    objectif.avancement = 100 if statut == StatutObjectif.ATTEINT else avancement
    objectif.save(update_fields=["statut", "avancement"])
    return objectif


@transaction.atomic
def valider_plan(
    user, accompagnement, date_validation, duree_prevue_mois=None, structures_autour=""
):
    """Date la validation du plan d'action avec le ménage."""
    _exiger(
        peut_ecrire(user, Ecriture.PLAN, accompagnement),
        "Vous n'êtes pas dans l'équipe de ce ménage.",
    )
    _exiger_ouvert(accompagnement)
    if date_validation > timezone.localdate():
        raise ValidationError("La validation ne peut pas être datée dans le futur.")
    if not accompagnement.objectifs.exists():
        raise ValidationError("Ajoutez au moins un objectif avant de valider le plan.")
    plan, _ = PlanAction.objects.get_or_create(accompagnement=accompagnement)
    plan.date_validation = date_validation
    plan.duree_prevue_mois = duree_prevue_mois
    plan.structures_autour = structures_autour
    plan.save()
    return plan


@transaction.atomic
def realiser_bilan(
    user,
    bilan,
    *,
    date_realisation,
    synthese,
    decision,
    progressions=(),
    dette=None,
    stade_procedure="",
    uuid_client=None,
    loyer_paye_3_mois=None,
    dans_le_logement=None,
):
    """Enregistre un bilan : synthèse, progression par objectif, dette et procédure à la date.

    Les objectifs prennent le statut et l'avancement donnés ; la dette devient un relevé daté,
    avec les contrôles et les droits de `menages.services.relever_dette`. Le même bilan envoyé
    de nouveau avec le même `uuid_client` (file d'attente de l'appareil) rend le bilan réalisé,
    sans rien réécrire.
    avec les contrôles et les droits de `menages.services.relever_dette` (le paiement du loyer
    l'accompagne). `loyer_paye_3_mois` et `dans_le_logement` (oui, non, ou None quand on ne
    sait pas) nourrissent les résultats du rapport ; `dans_le_logement` n'a de sens qu'au bilan
    3 mois après la fin (refusé sur un autre bilan).
    """
    accompagnement = bilan.accompagnement
    _exiger(
        peut_ecrire(user, Ecriture.BILANS, accompagnement),
        "Vous n'êtes pas dans l'équipe de ce ménage.",
    )
    deja_recu = _saisie_deja_recue(Bilan, uuid_client, user, accompagnement)
    if deja_recu is not None:
        if deja_recu.pk != bilan.pk:
            raise ValidationError(
                "Cette saisie porte l'identifiant d'un autre bilan : elle n'est pas enregistrée."
            )
        return deja_recu
    if bilan.date_realisation is not None:
        raise ValidationError("Ce bilan est déjà réalisé : il ne se réécrit pas.")
    if bilan.annule_le is not None:
        raise ValidationError(f"Ce bilan a été annulé : {bilan.motif_annulation}.")
    if date_realisation > timezone.localdate():
        raise ValidationError("Un bilan ne peut pas être daté dans le futur.")
    if not synthese.strip():
        raise ValidationError("La synthèse du bilan est obligatoire.")
    if dans_le_logement is not None and bilan.type != TypeBilan.POST_CLOTURE:
        raise ValidationError(
            "« Toujours dans son logement » ne se renseigne qu'au bilan 3 mois après la fin."
        )
    if dette is not None:
        menages.relever_dette(
            user,
            accompagnement.menage,
            date_realisation,
            dette,
            stade_procedure,
            origine=OrigineDette.BILAN,
            loyer_paye_3_mois=loyer_paye_3_mois,
        )
    bilan.loyer_paye_3_mois = loyer_paye_3_mois
    bilan.dans_le_logement = dans_le_logement
    bilan.date_realisation = date_realisation
    bilan.synthese = synthese.strip()
    bilan.decision = decision
    bilan.dette = dette
    bilan.stade_procedure = stade_procedure
    bilan.auteur = user
    bilan.uuid_client = uuid_client or None
    bilan.save()
    for objectif, statut, avancement, commentaire in progressions:
        if objectif.accompagnement_id != accompagnement.pk:
            raise ValidationError("Un objectif n'appartient pas à cet accompagnement.")
        ProgressionObjectif.objects.update_or_create(
            bilan=bilan,
            objectif=objectif,
            defaults={"statut": statut, "avancement": avancement, "commentaire": commentaire},
        )
        objectif.statut = statut
        objectif.avancement = 100 if statut == StatutObjectif.ATTEINT else avancement
        objectif.save(update_fields=["statut", "avancement"])
    if (
        bilan.type == TypeBilan.POST_CLOTURE
        and accompagnement.statut == StatutAccompagnement.SUIVI_POST_CLOTURE
    ):
        accompagnement.statut = StatutAccompagnement.CLOS
        accompagnement.save(update_fields=["statut"])
    return bilan


@transaction.atomic
def cloturer_accompagnement(
    user,
    accompagnement,
    *,
    date,
    motif,
    maintien_dans_logement,
    dette=None,
    plan_apurement_en_place=False,
    commentaire="",
    sur_decision=False,
):
    """Clôt l'accompagnement par sa fiche de clôture.

    Promesses : « expulsion évitée » vaut vrai si une procédure était engagée à l'entrée et que
    le ménage est resté dans son logement ; le bilan de clôture et celui de 3 mois après la fin
    sont planifiés ; l'accompagnement passe en suivi post-clôture jusqu'à ce dernier bilan ; la
    dette à la clôture devient un relevé daté (`menages.services.relever_dette`) ; `user` est
    l'auteur de la fiche de clôture (le membre du comité, `sur_decision` d'une clôture validée).
    Refus : `PermissionDenied` hors coordination et référent (ou, sur décision, hors des
    personnes qui décident dans le dispositif).
    """
    if sur_decision:
        _exiger_le_droit_de_decider(user, accompagnement.dispositif)
    else:
        _exiger(
            peut_clore(user, accompagnement),
            "Seuls la coordination et le référent clôturent un accompagnement.",
        )
    if not accompagnement.est_ouvert:
        raise ValidationError("Cet accompagnement est déjà clos.")
    if date > timezone.localdate():
        raise ValidationError("La clôture ne peut pas être datée dans le futur.")
    if date < accompagnement.date_debut:
        raise ValidationError("La clôture ne peut pas précéder le début de l'accompagnement.")
    if dette is not None:
        menages.relever_dette(
            user, accompagnement.menage, date, dette, origine=OrigineDette.CLOTURE
        )
    procedure_a_l_entree = accompagnement.stade_procedure_entree not in ("", StadeProcedure.AUCUNE)
    cloture = Cloture.objects.create(
        accompagnement=accompagnement,
        date=date,
        motif=motif,
        maintien_dans_logement=maintien_dans_logement,
        expulsion_evitee=procedure_a_l_entree and maintien_dans_logement,
        dette=dette,
        plan_apurement_en_place=plan_apurement_en_place,
        commentaire=commentaire,
        auteur=user,
    )
    accompagnement.date_fin = date
    # Après un décès, il n'y a personne à revoir trois mois plus tard : l'épisode est clos tout
    # de suite, sans bilan après la fin.
    deces = motif == MotifCloture.DECES
    accompagnement.statut = (
        StatutAccompagnement.CLOS if deces else StatutAccompagnement.SUIVI_POST_CLOTURE
    )
    accompagnement.save(update_fields=["date_fin", "statut"])
    calendrier = [(TypeBilan.CLOTURE, date)]
    if not deces:
        calendrier.append((TypeBilan.POST_CLOTURE, date + DELAI_POST_CLOTURE))
    for type_bilan, date_prevue in calendrier:
        Bilan.objects.update_or_create(
            accompagnement=accompagnement, type=type_bilan, defaults={"date_prevue": date_prevue}
        )
    intermediaires = accompagnement.bilans.filter(
        date_realisation__isnull=True, annule_le__isnull=True, type__in=list(CALENDRIER_BILANS)
    )
    # Ceux qui tombaient après la fin n'ont jamais été dus : ils disparaissent. Ceux qui
    # attendaient encore ne le sont plus : ils restent, annulés, avec la raison.
    intermediaires.filter(date_prevue__gt=date).delete()
    intermediaires.update(
        annule_le=date,
        motif_annulation=(
            f"Accompagnement clos le {date:%d/%m/%Y} ({MotifCloture(motif).label.lower()})"
        )[:250],
    )
    return cloture


def est_decede(menage):
    """Un accompagnement de ce ménage a été clos pour décès."""
    return Cloture.objects.filter(accompagnement__menage=menage, motif=MotifCloture.DECES).exists()


def peut_enregistrer_information(user, menage, episodes=()):
    """Enregistrer l'information du ménage et son opposition au partage : la coordination du
    dispositif, ou le ou la référent·e d'un accompagnement du ménage qui n'est pas clos (et qui
    est toujours membre du dispositif). `episodes` : des accompagnements du ménage que la page a
    déjà lus ; si la personne est référent·e de l'un d'eux, non clos, c'est oui sans requête,
    sinon la base répond (un épisode qu'elle ne voit pas compte aussi)."""
    if user is None or peut_ouvrir(user, menage):
        return True
    if not permissions.roles(user, menage.dispositif_id):
        return False
    if any(
        episode.menage_id == menage.pk
        and episode.referent_id == user.pk
        and episode.statut != StatutAccompagnement.CLOS
        for episode in episodes
    ):
        return True
    return (
        Accompagnement.objects.filter(menage=menage, referent=user)
        .exclude(statut=StatutAccompagnement.CLOS)
        .exists()
    )


@transaction.atomic
def enregistrer_information(user, menage, date_information, opposition):
    """Enregistre que le ménage a été informé du partage de ses informations, et s'il s'y oppose.

    Promesses : le ménage porte l'état du jour (date, qui l'a informé, opposition) ; chaque
    enregistrement ajoute une ligne datée à son historique (`InformationPartage` : qui, quand,
    quoi), qui ne se modifie jamais. L'opposition garde les notes dans la profession de leur
    auteur (`accompagnement.selectors`).
    Refus : `PermissionDenied` hors coordination et référent·e ; `ValidationError` pour une date
    dans le futur.
    """
    _exiger(
        peut_enregistrer_information(user, menage),
        "Seuls la coordination et le ou la référent·e enregistrent l'information du ménage.",
    )
    if date_information > timezone.localdate():
        raise ValidationError("La date d'information ne peut pas être dans le futur.")
    menage.date_information_partage = date_information
    menage.informe_par = user
    menage.opposition_partage = opposition
    menage.save(update_fields=["date_information_partage", "informe_par", "opposition_partage"])
    return InformationPartage.objects.create(
        menage=menage,
        date_information=date_information,
        opposition=opposition,
        enregistree_par=user,
    )


def journaliser_lectures(user, interventions, request=None, menage=None):
    """Écrit au journal chaque note « soignants » affichée ou imprimée (jamais son contenu),
    avec son ménage (`menage` : celui de la page, déjà chargé, s'il est connu)."""
    lues = [
        (intervention.accompagnement.dispositif_id, intervention)
        for intervention in interventions
        if intervention.confidentialite == Confidentialite.SOIGNANTS
    ]
    if lues:
        journaliser_en_lot(
            user,
            JournalAudit.Action.LECTURE_NOTE_SOIGNANTS,
            lues,
            request,
            menages_connus=[menage] if menage is not None else (),
        )
