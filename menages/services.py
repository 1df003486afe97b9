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
from django.db.models import Exists, F, OuterRef, ProtectedError, Q, Subquery
from django.utils import timezone

from core import bornes, permissions
from core.enums import Role, TypeOrganisation
from core.expressions import ValeursJointes
from core.models import Membre
from core.permissions import Action

from . import selectors
from .enums import (
    NatureRessource,
    OrigineDette,
    Rattachement,
    Source,
    StadeProcedure,
    StatutOrientation,
)
from .models import (
    CHAMPS_DE_SITUATION,
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
    # Une orientation « à rattacher » n'en sort que par `rattacher_orientation` ou `garder_a_part`.
    StatutOrientation.A_RATTACHER: set(),
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
# Qui oriente, selon le type de la structure d'un prescripteur.
SOURCE_PAR_TYPE = {
    TypeOrganisation.SIAO: Source.SIAO,
    TypeOrganisation.ASSOCIATION: Source.ASSOCIATION,
    TypeOrganisation.CCAS_COMMUNE: Source.CCAS,
    TypeOrganisation.SANTE: Source.SANTE,
    TypeOrganisation.SPIP: Source.SPIP,
}
# Les rôles qui déclarent la dette et la procédure sur une fiche d'orientation (DESIGN.md §3 :
# le prescripteur ne les voit pas, le bailleur les complète ensuite).
ROLES_QUI_DECLARENT_LA_DETTE = frozenset({Role.COORDINATEUR, Role.AGENT_BAILLEUR})
# Un relevé daté d'avant est une erreur de saisie : les dispositifs suivis sont bien plus récents.
PREMIER_RELEVE_POSSIBLE = bornes.DATE_MINIMUM


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
    - une orientation n'ouvre jamais un dossier existant. La référence locataire est cherchée
      dans le dispositif : un ménage que la même personne a déjà orienté (pour un import : la
      même structure, `Membre.organisation`, à défaut la même personne) est repris sans être
      modifié ; un ménage connu par l'orientation de quelqu'un d'autre ne l'est pas : l'orientation
      « à rattacher » porte sur un ménage provisoire fait de ce que la personne a saisi, relié au
      ménage connu, et attend la coordination (`rattacher_orientation`, `garder_a_part`). La
      réponse est alors celle d'un nouveau ménage : rien ne dit que la référence existait ;
    - une orientation de la même personne (ou structure) pour ce ménage, à la même date et pour
      le même parcours existe déjà : rien n'est créé (réimporter un fichier ne duplique rien) ;
    - la dette déclarée devient le premier relevé daté de la dette locative.

    La coordination qui voit déjà le ménage connu y ajoute directement son orientation (c'est
    elle qui rattache). Une commande d'exploitation (`user=None`) reprend le ménage connu : elle
    n'ouvre de droits à personne.

    - l'orientation garde la structure de son auteur (`organisation`) ; celle d'un prescripteur
      est aussi « la structure qui oriente » (`prescripteur`, `source`), quoi que dise la fiche.

    Refus : `PermissionDenied` si la personne ne peut pas orienter dans ce dispositif, ou si
    elle n'y oriente que comme prescripteur sans que son adhésion nomme sa structure ;
    `ValidationError` si un prescripteur déclare une dette ou une procédure (le bailleur les
    complète : `completer_dette_orientation`).
    """
    if user is not None and not permissions.peut(user, Action.ORIENTER, dispositif):
        raise PermissionDenied("Vous ne pouvez pas orienter de ménage dans ce dispositif.")
    organisation = structure_qui_oriente(user, dispositif)
    if oriente_comme_prescripteur(user, dispositif):
        if organisation is None:
            raise PermissionDenied(
                "Votre adhésion au dispositif ne nomme pas votre structure : demandez à la "
                "coordination de la compléter avant d'orienter."
            )
        if fiche.dette_locative is not None or fiche.stade_procedure not in (
            "",
            StadeProcedure.AUCUNE,
        ):
            raise ValidationError(
                "La dette locative et la procédure sont complétées par le bailleur, pas par la "
                "structure qui oriente."
            )
        fiche.prescripteur = organisation
        fiche.source = SOURCE_PAR_TYPE.get(organisation.type, Source.AUTRE)
    if fiche.date_orientation > timezone.localdate():
        raise ValidationError("La date d'orientation ne peut pas être dans le futur.")
    bornes.verifier_date(fiche.date_orientation, quoi="La date d'orientation")

    if fiche.dette_locative is not None:
        # Contrôlée avant toute écriture : l'orientation garde aussi le montant déclaré.
        _verifier_releve(fiche.date_orientation, fiche.dette_locative)
    auteurs = _memes_auteurs(user, dispositif, par_structure=fiche.importee)
    menage, menage_cree = _menage(user, dispositif, fiche, auteurs)
    existante = (
        Orientation.objects.filter(
            menage=menage, date_orientation=fiche.date_orientation, parcours=fiche.parcours
        )
        .filter(auteurs)
        .first()
    )
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
        statut=StatutOrientation.A_RATTACHER if menage.provisoire else StatutOrientation.RECUE,
        date_statut=fiche.date_orientation,
        orientee_par=user,
        organisation=organisation,
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
    actualiser_situation([menage.pk])
    return ResultatOrientation(orientation, menage_cree, True)


def oriente_comme_prescripteur(user, dispositif):
    """Vrai si la personne n'oriente dans ce dispositif que comme prescripteur : sa fiche n'a
    alors ni dette ni procédure, et la structure qui oriente est la sienne."""
    if user is None:
        return False
    roles = permissions.roles(user, dispositif)
    return Role.PRESCRIPTEUR in roles and not roles & ROLES_QUI_DECLARENT_LA_DETTE


def structure_qui_oriente(user, dispositif):
    """La structure que nomme l'adhésion active de la personne au dispositif : celle de son
    adhésion de prescripteur d'abord, puis d'agent du bailleur, puis de tout autre rôle."""
    if user is None:
        return None
    adhesions = {
        membre.role: membre.organisation
        for membre in Membre.objects.actifs()
        .filter(user=user, dispositif=dispositif, organisation__isnull=False)
        .select_related("organisation")
    }
    for role in (Role.PRESCRIPTEUR, Role.AGENT_BAILLEUR):
        if role in adhesions:
            return adhesions[role]
    return next(iter(adhesions.values()), None)


@transaction.atomic
def completer_dette_orientation(user, orientation, *, dette_locative, stade_procedure):
    """Complète la dette et la procédure d'une orientation qui n'en déclarait pas (celle d'un
    prescripteur) ; la dette devient un relevé daté du jour de l'orientation.

    Refus : `PermissionDenied` si la personne ne peut pas écrire la dette de ce ménage (la
    coordination, l'agent du bailleur sur ses orientations ou dans l'équipe) ;
    `ValidationError` si l'orientation porte déjà une dette (la suite passe par un relevé), ou
    pour un montant que `relever_dette` refuserait.
    """
    orientation = Orientation.objects.select_for_update().get(pk=orientation.pk)
    if not peut_saisir_dette(user, orientation.menage):
        raise PermissionDenied("Vous ne pouvez pas saisir la dette de ce ménage.")
    if orientation.dette_locative is not None:
        raise ValidationError(
            "Cette orientation porte déjà une dette : ajoutez plutôt un relevé de la dette."
        )
    _verifier_releve(orientation.date_orientation, dette_locative)
    orientation.dette_locative = dette_locative
    orientation.stade_procedure = stade_procedure or StadeProcedure.AUCUNE
    orientation.save(update_fields=["dette_locative", "stade_procedure"])
    _relever(
        user,
        orientation.menage,
        orientation.date_orientation,
        dette_locative,
        orientation.stade_procedure,
        origine=OrigineDette.ORIENTATION,
    )
    actualiser_situation([orientation.menage_id])
    return orientation


def _memes_auteurs(user, dispositif, *, par_structure):
    """La condition « orientée par la même personne » sur les orientations.

    Pour un import, la même structure : toute personne que son adhésion au dispositif rattache
    à l'une des structures de `user` dans ce dispositif. Sans structure, la même personne. Pour
    une commande d'exploitation (`user=None`), les orientations sans auteur.
    """
    if user is None:
        return Q(orientee_par__isnull=True)
    meme_personne = Q(orientee_par=user)
    if not par_structure:
        return meme_personne
    structures = Membre.objects.filter(
        user=user, dispositif=dispositif, organisation__isnull=False
    ).values("organisation")
    collegues = Membre.objects.filter(dispositif=dispositif, organisation__in=structures).values(
        "user"
    )
    return meme_personne | Q(orientee_par__in=collegues)


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


# Les ménages se recalculent par lots de cette taille (une requête `UPDATE` par lot).
CHAMPS_DE_SITUATION_ATTNAME = tuple(
    Menage._meta.get_field(champ).attname for champ in CHAMPS_DE_SITUATION
)
MENAGES_PAR_ACTUALISATION = 1000


def _situation():
    """Les expressions de la situation du jour d'un ménage (`Menage.CHAMPS_DE_SITUATION`) : sa
    dernière orientation (date d'orientation puis création les plus récentes), son dernier
    relevé de dette (date puis clé les plus récents), comme les lisait la file active, et les
    problématiques de toutes ses orientations."""
    orientations = Orientation.objects.filter(menage=OuterRef("pk")).order_by(
        "-date_orientation", "-cree_le", "-pk"
    )
    dettes = DetteLocative.objects.filter(menage=OuterRef("pk")).order_by("-date", "-pk")
    # Sans doublon, triés, joints par des virgules ; NULL sans aucune problématique.
    codes = (
        ProblematiqueOrientation.objects.filter(orientation__menage=OuterRef("pk"))
        .values("code")
        .distinct()
        .order_by("code")
    )
    return {
        "derniere_orientation": Subquery(orientations.values("pk")[:1]),
        "date_derniere_orientation": Subquery(orientations.values("date_orientation")[:1]),
        "statut_derniere_orientation": Subquery(orientations.values("statut")[:1]),
        "derniere_dette": Subquery(dettes.values("montant")[:1]),
        "date_derniere_dette": Subquery(dettes.values("date")[:1]),
        "codes_problematiques": ValeursJointes(codes, separateur=","),
    }


def actualiser_situation(menage_ids):
    """Recalcule la situation du jour que portent les ménages `menage_ids` (des clés, ou des
    ménages) pour la file active : dernière orientation, sa date et son statut, dernière dette
    et sa date, problématiques de ses orientations.

    Tout service qui crée une orientation, change son statut ou son ménage, ou écrit une dette
    l'appelle, dans sa transaction ; les remplissages groupés (démonstration, banc) l'appellent
    à la fin. Une requête par lot de `MENAGES_PAR_ACTUALISATION` ménages ; l'historique n'en
    garde rien (`update`).
    """
    menage_ids = list(menage_ids)
    ids = sorted({getattr(m, "pk", m) for m in menage_ids})
    for debut in range(0, len(ids), MENAGES_PAR_ACTUALISATION):
        lot = ids[debut : debut + MENAGES_PAR_ACTUALISATION]
        Menage.objects.filter(pk__in=lot).update(**_situation())
    # Les ménages passés en objets se relisent (une requête) : ils montrent la situation écrite.
    objets = [m for m in menage_ids if isinstance(m, Menage)]
    if objets:
        relus = Menage.objects.filter(pk__in=[m.pk for m in objets]).values(
            "pk", *CHAMPS_DE_SITUATION_ATTNAME
        )
        par_id = {ligne.pop("pk"): ligne for ligne in relus}
        for menage in objets:
            for champ, valeur in par_id.get(menage.pk, {}).items():
                setattr(menage, champ, valeur)


def _menage(user, dispositif, fiche, auteurs):
    """Le ménage de la fiche et s'il vient d'être créé (un ménage provisoire compte comme créé)."""
    if fiche.reference_locataire:
        connus = Menage.objects.filter(
            dispositif=dispositif, reference_locataire=fiche.reference_locataire
        )
        # Les siens d'abord (y compris son ménage provisoire ou gardé à part), un ménage à part
        # entière avant un provisoire.
        deja_orientes = Orientation.objects.filter(menage=OuterRef("pk")).filter(auteurs)
        sien = connus.filter(Exists(deja_orientes)).order_by("provisoire", "pk").first()
        if sien is not None:
            return sien, False
        connu = (
            connus.filter(provisoire=False)
            .order_by(F("doublon_possible_de").asc(nulls_first=True), "pk")
            .first()
        )
        if connu is not None:
            if user is None or _coordination_qui_voit(user, connu):
                return connu, False
            return _creer_menage(user, dispositif, fiche, doublon_possible_de=connu), True
    return _creer_menage(user, dispositif, fiche), True


def _coordination_qui_voit(user, menage):
    return (
        permissions.peut(user, Action.GERER_ORIENTATIONS, menage.dispositif)
        and selectors.menages_visibles(user).filter(pk=menage.pk).exists()
    )


def _creer_menage(user, dispositif, fiche, doublon_possible_de=None):
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
        doublon_possible_de=doublon_possible_de,
        provisoire=doublon_possible_de is not None,
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
    return menage


@transaction.atomic
def changer_statut_orientation(
    user, orientation, statut, motif="", *, sur_decision=False, date_statut=None
):
    """Fait avancer une orientation (reçue → à examiner en COTECH → admise | refusée | …).

    Promesses : le statut garde sa date et qui l'a changé (`user` ; sur décision d'un comité,
    le membre du comité qui l'enregistre).
    Refus : `PermissionDenied` hors coordination du dispositif (ou, `sur_decision`, hors des
    personnes qui décident dans le dispositif : coordination et membres du COTECH) ;
    `ValidationError` pour un passage que le circuit ne prévoit pas, ou un refus / une
    réorientation sans motif.
    `date_statut` : le jour où le statut a été décidé (celui de la séance du comité), aujourd'hui
    par défaut ; la décision et le statut qu'elle pose portent ainsi la même date.
    """
    dispositif = orientation.menage.dispositif
    if sur_decision:
        if user is not None and not permissions.peut(user, Action.DECIDER, dispositif):
            raise PermissionDenied("Seuls les membres du comité et la coordination décident.")
    elif user is not None and not permissions.peut(user, Action.GERER_ORIENTATIONS, dispositif):
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
    orientation.date_statut = date_statut or timezone.localdate()
    orientation.motif_statut = motif.strip()
    orientation.statut_modifie_par = user
    orientation.save(update_fields=["statut", "date_statut", "motif_statut", "statut_modifie_par"])
    actualiser_situation([orientation.menage_id])
    return orientation


def _verifier_rattachement(user, orientation):
    if user is not None and not permissions.peut(
        user, Action.GERER_ORIENTATIONS, orientation.menage.dispositif
    ):
        raise PermissionDenied("Seule la coordination rattache une orientation ou la garde à part.")
    if orientation.statut != StatutOrientation.A_RATTACHER or not orientation.menage.provisoire:
        raise ValidationError("Cette orientation a déjà été traitée.")


def _orientations_a_rattacher(menage_provisoire):
    return list(
        Orientation.objects.select_for_update().filter(
            menage=menage_provisoire, statut=StatutOrientation.A_RATTACHER
        )
    )


def _decider(orientations, user, decision, **champs):
    maintenant = timezone.now()
    for orientation in orientations:
        for nom, valeur in champs.items():
            setattr(orientation, nom, valeur)
        orientation.statut = StatutOrientation.RECUE
        orientation.date_statut = timezone.localdate(maintenant)
        orientation.rattachement = decision
        orientation.rattachement_par = user
        orientation.rattachement_le = maintenant
        orientation.save(
            update_fields=[
                *champs,
                "statut",
                "date_statut",
                "rattachement",
                "rattachement_par",
                "rattachement_le",
            ]
        )


@transaction.atomic
def rattacher_orientation(user, orientation):
    """La coordination confirme qu'une orientation « à rattacher » concerne le ménage connu.

    Promesses : les orientations du ménage provisoire passent sur le ménage connu, « reçues »,
    avec qui a décidé et quand ; les relevés de dette saisis avec elles les suivent ; le ménage
    provisoire (identité, logement, ressources saisis) disparaît, le ménage connu n'est pas
    modifié, sauf son territoire, recalculé (`actualiser_territoire`). C'est seulement alors que
    la personne qui a orienté voit le ménage connu (les ménages qu'elle a orientés).
    Refus : `PermissionDenied` hors coordination du dispositif ; `ValidationError` pour une
    orientation déjà traitée, ou un ménage provisoire qui porte déjà un accompagnement ou une
    décision de comité.
    """
    _verifier_rattachement(user, orientation)
    provisoire = orientation.menage
    connu = provisoire.doublon_possible_de
    orientations = _orientations_a_rattacher(provisoire)
    _decider(orientations, user, Rattachement.RATTACHEE, menage=connu)
    provisoire.dettes.update(menage=connu)
    provisoire.plans_apurement.update(menage=connu)
    try:
        provisoire.delete()
    except ProtectedError:
        raise ValidationError(
            "Ce ménage porte déjà un accompagnement ou une décision de comité : gardez-le à part."
        ) from None
    # Sans logement actuel, le ménage connu prend le territoire de l'orientation rattachée.
    actualiser_territoire(connu)
    actualiser_situation([connu.pk])
    orientation.refresh_from_db()
    return orientation


@transaction.atomic
def garder_a_part(user, orientation):
    """La coordination garde à part une orientation « à rattacher » (homonyme, référence en double).

    Promesses : le ménage provisoire devient un ménage à part entière (il garde le lien vers le
    ménage de même référence, ce qui permet aux deux de porter la même référence) ; ses
    orientations sont « reçues », avec qui a décidé et quand ; son territoire est recalculé. La
    personne qui a orienté ne voit toujours que ce ménage-là.
    Refus : ceux de `rattacher_orientation` (coordination seule, orientation déjà traitée).
    """
    _verifier_rattachement(user, orientation)
    provisoire = orientation.menage
    _decider(_orientations_a_rattacher(provisoire), user, Rattachement.GARDEE_A_PART)
    provisoire.provisoire = False
    provisoire.save(update_fields=["provisoire"])
    actualiser_territoire(provisoire)
    actualiser_situation([provisoire.pk])
    orientation.refresh_from_db()
    return orientation


def peut_saisir_dette(user, menage):
    """Relever la dette d'un ménage : la coordination, le TS de l'équipe, l'agent du bailleur
    sur ses orientations (`core.permissions.ECRITURE`) ; jamais le seul fait de la lire (un
    membre du COTECH la lit sans la relever). Une commande ou une tâche passe `user=None`."""
    return user is None or selectors.droit_sur_le_menage(user, menage, "ecrit_dette")


def peut_saisir_plan_apurement(user, menage):
    """Enregistrer (remplacer) le plan d'apurement : mêmes personnes que pour la dette."""
    return user is None or selectors.droit_sur_le_menage(user, menage, "ecrit_plan_apurement")


@transaction.atomic
def relever_dette(
    user,
    menage,
    date_releve,
    montant,
    stade_procedure="",
    origine=OrigineDette.RELEVE,
    *,
    loyer_paye_3_mois=None,
):
    """Ajoute un relevé daté de la dette locative ; un relevé passé ne se modifie jamais.

    `loyer_paye_3_mois` : le loyer courant est-il payé depuis au moins 3 mois consécutifs à
    cette date (vrai, faux, ou None quand on ne sait pas) ; le rapport en tire la reprise du
    paiement.

    La fiche du ménage (`origine` « relevé »), le bilan et la clôture passent tous ici ;
    l'orientation saisie ou importée passe par les mêmes contrôles (`_relever`).
    Refus : `PermissionDenied` si la personne ne peut pas écrire la dette de ce ménage (la lire
    ne suffit pas) ; `ValidationError` pour un montant négatif ou plus grand que ce que la fiche
    garde, une date dans le futur ou d'avant 2000.
    """
    if not peut_saisir_dette(user, menage):
        raise PermissionDenied("Vous ne pouvez pas saisir la dette de ce ménage.")
    releve = _relever(
        user, menage, date_releve, montant, stade_procedure, origine, loyer_paye_3_mois
    )
    actualiser_situation([menage.pk])
    return releve


def _relever(user, menage, date_releve, montant, stade_procedure, origine, loyer_paye_3_mois=None):
    """Les contrôles d'un relevé et son écriture, une fois le droit vérifié par l'appelant."""
    _verifier_releve(date_releve, montant)
    return DetteLocative.objects.create(
        menage=menage,
        date=date_releve,
        montant=montant,
        stade_procedure=stade_procedure,
        origine=origine,
        loyer_paye_3_mois=loyer_paye_3_mois,
        saisie_par=user,
    )


def _verifier_releve(date_releve, montant):
    """Les contrôles d'un relevé de dette, avant toute écriture (le seul jeu de contrôles)."""
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
    bornes.verifier_date(date_debut, quoi="La date de début du plan")
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
