"""En-têtes de sécurité en mode production : Content-Security-Policy stricte, pas de cache pour
une personne connectée, Permissions-Policy.

Les réglages de test sont ceux de production (DEBUG désactivé) moins HTTPS ; le dernier test
relit les vrais réglages de production dans un interpréteur neuf.
"""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from core.enums import Role
from core.factories import MembreFactory, UserFactory

from .test_reglages import lancer

pytestmark = pytest.mark.django_db

RACINE = Path(__file__).resolve().parents[2]
CSP_ATTENDUE = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
FONCTIONS_INTERDITES = ["camera", "microphone", "geolocation", "payment", "usb"]


def directives(reponse):
    politique = reponse["Content-Security-Policy"]
    return dict(
        (morceau.strip().split(" ", 1) + [""])[:2] for morceau in politique.split(";") if morceau
    )


def verifier_csp(reponse):
    lues = directives(reponse)
    for directive, valeur in CSP_ATTENDUE.items():
        assert lues[directive] == valeur, directive
    assert "unsafe-inline" not in reponse["Content-Security-Policy"]
    assert "unsafe-eval" not in reponse["Content-Security-Policy"]


def verifier_permissions_policy(reponse):
    politique = reponse["Permissions-Policy"]
    for fonction in FONCTIONS_INTERDITES:
        assert f"{fonction}=()" in politique


def verifier_sans_cache(reponse):
    cache = {d.strip() for d in reponse["Cache-Control"].split(",")}
    assert {"no-store", "no-cache", "private", "max-age=0"} <= cache


def coordinateur(client):
    membre = MembreFactory(role=Role.COORDINATEUR)
    client.force_login(membre.user)
    return membre


def test_reglages_de_test_en_mode_production():
    assert settings.DEBUG is False


def test_une_page_connectee_a_les_trois_en_tetes(client):
    coordinateur(client)
    reponse = client.get(reverse("ecrans:accueil"))
    assert reponse.status_code == 200
    verifier_csp(reponse)
    verifier_sans_cache(reponse)
    verifier_permissions_policy(reponse)


def test_un_pdf_a_les_trois_en_tetes(client):
    membre = coordinateur(client)
    reponse = client.get(reverse("core:notice_information_pdf", args=[membre.dispositif.slug]))
    assert reponse["Content-Type"] == "application/pdf"
    verifier_csp(reponse)
    verifier_sans_cache(reponse)
    verifier_permissions_policy(reponse)


def test_un_export_a_les_trois_en_tetes(client):
    coordinateur(client)
    reponse = client.get(reverse("ecrans:export_csv"))
    assert reponse["Content-Type"].startswith("text/csv")
    verifier_csp(reponse)
    verifier_sans_cache(reponse)
    verifier_permissions_policy(reponse)


def test_un_fragment_htmx_n_est_pas_mis_en_cache(client):
    coordinateur(client)
    reponse = client.get(reverse("ecrans:file_active"), headers={"HX-Request": "true"})
    assert reponse.status_code == 200
    verifier_sans_cache(reponse)


def test_la_deconnexion_n_est_pas_mise_en_cache(client):
    coordinateur(client)
    reponse = client.post(reverse("logout"))
    assert reponse.status_code == 302
    verifier_sans_cache(reponse)


def test_la_page_de_connexion_a_la_csp(client):
    reponse = client.get(reverse("login"))
    assert reponse.status_code == 200
    verifier_csp(reponse)
    verifier_permissions_policy(reponse)


def test_une_reponse_anonyme_garde_sa_propre_politique_de_cache(client):
    # Seules les réponses à une personne connectée sont forcées en no-store.
    reponse = client.get(reverse("password_reset_done"))
    assert "no-store" not in reponse.get("Cache-Control", "")


def test_l_administration_technique_a_les_en_tetes(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    reponse = client.get(reverse("admin:index"))
    assert reponse.status_code == 200
    verifier_csp(reponse)
    verifier_sans_cache(reponse)


def test_htmx_n_injecte_pas_de_style_en_ligne(client):
    coordinateur(client)
    page = client.get(reverse("ecrans:accueil")).content.decode()
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']*)'>", page)
    assert json.loads(meta.group(1))["includeIndicatorStyles"] is False
    assert ".htmx-indicator" in (RACINE / "static/css/app.css").read_text()


# Ce que la CSP refuserait dans une page : script en ligne, style en ligne, gestionnaire
# d'événement en attribut, URL javascript:.
EN_LIGNE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+\s*=|javascript:", re.IGNORECASE
)


def test_aucun_gabarit_html_n_a_de_script_ni_de_style_en_ligne():
    # Les PDF (WeasyPrint) ne passent pas par un navigateur : ils ne sont pas concernés.
    fautifs = [
        f"{gabarit.relative_to(RACINE)} : {trouve.group(0)}"
        for gabarit in sorted((RACINE / "templates").rglob("*.html"))
        if "pdf" not in gabarit.relative_to(RACINE / "templates").parts
        for trouve in EN_LIGNE.finditer(gabarit.read_text())
    ]
    assert fautifs == []


def test_le_tableau_de_bord_et_ses_graphiques_n_ont_rien_en_ligne(client):
    membre = coordinateur(client)
    reponse = client.get(reverse("rapports:tableau_de_bord", args=[membre.dispositif.slug]))
    page = reponse.content.decode()
    # Les quatre graphiques du rapport, puis les courbes de tendance des chiffres suivis.
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') >= 4
    assert EN_LIGNE.findall(page) == []
    verifier_csp(reponse)


CLIENT_DE_PRODUCTION = """
import json, django
django.setup()
from django.test import Client
reponse = Client().get("/compte/connexion/", secure=True, headers={"host": "suivi.exemple.fr"})
print(json.dumps({
    "statut": reponse.status_code,
    "csp": reponse.get("Content-Security-Policy", ""),
    "permissions": reponse.get("Permissions-Policy", ""),
    "hsts": reponse.get("Strict-Transport-Security", ""),
}))
"""


def test_en_production_la_page_de_connexion_a_la_csp(tmp_path):
    resultat = lancer(
        CLIENT_DE_PRODUCTION,
        SECRET_KEY="k" * 50,
        ALLOWED_HOSTS="suivi.exemple.fr",
        VAR_DIR=str(tmp_path),
        STATIC_SANS_MANIFESTE="1",
    )
    assert resultat.returncode == 0, resultat.stderr
    lu = json.loads(resultat.stdout.strip().splitlines()[-1])
    assert lu["statut"] == 200
    for directive, valeur in CSP_ATTENDUE.items():
        assert f"{directive} {valeur}" in lu["csp"]
    assert "unsafe-inline" not in lu["csp"]
    assert "camera=()" in lu["permissions"]
    assert lu["hsts"].startswith("max-age=31536000")
