"""Aucun lien que le produit montre à une personne ne la mène à un refus.

Sur la démonstration de Haute-Savoie, chaque compte (un par rôle, le prescripteur, et le
financeur national) parcourt ce que le produit lui montre en suivant les liens depuis son
accueil (`href` et `hx-get` : pages, fragments, fiches PDF, exports ; le parcours du banc,
`bench.parcourir.atteindre`) : chaque lien s'ouvre (200, ou une redirection qui s'ouvre). Un
lien vers une page refusée (403), introuvable (404) ou réservée à un envoi (405) est un défaut :
la personne ne devait pas le voir.
"""

import pytest

from bench.parcourir import atteindre
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


@pytest.mark.parametrize("email", COMPTES_PARCOURUS)
def test_chaque_lien_montre_s_ouvre(demo, client, email):
    client.force_login(User.objects.get(email=email))

    pages, refus = atteindre(client, LIENS_PAR_MOTIF, PAGES_AU_PLUS, fichiers=True)

    assert not refus, "\n".join(
        f"{depuis} → {adresse} : {statut}" for depuis, adresse, statut in refus
    )
    # Le parcours ne passe pas à vide : l'accueil et au moins six sortes de pages (le financeur en
    # ouvre sept : son accueil, la vue nationale, les tableaux de bord, son compte).
    motifs = {motif for motif, _ in pages}
    assert "ecrans:accueil" in motifs and len(motifs) >= 6, motifs
