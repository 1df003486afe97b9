"""seed_demo : dans chaque programme, une invitation en attente et un ancien membre parti, dont
les ménages ont été confiés à un autre référent."""

import pytest
from django.utils import timezone

from accompagnement.models import Accompagnement, MembreEquipe
from core.models import JournalAudit, Membre, User
from equipes import selectors
from equipes.models import Invitation

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

PROGRAMMES = ["cantal", "nord", "savoie", "declic"]


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_une_invitation_attend_dans_chaque_programme(demo, programme):
    invitation = Invitation.objects.en_attente().get(dispositif__slug=programme)
    assert invitation.email == f"recrue.{programme}@demo.test"
    assert invitation.cree_par.email == f"coordinateur.{programme}@demo.test"
    assert not User.objects.filter(email=invitation.email).exists()


@pytest.mark.parametrize("programme", PROGRAMMES)
def test_un_ancien_membre_parti_dont_les_menages_sont_reaffectes(demo, programme):
    ancien = Membre.objects.get(user__email=f"ancien-ts.{programme}@demo.test")
    assert ancien.date_fin is not None and ancien.date_fin < timezone.localdate()
    assert not ancien.user.is_active
    passages = MembreEquipe.objects.filter(user=ancien.user)
    assert passages.count() == 2
    assert all(p.date_fin == ancien.date_fin for p in passages)
    for passage in passages:
        accompagnement = passage.accompagnement
        assert accompagnement.referent.email == f"ts.{programme}@demo.test"
    assert not Accompagnement.objects.filter(referent=ancien.user).exists()
    coordinateur = User.objects.get(email=f"coordinateur.{programme}@demo.test")
    assert selectors.a_reaffecter(coordinateur, ancien.dispositif).vide
    assert (
        JournalAudit.objects.filter(
            action=JournalAudit.Action.REAFFECTATION, dispositif=ancien.dispositif
        ).count()
        == 2
    )
