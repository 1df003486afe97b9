"""Les gestes de la coordination sur les personnes de son dispositif : inviter, accepter une
invitation, changer une adhésion, la terminer (départ), réaffecter ce que la personne suivait.

Chaque geste est une fonction, une transaction, l'acteur en argument, sa ligne au journal
d'audit dans la même transaction (qui, quoi, avec quel rôle, d'où). Les droits se lisent dans
`core.permissions` (`Action.GERER_MEMBRES`) ; les refus sont des `PermissionDenied` (geste hors de
ses droits) ou des `ValidationError` (geste impossible, dit en français).

Règles :
- tous les rôles du dispositif sont attribuables (`roles_attribuables`, qui suit `Role`), jamais
  hors du dispositif que l'on coordonne, jamais à un compte d'administration technique ;
- le rôle de coordinateur (`ROLES_A_CONFIRMER`) n'ouvre rien tant qu'un second coordinateur ou
  l'administration technique ne l'a pas confirmé (`core.services.confirmer_adhesion`) ;
- on ne change ni ne termine sa propre adhésion ;
- un départ date la fin de l'adhésion : à partir de ce jour, elle n'ouvre plus rien
  (`Membre.objects.actifs`), la personne sort des équipes des accompagnements ouverts (lignes
  datées, l'historique reste) et, s'il ne lui reste aucune adhésion, son compte est désactivé
  et ses sessions fermées (`fermer_les_acces`).
"""

import secrets
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accompagnement import services as accompagnement_services
from accompagnement.models import Accompagnement
from core import bornes, limitation, permissions
from core.enums import Role
from core.models import JournalAudit, Membre
from core.permissions import Action
from core.services import journaliser
from menages.enums import STATUTS_EN_COURS_D_EXAMEN, StatutOrientation
from menages.models import Orientation

from .models import Invitation, empreinte

User = get_user_model()
Journal = JournalAudit.Action

# Le rôle qui gouverne les autres : attribué par un coordinateur, il attend la confirmation d'un
# second coordinateur du dispositif ou de l'administration technique.
ROLES_A_CONFIRMER = frozenset({Role.COORDINATEUR})

# Les rôles d'une équipe d'accompagnement : un départ en sort la personne, sauf s'il lui reste
# l'un d'eux dans le dispositif.
ROLES_EQUIPE = frozenset(accompagnement_services.ROLES_EQUIPE)


def roles_attribuables():
    """Tous les rôles d'un dispositif, dans l'ordre de leur déclaration (aucune liste figée)."""
    return list(Role)


def peut_gerer(acteur, dispositif):
    return permissions.peut(acteur, Action.GERER_MEMBRES, dispositif)


def _exiger_gestion(acteur, dispositif):
    if not peut_gerer(acteur, dispositif):
        raise PermissionDenied("Seule la coordination du dispositif gère ses membres.")


def _exiger_autre_personne(acteur, membre):
    if membre.user_id == acteur.pk:
        raise ValidationError(
            "Vous ne pouvez pas changer ni terminer votre propre adhésion : demandez-le à un "
            "autre coordinateur du dispositif."
        )


def _verifier_cible(dispositif, role, territoire):
    if role not in Role.values:
        raise ValidationError("Ce rôle n'existe pas.")
    if territoire is not None and territoire.dispositif_id != dispositif.pk:
        raise ValidationError("Ce territoire n'appartient pas au dispositif.")


def duree_invitation():
    return timedelta(days=settings.INVITATION_DUREE_JOURS)


def courriel_configure():
    """Faux quand les courriels ne partent pas vraiment (développement, sortie console) : le lien
    d'invitation est alors montré une fois à la coordination, pour qu'elle le transmette."""
    if settings.DEBUG:
        return False
    return not settings.EMAIL_BACKEND.endswith(
        ("console.EmailBackend", "dummy.EmailBackend", "filebased.EmailBackend")
    )


def lien_d_invitation(jeton):
    return settings.SITE_URL + reverse("equipes:accepter", args=[jeton])


def _nouveau_jeton():
    # 256 bits tirés au hasard ; seule l'empreinte est gardée (equipes.models.empreinte).
    return secrets.token_urlsafe(32)


def _envoyer(invitation, lien):
    contexte = {"invitation": invitation, "lien": lien, "duree": settings.INVITATION_DUREE_JOURS}
    send_mail(
        subject=f"Invitation : {invitation.dispositif.nom}",
        message=render_to_string("equipes/courriel_invitation.txt", contexte),
        from_email=None,
        recipient_list=[invitation.email],
        fail_silently=False,
    )


@transaction.atomic
def inviter(
    acteur,
    dispositif,
    *,
    email,
    role,
    profession,
    organisation=None,
    territoire=None,
    prenom="",
    nom="",
    request=None,
    envoyer=True,
):
    """Invite une personne dans le dispositif avec un rôle ; rend `(invitation, lien)`.

    Le lien (à usage unique, valable `INVITATION_DUREE_JOURS` jours) part par courriel ; le jeton
    n'est gardé qu'en empreinte. Refus : hors coordination du dispositif (`PermissionDenied`) ;
    adresse d'un compte d'administration technique, personne qui tient déjà ce rôle, invitation
    identique déjà en attente, territoire d'un autre dispositif (`ValidationError`).
    `envoyer=False` : aucun courriel (la démonstration, qui n'écrit à personne).
    """
    _exiger_gestion(acteur, dispositif)
    _verifier_cible(dispositif, role, territoire)
    email = User.objects.normalize_email(email).strip().lower()
    existant = User.objects.filter(email__iexact=email).first()
    if existant is not None and (existant.is_staff or existant.is_superuser):
        raise ValidationError(
            "Cette adresse est celle d'un compte d'administration technique, qui ne tient aucun "
            "rôle dans un dispositif : invitez une autre adresse pour cette personne."
        )
    if (
        existant is not None
        and Membre.objects.en_cours()
        .filter(user=existant, dispositif=dispositif, role=role)
        .exists()
    ):
        raise ValidationError("Cette personne tient déjà ce rôle dans le dispositif.")
    if (
        Invitation.objects.en_attente()
        .filter(dispositif=dispositif, email__iexact=email, role=role)
        .exists()
    ):
        raise ValidationError(
            "Une invitation à ce rôle attend déjà cette personne : renvoyez-la plutôt."
        )
    jeton = _nouveau_jeton()
    maintenant = timezone.now()
    invitation = Invitation.objects.create(
        dispositif=dispositif,
        email=email,
        prenom=prenom.strip(),
        nom=nom.strip(),
        role=role,
        profession=profession,
        organisation=organisation,
        territoire=territoire,
        jeton_empreinte=empreinte(jeton),
        cree_par=acteur,
        cree_le=maintenant,
        envoyee_le=maintenant,
        expire_le=maintenant + duree_invitation(),
    )
    journaliser(
        acteur,
        Journal.INVITATION_ENVOYEE,
        dispositif=dispositif,
        objet=invitation,
        detail=_resume(invitation),
        request=request,
    )
    lien = lien_d_invitation(jeton)
    if envoyer:
        _envoyer(invitation, lien)
    return invitation, lien


def _resume(invitation):
    morceaux = [
        invitation.email,
        invitation.get_role_display(),
        invitation.get_profession_display(),
    ]
    if invitation.organisation_id:
        morceaux.append(invitation.organisation.nom)
    if invitation.territoire_id:
        morceaux.append(invitation.territoire.nom)
    return " · ".join(morceaux)


def _invitation_du_dispositif(invitation):
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("dispositif", "organisation", "territoire")
        .get(pk=invitation.pk)
    )


@transaction.atomic
def renvoyer(acteur, invitation, *, request=None):
    """Renvoie une invitation ni acceptée ni révoquée (même expirée) : un nouveau lien, une
    nouvelle échéance ; l'ancien lien ne vaut plus rien. Rend le nouveau lien."""
    invitation = _invitation_du_dispositif(invitation)
    _exiger_gestion(acteur, invitation.dispositif)
    if invitation.acceptee_le or invitation.revoquee_le:
        raise ValidationError("Cette invitation est déjà acceptée ou révoquée.")
    jeton = _nouveau_jeton()
    maintenant = timezone.now()
    invitation.jeton_empreinte = empreinte(jeton)
    invitation.envoyee_le = maintenant
    invitation.expire_le = maintenant + duree_invitation()
    invitation.envois += 1
    invitation.save(update_fields=["jeton_empreinte", "envoyee_le", "expire_le", "envois"])
    journaliser(
        acteur,
        Journal.INVITATION_RENVOYEE,
        dispositif=invitation.dispositif,
        objet=invitation,
        detail=f"{_resume(invitation)} · envoi n° {invitation.envois}",
        request=request,
    )
    lien = lien_d_invitation(jeton)
    _envoyer(invitation, lien)
    return invitation, lien


@transaction.atomic
def revoquer(acteur, invitation, *, request=None):
    """Révoque une invitation qui n'est pas encore acceptée : son lien ne vaut plus rien."""
    invitation = _invitation_du_dispositif(invitation)
    _exiger_gestion(acteur, invitation.dispositif)
    if invitation.acceptee_le or invitation.revoquee_le:
        raise ValidationError("Cette invitation est déjà acceptée ou révoquée.")
    invitation.revoquee_le = timezone.now()
    invitation.revoquee_par = acteur
    invitation.save(update_fields=["revoquee_le", "revoquee_par"])
    journaliser(
        acteur,
        Journal.INVITATION_REVOQUEE,
        dispositif=invitation.dispositif,
        objet=invitation,
        detail=_resume(invitation),
        request=request,
    )
    return invitation


def invitation_par_jeton(jeton):
    """L'invitation en attente de ce jeton, ou None (inconnu, expiré, utilisé, révoqué)."""
    if not jeton or len(jeton) > 100:
        return None
    return (
        Invitation.objects.en_attente()
        .select_related("dispositif", "organisation", "territoire", "cree_par")
        .filter(jeton_empreinte=empreinte(jeton))
        .first()
    )


def compte_existant(invitation):
    return User.objects.filter(email__iexact=invitation.email).first()


LIEN_INVALIDE = (
    "Ce lien d'invitation n'est plus valable : il a expiré, a déjà servi ou a été révoqué. "
    "Demandez à la coordination de vous renvoyer une invitation."
)


def accepter(jeton, *, mot_de_passe="", prenom="", nom="", mot_de_passe_actuel="", request=None):
    """Accepte l'invitation de ce jeton et rend le compte, prêt à être connecté.

    Nouvelle personne : le compte est créé avec le mot de passe choisi (que le formulaire a
    passé aux règles `AUTH_PASSWORD_VALIDATORS`). Personne qui a déjà un compte (membre d'un autre
    dispositif, ancien membre) : aucun nouveau compte ; elle prouve qu'elle en est titulaire par
    son mot de passe actuel (le lien seul, qui a pu être transmis par la coordination, ne suffit
    pas à entrer dans un compte existant), et l'adhésion s'y ajoute. Le lien ne sert qu'une fois.

    Refus (`ValidationError`) : lien inconnu, expiré, déjà utilisé ou révoqué ; mot de passe
    actuel faux ; compte d'administration technique.
    """
    invitation = invitation_par_jeton(jeton)
    if invitation is None:
        raise ValidationError(LIEN_INVALIDE)
    existant = compte_existant(invitation)
    if existant is not None and not (existant.is_staff or existant.is_superuser):
        # Hors de la transaction : un échec reste écrit au journal et compté par la limitation.
        _verifier_mot_de_passe_actuel(existant, mot_de_passe_actuel, request)
    return _accepter(
        jeton,
        mot_de_passe=mot_de_passe,
        prenom=prenom,
        nom=nom,
        verifie=existant.pk if existant is not None else None,
        request=request,
    )


@transaction.atomic
def _accepter(jeton, *, mot_de_passe, prenom, nom, verifie, request):
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("dispositif", "cree_par")
        .filter(jeton_empreinte=empreinte(jeton))
        .first()
    )
    if invitation is None or not invitation.en_attente:
        raise ValidationError(LIEN_INVALIDE)
    user = compte_existant(invitation)
    if (user.pk if user is not None else None) != verifie:
        # Un compte est apparu (ou a disparu) pendant la saisie : rien sans nouvelle vérification.
        raise ValidationError("Votre compte a changé pendant la saisie : rechargez la page.")
    if user is not None:
        if user.is_staff or user.is_superuser:
            raise ValidationError(
                "Un compte d'administration technique ne tient aucun rôle dans un dispositif."
            )
        if not user.is_active:
            # Un ancien membre invité de nouveau : son compte reprend vie avec cette adhésion.
            user.is_active = True
            user.save(update_fields=["is_active"])
    else:
        if not mot_de_passe:
            raise ValidationError("Choisissez un mot de passe.")
        user = User.objects.create_user(
            email=invitation.email,
            password=mot_de_passe,
            first_name=(prenom or invitation.prenom).strip(),
            last_name=(nom or invitation.nom).strip(),
        )
    a_confirmer = invitation.role in ROLES_A_CONFIRMER
    membre = Membre.objects.create(
        user=user,
        dispositif=invitation.dispositif,
        organisation_id=invitation.organisation_id,
        profession=invitation.profession,
        role=invitation.role,
        territoire_id=invitation.territoire_id,
        a_confirmer=a_confirmer,
        demandee_par=invitation.cree_par if a_confirmer else None,
        confirmee_par=None if a_confirmer else invitation.cree_par,
        confirmee_le=None if a_confirmer else timezone.now(),
    )
    invitation.acceptee_le = timezone.now()
    invitation.adhesion = membre
    invitation.save(update_fields=["acceptee_le", "adhesion"])
    invitee_par = invitation.cree_par.email if invitation.cree_par else "?"
    journaliser(
        user,
        Journal.INVITATION_ACCEPTEE,
        dispositif=invitation.dispositif,
        objet=invitation,
        detail=f"{user.email} · {membre.get_role_display()} · invitée par {invitee_par}",
        request=request,
    )
    journaliser(
        user,
        Journal.ADHESION_CREEE,
        dispositif=invitation.dispositif,
        objet=membre,
        detail=" · ".join(
            [
                user.email,
                membre.get_role_display(),
                f"sur invitation de {invitee_par}",
                *(["à confirmer"] if a_confirmer else []),
            ]
        ),
        request=request,
    )
    return user, membre


def _verifier_mot_de_passe_actuel(user, mot_de_passe, request):
    """Le mot de passe actuel, vérifié avec les mêmes limites que la connexion : le formulaire de
    l'invitation ne doit pas devenir un moyen d'essayer des mots de passe sans frein."""
    if request is not None:
        refus = limitation.refus(request, user.email)
        if refus is not None:
            raise ValidationError(refus.message)
    if not user.check_password(mot_de_passe):
        # Un échec de connexion comme un autre : journal, délais croissants, django-axes.
        user_login_failed.send(
            sender=__name__, credentials={"username": user.email}, request=request
        )
        raise ValidationError("Mot de passe actuel incorrect.")
    limitation.enregistrer_succes(user.email)


# --- Changer, terminer ----------------------------------------------------------------------

LIBELLES = {
    "role": "rôle",
    "profession": "profession",
    "organisation": "structure",
    "territoire": "territoire",
}


def _affiche(membre, champ):
    valeur = getattr(membre, champ)
    if champ in ("role", "profession"):
        return getattr(membre, f"get_{champ}_display")()
    return str(valeur) if valeur is not None else "—"


def _membre_verrouille(membre):
    return (
        Membre.objects.select_for_update(of=("self",))
        .select_related("user", "dispositif", "organisation", "territoire")
        .get(pk=membre.pk)
    )


@transaction.atomic
def modifier_adhesion(
    acteur, membre, *, role, profession, organisation=None, territoire=None, request=None
):
    """Change le rôle, la profession, la structure ou le territoire d'une adhésion en cours.

    Devenir coordinateur attend la confirmation d'un second coordinateur ou de l'administration
    technique. Refus : hors coordination (`PermissionDenied`) ; sa propre adhésion, adhésion
    terminée, rôle déjà tenu, territoire d'un autre dispositif (`ValidationError`).
    """
    membre = _membre_verrouille(membre)
    _exiger_gestion(acteur, membre.dispositif)
    _exiger_autre_personne(acteur, membre)
    if membre.date_fin is not None and membre.date_fin <= timezone.localdate():
        raise ValidationError("Cette adhésion est terminée : invitez de nouveau la personne.")
    _verifier_cible(membre.dispositif, role, territoire)
    avant = {champ: _affiche(membre, champ) for champ in LIBELLES}
    ancien_role = membre.role
    if role != ancien_role:
        if (
            Membre.objects.en_cours()
            .filter(user=membre.user, dispositif=membre.dispositif, role=role)
            .exclude(pk=membre.pk)
            .exists()
        ):
            raise ValidationError("Cette personne tient déjà ce rôle dans le dispositif.")
        if role in ROLES_A_CONFIRMER:
            membre.a_confirmer = True
            membre.demandee_par = acteur
            membre.confirmee_par = None
            membre.confirmee_le = None
    membre.role = role
    membre.profession = profession
    membre.organisation = organisation
    membre.territoire = territoire
    apres = {champ: _affiche(membre, champ) for champ in LIBELLES}
    changes = [
        f"{LIBELLES[champ]} : {avant[champ]} → {apres[champ]}"
        for champ in LIBELLES
        if avant[champ] != apres[champ]
    ]
    if not changes:
        return membre
    membre.save()
    if role != ancien_role and Role(role) not in ROLES_EQUIPE:
        _sortir_des_equipes_si_plus_de_role(acteur, membre.user, membre.dispositif)
    journaliser(
        acteur,
        Journal.ADHESION_MODIFIEE,
        dispositif=membre.dispositif,
        objet=membre,
        detail=" · ".join(
            [membre.user.email, *changes, *(["à confirmer"] if membre.a_confirmer else [])]
        ),
        request=request,
    )
    return membre


def _sortir_des_equipes_si_plus_de_role(acteur, user, dispositif, date_fin=None):
    """Sort la personne des équipes ouvertes du dispositif s'il ne lui reste aucun rôle d'équipe
    en cours (au-delà de `date_fin`). Rend le nombre d'équipes quittées."""
    date_fin = date_fin or timezone.localdate()
    reste = (
        Membre.objects.filter(user=user, dispositif=dispositif, role__in=ROLES_EQUIPE, actif=True)
        .filter(Q(date_fin__isnull=True) | Q(date_fin__gt=date_fin))
        .exists()
    )
    if reste:
        return 0
    return accompagnement_services.retirer_des_equipes(acteur, user, dispositif, date_fin=date_fin)


@transaction.atomic
def terminer_adhesion(acteur, membre, *, date_fin=None, request=None):
    """Termine une adhésion à une date (le départ) ; rend `(membre, équipes quittées)`.

    À partir de `date_fin` (aujourd'hui par défaut), l'adhésion n'ouvre plus rien ; la personne
    sort, à cette date, des équipes des accompagnements ouverts du dispositif si elle n'y garde
    aucun rôle d'équipe. Si le départ a déjà eu lieu et qu'il ne lui reste aucune adhésion, son
    compte est désactivé et ses sessions fermées tout de suite ; un départ daté plus tard est
    appliqué ce jour-là (`appliquer_les_departs`, tâche quotidienne), mais l'adhésion cesse
    d'ouvrir quoi que ce soit dès ce jour, même sans la tâche.

    Refus : hors coordination (`PermissionDenied`) ; sa propre adhésion, adhésion déjà terminée,
    date avant le début de l'adhésion ou à plus d'un an (`ValidationError`).
    """
    membre = _membre_verrouille(membre)
    _exiger_gestion(acteur, membre.dispositif)
    _exiger_autre_personne(acteur, membre)
    aujourd_hui = timezone.localdate()
    date_fin = date_fin or aujourd_hui
    bornes.verifier_date(date_fin, quoi="La date de départ")
    if membre.date_fin is not None and membre.date_fin <= aujourd_hui:
        raise ValidationError("Cette adhésion est déjà terminée.")
    if date_fin < membre.date_debut:
        raise ValidationError(
            f"La date de départ ne peut pas précéder le début de l'adhésion "
            f"({membre.date_debut:%d/%m/%Y})."
        )
    membre.date_fin = date_fin
    membre.terminee_par = acteur
    membre.save(update_fields=["date_fin", "terminee_par"])
    quittees = _sortir_des_equipes_si_plus_de_role(
        acteur, membre.user, membre.dispositif, date_fin=date_fin
    )
    journaliser(
        acteur,
        Journal.ADHESION_TERMINEE,
        dispositif=membre.dispositif,
        objet=membre,
        detail=(
            f"{membre.user.email} · {membre.get_role_display()} · départ le "
            f"{date_fin:%d/%m/%Y} · {quittees} équipe(s) quittée(s)"
        ),
        request=request,
    )
    if date_fin <= aujourd_hui:
        fermer_les_acces(acteur, membre.user, request=request)
    return membre, quittees


def a_encore_une_adhesion(user):
    """Vrai s'il reste à la personne une adhésion en cours (même à confirmer) quelque part."""
    return Membre.objects.en_cours().filter(user=user, actif=True).exists()


def fermer_les_acces(acteur, user, *, request=None):
    """Si la personne n'a plus aucune adhésion en cours : son compte est désactivé (la connexion
    est refusée, et Django ne reconnaît plus ses sessions) et ses sessions sont supprimées.
    Rend le nombre de sessions fermées, ou None si la personne garde une adhésion."""
    if user.is_staff or user.is_superuser or a_encore_une_adhesion(user):
        return None
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    fermees = fermer_les_sessions(user)
    journaliser(
        acteur,
        Journal.SESSIONS_FERMEES,
        objet=user,
        detail=f"{user.email} · plus aucune adhésion · compte désactivé · {fermees} session(s)",
        request=request,
    )
    return fermees


def fermer_les_sessions(user):
    """Supprime les sessions ouvertes de la personne (en base, et dans le cache qui les double).

    Avec un moteur de sessions en cache seul, on ne peut pas les énumérer : le compte désactivé
    suffit alors, Django refusant à la requête suivante toute session d'un compte inactif.
    """
    moteur = import_module(settings.SESSION_ENGINE)
    magasin = moteur.SessionStore
    if not hasattr(magasin, "get_model_class"):
        return 0
    modele = magasin.get_model_class()
    cible = str(user.pk)
    fermees = 0
    for cle, donnees in (
        modele.objects.filter(expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
        .iterator()
    ):
        if str(magasin().decode(donnees).get("_auth_user_id")) == cible:
            magasin(session_key=cle).delete()
            fermees += 1
    return fermees


def appliquer_les_departs():
    """Ferme les accès des personnes dont le dernier départ est arrivé (tâche quotidienne).

    Rend le nombre de comptes désactivés."""
    aujourd_hui = timezone.localdate()
    partis = User.objects.filter(
        is_active=True,
        is_staff=False,
        is_superuser=False,
        adhesions__date_fin__lte=aujourd_hui,
    ).distinct()
    fermes = 0
    for user in partis:
        with transaction.atomic():
            if fermer_les_acces(None, user) is not None:
                fermes += 1
    return fermes


def invitations_closes(maintenant=None):
    """Les invitations jamais acceptées, expirées ou révoquées depuis plus de
    `CONSERVATION_INVITATIONS_JOURS` jours : plus rien ne s'en fait (un lien expiré ne s'ouvre
    pas ; on réinvite la personne), et elles gardent le nom et l'adresse d'une personne qui n'a
    pas rejoint le dispositif."""
    limite = (maintenant or timezone.now()) - timedelta(
        days=settings.CONSERVATION_INVITATIONS_JOURS
    )
    return Invitation.objects.filter(acceptee_le__isnull=True).filter(
        Q(revoquee_le__lt=limite) | Q(revoquee_le__isnull=True, expire_le__lt=limite)
    )


@transaction.atomic
def effacer_les_invitations_closes(maintenant=None):
    """Efface les invitations closes (`invitations_closes`) ; tâche quotidienne.

    Une ligne au journal d'accès par dispositif (combien, jamais qui : l'envoi, les renvois et
    la révocation de chacune y sont déjà). Rend le nombre d'invitations effacées."""
    closes = invitations_closes(maintenant)
    par_dispositif = list(
        closes.values_list("dispositif").annotate(nombre=Count("pk")).order_by("dispositif")
    )
    if not par_dispositif:
        return 0
    closes.delete()
    for dispositif_id, nombre in par_dispositif:
        s = "s" if nombre > 1 else ""
        journaliser(
            None,
            Journal.INVITATIONS_EFFACEES,
            dispositif=dispositif_id,
            detail=f"{nombre} invitation{s} expirée{s} ou révoquée{s} depuis plus de "
            f"{settings.CONSERVATION_INVITATIONS_JOURS} jours",
        )
    return sum(nombre for _, nombre in par_dispositif)


# --- Réaffecter ---------------------------------------------------------------------------------


@transaction.atomic
def reaffecter(acteur, dispositif, *, referents=(), orientations=(), request=None):
    """Confie à d'autres personnes ce qu'une personne partie (ou sur le départ) suivait.

    `referents` : des couples (accompagnement ouvert, nouveau ou nouvelle référent·e, qui doit
    tenir un rôle d'équipe actif) ; `orientations` : des couples (orientation, personne qui la
    suivra, qui doit pouvoir orienter dans le dispositif). Tout ou rien : un refus annule le lot.
    Chaque changement est écrit au journal. Rend le nombre de changements.
    """
    _exiger_gestion(acteur, dispositif)
    faits = 0
    for accompagnement, nouveau in referents:
        if accompagnement.dispositif_id != dispositif.pk:
            raise PermissionDenied
        ancien = accompagnement.referent
        accompagnement_services.changer_referent(acteur, accompagnement, nouveau)
        journaliser(
            acteur,
            Journal.REAFFECTATION,
            dispositif=dispositif,
            objet=accompagnement,
            detail=f"référent·e : {ancien.email} → {nouveau.email}",
            request=request,
        )
        faits += 1
    peuvent_orienter = permissions.ACTIONS[Action.ORIENTER]
    for orientation, nouveau in orientations:
        if orientation.menage.dispositif_id != dispositif.pk:
            raise PermissionDenied
        if not (
            Membre.objects.actifs()
            .filter(user=nouveau, dispositif=dispositif, role__in=peuvent_orienter)
            .exists()
        ):
            raise ValidationError(f"{nouveau} ne peut pas suivre d'orientation dans ce dispositif.")
        ancien = orientation.orientee_par
        orientation.orientee_par = nouveau
        orientation.save(update_fields=["orientee_par"])
        journaliser(
            acteur,
            Journal.REAFFECTATION,
            dispositif=dispositif,
            objet=orientation,
            detail=f"orientation suivie : {getattr(ancien, 'email', '—')} → {nouveau.email}",
            request=request,
        )
        faits += 1
    return faits


STATUTS_SUIVIS = (*STATUTS_EN_COURS_D_EXAMEN, StatutOrientation.A_RATTACHER)


def orientations_suivies(dispositif, personnes):
    """Les orientations que ces personnes suivent encore : en cours d'examen, ou dont le ménage
    est accompagné."""
    return (
        Orientation.objects.filter(menage__dispositif=dispositif, orientee_par__in=personnes)
        .filter(
            Q(statut__in=STATUTS_SUIVIS)
            | Q(menage__accompagnements__in=Accompagnement.objects.ouverts())
        )
        .distinct()
    )
