"""Réglages du produit, lus uniquement dans l'environnement.

Chaque variable lue ici figure dans `.env.example` avec sa valeur par défaut. Les valeurs par
défaut sont sûres : sans `DEBUG=1`, le produit tourne en mode production (cookies sécurisés,
HTTPS imposé, clé secrète obligatoire).
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .environnement import env_bool, env_int, env_liste, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# Données locales (base SQLite embarquée, fichiers privés) : jamais sous static ni media public.
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

# Hors développement, pas de clé par défaut : le serveur web et le worker refusent de démarrer
# sans elle (logisens_suivi.demarrage) ; les commandes qui n'en ont pas besoin (migrations)
# restent possibles.
SECRET_KEY = env_str("SECRET_KEY", "") or (
    "dev-seulement-ne-pas-utiliser-en-production-logisens-suivi" if DEBUG else ""
)

ALLOWED_HOSTS = env_liste("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_liste("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "axes",
    "core",
    "menages",
    "accompagnement",
    "comites",
    "rapports",
    "ecrans",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "logisens_suivi.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "logisens_suivi.wsgi.application"

# Base de données : PostgreSQL via DATABASE_URL, sinon un fichier SQLite embarqué.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Une connexion persistante SQLite n'apporte rien et gêne les tests multi-fils.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Plusieurs écritures à la fois (deux workers web, le worker Celery) attendent leur tour au
    # lieu d'échouer sur « database is locked » : chaque transaction prend le verrou d'écriture
    # dès son début (IMMEDIATE, sans quoi deux lectures qui veulent écrire se bloquent l'une
    # l'autre sans attendre), attend jusqu'à SQLITE_ATTENTE_SECONDES, et le journal WAL laisse
    # lire pendant qu'une écriture a lieu.
    _attente = env_int("SQLITE_ATTENTE_SECONDES", 20)
    DATABASES["default"]["OPTIONS"] = {
        "timeout": _attente,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            f"PRAGMA busy_timeout={_attente * 1000};"
        ),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "ecrans:accueil"
LOGOUT_REDIRECT_URL = "login"

# Limitation des tentatives de connexion (django-axes) : 5 échecs pour un même compte depuis
# une même adresse bloquent ce couple 15 minutes.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/verrouille.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["logisens_suivi.formats"]

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Fichiers privés (rapports, exports) : servis uniquement par des vues qui vérifient
        # les droits ; il n'existe pas d'URL publique de média.
        "OPTIONS": {"location": VAR_DIR / "prive", "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("STATIC_SANS_MANIFESTE", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Courriel : sortie console par défaut ; SMTP dès que EMAIL_HOST est défini.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Suivi des situations complexes <ne-pas-repondre@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery : sans courtier configuré, les tâches s'exécutent immédiatement dans le processus.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "rappel-des-bilans-en-retard": {
        "task": "accompagnement.tasks.rappeler_bilans_en_retard",
        "schedule": crontab(hour=7, minute=30),
    },
    "purge-du-journal-d-audit": {
        "task": "core.tasks.purger_le_journal",
        "schedule": crontab(hour=3, minute=15),
    },
    "rapports-du-semestre-ecoule": {
        "task": "comites.tasks.rapports_du_semestre_ecoule",
        "schedule": crontab(minute=0, hour=2, day_of_month=1, month_of_year="1,7"),
    },
}

# Sécurité HTTP : activée partout hors développement.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Journal d'audit : durée de conservation de ses lignes, en jours ; une tâche quotidienne
# (Celery beat) supprime les plus anciennes, seule suppression que la base accepte.
DUREE_CONSERVATION_JOURNAL_JOURS = env_int("DUREE_CONSERVATION_JOURNAL_JOURS", 365)
if DUREE_CONSERVATION_JOURNAL_JOURS < 1:
    raise ImproperlyConfigured("DUREE_CONSERVATION_JOURNAL_JOURS doit valoir au moins 1 jour.")

# Adresse publique du site, pour les liens des courriels (rappels, mots de passe).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Comptes de démonstration (seed_demo, jamais en production).
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo-logisens")

# Durée de conservation des informations d'un ménage après son dernier contact (CNIL), annoncée
# au ménage par la notice d'information.
CONSERVATION_MENAGES_ANS = env_int("CONSERVATION_MENAGES_ANS", 2)

# Import CSV des orientations (page et commande) : plafonds vérifiés avant qu'aucune ligne ne
# soit analysée, nombre d'erreurs rapportées (le total est toujours donné) et durée au-delà de
# laquelle l'import s'arrête sans rien écrire.
IMPORT_TAILLE_MAX_OCTETS = env_int("IMPORT_TAILLE_MAX_OCTETS", 5 * 1024 * 1024)
IMPORT_COLONNES_MAX = env_int("IMPORT_COLONNES_MAX", 100)
IMPORT_LIGNES_MAX = env_int("IMPORT_LIGNES_MAX", 20_000)
IMPORT_ERREURS_RAPPORTEES = env_int("IMPORT_ERREURS_RAPPORTEES", 100)
IMPORT_DUREE_MAX_SECONDES = env_int("IMPORT_DUREE_MAX_SECONDES", 600)
