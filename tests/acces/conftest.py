"""Le monde du test d'accès, construit une fois par module ; les fiches PDF rendues en HTML."""

import pytest
from django.db import transaction
from django.template.loader import render_to_string

from . import situations


@pytest.fixture(scope="module")
def monde(django_db_setup, django_db_blocker):
    """Les personnes et les lignes en base pendant les tests du module, dans une transaction
    annulée après le dernier ; chaque cas a sa propre transaction, annulée aussi."""
    with django_db_blocker.unblock():
        atomique = transaction.atomic()
        atomique.__enter__()
        try:
            construit = situations.construire()
        except BaseException:
            transaction.set_rollback(True)
            atomique.__exit__(None, None, None)
            raise
    yield construit
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomique.__exit__(None, None, None)


@pytest.fixture
def html_au_lieu_du_pdf(monkeypatch):
    def rendre(gabarit, contexte):
        return render_to_string(gabarit, contexte).encode()

    monkeypatch.setattr("core.exports.rendre_pdf", rendre)
    monkeypatch.setattr("core.views.rendre_pdf", rendre)
