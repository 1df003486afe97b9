"""Écritures sur les ménages et les orientations : chaque règle à un seul endroit.

La fiche d'orientation (formulaire), l'import CSV et la démonstration passent tous par
`orienter_menage` ; chaque relevé de la dette locative (fiche du ménage, bilan, clôture) passe
par `relever_dette`, qui vérifie le droit d'écrire la dette ; celui d'une orientation, couvert
par le droit d'orienter, passe par les mêmes contrôles (`_relever`).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import permissions
from core.permissions import Action, Ecriture

from . import selectors
from .enums import NatureRessource, OrigineDette, StatutOrientation
from .models import (
    MONTANT_MAXIMUM,
    DetteLocative,
    Logement,
    Menage,
    Orientation,
    PlanApurement,
    ProblematiqueOrientation,
    Ressource,
)

# Les statuts qu'une orientation peut prendre depuis chaque statut (DESIGN.md §2).
TRANSITIONS = {
    StatutOrientation.RECUE: {
        StatutOrientation.A_EXAMINER,
        StatutOrientation.EN_ATTENTE,
        StatutOrientation.REFUSEE,
        StatutOrientation.REORIENTEE,
    },
    StatutOrientation.A_EXAMINER: {
        StatutOrientation.ADMISE,
        StatutOrientation.REFUSEE,
        StatutOrientation.REORIENTEE,
        StatutOrientation.EN_ATTENTE,
    },
    StatutOrientation.EN_ATTENTE: {
        StatutOrientation.A_EXAMINER,
        StatutOrientation.ADMISE,
        StatutOrientation.REFUSEE,
        StatutOrientation.REORIENTEE,
    },
    StatutOrientation.ADMISE: set(),
    StatutOrientation.REFUSEE: set(),
    StatutOrientation.REORIENTEE: set(),
}
STATUTS_AVEC_MOTIF = {StatutOrientation.REFUSEE, StatutOrientation.REORIENTEE}
# Un relevé daté d'avant est une erreur de saisie : les dispositifs suivis sont bien plus récents.
PREMIER_RELEVE_POSSIBLE = date(2000, 1, 1)


@dataclass
class FicheOrientation:
    """Ce que dit une fiche d'orientation, d'où qu'elle vienne (formulaire ou fichier)."""

    date_orientation: date
    parcours: str
    source: str
    problematiques: list
    nom: str
    reference_locataire: str = ""
    prenom: str = ""
    composition: str = ""
    nb_adultes: int | None = None
    nb_enfants: int | None = None
    telephone: str = ""
    mesure_protection: str = ""
    adresse: str = ""
    code_postal: str = ""
    commune: str = ""
    territoire: object = None
    commune_du_dispositif: object = None
    typologie: str = ""
    statut_occupation: str = ""
    loyer: Decimal | None = None
    charges: Decimal | None = None
    apl: Decimal | None = None
    ressources_mensuelles: Decimal | None = None
    dette_locative: Decimal | None = None
    stade_procedure: str = ""
    lien_rompu: bool = False
    description: str = ""
    prescripteur: object = None
    contact_prescripteur: str = ""
    importee: bool = False
    champs_menage: dict = field(default_factory=dict)


@dataclass
class ResultatOrientation:
    orientation: Orientation
    menage_cree: bool
    orientation_creee: bool


@transaction.atomic
def orienter_menage(user, dispositif, fiche):
    """Enregistre une fiche d'orientation dans un dispositif.

    Promesses :
    - le ménage est retrouvé par sa référence locataire dans le dispositif, sinon créé (avec son
      logement et ses ressources) ; un ménage existant n'est pas modifié ;
    - une orientation du même ménage, à la même date et pour le même parcours existe déjà :
      rien n'est créé (réimporter un fichier ne duplique rien) ;
    - la dette déclarée devient le premier relevé daté de la dette locative.

    Refus : `PermissionDenied` si la personne ne peut pas orienter dans ce dispositif (une
    commande d'exploitation passe `user=None`).
    """
    if user is not None and not permissions.peut(user, Action.ORIENTER, dispositif):
        raise PermissionDenied("Vous ne pouvez pas orienter de ménage dans ce dispositif.")
    if fiche.date_orientation > timezone.localdate():
        raise ValidationError("La date d'orientation ne peut pas être dans le futur.")

    menage, menage_cree = _menage(user, dispositif, fiche)
    existante = Orientation.objects.filter(
        menage=menage, date_orientation=fiche.date_orientation, parcours=fiche.parcours
    ).first()
    if existante is not None:
        return ResultatOrientation(existante, menage_cree, False)

    orientation = Orientation.objects.create(
        menage=menage,
        date_orientation=fiche.date_orientation,
        parcours=fiche.parcours,
        source=fiche.source,
        prescripteur=fiche.prescripteur,
        contact_prescripteur=fiche.contact_prescripteur,
        description=fiche.description,
        dette_locative=fiche.dette_locative,
        stade_procedure=fiche.stade_procedure or Orientation.stade_procedure.field.default,
        lien_rompu=fiche.lien_rompu,
        territoire=_territoire_de_la_fiche(fiche),
        statut=StatutOrientation.RECUE,
        date_statut=fiche.date_orientation,
        orientee_par=user,
        importee=fiche.importee,
    )
    ProblematiqueOrientation.objects.bulk_create(
        ProblematiqueOrientation(orientation=orientation, code=code)
        for code in dict.fromkeys(fiche.problematiques)
    )
    actualiser_territoire(menage)
    if fiche.dette_locative is not None:
        # La dette déclarée fait partie de l'orientation : le droit d'orienter suffit (un
        # coordinateur territorial oriente aussi un ménage d'un autre territoire).
        _relever(
            user,
            menage,
            fiche.date_orientation,
            fiche.dette_locative,
            orientation.stade_procedure,
            origine=OrigineDette.ORIENTATION,
        )
    return ResultatOrientation(orientation, menage_cree, True)


def _territoire_de_la_fiche(fiche):
    """Le territoire choisi sur la fiche, sinon celui de la commune du dispositif."""
    if fiche.territoire is not None:
        return fiche.territoire
    return fiche.commune_du_dispositif.territoire if fiche.commune_du_dispositif else None


def actualiser_territoire(menage):
    """Recalcule `Menage.territoire` : le territoire du logement actuel ; sans logement actuel
    (ou sans territoire connu pour lui), celui de la dernière orientation qui en nomme un.

    C'est sur ce champ que se règle ce que voit un coordinateur territorial ; tout service qui
    crée ou change le logement actuel ou une orientation l'appelle.
    """
    logement = menage.logements.filter(actuel=True).exclude(territoire=None).first()
    if logement is not None:
        territoire_id = logement.territoire_id
    else:
        territoire_id = (
            menage.orientations.exclude(territoire=None)
            .order_by("-date_orientation", "-cree_le")
            .values_list("territoire_id", flat=True)
            .first()
        )
    if menage.territoire_id != territoire_id:
        menage.territoire_id = territoire_id
        menage.save(update_fields=["territoire"])
    return menage


def _menage(user, dispositif, fiche):
    if fiche.reference_locataire:
        existant = Menage.objects.filter(
            dispositif=dispositif, reference_locataire=fiche.reference_locataire
        ).first()
        if existant is not None:
            return existant, False
    menage = Menage.objects.create(
        dispositif=dispositif,
        reference_locataire=fiche.reference_locataire,
        nom=fiche.nom,
        prenom=fiche.prenom,
        composition=fiche.composition,
        nb_adultes=fiche.nb_adultes,
        nb_enfants=fiche.nb_enfants,
        telephone=fiche.telephone,
        mesure_protection=fiche.mesure_protection or Menage.mesure_protection.field.default,
        cree_par=user,
        **fiche.champs_menage,
    )
    if fiche.adresse or fiche.commune or fiche.loyer is not None:
        Logement.objects.create(
            menage=menage,
            adresse=fiche.adresse,
            code_postal=fiche.code_postal,
            commune=fiche.commune,
            commune_du_dispositif=fiche.commune_du_dispositif,
            territoire=_territoire_de_la_fiche(fiche),
            typologie=fiche.typologie,
            statut_occupation=fiche.statut_occupation or Logement.statut_occupation.field.default,
            loyer=fiche.loyer,
            charges=fiche.charges,
            apl=fiche.apl,
        )
    if fiche.ressources_mensuelles is not None:
        Ressource.objects.create(
            menage=menage,
            nature=NatureRessource.AUCUNE
            if fiche.ressources_mensuelles == 0
            else NatureRessource.NON_PRECISEE,
            montant_mensuel=fiche.ressources_mensuelles,
        )
    return menage, True


@transaction.atomic
def changer_statut_orientation(user, orientation, statut, motif=""):
    """Fait avancer une orientation (reçue → à examiner en COTECH → admise | refusée | …).

    Refus : `PermissionDenied` hors coordination du dispositif ; `ValidationError` pour un
    passage que le circuit ne prévoit pas, ou un refus / une réorientation sans motif.
    """
    dispositif = orientation.menage.dispositif
    if user is not None and not permissions.peut(user, Action.GERER_ORIENTATIONS, dispositif):
        raise PermissionDenied("Seule la coordination fait avancer une orientation.")
    statut = StatutOrientation(statut)
    if statut not in TRANSITIONS[StatutOrientation(orientation.statut)]:
        raise ValidationError(
            f"Une orientation « {orientation.get_statut_display()} » ne peut pas passer "
            f"à « {statut.label} »."
        )
    if statut in STATUTS_AVEC_MOTIF and not motif.strip():
        raise ValidationError(f"Indiquez le motif : « {statut.label} » doit être expliqué.")
    orientation.statut = statut
    orientation.date_statut = timezone.localdate()
    orientation.motif_statut = motif.strip()
    orientation.save(update_fields=["statut", "date_statut", "motif_statut"])
    return orientation


def peut_saisir_dette(user, menage):
    """Relever la dette d'un ménage : la coordination, le TS de l'équipe, l'agent du bailleur
    sur ses orientations (`core.permissions.ECRITURE`) ; jamais le seul fait de la lire (un
    membre du COTECH la lit sans la relever). Une commande ou une tâche passe `user=None`."""
    return user is None or permissions.peut_ecrire(
        user, Ecriture.DETTE, menage, selectors.CHEMINS_MENAGE
    )


def peut_saisir_plan_apurement(user, menage):
    """Enregistrer (remplacer) le plan d'apurement : mêmes personnes que pour la dette."""
    return user is None or permissions.peut_ecrire(
        user, Ecriture.PLAN_APUREMENT, menage, selectors.CHEMINS_MENAGE
    )


@transaction.atomic
def relever_dette(
    user, menage, date_releve, montant, stade_procedure="", origine=OrigineDette.RELEVE
):
    """Ajoute un relevé daté de la dette locative ; un relevé passé ne se modifie jamais.

    La fiche du ménage (`origine` « relevé »), le bilan et la clôture passent tous ici ;
    l'orientation saisie ou importée passe par les mêmes contrôles (`_relever`).
    Refus : `PermissionDenied` si la personne ne peut pas écrire la dette de ce ménage (la lire
    ne suffit pas) ; `ValidationError` pour un montant négatif ou plus grand que ce que la fiche
    garde, une date dans le futur ou d'avant 2000.
    """
    if not peut_saisir_dette(user, menage):
        raise PermissionDenied("Vous ne pouvez pas saisir la dette de ce ménage.")
    return _relever(user, menage, date_releve, montant, stade_procedure, origine)


def _relever(user, menage, date_releve, montant, stade_procedure, origine):
    """Les contrôles d'un relevé et son écriture, une fois le droit vérifié par l'appelant."""
    if date_releve > timezone.localdate():
        raise ValidationError("La date du relevé ne peut pas être dans le futur.")
    if date_releve < PREMIER_RELEVE_POSSIBLE:
        raise ValidationError(
            f"La date du relevé ne peut pas précéder le {PREMIER_RELEVE_POSSIBLE:%d/%m/%Y}."
        )
    if montant < 0:
        raise ValidationError("La dette ne peut pas être négative.")
    if montant > MONTANT_MAXIMUM:
        raise ValidationError("La dette ne peut pas dépasser 99 999 999,99 €.")
    return DetteLocative.objects.create(
        menage=menage,
        date=date_releve,
        montant=montant,
        stade_procedure=stade_procedure,
        origine=origine,
        saisie_par=user,
    )


@transaction.atomic
def enregistrer_plan_apurement(
    user, menage, *, date_debut, montant_mensuel, respecte=None, aide_fsl=None, autres_aides=""
):
    """Enregistre un plan d'apurement ; le plan précédent du ménage cesse d'être le plan actif.

    Refus : `PermissionDenied` si la personne ne peut pas écrire le plan d'apurement de ce
    ménage (la coordination, le TS de l'équipe, l'agent du bailleur sur ses orientations).
    """
    if not peut_saisir_plan_apurement(user, menage):
        raise PermissionDenied("Vous ne pouvez pas enregistrer le plan d'apurement de ce ménage.")
    if montant_mensuel <= 0:
        raise ValidationError("La mensualité doit être positive.")
    menage.plans_apurement.filter(actif=True).update(actif=False)
    return PlanApurement.objects.create(
        menage=menage,
        date_debut=date_debut,
        montant_mensuel=montant_mensuel,
        respecte=respecte,
        date_constat=timezone.localdate() if respecte is not None else None,
        aide_fsl=aide_fsl,
        autres_aides=autres_aides,
        saisi_par=user,
    )
