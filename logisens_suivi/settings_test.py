"""Réglages des tests : ceux de production, moins HTTPS et le hachage lent des mots de passe."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-uniquement-" + "x" * 40)
# Une clé de chiffrement fixe, propre aux tests (jamais utilisée ailleurs).
os.environ.setdefault("CLES_CHIFFREMENT", "dGVzdHMtdW5pcXVlbWVudC1jbGUtZGUtY2hpZmZyZW0=")
# Les fichiers privés des tests (rapports) vont dans un dossier jetable, pas dans var/.
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="logisens-tests-"))
os.environ.setdefault("STATIC_SANS_MANIFESTE", "1")

from .settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Les tests unitaires exécutent les tâches sur place ; le test du worker réel (Redis) configure
# lui-même son application Celery.
CELERY_TASK_ALWAYS_EAGER = True
