"""`VAR_DIR` en 0700, ses fichiers (base SQLite, rapports, fichiers privés) en 0600."""

import os
import stat

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from core.fichiers import proteger_var
from rapports import documents

from .test_reglages import lancer

CONNEXION = (
    "import django; django.setup(); from django.db import connection; "
    "connection.cursor().execute('CREATE TABLE essai (x integer)')"
)


def mode(chemin):
    return stat.S_IMODE(os.stat(chemin).st_mode)


def test_au_demarrage_var_et_la_base_sqlite_naissent_prives(tmp_path):
    var = tmp_path / "var"
    resultat = lancer(CONNEXION, DEBUG="1", VAR_DIR=str(var))
    assert resultat.returncode == 0, resultat.stderr
    assert mode(var) == 0o700
    assert mode(var / "db.sqlite3") == 0o600


def test_au_demarrage_ce_qui_existe_deja_est_restreint(tmp_path):
    var = tmp_path / "var"
    (var / "prive" / "rapports").mkdir(parents=True)
    for dossier in (var, var / "prive", var / "prive" / "rapports"):
        dossier.chmod(0o755)
    base, rapport = var / "db.sqlite3", var / "prive" / "rapports" / "rapport.pdf"
    for fichier in (base, rapport):
        fichier.write_bytes(b"")
        fichier.chmod(0o644)

    resultat = lancer("import django; django.setup()", DEBUG="1", VAR_DIR=str(var))

    assert resultat.returncode == 0, resultat.stderr
    assert [mode(d) for d in (var, var / "prive", var / "prive" / "rapports")] == [0o700] * 3
    assert (mode(base), mode(rapport)) == (0o600, 0o600)


def test_le_masque_du_processus_rend_prive_tout_fichier_cree():
    masque = os.umask(0)
    os.umask(masque)
    assert masque == 0o077


def test_un_lien_symbolique_n_est_pas_suivi(tmp_path):
    ailleurs = tmp_path / "ailleurs.txt"
    ailleurs.write_text("public")
    ailleurs.chmod(0o644)
    var = tmp_path / "var"
    var.mkdir()
    (var / "lien").symlink_to(ailleurs)
    proteger_var(var)
    assert (mode(var), mode(ailleurs)) == (0o700, 0o644)


@pytest.fixture
def var_neuf(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var-neuf"
    return settings.VAR_DIR


def test_les_rapports_sont_ecrits_en_0600_dans_des_dossiers_0700(settings, var_neuf):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": var_neuf / "prive", "base_url": None},
        },
    }
    documents.enregistrer("essai.pdf", b"%PDF")
    assert mode(documents.emplacement("essai.pdf")) == 0o600
    assert documents.lire("essai.pdf") == b"%PDF"
    for dossier in (var_neuf, var_neuf / "prive", var_neuf / "prive" / "rapports"):
        assert mode(dossier) == 0o700


def test_le_stockage_de_django_ecrit_en_0600(tmp_path):
    stockage = FileSystemStorage(location=tmp_path / "prive")
    nom = stockage.save("imports/fichier.csv", ContentFile(b"nom;prenom\n"))
    assert mode(stockage.path(nom)) == 0o600
    assert mode(tmp_path / "prive" / "imports") == 0o700
