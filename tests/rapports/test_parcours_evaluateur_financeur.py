"""L'évaluateur externe et le financeur national parcourent tout ce qui leur est ouvert : chaque
page atteinte par un lien depuis leur accueil, chaque rapport (PDF, classeur), chaque extrait
(CSV, XLSX). Nulle part un nom, un contact, une adresse, un texte libre, un montant ou une
année exacts du ménage, ni une petite valeur (1 à 4) d'une problématique non masquée : dans ce
jeu d'essai, chaque problématique ne compte qu'un ménage, seul dans sa case du croisement
problématique × territoire ; sa case est « < 5 » et son total « s », partout."""

import csv
import io
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from core.enums import Role
from core.factories import HabilitationNationaleFactory, MembreFactory
from menages.enums import Problematique
from rapports import indicateurs
from rapports import services as rapports
from rapports.enums import StatutRapport
from rapports.models import RapportNational, RapportSemestriel

from .test_extraits import SECRETS, monde  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
django_capture_on_commit_callbacks = TestCase.captureOnCommitCallbacks

SEMESTRE = (2026, 1)
LIMITE_DE_PAGES = 150


class _Liens(HTMLParser):
    def __init__(self):
        super().__init__()
        self.liens = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.liens.append(href)


def liens_de(html, depuis):
    lecteur = _Liens()
    lecteur.feed(html)
    adresses = []
    for href in lecteur.liens:
        absolue = urljoin(depuis, href)
        morceaux = urlsplit(absolue)
        if morceaux.scheme not in ("", "http") or morceaux.netloc not in ("", "testserver"):
            continue
        chemin = morceaux.path + (f"?{morceaux.query}" if morceaux.query else "")
        if chemin.startswith(("/static/", "/admin/", "/deconnexion", "/compte/")):
            continue
        adresses.append(chemin)
    return adresses


def texte_du_fichier(reponse):
    """Le texte lisible d'une page ou d'un fichier téléchargé."""
    type_ = reponse.get("Content-Type", "")
    contenu = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    if "pdf" in type_:
        pages = PdfReader(io.BytesIO(contenu)).pages
        return " ".join(" ".join(page.extract_text() for page in pages).split())
    if "spreadsheet" in type_:
        classeur = load_workbook(io.BytesIO(contenu), read_only=True)
        return "\n".join(
            ";".join("" if v is None else str(v) for v in ligne)
            for feuille in classeur.worksheets
            for ligne in feuille.iter_rows(values_only=True)
        )
    if "csv" in type_:
        return "\n".join(
            ";".join(ligne) for ligne in csv.reader(io.StringIO(contenu.decode("utf-8-sig")))
        )
    return contenu.decode("utf-8", errors="replace")


def petites_valeurs_non_masquees(texte):
    """Les problématiques lues avec une valeur de 1 à 4 : dans une cellule HTML, dans le texte
    d'un PDF (« impayés 3 »), dans une ligne de classeur (« ;impayés;3; »)."""
    trouvees = []
    for libelle in Problematique.labels:
        nom = re.escape(libelle)
        motifs = (
            rf">\s*{nom}\s*</t[hd]>\s*<td[^>]*>\s*[1-4]\s*</td>",
            rf"(?<![\w']){nom} [1-4](?![\d,.])",
            rf";{nom};[1-4](?:;|$)",
        )
        trouvees += [libelle for motif in motifs if re.search(motif, texte, re.M)]
    return trouvees


def parcourir(client, departs):
    """Chaque adresse atteinte depuis `departs` par des liens : {adresse: texte}."""
    vues, a_voir = {}, list(departs)
    while a_voir and len(vues) < LIMITE_DE_PAGES:
        adresse = a_voir.pop(0)
        if adresse in vues:
            continue
        reponse = client.get(adresse)
        if reponse.status_code != 200:
            vues[adresse] = ""
            continue
        texte = texte_du_fichier(reponse)
        vues[adresse] = texte
        if "text/html" in reponse.get("Content-Type", ""):
            a_voir += [lien for lien in liens_de(texte, adresse) if lien not in vues]
    return vues


def verifier(vues):
    assert len(vues) < LIMITE_DE_PAGES, "parcours interrompu : trop de pages"
    for adresse, texte in vues.items():
        fuites = [secret for secret in SECRETS if secret in texte]
        assert not fuites, f"{adresse} montre {fuites}"
        petites = petites_valeurs_non_masquees(texte)
        assert not petites, f"{adresse} montre une petite valeur pour {petites}"


@pytest.fixture
def rapports_produits(monde):  # noqa: F811
    """Le rapport semestriel du dispositif et le rapport national, prêts à télécharger."""
    coordinateur = MembreFactory(dispositif=monde["dispositif"], role=Role.COORDINATEUR).user
    financeur = HabilitationNationaleFactory().user
    with django_capture_on_commit_callbacks(execute=True):
        rapports.demander_rapport(coordinateur, monde["dispositif"], *SEMESTRE)
        rapports.demander_rapport_national(financeur, *SEMESTRE)
    assert RapportSemestriel.objects.get().statut == StatutRapport.PRET
    assert RapportNational.objects.get().statut == StatutRapport.PRET
    return {**monde, "financeur": financeur}


def test_le_jeu_d_essai_a_des_petites_valeurs_a_masquer(rapports_produits):
    """Le ménage du jeu d'essai est seul dans sa problématique et son territoire : sans le
    secret statistique, les pages montreraient « 1 »."""
    croisement = RapportSemestriel.objects.get().chiffres["croisement_problematique_territoire"]
    cellules = [c for ligne in croisement["lignes"] for c in ligne["cellules"]]
    assert indicateurs.MASQUE in cellules
    assert petites_valeurs_non_masquees("<th>impayés</th><td>1</td>")
    assert petites_valeurs_non_masquees("Problématique impayés 1 souffrance")


def test_l_evaluateur_parcourt_pages_rapports_et_extraits_sans_rien_de_nominatif(
    client, rapports_produits
):
    client.force_login(rapports_produits["evaluateur"])
    departs = [
        reverse("ecrans:accueil"),
        reverse("rapports:liste"),
        reverse("rapports:extraits"),
        *(
            f"{reverse('rapports:tableau_de_bord', args=['nord'])}?semestre={semestre}"
            for semestre in indicateurs.semestres_proposes()
        ),
    ]
    vues = parcourir(client, departs)
    ouvertes = [adresse for adresse, texte in vues.items() if texte]
    # Il a bien lu le tableau de bord, le rapport (PDF et classeur) et chaque extrait.
    assert any("/tableau-de-bord/nord/" in a for a in ouvertes)
    assert sum(1 for a in ouvertes if "/evaluation/" in a) >= 2 * 4
    rapport = RapportSemestriel.objects.get()
    for format in ("pdf", "xlsx"):
        assert reverse(f"rapports:{format}", args=[rapport.public_id]) in ouvertes
    verifier(vues)


def test_le_financeur_parcourt_la_vue_nationale_et_les_tableaux_de_bord_sans_nom(
    client, rapports_produits
):
    client.force_login(rapports_produits["financeur"])
    departs = [
        reverse("ecrans:accueil"),
        *(
            f"{reverse('rapports:national')}?semestre={semestre}"
            for semestre in indicateurs.semestres_proposes()
        ),
        *(
            f"{reverse('rapports:tableau_de_bord', args=['nord'])}?semestre={semestre}"
            for semestre in indicateurs.semestres_proposes()
        ),
    ]
    vues = parcourir(client, departs)
    ouvertes = [adresse for adresse, texte in vues.items() if texte]
    rapport = RapportNational.objects.get()
    for nom in ("rapports:national_pdf", "rapports:national_xlsx"):
        assert reverse(nom, args=[rapport.public_id]) in ouvertes
    # Aucune page nominative parmi celles qu'il atteint.
    assert not any(
        a.startswith(("/menages/", "/accompagnements/", "/file-active")) for a in ouvertes
    )
    verifier(vues)
