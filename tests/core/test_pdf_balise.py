"""Les PDF sont balisés pour les lecteurs d'écran (PDF/UA-1) : structure, titre, langue."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.enums import Role
from core.factories import DispositifFactory
from rapports import documents
from rapports.indicateurs import calculer
from rapports.models import RapportSemestriel
from tests.outils import connecte

pytestmark = pytest.mark.django_db


def _balisage(contenu):
    lecteur = PdfReader(io.BytesIO(contenu))
    racine = lecteur.trailer["/Root"]
    return {
        "structure": "/StructTreeRoot" in racine,
        "marque": bool(racine.get("/MarkInfo", {}).get("/Marked")),
        "langue": racine.get("/Lang"),
        "titre": lecteur.metadata.title,
        "titre_affiche": bool(racine.get("/ViewerPreferences", {}).get("/DisplayDocTitle")),
    }


def test_le_rapport_semestriel_est_balise():
    dispositif = DispositifFactory(nom="Bien vivre chez soi")
    rapport = RapportSemestriel(dispositif=dispositif, annee=2026, semestre=1)
    contenu = documents.pdf(rapport, calculer(dispositif, 2026, 1))
    balisage = _balisage(contenu)
    assert balisage["structure"] and balisage["marque"] and balisage["titre_affiche"]
    assert balisage["langue"] == "fr"
    assert "Bien vivre chez soi" in balisage["titre"]


def test_la_notice_remise_au_menage_est_balisee(client):
    dispositif = DispositifFactory(nom="Un logement pérenne")
    connecte(client, Role.COORDINATEUR, dispositif=dispositif)
    reponse = client.get(reverse("core:notice_information_pdf", args=[dispositif.slug]))
    assert reponse.status_code == 200
    balisage = _balisage(reponse.content)
    assert balisage["structure"] and balisage["langue"] == "fr"
    assert balisage["titre"] == "Vos informations – Un logement pérenne"
