"""Écritures du socle : journal d'audit, adhésions et comptes."""

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from .enums import Role
from .models import HabilitationNationale, JournalAudit, Membre
from .permissions import MATRICE, Donnee, roles
from .reseau import adresse_client

# Le ménage est le modèle d'une couche au-dessus : on le reconnaît par son étiquette, sans
# l'importer, et on suit jusqu'à lui les champs qui portent ces noms.
MENAGE = "menages.Menage"
CHAMPS_VERS_LE_MENAGE = ("menage", "accompagnement")


def journaliser(
    user, action, *, dispositif=None, objet=None, detail="", request=None, adresse=None
):
    """Écrit une ligne du journal d'audit (jamais le contenu lu ou exporté).

    `objet` est un modèle dont on garde le type et l'identifiant public ; `detail` décrit
    l'opération (« export CSV de la file active, 42 lignes »), pas les données. Quand l'objet
    se rattache à un ménage (le ménage lui-même, une orientation, un accompagnement, une note…),
    la ligne garde aussi l'identifiant public de ce ménage : la coordination retrouve ainsi qui
    a lu quoi d'un ménage.

    L'adresse du client est lue dans `request` (`core.reseau.adresse_client`) ; sans requête
    (une tâche, une commande), l'appelant peut la donner dans `adresse`.
    """
    menages = _menages_rattaches([objet])
    ligne = _ligne(user, action, dispositif, objet, menages[0], detail, request, adresse)
    ligne.save()
    return ligne


def journaliser_en_lot(user, action, objets_par_dispositif, request=None, menages_connus=()):
    """Une ligne par couple (dispositif, objet), en une seule écriture.

    `menages_connus` : des ménages déjà chargés par l'appelant (la page d'un ménage, d'un
    accompagnement) ; un objet qui mène à l'un d'eux n'a pas à le relire.
    """
    couples = list(objets_par_dispositif)
    menages = _menages_rattaches([objet for _, objet in couples], menages_connus)
    return JournalAudit.objects.bulk_create(
        _ligne(user, action, dispositif, objet, menage, "", request)
        for (dispositif, objet), menage in zip(couples, menages, strict=True)
    )


def _ligne(user, action, dispositif, objet, menage_public_id, detail, request, adresse=None):
    dispositif_id = getattr(dispositif, "pk", dispositif)
    return JournalAudit(
        user=user if user is not None and user.is_authenticated else None,
        email=getattr(user, "email", "") or "",
        roles=",".join(sorted(roles(user, dispositif_id))) if dispositif_id and user else "",
        dispositif_id=dispositif_id,
        action=action,
        objet_type=objet._meta.label if objet is not None else "",
        objet_id=str(getattr(objet, "public_id", getattr(objet, "pk", ""))) if objet else "",
        menage_public_id=menage_public_id,
        detail=detail[:255],
        adresse_ip=_adresse_ip(request) if request is not None else adresse,
    )


def _menages_rattaches(objets, menages_connus=()):
    """L'identifiant public du ménage de chaque objet (ou None), dans l'ordre des objets.

    Ce qui est déjà chargé est lu sans requête ; le reste est lu en une requête par modèle
    (les accompagnements d'un lot de notes, par exemple).
    """
    connus = {menage.pk: menage.public_id for menage in menages_connus}
    reponses = [None] * len(objets)
    a_lire = {}  # modèle lié -> {clé: [rangs]}
    for rang, objet in enumerate(objets):
        connu, modele, cle = _vers_le_menage(objet)
        if connu is None and modele is not None and modele._meta.label == MENAGE:
            connu = connus.get(cle)
        if connu is not None:
            reponses[rang] = connu
        elif modele is not None:
            a_lire.setdefault(modele, {}).setdefault(cle, []).append(rang)
    for modele, rangs_par_cle in a_lire.items():
        champ = "public_id" if modele._meta.label == MENAGE else "menage__public_id"
        for cle, public_id in modele._default_manager.filter(pk__in=rangs_par_cle).values_list(
            "pk", champ
        ):
            for rang in rangs_par_cle[cle]:
                reponses[rang] = public_id
    return reponses


def _vers_le_menage(objet):
    """(identifiant public connu, ou None ; sinon le modèle lié et la clé à lire)."""
    while objet is not None:
        if objet._meta.label == MENAGE:
            return objet.public_id, None, None
        for nom in CHAMPS_VERS_LE_MENAGE:
            try:
                champ = objet._meta.get_field(nom)
            except FieldDoesNotExist:
                continue
            if not (champ.concrete and champ.is_relation):
                continue
            if champ.is_cached(objet):
                objet = getattr(objet, nom)
                break
            cle = getattr(objet, champ.attname)
            return None, (champ.related_model if cle is not None else None), cle
        else:
            return None, None, None
    return None, None, None


def _adresse_ip(request):
    """L'adresse réelle du client, derrière les proxys de confiance (`NOMBRE_DE_PROXYS`)."""
    return adresse_client(request)


# --- Adhésions et comptes ---------------------------------------------------------------------

# Les rôles qui lisent des ménages nominatifs (identité, logement, statut) : une adhésion à l'un
# d'eux attend la confirmation de la coordination quand l'administration technique la pose, et
# ses titulaires doivent avoir un second facteur (core.double_facteur).
# Les extraits pseudonymisés de l'évaluateur restent des données personnelles (RGPD) : son
# adhésion se confirme et son compte a un second facteur, comme celles qui lisent des noms.
ROLES_NOMINATIFS = frozenset(
    role
    for role, droits in MATRICE.items()
    if Donnee.IDENTITE in droits or Donnee.EXTRAIT_PSEUDONYMISE in droits
)

# Ce qui, changé sur une adhésion, ouvre un accès à d'autres ménages ou à une autre personne :
# la structure aussi, qui ouvre au prescripteur les orientations d'une autre structure.
CHAMPS_QUI_OUVRENT = frozenset({"user", "dispositif", "role", "organisation"})
CHAMPS_DE_CONFIRMATION = ("a_confirmer", "demandee_par_id", "confirmee_par_id", "confirmee_le")


def _est_administrateur(user):
    return user is not None and user.is_authenticated and (user.is_staff or user.is_superuser)


@transaction.atomic
def enregistrer_adhesion(acteur, membre, *, champs_modifies=None, request=None):
    """Crée (`champs_modifies` à None) ou modifie une adhésion, depuis l'administration technique.

    Refus (`ValidationError`) : une adhésion pour un compte d'administration technique (il ne
    tient aucun rôle de données). Une adhésion à un rôle qui lit des ménages, que ce geste ouvre
    (création, autre personne, autre dispositif, autre rôle, autre structure, réactivation), est
    enregistrée « à confirmer » : elle n'ouvre rien tant qu'un coordinateur actif du dispositif
    ou un second administrateur ne l'a pas confirmée (`confirmer_adhesion`). Écrit au journal.
    """
    creation = membre._state.adding or champs_modifies is None
    champs = set(champs_modifies or ())
    if _est_administrateur(membre.user):
        raise ValidationError(
            "Un compte d'administration technique ne tient aucun rôle dans un dispositif : "
            "créez un compte distinct pour cette personne."
        )
    if not creation:
        # L'état de confirmation est celui de la base, pas celui d'un formulaire ouvert avant
        # qu'un autre geste (un mot de passe changé) ne remette l'adhésion à confirmer.
        enregistree = Membre.objects.select_for_update().get(pk=membre.pk)
        for champ in CHAMPS_DE_CONFIRMATION:
            setattr(membre, champ, getattr(enregistree, champ))
    ouvre = creation or bool(champs & CHAMPS_QUI_OUVRENT) or ("actif" in champs and membre.actif)
    if membre.role in ROLES_NOMINATIFS and ouvre:
        membre.a_confirmer = True
        membre.demandee_par = acteur if acteur is not None and acteur.is_authenticated else None
        membre.confirmee_par = None
        membre.confirmee_le = None
    membre.save()
    details = [membre.user.email, membre.get_role_display()]
    if not creation:
        details.append("modifié : " + ", ".join(sorted(champs)))
    if membre.a_confirmer:
        details.append("à confirmer")
    journaliser(
        acteur,
        JournalAudit.Action.ADHESION_CREEE if creation else JournalAudit.Action.ADHESION_MODIFIEE,
        dispositif=membre.dispositif_id,
        objet=membre,
        detail=" · ".join(details),
        request=request,
    )
    return membre


@transaction.atomic
def supprimer_adhesion(acteur, membre, *, request=None):
    """Supprime une adhésion, et l'écrit au journal."""
    journaliser(
        acteur,
        JournalAudit.Action.ADHESION_SUPPRIMEE,
        dispositif=membre.dispositif_id,
        objet=membre,
        detail=f"{membre.user.email} · {membre.get_role_display()}",
        request=request,
    )
    membre.delete()


def peut_confirmer(acteur, membre):
    """Vrai si `acteur` peut confirmer cette adhésion : un coordinateur actif de son dispositif ou
    un administrateur, qui n'est ni la personne qui l'a demandée ni son titulaire."""
    if acteur.pk in (membre.demandee_par_id, membre.user_id):
        return False
    if _est_administrateur(acteur) and acteur.is_active:
        return True
    return Role.COORDINATEUR in roles(acteur, membre.dispositif_id)


def _marquer_confirmee(objet, acteur):
    """Une adhésion ou une habilitation en attente devient active : qui l'a confirmée et quand."""
    objet.a_confirmer = False
    objet.confirmee_par = acteur
    objet.confirmee_le = timezone.now()
    objet.save(update_fields=["a_confirmer", "confirmee_par", "confirmee_le"])


@transaction.atomic
def confirmer_adhesion(acteur, membre, *, request=None):
    """Confirme une adhésion en attente : elle ouvre alors les droits de son rôle.

    Refus : `PermissionDenied` à qui ne peut pas confirmer (`peut_confirmer`), en particulier à
    l'auteur de la demande ; `ValidationError` si l'adhésion n'attend rien ou désigne un compte
    d'administration technique.
    """
    membre = (
        Membre.objects.select_for_update().select_related("user", "dispositif").get(pk=membre.pk)
    )
    if not peut_confirmer(acteur, membre):
        raise PermissionDenied(
            "Cette adhésion se confirme par un coordinateur du dispositif ou un autre "
            "administrateur que celui qui l'a demandée."
        )
    if not membre.a_confirmer:
        raise ValidationError("Cette adhésion n'attend pas de confirmation.")
    if _est_administrateur(membre.user):
        raise ValidationError("Un compte d'administration technique ne tient aucun rôle.")
    _marquer_confirmee(membre, acteur)
    journaliser(
        acteur,
        JournalAudit.Action.ADHESION_CONFIRMEE,
        dispositif=membre.dispositif_id,
        objet=membre,
        detail=f"{membre.user.email} · {membre.get_role_display()}",
        request=request,
    )
    return membre


def remettre_a_confirmer(acteur, user, *, raison, request=None):
    """Remet « à confirmer » les adhésions de `user` qui lisent des ménages.

    Appelé quand l'administration technique touche à ce qui permet d'entrer dans le compte d'une
    autre personne (mot de passe, adresse, second facteur) : qui pourrait alors s'y connecter ne
    lit aucun ménage sans qu'un coordinateur (ou un second administrateur) le confirme.
    """
    adhesions = list(Membre.objects.filter(user=user, role__in=ROLES_NOMINATIFS, a_confirmer=False))
    for membre in adhesions:
        membre.a_confirmer = True
        membre.demandee_par = acteur
        membre.confirmee_par = None
        membre.confirmee_le = None
        membre.save(update_fields=["a_confirmer", "demandee_par", "confirmee_par", "confirmee_le"])
        journaliser(
            acteur,
            JournalAudit.Action.ADHESION_MODIFIEE,
            dispositif=membre.dispositif_id,
            objet=membre,
            detail=f"{user.email} · {membre.get_role_display()} · à confirmer ({raison})",
            request=request,
        )
    return adhesions


def journaliser_changements_du_compte(
    acteur, user, *, creation, changements, mot_de_passe, request=None
):
    """Écrit au journal ce qu'un enregistrement change d'un compte (core.signals).

    `changements` : {champ suivi: (avant, après)} ; `mot_de_passe` : vrai si le mot de passe a
    été changé. Quand l'administration technique change le mot de passe ou l'adresse d'une autre
    personne, ses adhésions qui lisent des ménages repassent « à confirmer ».
    """
    Action = JournalAudit.Action
    lignes = []
    if creation:
        if acteur is not None or user.is_staff or user.is_superuser:
            lignes.append((Action.COMPTE_CREE, _drapeaux(user)))
    else:
        droits = {c: v for c, v in changements.items() if c in ("is_staff", "is_superuser")}
        if droits:
            lignes.append((Action.DROITS_ADMINISTRATION, _changements(droits)))
        autres = {c: v for c, v in changements.items() if c in ("email", "is_active")}
        if autres:
            lignes.append((Action.COMPTE_MODIFIE, _changements(autres)))
        if mot_de_passe:
            lignes.append((Action.MOT_DE_PASSE_CHANGE, ""))
    for action, detail in lignes:
        journaliser(
            acteur,
            action,
            objet=user,
            detail=f"{user.email} · {detail}" if detail else user.email,
            request=request,
        )
    autre_personne = acteur is not None and acteur.pk != user.pk
    if (
        not creation
        and autre_personne
        and _est_administrateur(acteur)
        and (mot_de_passe or "email" in changements)
    ):
        remettre_a_confirmer(
            acteur,
            user,
            raison="mot de passe changé" if mot_de_passe else "adresse changée",
            request=request,
        )


LIBELLES_CHAMPS = {
    "email": "adresse",
    "is_active": "actif",
    "is_staff": "administrateur technique",
    "is_superuser": "superutilisateur",
}


def _changements(changements):
    return ", ".join(
        f"{LIBELLES_CHAMPS[c]} : {_valeur(avant)} → {_valeur(apres)}"
        for c, (avant, apres) in sorted(changements.items())
    )


def _drapeaux(user):
    return ", ".join(
        f"{LIBELLES_CHAMPS[c]} : {_valeur(getattr(user, c))}" for c in ("is_staff", "is_superuser")
    )


def _valeur(valeur):
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    return str(valeur)


# --- Habilitations nationales (financeur) -------------------------------------------------------


@transaction.atomic
def enregistrer_habilitation_nationale(acteur, habilitation, *, champs_modifies=None, request=None):
    """Crée ou modifie une habilitation nationale, depuis l'administration technique.

    Refus (`ValidationError`) : une habilitation pour un compte d'administration technique.
    Une création, un changement de personne ou une réactivation la remet « à confirmer » : elle
    n'ouvre rien tant qu'un second administrateur ne l'a pas confirmée. Écrit au journal.
    """
    creation = habilitation._state.adding or champs_modifies is None
    champs = set(champs_modifies or ())
    if _est_administrateur(habilitation.user):
        raise ValidationError(
            "Un compte d'administration technique ne tient aucune habilitation : créez un "
            "compte distinct pour cette personne."
        )
    if not creation:
        enregistree = HabilitationNationale.objects.select_for_update().get(pk=habilitation.pk)
        for champ in CHAMPS_DE_CONFIRMATION:
            setattr(habilitation, champ, getattr(enregistree, champ))
    if creation or "user" in champs or ("actif" in champs and habilitation.actif):
        habilitation.a_confirmer = True
        habilitation.demandee_par = (
            acteur if acteur is not None and acteur.is_authenticated else None
        )
        habilitation.confirmee_par = None
        habilitation.confirmee_le = None
    habilitation.save()
    details = [habilitation.user.email]
    if not creation:
        details.append("modifié : " + ", ".join(sorted(champs)))
    if habilitation.a_confirmer:
        details.append("à confirmer")
    journaliser(
        acteur,
        JournalAudit.Action.HABILITATION_CREEE
        if creation
        else JournalAudit.Action.HABILITATION_MODIFIEE,
        objet=habilitation,
        detail=" · ".join(details),
        request=request,
    )
    return habilitation


def peut_confirmer_habilitation(acteur, habilitation):
    """Un administrateur actif, qui n'est ni celui qui l'a demandée ni son titulaire."""
    if acteur.pk in (habilitation.demandee_par_id, habilitation.user_id):
        return False
    return _est_administrateur(acteur) and acteur.is_active


@transaction.atomic
def confirmer_habilitation_nationale(acteur, habilitation, *, request=None):
    """Confirme une habilitation en attente : la vue nationale s'ouvre alors.

    Refus : `PermissionDenied` à qui n'est pas un second administrateur ; `ValidationError` si
    elle n'attend rien ou désigne un compte d'administration technique.
    """
    habilitation = (
        HabilitationNationale.objects.select_for_update()
        .select_related("user")
        .get(pk=habilitation.pk)
    )
    if not peut_confirmer_habilitation(acteur, habilitation):
        raise PermissionDenied(
            "Une habilitation nationale se confirme par un autre administrateur que celui qui "
            "l'a demandée."
        )
    if not habilitation.a_confirmer:
        raise ValidationError("Cette habilitation n'attend pas de confirmation.")
    if _est_administrateur(habilitation.user):
        raise ValidationError("Un compte d'administration technique ne tient aucune habilitation.")
    _marquer_confirmee(habilitation, acteur)
    journaliser(
        acteur,
        JournalAudit.Action.HABILITATION_CONFIRMEE,
        objet=habilitation,
        detail=habilitation.user.email,
        request=request,
    )
    return habilitation


@transaction.atomic
def supprimer_habilitation_nationale(acteur, habilitation, *, request=None):
    journaliser(
        acteur,
        JournalAudit.Action.HABILITATION_SUPPRIMEE,
        objet=habilitation,
        detail=habilitation.user.email,
        request=request,
    )
    habilitation.delete()


@transaction.atomic
def marquer_decisions_vues(user):
    """Note que la personne (prescripteur) vient de lire les décisions prises sur les
    orientations de sa structure ; rend, par dispositif, le moment de sa lecture précédente
    (None : jamais), pour signaler « nouveau » ce qui est arrivé depuis."""
    adhesions = Membre.objects.actifs().filter(user=user, role=Role.PRESCRIPTEUR)
    precedentes = dict(adhesions.values_list("dispositif_id", "decisions_vues_le"))
    if precedentes:
        adhesions.update(decisions_vues_le=timezone.now())
    return precedentes
