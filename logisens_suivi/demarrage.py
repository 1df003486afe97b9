"""Ce que le serveur web et le worker vérifient avant de servir : jamais sans leurs secrets."""

import os

from django.core.exceptions import ImproperlyConfigured

from .environnement import env_bool, env_liste


def exiger_une_cle_secrete():
    if not env_bool("DEBUG", False) and not os.environ.get("SECRET_KEY", "").strip():
        raise ImproperlyConfigured(
            "SECRET_KEY doit être définie hors du mode développement (DEBUG=1)."
        )


def exiger_des_cles_de_chiffrement():
    """Hors développement, les notes ne se chiffrent qu'avec des clés données, et valides."""
    from cryptography.fernet import Fernet

    cles = env_liste("CLES_CHIFFREMENT", "")
    if not cles and not env_bool("DEBUG", False):
        raise ImproperlyConfigured(
            "CLES_CHIFFREMENT doit être définie hors du mode développement (DEBUG=1) : "
            'générez une clé avec python -c "from cryptography.fernet import Fernet; '
            'print(Fernet.generate_key().decode())".'
        )
    for rang, cle in enumerate(cles, 1):
        try:
            Fernet(cle)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"CLES_CHIFFREMENT : la clé n° {rang} n'est pas une clé Fernet "
                "(32 octets en base64 URL, 44 caractères)."
            ) from None
