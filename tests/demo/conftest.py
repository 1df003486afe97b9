import sys

import pytest
from django.db import transaction


@pytest.fixture(scope="module")
def demo(demo_chargee, django_db_blocker):
    """La démonstration en base pendant les tests du module : rechargée depuis l'export de la
    session dans une transaction, annulée après le dernier test (chaque test garde la sienne)."""
    with django_db_blocker.unblock():
        atomique = transaction.atomic()
        atomique.__enter__()
        try:
            demo_chargee.recharger()
        except BaseException:
            atomique.__exit__(*sys.exc_info())
            raise
    yield demo_chargee
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomique.__exit__(None, None, None)
