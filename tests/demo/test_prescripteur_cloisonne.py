"""Le prescripteur d'une structure ne voit que les orientations de sa structure, partout.

Sur la démonstration de Haute-Savoie, le SIAO (`prescripteur.savoie@demo.test`) et ARIES
(`prescripteur2.savoie@demo.test`), chacun à son tour :
- parcourt tout ce que le produit lui montre en suivant les liens depuis son accueil (pages,
  fiches PDF, exports CSV et XLSX) et n'y trouve le nom d'aucun ménage que sa structure n'a pas
  orienté (ceux de l'autre structure, du bailleur, des autres programmes) ;
- appelle chaque motif d'URL du produit avec les identifiants des lignes de ces ménages-là
  (ménage, orientation, accompagnement, bilan, intervention, proposition, étape du relais) :
  refus partout (403 ou 404, 405 pour un envoi seulement), et aucune des pages qui répondent ne
  les nomme.
"""

import html
import io
import re
import subprocess
from collections import deque
from urllib.parse import urldefrag, urlsplit
from uuid import UUID

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, SlugConverter, UUIDConverter
from openpyxl import load_workbook

from acces.models import EtapeRelais, Proposition
from accompagnement.models import Accompagnement, Bilan, Intervention
from core.enums import Role
from core.models import Membre, User
from menages.models import Menage, Orientation

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

PRESCRIPTEURS = ["prescripteur.savoie@demo.test", "prescripteur2.savoie@demo.test"]
# Hors du parcours : l'administration technique, la sortie, les fichiers statiques, et ce qui
# touche à son propre compte (mot de passe, double authentification, session).
A_NE_PAS_SUIVRE = ("/admin", "/static/", "/media/", "/compte/", "/double-facteur", "/session")
MOTIFS_EXCLUS = {"logout", "login", "sante", "service_worker", "manifeste"}
PAGES_AU_PLUS = 400


def _texte(reponse):
    """Le texte d'une réponse : page, fragment, CSV, classeur XLSX ou PDF."""
    contenu = b"".join(reponse.streaming_content) if reponse.streaming else reponse.content
    type_ = reponse.get("Content-Type", "")
    if "spreadsheetml" in type_:
        classeur = load_workbook(io.BytesIO(contenu), read_only=True)
        return "\n".join(
            ";".join("" if v is None else str(v) for v in ligne)
            for feuille in classeur.worksheets
            for ligne in feuille.iter_rows(values_only=True)
        )
    if "pdf" in type_:
        return subprocess.run(
            ["pdftotext", "-", "-"], input=contenu, capture_output=True, check=True
        ).stdout.decode()
    return html.unescape(contenu.decode("utf-8-sig", errors="replace"))


def _interdits(prescripteur):
    """Les marques des ménages que la structure du prescripteur n'a pas orientés : « NOM
    Prénom », « Prénom NOM » et la référence locataire, sauf ce qu'un de ses ménages porte aussi."""
    structures = Membre.objects.filter(user=prescripteur).values("organisation")
    siens = Menage.objects.filter(orientations__organisation__in=structures).distinct()
    autres = Menage.objects.exclude(pk__in=siens)

    def marques(menages):
        for nom, prenom, reference in menages.values_list("nom", "prenom", "reference_locataire"):
            yield f"{nom} {prenom}"
            yield f"{prenom} {nom}"
            if reference and len(reference) >= 5:
                yield reference

    return set(marques(autres)) - set(marques(siens)), siens


def _fuites(texte, interdits):
    return sorted(m for m in interdits if m in texte)


def _liens(texte):
    for lien in re.findall(r'href="([^"#][^"]*)"', texte):
        lien = urldefrag(html.unescape(lien))[0]
        partie = urlsplit(lien)
        if partie.scheme or partie.netloc or not lien.startswith("/"):
            continue
        if lien.startswith(A_NE_PAS_SUIVRE):
            continue
        yield lien


def _motifs():
    """(nom, motif) de chaque URL nommée du produit."""
    trouves = []

    def parcourir(motifs, espace):
        for motif in motifs:
            if isinstance(motif, URLResolver):
                if motif.namespace == "admin":
                    continue
                parcourir(motif.url_patterns, motif.namespace or espace)
            elif isinstance(motif, URLPattern) and motif.name:
                nom = f"{espace}:{motif.name}" if espace else motif.name
                if nom not in MOTIFS_EXCLUS:
                    trouves.append((nom, motif))

    parcourir(get_resolver().url_patterns, None)
    return trouves


def _lignes_des_autres(prescripteur, siens):
    """Un identifiant public par sorte de ligne, pour des ménages que la structure n'a pas
    orientés : un de l'autre structure (admis, accompagné) et un logé par le bailleur."""
    autres = Menage.objects.exclude(pk__in=siens).filter(dispositif__slug="savoie")
    autres_prescripteurs = (
        Membre.objects.filter(dispositif__slug="savoie", role=Role.PRESCRIPTEUR)
        .exclude(user=prescripteur)
        .values("user")
    )
    de_l_autre_structure = autres.filter(
        orientations__orientee_par__in=autres_prescripteurs, accompagnements__isnull=False
    )
    identifiants = []
    for menages in (de_l_autre_structure, autres.filter(baux__isnull=False)):
        menage = menages.order_by("pk").first()
        if menage is None:
            continue
        identifiants.append(menage.public_id)
        for modele, filtre in (
            (Orientation, {"menage": menage}),
            (Accompagnement, {"menage": menage}),
            (Bilan, {"accompagnement__menage": menage}),
            (Intervention, {"accompagnement__menage": menage}),
            (Proposition, {"menage": menage}),
            (EtapeRelais, {"bail__menage": menage}),
        ):
            ligne = modele.objects.filter(**filtre).order_by("pk").first()
            if ligne is not None:
                identifiants.append(ligne.public_id)
    return identifiants


def _appels(motif, identifiants):
    """Les URL d'un motif : avec chaque identifiant des autres pour un motif sur une ligne, les
    deux programmes pour un motif sur un dispositif, telle quelle sans paramètre."""
    convertisseurs = motif.pattern.converters
    if not convertisseurs:
        return [{}]
    sans_ligne = {}
    for parametre, convertisseur in convertisseurs.items():
        if isinstance(convertisseur, UUIDConverter):
            continue
        if isinstance(convertisseur, IntConverter):
            sans_ligne[parametre] = 0
        elif isinstance(convertisseur, SlugConverter):
            sans_ligne[parametre] = "savoie"
        else:
            sans_ligne[parametre] = "x" * 20
    uuids = [p for p, c in convertisseurs.items() if isinstance(c, UUIDConverter)]
    if not uuids:
        return [sans_ligne]
    return [{**sans_ligne, **dict.fromkeys(uuids, identifiant)} for identifiant in identifiants]


@pytest.mark.parametrize("email", PRESCRIPTEURS)
def test_le_prescripteur_ne_trouve_nulle_part_les_menages_des_autres(demo, client, email):
    prescripteur = User.objects.get(email=email)
    interdits, siens = _interdits(prescripteur)
    assert siens.exists() and interdits
    client.force_login(prescripteur)

    # 1. Tout ce que les liens mènent à voir, depuis l'accueil.
    a_voir, vues, problemes = deque(["/"]), set(), []
    while a_voir and len(vues) < PAGES_AU_PLUS:
        adresse = a_voir.popleft()
        if adresse in vues:
            continue
        vues.add(adresse)
        reponse = client.get(adresse)
        if reponse.status_code in (301, 302):
            a_voir.append(reponse.url)
            continue
        if reponse.status_code != 200:
            continue
        texte = _texte(reponse)
        if fuites := _fuites(texte, interdits):
            problemes.append(f"{adresse} : {fuites}")
        if "html" in reponse.get("Content-Type", ""):
            a_voir.extend(lien for lien in _liens(texte) if lien not in vues)
    assert not problemes, "\n".join(problemes)
    # Le parcours a bien vu ses propres ménages (le test ne passe pas à vide).
    pages_des_siens = {
        f"/menages/{public_id}/" for public_id in siens.values_list("public_id", flat=True)
    }
    assert pages_des_siens & vues

    # 2. Chaque motif d'URL, avec les lignes des ménages des autres : refus, et rien de nommé.
    identifiants = _lignes_des_autres(prescripteur, siens)
    assert len(identifiants) >= 8
    for nom, motif in _motifs():
        for arguments in _appels(motif, identifiants):
            try:
                adresse = reverse(nom, kwargs=arguments)
            except NoReverseMatch:
                continue  # un motif en expression régulière sans paramètre nommé
            reponse = client.get(adresse)
            sur_une_ligne = any(isinstance(valeur, UUID) for valeur in arguments.values())
            if sur_une_ligne and reponse.status_code not in (403, 404, 405):
                problemes.append(f"{nom} {adresse} : {reponse.status_code}, attendu un refus")
            if reponse.status_code == 200 and (fuites := _fuites(_texte(reponse), interdits)):
                problemes.append(f"{nom} {adresse} : {fuites}")
    assert not problemes, "\n".join(problemes)
