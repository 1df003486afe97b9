"""« Qui peut clore » : une seule règle, que lisent le bouton, la page de clôture et le service."""

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accompagnement import services
from accompagnement.enums import MotifCloture
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory
from menages.factories import MenageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def suivi():
    dispositif = DispositifFactory()
    personnes = {
        role: MembreFactory(dispositif=dispositif, role=role).user
        for role in (Role.COORDINATEUR, Role.TRAVAILLEUR_SOCIAL, Role.INFIRMIER)
    }
    autre_ts = MembreFactory(dispositif=dispositif, role=Role.TRAVAILLEUR_SOCIAL).user
    accompagnement = services.ouvrir_accompagnement(
        personnes[Role.COORDINATEUR],
        MenageFactory(dispositif=dispositif),
        referent=personnes[Role.TRAVAILLEUR_SOCIAL],
        equipe=[autre_ts, personnes[Role.INFIRMIER]],
        date_debut=timezone.localdate() - relativedelta(months=2),
    )
    personnes = {
        "coordinateur": personnes[Role.COORDINATEUR],
        "referent": personnes[Role.TRAVAILLEUR_SOCIAL],
        "autre_ts": autre_ts,
        "infirmier": personnes[Role.INFIRMIER],
    }
    return accompagnement, personnes


def clore(user, accompagnement):
    return services.cloturer_accompagnement(
        user,
        accompagnement,
        date=timezone.localdate(),
        motif=MotifCloture.STABILISEE,
        maintien_dans_logement=True,
    )


@pytest.mark.parametrize(
    "qui, peut",
    [("coordinateur", True), ("referent", True), ("autre_ts", False), ("infirmier", False)],
)
def test_le_bouton_la_page_et_le_service_disent_la_meme_chose(client, suivi, qui, peut):
    accompagnement, personnes = suivi
    user = personnes[qui]
    client.force_login(user)
    url_cloture = reverse("accompagnement:cloture", args=[accompagnement.public_id])

    detail = client.get(reverse("accompagnement:detail", args=[accompagnement.public_id]))

    assert services.peut_clore(user, accompagnement) is peut
    assert (url_cloture in detail.content.decode()) is peut
    assert client.get(url_cloture).status_code == (200 if peut else 403)
    if peut:
        assert clore(user, accompagnement).auteur == user
    else:
        with pytest.raises(PermissionDenied):
            clore(user, accompagnement)


def test_une_fois_clos_le_bouton_disparait_meme_pour_qui_a_le_droit(client, suivi):
    accompagnement, personnes = suivi
    clore(personnes["coordinateur"], accompagnement)
    client.force_login(personnes["coordinateur"])

    detail = client.get(reverse("accompagnement:detail", args=[accompagnement.public_id]))

    assert services.peut_clore(personnes["coordinateur"], accompagnement)
    assert reverse("accompagnement:cloture", args=[accompagnement.public_id]) not in (
        detail.content.decode()
    )
