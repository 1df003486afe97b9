"""Aucun lien ni formulaire que le produit montre à une personne ne la mène à un refus ou à une
erreur.

Sur la démonstration de Haute-Savoie, chaque compte (un par rôle, le prescripteur, et le
financeur national) parcourt ce que le produit lui montre en suivant les liens depuis son
accueil (`href` et `hx-get` : pages, fragments, fiches PDF, exports ; le parcours du banc,
`bench.parcourir.atteindre`) :
- chaque lien s'ouvre (200, ou une redirection qui s'ouvre) : un lien vers une page refusée
  (403), introuvable (404) ou réservée à un envoi (405) est un défaut, la personne ne devait pas
  le voir ;
- chaque formulaire d'envoi (POST) des pages atteintes, envoyé vide (ses seuls champs cachés),
  est reçu : la page qui le redit avec ses erreurs (200) ou une redirection qui porte le message
  (302), jamais un refus ni une erreur du serveur. Un formulaire par adresse d'envoi.
"""

import html
import re

import pytest
from django.urls import reverse

from bench.parcourir import a_ne_pas_suivre, atteindre
from core.models import User
from demo.comptes import COMPTES, FINANCEUR, email_demo

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

PROGRAMME = "savoie"
COMPTES_PARCOURUS = [email_demo(prefixe, PROGRAMME) for prefixe in COMPTES] + [
    email_demo("prescripteur", PROGRAMME),
    FINANCEUR["email"],
]
# Chaque sorte de page (motif d'URL) est ouverte par au plus ce nombre de ses liens : le parcours
# voit tout ce que la personne peut ouvrir sans relire cent fiches de ménage.
LIENS_PAR_MOTIF = 2
PAGES_AU_PLUS = 300
FORMULAIRE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
CHAMP = re.compile(r"<input\b([^>]*)>")
IDENTIFIANT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _attribut(nom, balise):
    trouve = re.search(rf'\b{nom}="([^"]*)"', balise)
    return html.unescape(trouve.group(1)) if trouve else None


def _envois(adresse, texte):
    """(action, champs cachés) de chaque formulaire POST de la page, hors sortie et prolongation
    de la session."""
    for attributs, corps in FORMULAIRE.findall(texte):
        if (_attribut("method", attributs) or "get").lower() != "post":
            continue
        action = _attribut("action", attributs) or adresse
        if action.startswith(a_ne_pas_suivre()):
            continue
        caches = {}
        for champ in CHAMP.findall(corps):
            if _attribut("type", champ) == "hidden" and _attribut("name", champ):
                caches[_attribut("name", champ)] = _attribut("value", champ) or ""
        yield action, caches


@pytest.mark.parametrize("email", COMPTES_PARCOURUS)
def test_chaque_lien_et_chaque_formulaire_montres_s_ouvrent(demo, client, email):
    client.force_login(User.objects.get(email=email))

    pages, refus = atteindre(client, LIENS_PAR_MOTIF, PAGES_AU_PLUS, fichiers=True)

    assert not refus, "\n".join(
        f"{depuis} → {adresse} : {statut}" for depuis, adresse, statut in refus
    )
    # Le parcours ne passe pas à vide : l'accueil et au moins six sortes de pages (le financeur en
    # ouvre sept : son accueil, la vue nationale, les tableaux de bord, son compte).
    motifs = {motif for motif, _ in pages}
    assert "ecrans:accueil" in motifs and len(motifs) >= 6, motifs

    connexion = reverse("login")
    envoyes, mal_recus = set(), []
    for _, adresse in pages:
        texte = client.get(adresse).content.decode()
        for action, caches in _envois(adresse, texte):
            sorte = IDENTIFIANT.sub("…", action.split("?")[0])
            if sorte in envoyes:
                continue
            envoyes.add(sorte)
            reponse = client.post(action, caches, HTTP_REFERER=f"http://testserver{adresse}")
            vers_la_connexion = reponse.status_code == 302 and reponse.url.startswith(connexion)
            if reponse.status_code not in (200, 302) or vers_la_connexion:
                mal_recus.append(f"{adresse} → {action} : {reponse.status_code}")
    assert not mal_recus, "\n".join(mal_recus)
    # Chaque compte a au moins son changement de mot de passe, et reste connecté jusqu'au bout.
    assert envoyes
    assert client.get(reverse("ecrans:accueil")).status_code == 200
