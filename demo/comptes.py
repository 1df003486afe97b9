"""Les comptes de démonstration : un par rôle et par programme, et l'administration technique.

Un compte est retrouvé par son adresse et n'est créé que s'il manque ; son mot de passe
(réglage `DEMO_PASSWORD`) n'est posé qu'à la création.
"""

import hashlib
from base64 import b32encode
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from core.models import HabilitationNationale, Membre, Organisation, User

from .lecture import lire

DONNEES = lire("comptes")
COMPTES = DONNEES["comptes"]
ADMINISTRATEUR = DONNEES["administrateur"]
FINANCEUR = DONNEES["financeur"]


def email_demo(prefixe, slug):
    return f"{prefixe}.{slug}@demo.test"


def compte(email, prenom, nom, superuser=False):
    """Le compte d'adresse `email`, créé s'il manque avec le mot de passe de démonstration."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create(
            email=email,
            first_name=prenom,
            last_name=nom,
            password=_empreinte_demo(settings.DEMO_PASSWORD),
            is_staff=superuser,
            is_superuser=superuser,
        )
    return user


def creer_comptes(dispositif, donnees, organisations):
    """Un compte par rôle dans le programme, membre de la structure que le rôle désigne."""
    for prefixe, role in COMPTES.items():
        faux = Faker("fr_FR")
        email = email_demo(prefixe, dispositif.slug)
        faux.seed_instance(email)
        user = compte(email, faux.first_name(), faux.last_name())
        structure = role["structure"]
        nom_structure = donnees["porteur"] if structure == "porteur" else donnees[structure]
        Membre.objects.get_or_create(
            user=user,
            dispositif=dispositif,
            role=role["role"],
            defaults={
                "profession": role["profession"],
                "organisation": organisations[nom_structure],
                "date_debut": dispositif.date_debut,
            },
        )


def creer_administrateur():
    compte(ADMINISTRATEUR["email"], ADMINISTRATEUR["prenom"], ADMINISTRATEUR["nom"], superuser=True)


def creer_financeur():
    """Le financeur national : son habilitation, posée et confirmée par l'administration
    technique de la démonstration (en vrai, deux administrateurs distincts)."""
    user = compte(FINANCEUR["email"], FINANCEUR["prenom"], FINANCEUR["nom"])
    administrateur = User.objects.get(email=ADMINISTRATEUR["email"])
    HabilitationNationale.objects.get_or_create(
        user=user,
        defaults={
            "organisation": Organisation.objects.get(nom=FINANCEUR["structure"]),
            "a_confirmer": False,
            "demandee_par": administrateur,
            "confirmee_par": administrateur,
            "confirmee_le": timezone.now(),
        },
    )


def comptes_de_demo():
    """(adresse, rôle, dispositif) de chaque compte de démonstration, dans l'ordre des rôles."""
    ordre = {prefixe: rang for rang, prefixe in enumerate(COMPTES)}
    # Les adhésions terminées (l'ancien membre de chaque programme) n'ouvrent plus de compte.
    membres = (
        Membre.objects.en_cours()
        .filter(user__email__endswith="@demo.test")
        .select_related("user", "dispositif")
    )
    comptes = sorted(
        ((m.user.email, m.get_role_display(), m.dispositif.slug) for m in membres),
        key=lambda compte: (compte[2], ordre.get(compte[0].split(".")[0], 99), compte[0]),
    )
    if HabilitationNationale.objects.filter(user__email=FINANCEUR["email"]).exists():
        comptes.append((FINANCEUR["email"], FINANCEUR["role"], "tous"))
    comptes.append((ADMINISTRATEUR["email"], ADMINISTRATEUR["role"], "—"))
    return comptes


@cache
def _empreinte_demo(mot_de_passe):
    # Une seule empreinte pour tous les comptes de démonstration : le hachage est lent à dessein.
    return make_password(mot_de_passe)


# --- Double authentification d'une démonstration en mode production ----------------------------

NOM_FACTEUR_DEMO = "Démonstration (secret connu)"


def secret_totp_de_demo(email):
    """Le secret TOTP d'un compte de démonstration : 20 octets tirés de son adresse, connus de
    quiconque lit ce code. Jamais pour un vrai compte."""
    return hashlib.sha256(f"logisens-demo-totp:{email}".encode()).digest()[:20]


def secret_en_base32(email):
    """Le secret tel qu'une application d'authentification (ou `oathtool -b`) le demande."""
    return b32encode(secret_totp_de_demo(email)).decode()


def donner_facteurs_de_demo():
    """Donne à chaque compte de démonstration un second facteur au secret connu.

    Pour essayer la démonstration de bout en bout en mode production, où la double
    authentification est exigée : `seed_demo --force` imprime ce secret à côté du compte.
    Idempotent ; ne touche qu'aux comptes en @demo.test.
    """
    # Un ancien membre (compte désactivé par son départ) ne se connecte plus : pas de secret.
    for user in User.objects.filter(email__endswith="@demo.test", is_active=True):
        TOTPDevice.objects.update_or_create(
            user=user,
            name=NOM_FACTEUR_DEMO,
            defaults={"key": secret_totp_de_demo(user.email).hex(), "confirmed": True},
        )
