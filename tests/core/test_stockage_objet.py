"""Les fichiers privés dans un stockage objet compatible S3 : ce qu'un worker écrit, n'importe
quelle instance le sert.

Le stockage objet est un vrai serveur S3 sur la boucle locale (moto, lancé dans un autre
processus) : le produit lui parle par HTTP, avec le même client que pour un stockage de
production ; rien n'est écrit sur le disque de l'instance.
"""

import io
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import boto3
import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from core import stockage
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory
from menages.factories import MenageFactory, OrientationFactory
from rapports import documents, services
from rapports.enums import StatutRapport

pytestmark = pytest.mark.django_db

BUCKET = "suivi-prive"
IDENTIFIANTS = {"AWS_ACCESS_KEY_ID": "essai", "AWS_SECRET_ACCESS_KEY": "essai-secret"}


def _port_libre():
    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return prise.getsockname()[1]


@pytest.fixture(scope="module")
def serveur_s3():
    port = _port_libre()
    executable = Path(sys.executable).with_name("moto_server")
    processus = subprocess.Popen(
        [str(executable), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    adresse = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("Le serveur S3 local n'a pas démarré.")
        yield adresse
    finally:
        processus.terminate()
        processus.wait(timeout=10)


@pytest.fixture
def s3(serveur_s3, settings, monkeypatch):
    for nom, valeur in IDENTIFIANTS.items():
        monkeypatch.setenv(nom, valeur)
    client = boto3.client("s3", endpoint_url=serveur_s3, region_name="eu-west-3", **_cles())
    if BUCKET not in [b["Name"] for b in client.list_buckets()["Buckets"]]:
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
        )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": serveur_s3,
                "region_name": "eu-west-3",
                "location": "instance-essai",
                "default_acl": "private",
                "file_overwrite": True,
                "object_parameters": {"ServerSideEncryption": "AES256"},
            },
        },
    }
    return client


def _cles():
    return {
        "aws_access_key_id": IDENTIFIANTS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": IDENTIFIANTS["AWS_SECRET_ACCESS_KEY"],
    }


def test_un_rapport_produit_va_dans_le_stockage_objet_et_se_telecharge(
    s3, client, django_capture_on_commit_callbacks
):
    dispositif = DispositifFactory(nom="Dispositif sur stockage objet")
    OrientationFactory(
        menage=MenageFactory(dispositif=dispositif), date_orientation=date(2026, 2, 3)
    )
    coordinateur = MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user
    with django_capture_on_commit_callbacks(execute=True):
        rapport, _ = services.demander_rapport(coordinateur, dispositif, 2026, 1)
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.PRET, rapport.erreur

    cle = f"instance-essai/rapports/{rapport.fichier_pdf}"
    objet = s3.get_object(Bucket=BUCKET, Key=cle)
    assert objet["ServerSideEncryption"] == "AES256"
    contenu = objet["Body"].read()
    assert contenu.startswith(b"%PDF")
    assert documents.emplacement(rapport.fichier_pdf) == f"s3://{BUCKET}/{cle}"
    # Rien sur le disque de l'instance.
    assert not (Path(settings.VAR_DIR) / "prive" / "rapports" / rapport.fichier_pdf).exists()

    client.force_login(coordinateur)
    reponse = client.get(reverse("rapports:pdf", args=[rapport.public_id]), secure=True)
    assert reponse.status_code == 200
    recu = b"".join(reponse.streaming_content)
    assert recu == contenu
    assert "Dispositif sur stockage objet" in "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(recu)).pages
    )


def test_le_stockage_objet_remplace_un_fichier_sans_en_garder_deux(s3):
    stockage.enregistrer("rapports/essai.pdf", b"premier")
    stockage.enregistrer("rapports/essai.pdf", b"second")
    assert stockage.lire("rapports/essai.pdf") == b"second"
    cles = [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert cles.count("instance-essai/rapports/essai.pdf") == 1
    stockage.supprimer("rapports/essai.pdf")
    assert not stockage.existe("rapports/essai.pdf")
