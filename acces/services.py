"""Les gestes du parcours accès : une fonction par geste, une transaction, la personne qui agit
en argument, le droit revérifié ici (`Ecriture.ACCES` sur le ménage, `Action.GERER_LOGEMENTS`
sur le dispositif) quel que soit le point d'entrée (page, import, commande, démonstration).
"""

from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from accompagnement import services as accompagnement
from core import bornes, permissions
from core.enums import Role
from core.permissions import Action
from menages.enums import StatutOccupation
from menages.models import Logement, Menage
from menages.services import actualiser_territoire

from . import selectors
from .classement import taux_effort
from .enums import (
    ETAPES_DU_RELAIS,
    ISSUES_FAVORABLES,
    PIECES_DU_DOSSIER,
    EtatVacant,
    IssueCAL,
    MotifRetrait,
    ReponseMenage,
    TypeBail,
)
from .models import (
    AideBailGlissant,
    Bail,
    BesoinsLogement,
    DecisionCAL,
    EtapeRelais,
    LogementVacant,
    Mutation,
    OrganisationAutour,
    PieceDossier,
    Proposition,
    RetraitLogement,
    SeanceCAL,
)

# L'aide bail glissant : au plus ce montant par année civile et par ménage.
PLAFOND_AIDE_BAIL_GLISSANT = Decimal(2400)


def _exiger_ecriture(user, menage):
    if not selectors.peut_ecrire(user, menage):
        raise PermissionDenied("Vous ne pouvez pas faire avancer le parcours accès de ce ménage.")


def _exiger_gestion_logements(user, dispositif):
    if user is not None and not permissions.peut(user, Action.GERER_LOGEMENTS, dispositif):
        raise PermissionDenied("Vous ne gérez pas les logements de ce dispositif.")


def _hors_du_dispositif(objets, dispositif):
    return [str(o) for o in objets if o.dispositif_id != dispositif.pk]


# --- Besoins ----------------------------------------------------------------------------------


@transaction.atomic
def enregistrer_besoins(
    user,
    menage,
    *,
    date_besoins=None,
    secteurs_souhaites=(),
    secteurs_evites=(),
    communes_souhaitees=(),
    communes_evitees=(),
    **champs,
):
    """Ajoute une fiche de besoins (la précédente reste dans l'historique) ; rend la nouvelle.

    Refus : `PermissionDenied` sans le droit d'écrire le parcours accès de ce ménage ;
    `ValidationError` si un secteur ou une commune sort du dispositif, si un même secteur ou une
    même commune est à la fois souhaité et évité, si la typologie minimale dépasse la maximale.
    """
    _exiger_ecriture(user, menage)
    dispositif = menage.dispositif
    secteurs = [*secteurs_souhaites, *secteurs_evites]
    communes = [*communes_souhaitees, *communes_evitees]
    if _hors_du_dispositif(secteurs, dispositif) or any(
        c.territoire.dispositif_id != dispositif.pk for c in communes
    ):
        raise ValidationError("Un secteur ou une commune n'appartient pas à ce dispositif.")
    if set(secteurs_souhaites) & set(secteurs_evites):
        raise ValidationError("Un même secteur ne peut pas être à la fois souhaité et évité.")
    if set(communes_souhaitees) & set(communes_evitees):
        raise ValidationError("Une même commune ne peut pas être à la fois souhaitée et évitée.")
    bas, haut = champs.get("typologie_min") or "", champs.get("typologie_max") or ""
    if bas and haut and bas > haut:
        raise ValidationError(f"La typologie minimale ({bas}) dépasse la maximale ({haut}).")
    date_besoins = date_besoins or timezone.localdate()
    bornes.verifier_date(date_besoins, futur=bornes.AUCUN_FUTUR, quoi="La date des besoins")
    besoins = BesoinsLogement.objects.create(
        menage=menage, date=date_besoins, saisi_par=user, **champs
    )
    besoins.secteurs_souhaites.set(secteurs_souhaites)
    besoins.secteurs_evites.set(secteurs_evites)
    besoins.communes_souhaitees.set(communes_souhaitees)
    besoins.communes_evitees.set(communes_evitees)
    return besoins


# --- Logements vacants ------------------------------------------------------------------------


@transaction.atomic
def saisir_logement_vacant(user, dispositif, **champs):
    """Enregistre un logement vacant proposé au dispositif ; rend le logement.

    Refus : `PermissionDenied` hors de la gestion des logements du dispositif (`user=None` :
    une commande d'exploitation) ; `ValidationError` si le secteur sort du dispositif ou si la
    référence y est déjà prise.
    """
    _exiger_gestion_logements(user, dispositif)
    territoire = champs["territoire"]
    if territoire.dispositif_id != dispositif.pk:
        raise ValidationError(f"Le secteur {territoire} n'appartient pas à ce dispositif.")
    if LogementVacant.objects.filter(dispositif=dispositif, reference=champs["reference"]).exists():
        raise ValidationError(
            f"Un logement de référence {champs['reference']} est déjà proposé à ce dispositif."
        )
    commune = champs.get("commune_du_dispositif")
    if commune is None:
        commune = territoire.communes.filter(
            code_postal=champs["code_postal"], nom__iexact=champs["commune"]
        ).first()
    champs["commune_du_dispositif"] = commune
    return LogementVacant.objects.create(dispositif=dispositif, cree_par=user, **champs)


@transaction.atomic
def retirer_logement_vacant(user, logement, *, motif, precision="", date_retrait=None):
    """Retire un logement disponible de l'offre (loué hors du dispositif, travaux…), avec son
    motif ; rend le retrait, qui reste dans l'historique du logement.

    Refus : `PermissionDenied` hors de la gestion des logements du dispositif ;
    `ValidationError` si le logement n'est pas disponible (proposé à un ménage, attribué ou déjà
    retiré), si le motif « autre » n'est pas précisé, si la date est dans le futur.
    """
    _exiger_gestion_logements(user, logement.dispositif)
    logement = LogementVacant.objects.select_for_update().get(pk=logement.pk)
    if logement.etat != EtatVacant.DISPONIBLE:
        raise ValidationError(
            "Seul un logement disponible peut être retiré de l'offre "
            f"(celui-ci est {logement.get_etat_display().lower()})."
        )
    precision = precision.strip()
    if motif == MotifRetrait.AUTRE and not precision:
        raise ValidationError("Précisez le motif du retrait.")
    date_retrait = date_retrait or timezone.localdate()
    bornes.verifier_date(date_retrait, futur=bornes.AUCUN_FUTUR, quoi="La date du retrait")
    logement.etat = EtatVacant.RETIRE
    logement.save(update_fields=["etat"])
    return RetraitLogement.objects.create(
        logement=logement, date=date_retrait, motif=motif, precision=precision, retire_par=user
    )


@transaction.atomic
def remettre_logement_vacant(user, logement, date_remise=None):
    """Remet dans l'offre un logement retiré : il redevient disponible, son dernier retrait note
    la date de remise et qui l'a faite.

    Refus : `PermissionDenied` hors de la gestion des logements du dispositif ;
    `ValidationError` si le logement n'est pas retiré, si la remise précède le retrait.
    """
    _exiger_gestion_logements(user, logement.dispositif)
    logement = LogementVacant.objects.select_for_update().get(pk=logement.pk)
    retrait = logement.retraits.filter(remis_le__isnull=True).order_by("-date", "-pk").first()
    if logement.etat != EtatVacant.RETIRE or retrait is None:
        raise ValidationError("Ce logement n'est pas retiré de l'offre.")
    date_remise = date_remise or timezone.localdate()
    bornes.verifier_date(date_remise, futur=bornes.AUCUN_FUTUR, quoi="La date de remise")
    if date_remise < retrait.date:
        raise ValidationError(f"La remise précède le retrait ({retrait.date:%d/%m/%Y}).")
    retrait.remis_le = date_remise
    retrait.remis_par = user
    retrait.save(update_fields=["remis_le", "remis_par"])
    logement.etat = EtatVacant.DISPONIBLE
    logement.save(update_fields=["etat"])
    return logement


# --- Proposition et dossier CAL ---------------------------------------------------------------


def _ressources(menage):
    besoins = menage.besoins_logement.first()
    if besoins is not None and besoins.ressources_mensuelles:
        return besoins.ressources_mensuelles
    return menage.ressources_mensuelles or None


@transaction.atomic
def proposer_logement(user, menage, logement, date_proposition=None):
    """Propose un logement disponible au ménage : le logement passe « proposé », le dossier CAL
    s'ouvre avec sa liste de pièces, le taux d'effort du moment est retenu.

    Refus : `PermissionDenied` sans le droit d'écrire le parcours accès du ménage ;
    `ValidationError` si le logement n'est pas disponible ou d'un autre dispositif, si le ménage
    est provisoire ou attend déjà la réponse d'une autre proposition.
    """
    _exiger_ecriture(user, menage)
    logement = LogementVacant.objects.select_for_update().get(pk=logement.pk)
    if logement.dispositif_id != menage.dispositif_id:
        raise ValidationError("Ce logement est proposé à un autre dispositif.")
    if logement.etat != EtatVacant.DISPONIBLE:
        raise ValidationError(
            f"Ce logement n'est plus disponible ({logement.get_etat_display().lower()})."
        )
    if menage.provisoire:
        raise ValidationError("Ce ménage est provisoire : rattachez d'abord son orientation.")
    en_cours = Proposition.objects.filter(menage=menage, decision__isnull=True).exclude(
        reponse_menage=ReponseMenage.REFUSEE
    )
    if en_cours.exists():
        raise ValidationError(
            "Une proposition attend déjà la réponse du ménage ou la décision de la CAL."
        )
    date_proposition = date_proposition or timezone.localdate()
    bornes.verifier_date(date_proposition, futur=bornes.AUCUN_FUTUR, quoi="La date")
    proposition = Proposition.objects.create(
        menage=menage,
        logement=logement,
        date_proposition=date_proposition,
        taux_effort=taux_effort(
            logement.loyer, logement.charges, logement.apl_estimee, _ressources(menage)
        ),
        proposee_par=user,
    )
    PieceDossier.objects.bulk_create(
        PieceDossier(proposition=proposition, ordre=rang, libelle=libelle)
        for rang, libelle in enumerate(PIECES_DU_DOSSIER)
    )
    logement.etat = EtatVacant.PROPOSE
    logement.save(update_fields=["etat"])
    return proposition


def _date_apres(jour, depuis, quoi):
    bornes.verifier_date(jour, futur=bornes.AUCUN_FUTUR, quoi=quoi)
    if jour < depuis:
        raise ValidationError(f"{quoi} précède la proposition ({depuis:%d/%m/%Y}).")


@transaction.atomic
def informer_prescripteur(user, proposition, date_information):
    """Note la date à laquelle le prescripteur de l'orientation a été informé de la proposition
    (il l'est avant le ménage)."""
    _exiger_ecriture(user, proposition.menage)
    _date_apres(date_information, proposition.date_proposition, "La date d'information")
    proposition.prescripteur_informe_le = date_information
    proposition.save(update_fields=["prescripteur_informe_le"])
    return proposition


@transaction.atomic
def enregistrer_reponse(user, proposition, *, reponse, date_reponse, visite_le=None, motif=""):
    """La réponse du ménage (et la visite) : un refus rend le logement disponible.

    Refus : `ValidationError` si la CAL a déjà décidé, si le refus n'a pas de motif, si le
    prescripteur n'a pas encore été informé (il l'est d'abord).
    """
    _exiger_ecriture(user, proposition.menage)
    if hasattr(proposition, "decision"):
        raise ValidationError("La CAL a déjà décidé sur cette proposition.")
    if proposition.prescripteur_informe_le is None:
        raise ValidationError("Informez d'abord le prescripteur de la proposition.")
    _date_apres(date_reponse, proposition.date_proposition, "La date de réponse")
    if visite_le is not None:
        _date_apres(visite_le, proposition.date_proposition, "La date de visite")
    if reponse == ReponseMenage.REFUSEE and not motif.strip():
        raise ValidationError("Indiquez pourquoi le ménage refuse ce logement.")
    proposition.reponse_menage = reponse
    proposition.date_reponse = date_reponse
    proposition.visite_le = visite_le
    proposition.motif_refus = motif.strip()
    proposition.save(update_fields=["reponse_menage", "date_reponse", "visite_le", "motif_refus"])
    if reponse == ReponseMenage.REFUSEE:
        LogementVacant.objects.filter(pk=proposition.logement_id).update(etat=EtatVacant.DISPONIBLE)
    return proposition


@transaction.atomic
def noter_piece(user, piece, recue_le):
    """Coche (avec sa date) ou décoche une pièce du dossier CAL."""
    _exiger_ecriture(user, piece.proposition.menage)
    if recue_le is not None:
        _date_apres(recue_le, date(2000, 1, 1), "La date de réception")
    piece.recue_le = recue_le
    piece.save(update_fields=["recue_le"])
    return piece


@transaction.atomic
def decider_cal(user, proposition, *, date_seance, bailleur, issue, motif="", explication=""):
    """Enregistre la décision de la CAL, et la séance (date, bailleur) si elle n'existe pas.

    Une attribution (même sous condition) attribue le logement ; une non-attribution ou un refus
    du ménage le rend disponible. L'explication est celle que le prescripteur transmettra.
    Refus : `ValidationError` si la CAL a déjà décidé, si le ménage n'a pas accepté la
    proposition (sauf « refus du ménage »), si une condition ou une non-attribution n'a pas de
    motif, si une pièce du dossier manque pour une attribution.
    """
    _exiger_ecriture(user, proposition.menage)
    if DecisionCAL.objects.filter(proposition=proposition).exists():
        raise ValidationError("La CAL a déjà décidé sur cette proposition.")
    _date_apres(date_seance, proposition.date_proposition, "La date de la CAL")
    if issue != IssueCAL.REFUS_MENAGE and proposition.reponse_menage != ReponseMenage.ACCEPTEE:
        raise ValidationError("Le ménage n'a pas accepté ce logement : la CAL ne peut l'attribuer.")
    if issue in (IssueCAL.SOUS_CONDITION, IssueCAL.NON_ATTRIBUTION) and not motif.strip():
        raise ValidationError(
            "Indiquez la condition posée par la CAL."
            if issue == IssueCAL.SOUS_CONDITION
            else "Indiquez le motif de la non-attribution."
        )
    if issue in ISSUES_FAVORABLES:
        manquantes = [p.libelle for p in proposition.pieces.all() if p.recue_le is None]
        if manquantes:
            raise ValidationError("Pièces du dossier manquantes : " + ", ".join(manquantes) + ".")
    seance, _ = SeanceCAL.objects.get_or_create(
        dispositif=proposition.menage.dispositif, date=date_seance, bailleur=bailleur
    )
    decision = DecisionCAL.objects.create(
        proposition=proposition,
        seance=seance,
        issue=issue,
        motif=motif.strip(),
        explication_prescripteur=explication.strip(),
        decidee_par=user,
    )
    if issue == IssueCAL.REFUS_MENAGE:
        proposition.reponse_menage = ReponseMenage.REFUSEE
        proposition.date_reponse = proposition.date_reponse or date_seance
        proposition.motif_refus = proposition.motif_refus or motif.strip()
        proposition.save(update_fields=["reponse_menage", "date_reponse", "motif_refus"])
    etat = EtatVacant.ATTRIBUE if issue in ISSUES_FAVORABLES else EtatVacant.DISPONIBLE
    LogementVacant.objects.filter(pk=proposition.logement_id).update(etat=etat)
    return decision


# --- Bail, aide bail glissant, relais ---------------------------------------------------------


def _installer(menage, vacant, *, date_entree, statut_occupation):
    """Le nouveau logement actuel du ménage (l'ancien reste dans l'historique)."""
    menage.logements.filter(actuel=True).update(actuel=False)
    logement = Logement.objects.create(
        menage=menage,
        actuel=True,
        adresse=vacant.adresse,
        code_postal=vacant.code_postal,
        commune=vacant.commune,
        commune_du_dispositif=vacant.commune_du_dispositif,
        territoire=vacant.territoire,
        typologie=vacant.typologie,
        etage=vacant.etage,
        loyer=vacant.loyer,
        charges=vacant.charges,
        apl=vacant.apl_estimee,
        statut_occupation=statut_occupation,
        date_entree=date_entree,
    )
    actualiser_territoire(menage)
    return logement


def _changer_reference(menage, reference):
    if not reference or reference == menage.reference_locataire:
        return
    prise = Menage.objects.filter(
        dispositif=menage.dispositif, reference_locataire=reference, doublon_possible_de=None
    ).exclude(pk=menage.pk)
    if prise.exists():
        raise ValidationError(
            f"La référence locataire {reference} est déjà celle d'un autre ménage."
        )
    menage.reference_locataire = reference
    menage.save(update_fields=["reference_locataire"])


@transaction.atomic
def signer_bail(
    user,
    proposition,
    *,
    date_signature,
    type_bail,
    reference_locataire="",
    association_preneuse=None,
    glissement_prevu_le=None,
    referent_bailleur=None,
    ligne_budgetaire=None,
):
    """Enregistre le bail signé après une attribution : le logement devient le logement actuel du
    ménage (bail glissant ou locataire en titre), la référence locataire est notée et les étapes
    du relais du lien sont planifiées sur un an.

    Refus : `ValidationError` sans attribution de la CAL, si un bail est déjà signé, si un bail
    glissant n'a pas d'association preneuse, si le référent du bailleur n'est pas agent du
    bailleur dans le dispositif, si la ligne budgétaire est d'un autre dispositif.
    """
    menage = proposition.menage
    _exiger_ecriture(user, menage)
    decision = DecisionCAL.objects.filter(proposition=proposition).first()
    if decision is None or decision.issue not in ISSUES_FAVORABLES:
        raise ValidationError("Le bail se signe après une attribution de la CAL.")
    if Bail.objects.filter(proposition=proposition).exists():
        raise ValidationError("Le bail de cette proposition est déjà enregistré.")
    _date_apres(date_signature, decision.seance.date, "La date de signature")
    if type_bail == TypeBail.GLISSANT:
        if association_preneuse is None:
            raise ValidationError("Un bail glissant a une association preneuse.")
        if glissement_prevu_le is not None and glissement_prevu_le <= date_signature:
            raise ValidationError("Le glissement se prévoit après la signature.")
    else:
        association_preneuse = glissement_prevu_le = None
    dispositif = menage.dispositif
    if referent_bailleur is not None and not permissions.roles(referent_bailleur, dispositif) & {
        Role.AGENT_BAILLEUR
    }:
        raise ValidationError("Le référent du bailleur est un agent du bailleur du dispositif.")
    if ligne_budgetaire is not None and ligne_budgetaire.dispositif_id != dispositif.pk:
        raise ValidationError("Cette ligne budgétaire est d'un autre dispositif.")
    _changer_reference(menage, reference_locataire.strip())
    logement = _installer(
        menage,
        proposition.logement,
        date_entree=date_signature,
        statut_occupation=StatutOccupation.BAIL_GLISSANT
        if type_bail == TypeBail.GLISSANT
        else StatutOccupation.LOCATAIRE_EN_TITRE,
    )
    bail = Bail.objects.create(
        proposition=proposition,
        menage=menage,
        logement=logement,
        date_signature=date_signature,
        type=type_bail,
        association_preneuse=association_preneuse,
        glissement_prevu_le=glissement_prevu_le,
        referent_bailleur=referent_bailleur,
        ligne_budgetaire=ligne_budgetaire,
        signe_par=user,
    )
    EtapeRelais.objects.bulk_create(
        EtapeRelais(
            bail=bail, libelle=libelle, date_prevue=date_signature + relativedelta(months=m)
        )
        for m, libelle in ETAPES_DU_RELAIS
    )
    return bail


@transaction.atomic
def constater_glissement(user, bail, date_glissement):
    """Le bail glisse au ménage : il devient locataire en titre du logement."""
    _exiger_ecriture(user, bail.menage)
    if bail.type != TypeBail.GLISSANT:
        raise ValidationError("Seul un bail glissant glisse.")
    if bail.glissement_fait_le is not None:
        raise ValidationError("Le glissement est déjà noté.")
    bornes.verifier_date(date_glissement, futur=bornes.AUCUN_FUTUR, quoi="La date du glissement")
    if date_glissement <= bail.date_signature:
        raise ValidationError("Le glissement se fait après la signature du bail.")
    bail.glissement_fait_le = date_glissement
    bail.save(update_fields=["glissement_fait_le"])
    if bail.logement_id is not None:
        Logement.objects.filter(pk=bail.logement_id).update(
            statut_occupation=StatutOccupation.LOCATAIRE_EN_TITRE
        )
    return bail


def aides_versees(menage, annee):
    """Le total de l'aide bail glissant versée pour ce ménage pendant l'année civile."""
    total = AideBailGlissant.objects.filter(bail__menage=menage, date__year=annee).aggregate(
        total=Sum("montant")
    )["total"]
    return total or Decimal(0)


def consommation_ligne(ligne, annee):
    """Le total des aides imputées sur cette ligne budgétaire pendant l'année civile."""
    total = AideBailGlissant.objects.filter(
        bail__ligne_budgetaire=ligne, date__year=annee
    ).aggregate(total=Sum("montant"))["total"]
    return total or Decimal(0)


@transaction.atomic
def verser_aide_bail_glissant(user, bail, *, date_versement, montant):
    """Note un versement de l'aide bail glissant.

    Refus : `ValidationError` hors d'un bail glissant, au-delà de 2 400 € pour ce ménage sur
    l'année civile, au-delà du montant annuel de la ligne budgétaire du bail.
    """
    _exiger_ecriture(user, bail.menage)
    if bail.type != TypeBail.GLISSANT:
        raise ValidationError("L'aide bail glissant ne se verse que pour un bail glissant.")
    bornes.verifier_date(date_versement, futur=bornes.AUCUN_FUTUR, quoi="La date du versement")
    if montant <= 0:
        raise ValidationError("Le montant est positif.")
    annee = date_versement.year
    deja = aides_versees(bail.menage, annee)
    if deja + montant > PLAFOND_AIDE_BAIL_GLISSANT:
        reste = PLAFOND_AIDE_BAIL_GLISSANT - deja
        raise ValidationError(
            f"L'aide bail glissant est plafonnée à 2 400 € par an et par ménage : "
            f"{deja} € déjà versés en {annee}, {reste} € au plus."
        )
    ligne = bail.ligne_budgetaire
    if ligne is not None and consommation_ligne(ligne, annee) + montant > ligne.montant_annuel:
        raise ValidationError(
            f"La ligne budgétaire « {ligne} » ({ligne.montant_annuel} € par an) serait dépassée."
        )
    return AideBailGlissant.objects.create(
        bail=bail, date=date_versement, montant=montant, saisie_par=user
    )


@transaction.atomic
def faire_etape(user, etape, date_faite):
    """Note qu'une étape du relais du lien est faite."""
    _exiger_ecriture(user, etape.bail.menage)
    bornes.verifier_date(date_faite, futur=bornes.AUCUN_FUTUR, quoi="La date")
    if date_faite < etape.bail.date_signature:
        raise ValidationError("Une étape du relais se fait après la signature du bail.")
    etape.date_faite = date_faite
    etape.save(update_fields=["date_faite"])
    return etape


@transaction.atomic
def ouvrir_suivi_apres_bail(user, bail, *, travailleur_social, date_debut=None, equipe=()):
    """Ouvre l'accompagnement après le bail : le travailleur social de l'association en est le
    ou la référent·e, le référent du bailleur est dans l'équipe (`accompagnement` revérifie
    que seule la coordination ouvre, et que chacun est membre du dispositif)."""
    _exiger_ecriture(user, bail.menage)
    equipe = [*equipe]
    if bail.referent_bailleur is not None:
        equipe.append(bail.referent_bailleur)
    orientation = bail.menage.orientations.filter(parcours="acces").first()
    return accompagnement.ouvrir_accompagnement(
        user,
        bail.menage,
        referent=travailleur_social,
        equipe=equipe,
        date_debut=date_debut or bail.date_signature,
        orientation=orientation,
    )


# --- Mutation ----------------------------------------------------------------------------------


@transaction.atomic
def muter(user, menage, *, logement_vacant, nouvelle_reference, date_mutation):
    """Reloge un ménage suivi dans le parc du bailleur : un nouveau logement actuel, une nouvelle
    référence locataire ; l'ancien logement et l'ancienne référence restent en historique.

    Refus : `ValidationError` si le logement n'est pas disponible dans ce dispositif, sans
    nouvelle référence, ou si la référence est celle d'un autre ménage.
    """
    _exiger_ecriture(user, menage)
    vacant = LogementVacant.objects.select_for_update().get(pk=logement_vacant.pk)
    if vacant.dispositif_id != menage.dispositif_id or vacant.etat != EtatVacant.DISPONIBLE:
        raise ValidationError("Ce logement n'est pas disponible dans ce dispositif.")
    nouvelle_reference = nouvelle_reference.strip()
    if not nouvelle_reference:
        raise ValidationError("La mutation donne une nouvelle référence locataire.")
    bornes.verifier_date(date_mutation, futur=bornes.AUCUN_FUTUR, quoi="La date de la mutation")
    ancien = menage.logements.filter(actuel=True).first()
    ancienne_reference = menage.reference_locataire
    _changer_reference(menage, nouvelle_reference)
    nouveau = _installer(
        menage,
        vacant,
        date_entree=date_mutation,
        statut_occupation=StatutOccupation.LOCATAIRE_EN_TITRE,
    )
    vacant.etat = EtatVacant.ATTRIBUE
    vacant.save(update_fields=["etat"])
    return Mutation.objects.create(
        menage=menage,
        date=date_mutation,
        ancien_logement=ancien,
        nouveau_logement=nouveau,
        ancienne_reference=ancienne_reference,
        nouvelle_reference=nouvelle_reference,
        logement_vacant=vacant,
        saisie_par=user,
    )


@transaction.atomic
def ajouter_organisation(user, menage, *, organisation, role):
    """Ajoute une structure à la liste des organisations autour du ménage.

    Refus : `ValidationError` si elle y est déjà ou si son rôle n'est pas dit.
    """
    _exiger_ecriture(user, menage)
    if not role.strip():
        raise ValidationError("Dites ce que fait cette structure auprès du ménage.")
    if OrganisationAutour.objects.filter(menage=menage, organisation=organisation).exists():
        raise ValidationError(f"{organisation} est déjà dans la liste.")
    return OrganisationAutour.objects.create(
        menage=menage, organisation=organisation, role=role.strip(), ajoutee_par=user
    )
