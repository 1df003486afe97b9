"""Réglages du banc : ceux de production (DEBUG éteint, gabarits en cache, aucun journal des
requêtes), sans HTTPS ni second facteur, avec des clés fixes propres au banc.

Les clés ci-dessous ne chiffrent que les données fictives du banc ; elles ne servent nulle part
ailleurs. Une base construite avec elles se relit avec elles (mesure, essai de charge).
"""

import os
import warnings

os.environ.setdefault("SECRET_KEY", "banc-de-mesure-seulement-" + "b" * 40)
os.environ.setdefault("CLES_CHIFFREMENT", "YmFuYy1kZS1tZXN1cmUtY2xlLWR1LWJhbmMtc2V1bGU=")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_national")
os.environ.setdefault("ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
os.environ.setdefault("STATIC_SANS_MANIFESTE", "1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("OTP_OBLIGATOIRE", "0")

from logisens_suivi.settings import *  # noqa: F403

# Sans collectstatic, WhiteNoise prévient à chaque démarrage ; le banc sert /static/ par les
# finders.
warnings.filterwarnings("ignore", message="No directory at")

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# Les comptes du banc partagent un mot de passe connu ; un hachage rapide pour que l'essai de
# charge mesure les pages, pas la connexion.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.MD5PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
