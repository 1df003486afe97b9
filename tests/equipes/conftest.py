import pytest

from core.enums import Role
from core.factories import DispositifFactory
from tests.outils import membre


@pytest.fixture
def coordination():
    """Un dispositif et sa coordination."""
    dispositif = DispositifFactory()
    return dispositif, membre(dispositif, Role.COORDINATEUR)
