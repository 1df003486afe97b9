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
# Vide ou absente : var/ du dépôt (jamais le dossier courant, que core.fichiers passerait en 0700) ;
# un chemin relatif se lit depuis la racine du dépôt.
VAR_DIR = BASE_DIR / (env_str("VAR_DIR") or "var")

DEBUG = env_bool("DEBUG", False)

# Hors développement, pas de clé par défaut : le serveur web et le worker refusent de démarrer
# sans elle (logisens_suivi.demarrage) ; les commandes qui n'en ont pas besoin (migrations)
# restent possibles.
SECRET_KEY = env_str("SECRET_KEY", "") or (
    "dev-seulement-ne-pas-utiliser-en-production-logisens-suivi" if DEBUG else ""
)

# Clés Fernet du chiffrement des notes (core.chiffrement), séparées par des virgules : la
# première chiffre, toutes déchiffrent. Obligatoires hors développement (logisens_suivi.demarrage)
# ; en développement sans clé, une clé est dérivée de SECRET_KEY.
CLES_CHIFFREMENT = env_liste("CLES_CHIFFREMENT", "")

ALLOWED_HOSTS = env_liste("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_liste("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # L'administration technique exige la double authentification (core.admin_site).
    "core.apps.AdminTechniqueConfig",
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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "core",
    "menages",
    "accompagnement",
    "comites",
    "acces",
    "rapports",
    "rgpd",
    "ecrans",
    "equipes",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Envois de la file d'attente hors réseau : la redirection rendue en JSON (avant la
    # connexion obligatoire et la fin de session, dont il traduit aussi les redirections).
    "core.hors_ligne.EnvoiDiffereMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.RequeteCouranteMiddleware",
    # L'auteur de chaque version de l'historique (rgpd.models) : la personne connectée.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "core.middleware.DoubleFacteurMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.replique.LectureSurRepliqueMiddleware",
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
# Réplique PostgreSQL en lecture (désactivée par défaut) : les pages de PAGES_SUR_REPLIQUE y lisent
# les données du domaine (core.replique).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replique"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASES["replique"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replique.RouteurReplique"]
PAGES_SUR_REPLIQUE = env_liste(
    "PAGES_SUR_REPLIQUE",
    "rapports:tableau_de_bord,ecrans:export_csv,ecrans:export_xlsx",
)
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
# PostgreSQL : sans compilation JIT. Les requêtes de liste sur un programme national (une
# sous-requête corrélée par ligne sur 10 000 ménages) dépassent le seuil de coût du JIT, qui
# passe alors plus de temps à compiler qu'à exécuter (5 s de compilation pour 2 s d'exécution
# mesurées sur l'export de la file active : docs/performance.md). POSTGRES_OPTIONS
# (options de connexion libpq) le remplace.
#
# Instructions préparées : chaque page relance les mêmes requêtes (conditions de droits
# comprises), et PostgreSQL passait trois fois plus de temps à les planifier qu'à les exécuter.
# Les paramètres sont envoyés à part (server_side_binding), et psycopg prépare une requête sur
# sa connexion dès sa POSTGRES_SEUIL_PREPARATION-ième exécution ; PostgreSQL réutilise alors son
# plan quand il n'est pas plus coûteux que celui fait pour les valeurs du moment (plan_cache_mode
# auto). 0 les désactive (derrière un pooler en mode transaction, PgBouncer par exemple).
_seuil_preparation = env_int("POSTGRES_SEUIL_PREPARATION", 5)
for _base in DATABASES.values():
    if _base["ENGINE"] == "django.db.backends.postgresql":
        _options = _base.setdefault("OPTIONS", {})
        _options["options"] = env_str("POSTGRES_OPTIONS", "-c jit=off")
        if _seuil_preparation > 0:
            _options["server_side_binding"] = True
            _options["prepare_threshold"] = _seuil_preparation

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "core.limitation.LimitationBackend",
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
    # Règles de la CNIL (délibération 2022-100) : liste française des mots de passe courants,
    # complexité ou entropie (zxcvbn), mot de passe de démonstration refusé hors DEBUG.
    {"NAME": "core.mots_de_passe.MotsDePasseCourantsValidator"},
    {
        "NAME": "core.mots_de_passe.RobustesseValidator",
        "OPTIONS": {"essais_avec_complexite": 10, "essais_sans_complexite": 12},
    },
    {"NAME": "core.mots_de_passe.MotDePasseDemoValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "ecrans:accueil"
LOGOUT_REDIRECT_URL = "login"

# Proxys de confiance devant le serveur (nginx : 1). L'adresse réelle du client est lue dans
# X-Forwarded-For, la n-ième en partant de la droite ; à 0, l'en-tête n'est jamais lu
# (core.reseau.adresse_client, qui sert à la limitation et au journal d'audit).
NOMBRE_DE_PROXYS = env_int("NOMBRE_DE_PROXYS", 0)
if NOMBRE_DE_PROXYS < 0:
    raise ImproperlyConfigured("NOMBRE_DE_PROXYS doit valoir 0 ou plus.")

# Limitation des tentatives de connexion. django-axes : 5 échecs pour un même compte depuis une
# même adresse bloquent ce couple 15 minutes (jamais le compte pour tout le monde).
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/verrouille.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_CLIENT_IP_CALLABLE = "core.reseau.adresse_client"
AXES_WHITELIST_CALLABLE = "core.limitation.refusee_sans_verification"
# En plus (core.limitation) : délais croissants par compte toutes adresses confondues, verrou
# d'une adresse qui essaie beaucoup de comptes, plafond d'échecs par minute pour l'instance.
LIMITATION_ACTIVE = env_bool("LIMITATION_ACTIVE", AXES_ENABLED)
LIMITATION_ECHECS_PAR_COMPTE = env_int("LIMITATION_ECHECS_PAR_COMPTE", 10)
LIMITATION_DELAI_MAX_SECONDES = env_int("LIMITATION_DELAI_MAX_SECONDES", 60)
LIMITATION_COMPTES_PAR_ADRESSE = env_int("LIMITATION_COMPTES_PAR_ADRESSE", 10)
LIMITATION_ECHECS_PAR_MINUTE = env_int("LIMITATION_ECHECS_PAR_MINUTE", 100)

# Cache partagé (compteurs de la limitation) : Redis en production, la mémoire du processus
# sinon (chaque processus gunicorn aurait alors ses propres compteurs).
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Les chiffres du tableau de bord et de la vue nationale d'un semestre en cours (ou clos sans
# rapport produit) sont gardés ce nombre de secondes dans ce cache ; 0 : recalculés à chaque
# page (voir rapports/chiffres_servis.py).
INDICATEURS_CACHE_SECONDES = env_int("INDICATEURS_CACHE_SECONDES", 300)
if INDICATEURS_CACHE_SECONDES < 0:
    raise ImproperlyConfigured("INDICATEURS_CACHE_SECONDES doit valoir 0 (aucun cache) ou plus.")

# Double authentification (django-otp, codes TOTP et codes de secours) : exigée, hors mode
# développement, de tout compte qui lit des ménages nominatifs et de l'administration technique
# (core.double_facteur). En développement, avec la démonstration, proposée sans être exigée.
OTP_OBLIGATOIRE = env_bool("OTP_OBLIGATOIRE", not DEBUG)
OTP_TOTP_ISSUER = "Suivi des situations complexes"
# Après chaque code faux, l'essai suivant attend 1, 2, 4, 8… secondes (par appareil).
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Les sessions en base, lues par une requête compilée une fois par processus (le reste est le
# moteur de Django).
SESSION_ENGINE = "core.sessions_en_base"
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
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Fichiers privés (rapports, imports) : servis uniquement par des vues qui vérifient les droits ;
# il n'existe pas d'URL publique de média (core.stockage). Sur une machine : le disque, sous
# VAR_DIR/prive. À plusieurs machines : un stockage objet compatible S3 (django-storages), dès que
# STOCKAGE_S3_BUCKET est défini ; les identifiants viennent de l'environnement (AWS_ACCESS_KEY_ID,
# AWS_SECRET_ACCESS_KEY) ou du rôle de la machine.
STOCKAGE_S3_BUCKET = env_str("STOCKAGE_S3_BUCKET", "")
STOCKAGE_PRIVE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STOCKAGE_S3_BUCKET,
            "endpoint_url": env_str("STOCKAGE_S3_ENDPOINT", "") or None,
            "region_name": env_str("STOCKAGE_S3_REGION", "") or None,
            "location": env_str("STOCKAGE_S3_PREFIXE", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": True,
            # Chiffrement côté serveur du stockage objet (en plus du disque chiffré de l'hébergeur).
            "object_parameters": {"ServerSideEncryption": "AES256"},
        },
    }
    if STOCKAGE_S3_BUCKET
    else {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "prive", "base_url": None},
    }
)
STORAGES = {
    "default": STOCKAGE_PRIVE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("STATIC_SANS_MANIFESTE", False)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Fichiers privés enregistrés par le stockage : lisibles par le seul compte du service
# (VAR_DIR en 0700, ses fichiers en 0600 : core.fichiers).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

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
    "rappel-des-etapes-du-relais-en-retard": {
        "task": "acces.tasks.rappeler_etapes_du_relais_en_retard",
        "schedule": crontab(hour=7, minute=40),
    },
    "purge-du-journal-d-audit": {
        "task": "core.tasks.purger_le_journal",
        "schedule": crontab(hour=3, minute=15),
    },
    "anonymisation-des-menages": {
        "task": "rgpd.tasks.anonymiser_les_menages",
        "schedule": crontab(hour=3, minute=45),
    },
    "effacement-des-invitations-closes": {
        "task": "equipes.tasks.effacer_les_invitations_closes",
        "schedule": crontab(hour=3, minute=55),
    },
    "departs-du-jour": {
        "task": "equipes.tasks.appliquer_les_departs",
        "schedule": crontab(hour=0, minute=5),
    },
    "rapports-du-semestre-ecoule": {
        "task": "comites.tasks.rapports_du_semestre_ecoule",
        "schedule": crontab(minute=0, hour=2, day_of_month=1, month_of_year="1,7"),
    },
    "rapport-national-du-semestre-ecoule": {
        "task": "rapports.tasks.rapport_national_du_semestre_ecoule",
        "schedule": crontab(minute=30, hour=2, day_of_month=1, month_of_year="1,7"),
    },
}
if INDICATEURS_CACHE_SECONDES:
    # Les chiffres du semestre en cours recalculés une minute avant d'expirer : le tableau de
    # bord et la vue nationale les lisent toujours dans le cache (rapports/chiffres_servis.py).
    CELERY_BEAT_SCHEDULE["chiffres-des-tableaux-de-bord"] = {
        "task": "rapports.tasks.rafraichir_les_chiffres",
        "schedule": timedelta(seconds=max(INDICATEURS_CACHE_SECONDES - 60, 60)),
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

# --- En-têtes de sécurité et durée des sessions (core/securite_http.py, core/sessions.py) ---
# Content-Security-Policy stricte (django-csp) : aucun script ni style en ligne, rien d'extérieur.
INSTALLED_APPS += ["csp"]
MIDDLEWARE += [
    "csp.middleware.CSPMiddleware",
    # Cache-Control: no-store pour une personne connectée, Permissions-Policy.
    "core.securite_http.EntetesDeSecuriteMiddleware",
    # Fin de session après inactivité ou durée maximale ; après MessageMiddleware et htmx.
    "core.sessions.DureeDeSessionMiddleware",
]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        # Application installable : le service worker (/sw.js) et le manifeste viennent du site.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
    }
}
# Fonctions du navigateur refusées à toutes les pages (en-tête Permissions-Policy).
PERMISSIONS_POLICY_INTERDITES = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
# Une session se termine après SESSION_INACTIVITE_MINUTES sans activité, et dans tous les cas
# SESSION_DUREE_MAX_HEURES après la connexion ; le cookie ne vit pas plus longtemps.
SESSION_INACTIVITE_MINUTES = env_int("SESSION_INACTIVITE_MINUTES", 30)
SESSION_DUREE_MAX_HEURES = env_int("SESSION_DUREE_MAX_HEURES", 12)
if SESSION_INACTIVITE_MINUTES < 3 or SESSION_DUREE_MAX_HEURES < 1:
    raise ImproperlyConfigured(
        "SESSION_INACTIVITE_MINUTES doit valoir au moins 3 et SESSION_DUREE_MAX_HEURES au moins 1."
    )
SESSION_COOKIE_AGE = SESSION_DUREE_MAX_HEURES * 3600

# Saisies hors réseau (core/hors_ligne.py, static/js/horsligne.js) : brouillons et envois en
# attente, chiffrés sur l'appareil, en sont effacés après ce délai même s'ils ne sont pas partis.
HORS_LIGNE_CONSERVATION_HEURES = env_int("HORS_LIGNE_CONSERVATION_HEURES", 72)
if HORS_LIGNE_CONSERVATION_HEURES < 1:
    raise ImproperlyConfigured("HORS_LIGNE_CONSERVATION_HEURES doit valoir au moins 1.")

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

# Un membre d'un comité voit un ménage inscrit à l'ordre du jour de ce comité jusqu'à ce nombre
# de jours après la séance (DESIGN.md §3) ; ensuite, seules les décisions restent, comme archives.
DELAI_ORDRE_DU_JOUR_JOURS = env_int("DELAI_ORDRE_DU_JOUR_JOURS", 45)

# Clé des pseudonymes des extraits pour l'évaluation (core.pseudonymes) : chaque évaluateur
# reçoit sa propre clé, dérivée de celle-ci (ou de SECRET_KEY si elle est vide) et de son
# identifiant. La changer change tous les pseudonymes : un évaluateur ne pourrait plus relier
# ses anciens extraits aux nouveaux.
CLE_PSEUDONYMISATION = env_str("CLE_PSEUDONYMISATION", "")
# L'auteur d'une intervention peut la corriger ou l'annuler pendant ce nombre de minutes après
# l'avoir enregistrée (24 h par défaut : le lendemain matin d'une visite, on relit encore sa
# note) ; ensuite elle ne se modifie plus. Chaque version remplacée est gardée.
DELAI_CORRECTION_INTERVENTION_MINUTES = env_int("DELAI_CORRECTION_INTERVENTION_MINUTES", 24 * 60)
if DELAI_CORRECTION_INTERVENTION_MINUTES < 0:
    raise ImproperlyConfigured("DELAI_CORRECTION_INTERVENTION_MINUTES ne peut pas être négatif.")

# Une orientation « en attente » depuis plus de ce nombre de jours est signalée (file active,
# accueil de la coordination).
DELAI_ORIENTATION_EN_ATTENTE_JOURS = env_int("DELAI_ORIENTATION_EN_ATTENTE_JOURS", 30)
if DELAI_ORIENTATION_EN_ATTENTE_JOURS < 1:
    raise ImproperlyConfigured("DELAI_ORIENTATION_EN_ATTENTE_JOURS doit valoir au moins 1 jour.")

# La réunion d'équipe regarde les ménages sans contact depuis ce nombre de jours.
REUNION_EQUIPE_JOURS_SANS_CONTACT = env_int("REUNION_EQUIPE_JOURS_SANS_CONTACT", 30)

# Une invitation à rejoindre un dispositif (equipes) : son lien vaut ce nombre de jours, une fois.
INVITATION_DUREE_JOURS = env_int("INVITATION_DUREE_JOURS", 7)
if INVITATION_DUREE_JOURS < 1:
    raise ImproperlyConfigured("INVITATION_DUREE_JOURS doit valoir au moins 1 jour.")
# Une invitation expirée ou révoquée (jamais acceptée) s'efface ce nombre de jours après : le nom
# et l'adresse d'une personne qui n'a pas rejoint le dispositif ne restent pas en base (le
# journal d'accès garde l'envoi, le renvoi et la révocation).
CONSERVATION_INVITATIONS_JOURS = env_int("CONSERVATION_INVITATIONS_JOURS", 90)
if CONSERVATION_INVITATIONS_JOURS < 1:
    raise ImproperlyConfigured("CONSERVATION_INVITATIONS_JOURS doit valoir au moins 1 jour.")

# Comptes de démonstration (seed_demo, jamais en production).
DEMO_PASSWORD = env_str("DEMO_PASSWORD", "demo-logisens")

# Durée de conservation des informations d'un ménage après son dernier contact (CNIL), annoncée
# au ménage par la notice d'information.
CONSERVATION_MENAGES_ANS = env_int("CONSERVATION_MENAGES_ANS", 2)
# La même durée en jours, celle qu'applique l'anonymisation quotidienne (rgpd.conservation) :
# un ménage sans accompagnement en cours dont le dernier contact est plus ancien est anonymisé.
CONSERVATION_MENAGES_JOURS = env_int("CONSERVATION_MENAGES_JOURS", 365 * CONSERVATION_MENAGES_ANS)
if CONSERVATION_MENAGES_JOURS < 1:
    raise ImproperlyConfigured("CONSERVATION_MENAGES_JOURS doit valoir au moins 1 jour.")

# Import CSV des orientations (page et commande) : plafonds vérifiés avant qu'aucune ligne ne
# soit analysée, nombre d'erreurs rapportées (le total est toujours donné) et durée au-delà de
# laquelle l'import s'arrête sans rien écrire.
IMPORT_TAILLE_MAX_OCTETS = env_int("IMPORT_TAILLE_MAX_OCTETS", 5 * 1024 * 1024)
IMPORT_COLONNES_MAX = env_int("IMPORT_COLONNES_MAX", 100)
IMPORT_LIGNES_MAX = env_int("IMPORT_LIGNES_MAX", 20_000)
IMPORT_ERREURS_RAPPORTEES = env_int("IMPORT_ERREURS_RAPPORTEES", 100)
IMPORT_DUREE_MAX_SECONDES = env_int("IMPORT_DUREE_MAX_SECONDES", 600)
