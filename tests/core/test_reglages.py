"""Les réglages se lisent dans l'environnement, avec des valeurs par défaut sûres.

Chaque cas lance un interpréteur neuf : les réglages Django ne se relisent pas en cours de route.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

RACINE = Path(__file__).resolve().parents[2]
VARIABLES = [
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "EMAIL_HOST",
    "EMAIL_BACKEND",
    "VAR_DIR",
    "DJANGO_SETTINGS_MODULE",
    "STATIC_SANS_MANIFESTE",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "CLES_CHIFFREMENT",
    "NOMBRE_DE_PROXYS",
    "CACHE_URL",
    "POSTGRES_SEUIL_PREPARATION",
]
LECTURE = """
import json, django
from django.conf import settings
from django.db import connection
django.setup()
base = settings.DATABASES["default"]
print(json.dumps({
    "pilote": connection.Database.__name__,
    "options": base.get("OPTIONS", {}),
    "debug": settings.DEBUG,
    "engine": base["ENGINE"],
    "name": str(base["NAME"]),
    "host": base.get("HOST", ""),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "broker": settings.CELERY_BROKER_URL,
    "hosts": settings.ALLOWED_HOSTS,
    "email": settings.EMAIL_BACKEND,
    "langue": settings.LANGUAGE_CODE,
    "fuseau": settings.TIME_ZONE,
    "ssl": getattr(settings, "SECURE_SSL_REDIRECT", False),
    "cookie_securise": getattr(settings, "SESSION_COOKIE_SECURE", False),
}))
"""


def lancer(code_ou_arguments, **env):
    environnement = {k: v for k, v in os.environ.items() if k not in VARIABLES}
    environnement["DJANGO_SETTINGS_MODULE"] = "logisens_suivi.settings"
    environnement.update(env)
    arguments = (
        [sys.executable, "-c", code_ou_arguments]
        if isinstance(code_ou_arguments, str)
        else [sys.executable, *code_ou_arguments]
    )
    return subprocess.run(
        arguments, cwd=RACINE, env=environnement, capture_output=True, text=True, timeout=120
    )


def reglages(**env):
    resultat = lancer(LECTURE, **env)
    assert resultat.returncode == 0, resultat.stderr
    return json.loads(resultat.stdout)


def test_sans_database_url_la_base_est_un_fichier_sqlite(tmp_path):
    lu = reglages(DEBUG="1", VAR_DIR=str(tmp_path))
    assert lu["engine"] == "django.db.backends.sqlite3"
    assert lu["name"] == str(tmp_path / "db.sqlite3")


def test_var_dir_vide_ou_relatif_reste_sous_le_depot():
    # Une variable vide ne doit jamais désigner le dossier courant (ses droits seraient changés).
    assert reglages(DEBUG="1", VAR_DIR="")["name"] == str(RACINE / "var" / "db.sqlite3")
    assert reglages(DEBUG="1", VAR_DIR="  ")["name"] == str(RACINE / "var" / "db.sqlite3")
    assert reglages(DEBUG="1", VAR_DIR="donnees")["name"] == str(RACINE / "donnees" / "db.sqlite3")


def test_database_url_postgresql_choisit_psycopg_3_et_les_instructions_preparees():
    lu = reglages(DEBUG="1", DATABASE_URL="postgres://suivi@db.exemple.fr:5432/suivi")
    assert lu["engine"] == "django.db.backends.postgresql"
    assert lu["name"] == "suivi"
    assert lu["host"] == "db.exemple.fr"
    assert lu["pilote"] == "psycopg"
    # Paramètres envoyés à part, requête préparée à sa cinquième exécution, sans JIT.
    assert lu["options"] == {
        "options": "-c jit=off",
        "server_side_binding": True,
        "prepare_threshold": 5,
    }


def test_derriere_un_pooler_en_mode_transaction_les_instructions_preparees_se_desactivent():
    url = "postgres://suivi@db.exemple.fr:5432/suivi"
    lu = reglages(DEBUG="1", DATABASE_URL=url, POSTGRES_SEUIL_PREPARATION="0")
    assert lu["options"] == {"options": "-c jit=off"}
    assert (
        reglages(DEBUG="1", DATABASE_URL=url, POSTGRES_SEUIL_PREPARATION="2")["options"][
            "prepare_threshold"
        ]
        == 2
    )
    erreur = lancer(LECTURE, DEBUG="1", DATABASE_URL=url, POSTGRES_SEUIL_PREPARATION="oui")
    assert erreur.returncode != 0
    assert "POSTGRES_SEUIL_PREPARATION doit être un nombre entier" in erreur.stderr


def test_sans_courtier_les_taches_sont_executees_immediatement():
    assert reglages(DEBUG="1")["eager"] is True


def test_avec_un_courtier_les_taches_partent_dans_la_file():
    lu = reglages(DEBUG="1", CELERY_BROKER_URL="redis://127.0.0.1:6379/0")
    assert lu["eager"] is False
    assert lu["broker"] == "redis://127.0.0.1:6379/0"


def test_interface_francaise_a_l_heure_de_paris():
    lu = reglages(DEBUG="1")
    assert (lu["langue"], lu["fuseau"]) == ("fr-fr", "Europe/Paris")


def test_courriel_console_par_defaut_et_smtp_si_un_serveur_est_donne():
    assert reglages(DEBUG="1")["email"] == "django.core.mail.backends.console.EmailBackend"
    lu = reglages(DEBUG="1", EMAIL_HOST="smtp.exemple.fr")
    assert lu["email"] == "django.core.mail.backends.smtp.EmailBackend"


def test_allowed_hosts_se_lit_comme_une_liste():
    lu = reglages(SECRET_KEY="k" * 50, ALLOWED_HOSTS="suivi.exemple.fr, autre.exemple.fr")
    assert lu["hosts"] == ["suivi.exemple.fr", "autre.exemple.fr"]


def test_par_defaut_le_mode_production_impose_https_et_cookies_securises():
    lu = reglages(SECRET_KEY="k" * 50)
    assert lu["debug"] is False
    assert lu["ssl"] is True
    assert lu["cookie_securise"] is True
    assert lu["hosts"] == []


def test_production_sans_cle_secrete_le_serveur_refuse_de_demarrer():
    resultat = lancer("import logisens_suivi.wsgi")
    assert resultat.returncode != 0
    assert "SECRET_KEY doit être définie" in resultat.stderr


def test_production_sans_cles_de_chiffrement_le_serveur_refuse_de_demarrer():
    for module in ("logisens_suivi.wsgi", "logisens_suivi.asgi"):
        resultat = lancer(f"import {module}", SECRET_KEY="k" * 50)
        assert resultat.returncode != 0
        assert "CLES_CHIFFREMENT doit être définie" in resultat.stderr


def test_production_avec_une_cle_de_chiffrement_mal_formee_le_serveur_refuse_de_demarrer():
    resultat = lancer(
        "import logisens_suivi.wsgi", SECRET_KEY="k" * 50, CLES_CHIFFREMENT="trop-courte"
    )
    assert resultat.returncode != 0
    assert "la clé n° 1 n'est pas une clé Fernet" in resultat.stderr


def test_production_avec_ses_secrets_le_serveur_demarre():
    from cryptography.fernet import Fernet

    cles = f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"
    resultat = lancer("import logisens_suivi.wsgi", SECRET_KEY="k" * 50, CLES_CHIFFREMENT=cles)
    assert resultat.returncode == 0, resultat.stderr


def test_en_developpement_le_serveur_demarre_sans_cle_de_chiffrement():
    resultat = lancer("import logisens_suivi.wsgi", DEBUG="1")
    assert resultat.returncode == 0, resultat.stderr


def test_nombre_de_proxys_negatif_refuse():
    resultat = lancer(LECTURE, DEBUG="1", NOMBRE_DE_PROXYS="-1")
    assert resultat.returncode != 0
    assert "NOMBRE_DE_PROXYS doit valoir 0 ou plus" in resultat.stderr


def test_cache_partage_redis_si_cache_url_est_donnee():
    code = "import django; from django.conf import settings; django.setup(); "
    code += "print(settings.CACHES['default']['BACKEND'])"
    assert lancer(code, DEBUG="1").stdout.strip().endswith("LocMemCache")
    lu = lancer(code, DEBUG="1", CACHE_URL="redis://127.0.0.1:6379/9").stdout.strip()
    assert lu == "django.core.cache.backends.redis.RedisCache"


def test_production_sans_cle_secrete_aucune_cle_par_defaut():
    resultat = lancer("import django; from django.conf import settings; settings.SECRET_KEY")
    assert resultat.returncode != 0
    assert "SECRET_KEY" in resultat.stderr


def test_sans_cle_secrete_les_migrations_se_verifient_quand_meme():
    resultat = lancer(["manage.py", "makemigrations", "--check", "--dry-run"])
    assert resultat.returncode == 0, resultat.stderr
    assert "No changes detected" in resultat.stdout


def test_une_valeur_booleenne_illisible_est_refusee_clairement():
    resultat = lancer(LECTURE, DEBUG="peut-être")
    assert resultat.returncode != 0
    assert "DEBUG doit valoir 1 ou 0" in resultat.stderr


@pytest.mark.django_db(databases=[])
def test_check_deploy_ne_signale_rien_en_mode_production(tmp_path):
    resultat = lancer(
        ["manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        SECRET_KEY="prod-" + "aZ9%kL3@qW7!xC5&vB1#nM8*rT4^yU6(" * 2,
        ALLOWED_HOSTS="suivi.exemple.fr",
        VAR_DIR=str(tmp_path),
        CACHE_URL="redis://127.0.0.1:6379/1",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )
    assert resultat.returncode == 0, resultat.stdout + resultat.stderr
    assert "System check identified no issues" in resultat.stdout


@pytest.mark.django_db(databases=[])
def test_check_deploy_signale_un_etat_garde_dans_le_processus(tmp_path):
    resultat = lancer(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        SECRET_KEY="prod-" + "aZ9%kL3@qW7!xC5&vB1#nM8*rT4^yU6(" * 2,
        ALLOWED_HOSTS="suivi.exemple.fr",
        VAR_DIR=str(tmp_path),
        CACHE_URL="",
        CELERY_BROKER_URL="",
    )
    assert resultat.returncode != 0
    sortie = resultat.stdout + resultat.stderr
    assert "suivi.W001" in sortie and "suivi.W002" in sortie
