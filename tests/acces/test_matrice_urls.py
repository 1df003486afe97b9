"""Le test d'accès généré : chaque motif d'URL du produit, pour chaque personne, sur chaque ligne.

À partir de `MATRICE`, `ECRITURE`, `ACTIONS` (`core.permissions`) et de la configuration des URL
(`get_resolver()`, parcourue entière), chaque motif — page, fragment htmx, PDF, export CSV/XLSX,
envoi de formulaire — est essayé par chaque rôle seul, chaque paire de rôles dont l'union
diffère de chacun des deux rôles seuls, un coordinateur territorial, un membre d'un autre
dispositif et un visiteur anonyme, sur chaque ligne de sa sorte (`situations.py`).

L'attendu se calcule depuis la matrice : si l'union des rôles de la personne ouvre la donnée (ou
l'écriture, ou l'action) sur cette ligne-ci, 200 (une redirection de succès pour un envoi, qui a
changé quelque chose) ; sinon un refus, 403 ou 404, et un envoi refusé ne change aucune ligne
d'aucune table. Le visiteur anonyme est renvoyé vers la connexion.

Ce que la matrice seule ne dit pas (une liste répond 200 à tous, mais ne montre que certaines
lignes), le contenu le dit : dans toute réponse rendue (page, fragment, CSV, XLSX, fiche), le nom
d'un ménage, sa dette, son plan, ses notes, les décisions du comité n'apparaissent que pour qui
les voit sur cette ligne.

`TABLE` dit, pour chaque nom d'URL, sur quelle sorte d'objet il porte, ce qu'il exige et comment
on l'appelle. Une URL ajoutée sans entrée fait échouer `test_chaque_motif_a_son_entree`.

Les fiches PDF sont rendues en HTML (le même gabarit, le même contexte) plutôt que par
WeasyPrint : la décision et les données sont celles de la vue, le texte se lit directement, et
la suite reste de quelques minutes. Les tests des fiches vérifient, eux, le PDF réel.
"""

import pytest

from core.enums import Role

from . import situations
from .table import TABLE, cas, essayer_tout, motifs_du_produit

# Les motifs de l'accompagnement et des comités ont leurs fichiers (pour que les processus de
# pytest-xdist se partagent les essais) ; tous les autres, y compris ceux d'une app nouvelle,
# sont essayés ici.
AILLEURS = ("accompagnement", "comites", "acces")


def test_chaque_motif_a_son_entree():
    motifs = motifs_du_produit()
    sans_entree = sorted(motifs - set(TABLE))
    assert not sans_entree, "motif sans entrée : " + ", ".join(sans_entree)
    sans_motif = sorted(set(TABLE) - motifs)
    assert not sans_motif, "entrée sans motif : " + ", ".join(sans_motif)


def test_les_paires_essayees_sont_celles_que_la_matrice_distingue():
    """Une paire essayée ajoute à chacun de ses deux rôles ; la coordination et le TS, dont
    l'union est la coordination, ne le sont pas."""
    paires = {frozenset(paire) for paire in situations.paires_utiles()}
    assert frozenset({Role.INFIRMIER, Role.MEMBRE_COTECH}) in paires
    assert frozenset({Role.AGENT_BAILLEUR, Role.MEMBRE_COTECH}) in paires
    assert frozenset({Role.COORDINATEUR, Role.TRAVAILLEUR_SOCIAL}) not in paires
    assert frozenset({Role.MEMBRE_COTECH, Role.MEMBRE_COPIL}) not in paires
    # Le prescripteur, seul et avec les rôles qui ne le couvrent pas (le partenaire qui rejoint
    # l'équipe comme travailleur social, l'agent du bailleur qui tient aussi ce rôle).
    assert "prescripteur" in {personne.cle for personne in situations.PERSONNES}
    assert frozenset({Role.PRESCRIPTEUR, Role.TRAVAILLEUR_SOCIAL}) in paires
    assert frozenset({Role.PRESCRIPTEUR, Role.AGENT_BAILLEUR}) in paires
    assert frozenset({Role.PRESCRIPTEUR, Role.COORDINATEUR}) not in paires


@pytest.mark.django_db
@pytest.mark.parametrize(("nom", "personne"), cas(sauf=AILLEURS))
def test_acces(client, monde, html_au_lieu_du_pdf, nom, personne):
    erreurs = essayer_tout(client, monde, nom, personne)
    assert not erreurs, "\n".join(erreurs)
