"""Double authentification : un code à 6 chiffres (TOTP) d'une application, et des codes de secours.

La bibliothèque django-otp tient les appareils (`TOTPDevice`, `StaticDevice` pour les codes de
secours), vérifie les codes (un code déjà utilisé est refusé, chaque échec fait attendre plus
longtemps) et marque la session vérifiée. Ce module dit qui doit avoir un second facteur, à quelle
étape de la connexion en est une session, et écrit ce qui change (activation, codes de secours,
réinitialisation), avec son entrée au journal d'audit dans la même transaction.

Qui doit avoir un second facteur (`facteur_exige`) : quand le réglage `OTP_OBLIGATOIRE` est vrai
(par défaut hors mode développement), tout compte d'administration technique et tout compte qui
tient un rôle lisant des ménages nominatifs (un rôle qui voit `Donnee.IDENTITE`). Une personne qui
a activé un second facteur le saisit à chaque connexion, même quand il ne lui est pas exigé.
"""

import re
from base64 import b32encode

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.safestring import mark_safe
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import permissions
from .enums import Role
from .models import JournalAudit, Membre
from .services import ROLES_NOMINATIFS, journaliser, remettre_a_confirmer

NOMBRE_CODES_DE_SECOURS = 10
NOM_APPLICATION = "Application d'authentification"
NOM_CODES_DE_SECOURS = "Codes de secours"

# L'étape de connexion qui reste à franchir, gardée dans la session dès le mot de passe accepté
# (core.signals) : une personne qui a un second facteur le saisit, même s'il ne lui est pas exigé.
CLE_SESSION = "double_facteur_a_verifier"
VERIFIER = "double_facteur_verifier"  # noms des pages de l'étape
ACTIVER = "double_facteur_activer"


def facteur_exige(user):
    """Vrai si ce compte ne peut rien ouvrir sans second facteur vérifié.

    Sans requête de plus que celles des droits, qui restent en cache sur l'objet.
    """
    if not settings.OTP_OBLIGATOIRE or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(
        roles & ROLES_NOMINATIFS for roles in permissions.roles_par_dispositif(user).values()
    )


def a_un_facteur(user):
    """Vrai si la personne a activé (confirmé) une application d'authentification."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def noter_la_connexion(request, user):
    """Au mot de passe accepté : retient s'il reste un code à saisir."""
    if user_has_device(user, confirmed=True):
        request.session[CLE_SESSION] = True


def etape_requise(request):
    """La page de double authentification où conduire cette session, ou None si elle est libre.

    `VERIFIER` : la personne a un second facteur et ne l'a pas encore saisi. `ACTIVER` : il lui
    est exigé et elle n'en a pas encore.
    """
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return None
    exige = facteur_exige(user)
    if not exige and not request.session.get(CLE_SESSION):
        return None
    if user_has_device(user, confirmed=True):
        return VERIFIER
    request.session.pop(CLE_SESSION, None)
    return ACTIVER if exige else None


# --- Activation --------------------------------------------------------------------------------


def appareil_a_activer(user):
    """L'application en cours d'activation de la personne (créée au premier affichage).

    Sa clé ne change pas d'un affichage à l'autre : la personne peut recharger la page après
    avoir scanné le QR code.
    """
    appareil = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if appareil is None:
        appareil = TOTPDevice.objects.create(user=user, name=NOM_APPLICATION, confirmed=False)
    return appareil


def cle_en_clair(appareil):
    """La clé à saisir à la main dans l'application, en groupes de 4 caractères."""
    cle = b32encode(appareil.bin_key).decode().rstrip("=")
    return " ".join(cle[i : i + 4] for i in range(0, len(cle), 4))


def qr_code_svg(appareil):
    """Le QR code de la clé, dessiné ici en SVG (aucun service extérieur)."""
    svg = segno.make(appareil.config_url, error="m").svg_inline(scale=5, border=4, light="#fff")
    # Sûr tel quel : segno n'écrit que la géométrie du code (<svg>, <path d="…">) ; ni l'adresse
    # de la personne ni la clé n'y figurent en texte, rien de saisi n'atteint ce balisage.
    return mark_safe(svg)


@transaction.atomic
def activer_facteur(user, appareil, code, *, request=None):
    """Confirme l'application par un code juste et rend les codes de secours, en clair.

    Refus : un code faux (`ValidationError`), l'application d'une autre personne, ou une personne
    qui a déjà un second facteur actif (`PermissionDenied` : il se remplace par une
    réinitialisation). Les codes de secours rendus ne sont montrés qu'une fois.
    """
    if appareil.user_id != user.pk or appareil.confirmed:
        raise PermissionDenied("Cette application n'est pas en cours d'activation pour vous.")
    if a_un_facteur(user):
        raise PermissionDenied("La double authentification est déjà activée pour ce compte.")
    appareil = TOTPDevice.objects.select_for_update().get(pk=appareil.pk)
    if not appareil.verify_token(_normaliser(code)):
        raise ValidationError(
            "Ce code ne correspond pas. Vérifiez l'heure du téléphone et saisissez le code "
            "affiché en ce moment."
        )
    appareil.confirmed = True
    appareil.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _nouveaux_codes_de_secours(user)
    journaliser(user, JournalAudit.Action.FACTEUR_ACTIVE, objet=user, request=request)
    return codes


@transaction.atomic
def renouveler_codes_de_secours(user, *, request=None):
    """Remplace les codes de secours de la personne (les anciens ne valent plus rien)."""
    if not a_un_facteur(user):
        raise PermissionDenied("Activez d'abord la double authentification.")
    codes = _nouveaux_codes_de_secours(user)
    journaliser(user, JournalAudit.Action.CODES_SECOURS_RENOUVELES, objet=user, request=request)
    return codes


def codes_de_secours_restants(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def _nouveaux_codes_de_secours(user):
    StaticDevice.objects.filter(user=user).delete()
    appareil = StaticDevice.objects.create(user=user, name=NOM_CODES_DE_SECOURS, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(NOMBRE_CODES_DE_SECOURS)]
    StaticToken.objects.bulk_create(StaticToken(device=appareil, token=code) for code in codes)
    return codes


# --- Vérification à la connexion ---------------------------------------------------------------


def verifier_code(user, code, *, request=None):
    """L'appareil qui accepte ce code (application, ou code de secours, alors consommé), ou None.

    Un code refusé est écrit au journal, sans le code. Chaque appareil fait attendre de plus en
    plus longtemps après chaque échec (1, 2, 4… secondes) : un code ne se devine pas en série.
    """
    code = _normaliser(code)
    appareil_trouve = None
    if code:
        with transaction.atomic():
            for appareil in devices_for_user(user, confirmed=True, for_verify=True):
                if _forme_attendue(appareil, code) and appareil.verify_token(code):
                    appareil_trouve = appareil
                    break
    if appareil_trouve is None:
        journaliser(user, JournalAudit.Action.FACTEUR_REFUSE, objet=user, request=request)
    elif isinstance(appareil_trouve, StaticDevice):
        journaliser(user, JournalAudit.Action.CODE_SECOURS, objet=user, request=request)
    return appareil_trouve


def attente_en_cours(user):
    """Vrai si un échec récent fait encore attendre avant le prochain essai."""
    return any(
        not appareil.verify_is_allowed()[0] for appareil in devices_for_user(user, confirmed=True)
    )


def _normaliser(code):
    return re.sub(r"[\s-]", "", str(code or "")).lower()[:16]


def _forme_attendue(appareil, code):
    if isinstance(appareil, TOTPDevice):
        return code.isdigit() and len(code) == appareil.digits
    return not (code.isdigit() and len(code) == 6)


# --- Réinitialisation d'un facteur perdu -------------------------------------------------------


def peut_reinitialiser(acteur, cible):
    """Le dispositif au titre duquel `acteur` peut réinitialiser le facteur de `cible`.

    Rend le dispositif commun (coordination), None pour l'administration technique, et refuse
    (`PermissionDenied`) tout autre cas : nul ne réinitialise son propre facteur (il a ses codes
    de secours), un coordinateur ne le fait que pour une personne de son dispositif.
    """
    if acteur.pk == cible.pk:
        raise PermissionDenied("On ne réinitialise pas sa propre double authentification.")
    if acteur.is_active and (acteur.is_staff or acteur.is_superuser):
        return None
    coordonnes = [
        dispositif_id
        for dispositif_id, roles in permissions.roles_par_dispositif(acteur).items()
        if Role.COORDINATEUR in roles
    ]
    commun = (
        Membre.objects.filter(user=cible, actif=True, dispositif_id__in=coordonnes)
        .order_by("dispositif_id")
        .values_list("dispositif_id", flat=True)
        .first()
    )
    if commun is None:
        raise PermissionDenied(
            "Seuls la coordination du dispositif de cette personne et l'administration technique "
            "réinitialisent sa double authentification."
        )
    return commun


@transaction.atomic
def reinitialiser_facteur(acteur, cible, *, request=None):
    """Retire l'application et les codes de secours de `cible`, qui en activera de nouveaux à sa
    prochaine connexion (ses sessions ouvertes ne sont plus vérifiées).

    Par l'administration technique, les adhésions de `cible` qui lisent des ménages repassent
    « à confirmer » : l'administration ne peut pas, en réinitialisant un facteur, se donner
    l'accès d'un compte à des ménages sans qu'un coordinateur (ou un second administrateur) le
    confirme.
    """
    dispositif_id = peut_reinitialiser(acteur, cible)
    for appareil in list(devices_for_user(cible, confirmed=None)):
        appareil.delete()
    journaliser(
        acteur,
        JournalAudit.Action.FACTEUR_REINITIALISE,
        dispositif=dispositif_id,
        objet=cible,
        detail=f"Double authentification de {cible.email} réinitialisée",
        request=request,
    )
    if dispositif_id is None:
        remettre_a_confirmer(
            acteur, cible, raison="double authentification réinitialisée", request=request
        )
