"""L'adresse réelle du client, derrière les proxys de confiance du déploiement.

Derrière un proxy (nginx…), `REMOTE_ADDR` est l'adresse du proxy : la même pour tout le monde.
Chaque proxy de confiance ajoute à droite de l'en-tête `X-Forwarded-For` l'adresse qui s'est
adressée à lui ; avec `NOMBRE_DE_PROXYS = n`, l'adresse du client est donc la n-ième en partant
de la droite. Ce qui est plus à gauche vient du client lui-même et ne prouve rien.

Sans proxy (`NOMBRE_DE_PROXYS = 0`, la valeur par défaut), l'en-tête n'est jamais lu : un client
qui l'écrit lui-même ne choisit pas son adresse. Une seule fonction, `adresse_client`, sert à la
limitation des tentatives de connexion (django-axes et `core.limitation`) et au journal d'audit.
"""

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)

_deja_signale = set()


def adresse_client(request):
    """L'adresse IP du client de `request` (une chaîne), ou None si elle est illisible."""
    if request is None:
        return None
    meta = getattr(request, "META", {})
    adresse_directe = _valide(meta.get("REMOTE_ADDR", ""))
    nombre = settings.NOMBRE_DE_PROXYS
    transmis = meta.get("HTTP_X_FORWARDED_FOR", "")
    if nombre <= 0:
        if transmis:
            _signaler_une_fois(
                "sans_proxy",
                "Une requête porte un en-tête X-Forwarded-For mais NOMBRE_DE_PROXYS vaut 0 : "
                "l'en-tête est ignoré. Derrière un proxy, réglez NOMBRE_DE_PROXYS.",
            )
        return adresse_directe
    adresses = [partie.strip() for partie in transmis.split(",") if partie.strip()]
    if len(adresses) < nombre:
        # La requête n'est pas passée par tous les proxys annoncés : le serveur est joignable
        # sans eux, ou NOMBRE_DE_PROXYS est trop grand. L'adresse de la connexion est la seule
        # qui ne vienne pas du client.
        _signaler_une_fois(
            "trop_peu",
            f"X-Forwarded-For porte moins de {nombre} adresse(s) : la requête n'est pas passée "
            "par tous les proxys annoncés (NOMBRE_DE_PROXYS). Adresse de la connexion retenue.",
        )
        return adresse_directe
    return _valide(adresses[-nombre]) or adresse_directe


def _valide(texte):
    texte = texte.strip()
    if texte.startswith("[") and "]" in texte:  # [2001:db8::1]:443
        texte = texte[1 : texte.index("]")]
    elif texte.count(":") == 1:  # 192.0.2.1:443
        texte = texte.split(":")[0]
    try:
        return str(ipaddress.ip_address(texte))
    except ValueError:
        return None


def _signaler_une_fois(cle, message):
    if cle not in _deja_signale:
        _deja_signale.add(cle)
        logger.warning(message)
