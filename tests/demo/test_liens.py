"""Aucun lien que le produit montre à une personne ne la mène à un refus.

Sur la démonstration de Haute-Savoie, chaque compte (un par rôle, le prescripteur, et le
financeur national) parcourt ce que le produit lui montre en suivant les liens depuis son
accueil (`href` et `hx-get` : pages, fragments, fiches PDF, exports) : chaque lien s'ouvre
(200, ou une redirection qui s'ouvre). Un lien vers une page refusée (403), introuvable (404)
ou réservée à un envoi (405) est un défaut : la personne ne devait pas le voir.
"""

import html
import re
from collections import Counter, deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.urls import Resolver404, resolve

from core.models import User
from demo.comptes import COMPTES, FINANCEUR, email_demo

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

PROGRAMME = "savoie"
COMPTES_PARCOURUS = [email_demo(prefixe, PROGRAMME) for prefixe in COMPTES] + [
    email_demo("prescripteur", PROGRAMME),
    FINANCEUR["email"],
]
# Hors du parcours : l'administration technique, la sortie (un envoi), les fichiers statiques,
# la prolongation de session (un envoi).
A_NE_PAS_SUIVRE = ("/admin-technique", "/deconnexion", "/static/", "/media/", "/compte/session/")
# Chaque sorte de page (motif d'URL) est ouverte par au plus ce nombre de ses liens : le parcours
# voit tout ce que la personne peut ouvrir sans relire cent fiches de ménage.
LIENS_PAR_MOTIF = 2
PAGES_AU_PLUS = 300
LIEN = re.compile(r'(?:href|hx-get)="([^"#][^"]*)"')


def _liens(adresse, texte):
    for lien in LIEN.findall(texte):
        lien = urljoin(adresse, urldefrag(html.unescape(lien))[0])
        partie = urlsplit(lien)
        if partie.scheme or partie.netloc or lien.startswith(A_NE_PAS_SUIVRE):
            continue
        yield lien


def _motif(adresse):
    try:
        return resolve(urlsplit(adresse).path).view_name
    except Resolver404:
        return None


def _contenu(reponse):
    return b"".join(reponse.streaming_content) if reponse.streaming else reponse.content


@pytest.mark.parametrize("email", COMPTES_PARCOURUS)
def test_chaque_lien_montre_s_ouvre(demo, client, email):
    client.force_login(User.objects.get(email=email))
    a_voir, vues, par_motif = deque([("/", "(accueil)")]), set(), Counter()
    refus, motifs_ouverts = [], set()
    while a_voir and len(vues) < PAGES_AU_PLUS:
        adresse, depuis = a_voir.popleft()
        if adresse in vues:
            continue
        motif = _motif(adresse)
        if motif is not None and par_motif[motif] >= LIENS_PAR_MOTIF:
            continue
        vues.add(adresse)
        par_motif[motif] += 1
        reponse = client.get(adresse)
        contenu = _contenu(reponse)
        if reponse.status_code in (301, 302):
            a_voir.appendleft((reponse.url, adresse))
            continue
        if reponse.status_code != 200:
            refus.append(f"{depuis} → {adresse} : {reponse.status_code}")
            continue
        motifs_ouverts.add(motif)
        if "html" in reponse.get("Content-Type", ""):
            texte = contenu.decode("utf-8", errors="replace")
            a_voir.extend((lien, adresse) for lien in _liens(adresse, texte) if lien not in vues)
    assert not refus, "\n".join(refus)
    # Le parcours ne passe pas à vide : l'accueil et au moins huit sortes de pages (le financeur en
    # ouvre huit, la coordination plus de cinquante).
    assert "ecrans:accueil" in motifs_ouverts and len(motifs_ouverts) >= 8, motifs_ouverts
