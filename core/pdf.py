"""Documents PDF : un gabarit HTML rendu par WeasyPrint.

Les ressources (polices, images, feuilles de style) ne sont jamais cherchées sur le réseau :
seules les URL `/static/…` sont servies, depuis les fichiers du projet, et `data:`.
"""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class RessourcesLocales(URLFetcher):
    """Refuse tout accès réseau ; /static/… est lu dans les fichiers du projet."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, fail_on_errors=True)

    def fetch(self, url, headers=None):
        if url.startswith(("http://", "https://")) and "/static/" in url:
            fichier = finders.find(url.split("/static/", 1)[1].split("?")[0])
            if fichier is None:
                raise ValueError(f"Ressource introuvable pour un PDF : {url}")
            url = Path(fichier).as_uri()
        return super().fetch(url, headers)


def rendre_pdf(gabarit, contexte):
    """Les octets du PDF rendu depuis `gabarit` ; mêmes données, même texte.

    Le PDF est balisé (PDF/UA-1 : arbre de structure, titre du document affiché, langue) pour
    être lu par un lecteur d'écran ; le titre vient du `<title>` du gabarit, la langue de
    `<html lang>`.
    """
    html = render_to_string(gabarit, contexte)
    return HTML(
        string=html, base_url="http://localhost/", url_fetcher=RessourcesLocales()
    ).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


def reponse_pdf(contenu, nom_fichier, en_ligne=True):
    reponse = HttpResponse(contenu, content_type="application/pdf")
    disposition = "inline" if en_ligne else "attachment"
    reponse["Content-Disposition"] = f'{disposition}; filename="{nom_fichier}"'
    reponse["Cache-Control"] = "no-store"
    return reponse
