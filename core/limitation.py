"""Limitation des tentatives de connexion, en plus du verrou de django-axes.

django-axes verrouille le couple (compte, adresse) après `AXES_FAILURE_LIMIT` échecs, pendant
`AXES_COOLOFF_TIME` : un inconnu ne verrouille donc pas le compte d'un autre, seulement son
propre essai. Ce module ajoute, sur l'adresse réelle du client (`core.reseau.adresse_client`) :

- par compte, toutes adresses confondues : au-delà de `LIMITATION_ECHECS_PAR_COMPTE` échecs
  récents, un délai croissant (2, 4, 8… secondes, au plus `LIMITATION_DELAI_MAX_SECONDES`)
  sépare deux essais. Pendant le délai l'essai est refusé sans que le mot de passe soit
  vérifié, et ce refus ne compte pas comme un échec : un inconnu ne prolonge pas l'attente ;
- par adresse : une adresse qui a échoué sur `LIMITATION_COMPTES_PAR_ADRESSE` comptes
  différents est verrouillée pendant `AXES_COOLOFF_TIME` (essais répartis sur beaucoup de
  comptes) ;
- pour toute l'instance : au-delà de `LIMITATION_ECHECS_PAR_MINUTE` échecs dans la minute, les
  essais attendent la minute suivante.

Les compteurs vivent dans le cache Django : Redis en production (`CACHE_URL`), partagé par tous
les processus ; la mémoire du processus sinon. « Récent » veut dire : dans la fenêtre
`AXES_COOLOFF_TIME` ouverte par le premier échec.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from .reseau import adresse_client

PREFIXE = "limitation"


def maintenant():
    return time.time()


@dataclass(frozen=True)
class Refus:
    """Pourquoi un essai de connexion est refusé avant toute vérification, et pour combien."""

    motif: str  # "compte", "adresse" ou "instance"
    attente: int  # secondes

    @property
    def message(self):
        duree = _duree(self.attente)
        if self.motif == "adresse":
            return (
                "Trop de comptes différents ont été essayés depuis votre adresse. "
                f"Réessayez dans {duree}."
            )
        if self.motif == "instance":
            return (
                "Le service reçoit trop de tentatives de connexion en ce moment. "
                f"Réessayez dans {duree}."
            )
        return f"Trop de tentatives de connexion récentes pour ce compte. Réessayez dans {duree}."


def refus(request, identifiant):
    """Le `Refus` qui s'applique à cet essai, ou None s'il peut être vérifié."""
    instant = maintenant()
    adresse = adresse_client(request)
    if adresse:
        fin = cache.get(_cle("adresse", adresse, "verrou"))
        if fin is not None and fin > instant:
            return Refus("adresse", _secondes(fin - instant))
    minute = int(instant // 60)
    if (cache.get(_cle("instance", minute)) or 0) >= settings.LIMITATION_ECHECS_PAR_MINUTE:
        return Refus("instance", _secondes((minute + 1) * 60 - instant))
    compte = _compte(identifiant)
    if compte:
        echecs = cache.get(_cle("compte", compte, "echecs")) or 0
        dernier = cache.get(_cle("compte", compte, "dernier"))
        if dernier is not None and echecs >= settings.LIMITATION_ECHECS_PAR_COMPTE:
            attente = dernier + delai_du_compte(echecs) - instant
            if attente > 0:
                return Refus("compte", _secondes(attente))
    return None


def delai_du_compte(echecs):
    """Secondes entre deux essais sur un compte qui a `echecs` échecs récents."""
    depassement = echecs - settings.LIMITATION_ECHECS_PAR_COMPTE
    if depassement < 0:
        return 0
    return min(settings.LIMITATION_DELAI_MAX_SECONDES, 2 ** min(depassement + 1, 16))


def enregistrer_echec(request, identifiant):
    """Compte un échec (mot de passe vérifié et faux) pour le compte, l'adresse et l'instance."""
    if getattr(request, "limitation_refus", None) is not None or getattr(
        request, "axes_locked_out", False
    ):
        return  # refusé sans vérification (ici ou par axes) : ce n'est pas un essai de plus
    instant = maintenant()
    fenetre = _fenetre()
    _incrementer(_cle("instance", int(instant // 60)), 120)
    compte = _compte(identifiant)
    if compte:
        _incrementer(_cle("compte", compte, "echecs"), fenetre)
        cache.set(_cle("compte", compte, "dernier"), instant, fenetre)
    adresse = adresse_client(request)
    if adresse and compte and cache.add(_cle("adresse", adresse, "compte", compte), 1, fenetre):
        essayes = _incrementer(_cle("adresse", adresse, "comptes"), fenetre)
        if essayes >= settings.LIMITATION_COMPTES_PAR_ADRESSE:
            cache.set(_cle("adresse", adresse, "verrou"), instant + fenetre, fenetre)


def enregistrer_succes(identifiant):
    """Une connexion réussie efface les échecs récents du compte (pas ceux de l'adresse)."""
    compte = _compte(identifiant)
    if compte:
        cache.delete_many([_cle("compte", compte, "echecs"), _cle("compte", compte, "dernier")])


def refusee_sans_verification(request, credentials=None):
    """`AXES_WHITELIST_CALLABLE` : un essai refusé ici ne compte pas non plus pour django-axes.

    Sans cela, le titulaire qui réessaie pendant un délai se verrouillerait lui-même.
    """
    return getattr(request, "limitation_refus", None) is not None


class LimitationBackend:
    """Placé avant le backend qui vérifie le mot de passe : refuse l'essai limité.

    Le refus (`PermissionDenied`) arrête `django.contrib.auth.authenticate` ; le formulaire de
    connexion lit `request.limitation_refus` pour dire pourquoi et pour combien de temps.
    Sans `get_user` : il ne connecte personne, et `force_login` ne le choisit pas.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not settings.LIMITATION_ACTIVE:
            return None
        refuse = refus(request, username)
        if refuse is not None:
            request.limitation_refus = refuse
            raise PermissionDenied(refuse.message)
        return None


def _compte(identifiant):
    texte = str(identifiant or "").strip().lower()
    return hashlib.sha256(texte.encode()).hexdigest()[:32] if texte else ""


def _cle(*parties):
    return ":".join([PREFIXE, *map(str, parties)])


def _fenetre():
    return max(60, int(settings.AXES_COOLOFF_TIME.total_seconds()))


def _incrementer(cle, duree):
    cache.add(cle, 0, duree)
    try:
        return cache.incr(cle)
    except ValueError:  # expirée entre les deux appels
        cache.set(cle, 1, duree)
        return 1


def _secondes(duree):
    return max(1, math.ceil(duree))


def _duree(secondes):
    if secondes < 60:
        return f"{secondes} seconde{'s' if secondes > 1 else ''}"
    minutes = math.ceil(secondes / 60)
    return f"{minutes} minute{'s' if minutes > 1 else ''}"
