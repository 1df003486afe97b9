"""Le test d'accès généré (`test_matrice_urls.py`) pour les motifs « acces » (parcours accès)."""

import pytest

from .table import cas, essayer_tout


@pytest.mark.django_db
@pytest.mark.parametrize(("nom", "personne"), cas("acces"))
def test_acces(client, monde, html_au_lieu_du_pdf, nom, personne):
    erreurs = essayer_tout(client, monde, nom, personne)
    assert not erreurs, "\n".join(erreurs)
