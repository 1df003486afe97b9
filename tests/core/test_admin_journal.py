"""L'administration technique montre le journal d'audit en lecture seule : ni ajout, ni
modification, ni suppression, même pour un superutilisateur."""

import pytest
from django.urls import reverse

from core.factories import UserFactory
from core.models import JournalAudit

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_l_administration_liste_le_journal(admin):
    JournalAudit.objects.create(action=JournalAudit.Action.EXPORT, email="lu@exemple.test")

    reponse = admin.get(reverse("admin:core_journalaudit_changelist"))

    assert reponse.status_code == 200
    assert "lu@exemple.test" in reponse.content.decode()
    # Pas d'action « supprimer la sélection ».
    assert "delete_selected" not in reponse.content.decode()


def test_l_administration_ne_modifie_ni_ne_supprime_une_ligne(admin):
    ligne = JournalAudit.objects.create(action=JournalAudit.Action.EXPORT, email="lu@exemple.test")
    fiche = reverse("admin:core_journalaudit_change", args=[ligne.pk])

    lecture = admin.get(fiche)
    assert lecture.status_code == 200
    assert 'name="_save"' not in lecture.content.decode()
    assert admin.post(fiche, {"email": "autre@exemple.test"}).status_code == 403
    suppression = reverse("admin:core_journalaudit_delete", args=[ligne.pk])
    assert admin.get(suppression).status_code == 403
    assert admin.post(suppression, {"post": "yes"}).status_code == 403
    en_lot = admin.post(
        reverse("admin:core_journalaudit_changelist"),
        {"action": "delete_selected", "_selected_action": [ligne.pk], "post": "yes"},
    )
    assert en_lot.status_code in (200, 302)
    assert admin.get(reverse("admin:core_journalaudit_add")).status_code == 403
    ligne.refresh_from_db()
    assert ligne.email == "lu@exemple.test"
