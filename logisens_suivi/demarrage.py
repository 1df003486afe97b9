"""Ce que le serveur web et le worker vérifient avant de servir : jamais sans clé secrète."""

import os

from django.core.exceptions import ImproperlyConfigured

from .environnement import env_bool


def exiger_une_cle_secrete():
    if not env_bool("DEBUG", False) and not os.environ.get("SECRET_KEY", "").strip():
        raise ImproperlyConfigured(
            "SECRET_KEY doit être définie hors du mode développement (DEBUG=1)."
        )
