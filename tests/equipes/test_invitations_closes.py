"""Les invitations closes (expirées ou révoquées, jamais acceptées) s'effacent après leur durée
de conservation ; la page des membres en montre un nombre borné, quelle que soit leur quantité."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.enums import Role
from core.factories import DispositifFactory
from core.models import JournalAudit
from equipes import selectors, services, tasks
from equipes.models import Invitation
from tests.outils import membre

from .situations import inviter

pytestmark = pytest.mark.django_db

Journal = JournalAudit.Action


def invitation_datee(coordinateur, dispositif, email, *, expiree_depuis=None, revoquee_depuis=None):
    invitation, _ = inviter(coordinateur, dispositif, email=email)
    maintenant = timezone.now()
    if expiree_depuis is not None:
        invitation.expire_le = maintenant - timedelta(days=expiree_depuis)
    if revoquee_depuis is not None:
        invitation.revoquee_le = maintenant - timedelta(days=revoquee_depuis)
    invitation.save()
    return invitation


def test_seules_les_invitations_closes_depuis_la_duree_de_conservation_s_effacent(coordination):
    dispositif, coordinateur = coordination
    duree = settings.CONSERVATION_INVITATIONS_JOURS
    gardees = {
        inviter(coordinateur, dispositif, email="attend@exemple.test")[0].pk,
        invitation_datee(
            coordinateur, dispositif, "expiree.recente@exemple.test", expiree_depuis=duree - 1
        ).pk,
        invitation_datee(
            coordinateur, dispositif, "revoquee.recente@exemple.test", revoquee_depuis=duree - 1
        ).pk,
    }
    acceptee = invitation_datee(
        coordinateur, dispositif, "acceptee@exemple.test", expiree_depuis=duree + 30
    )
    acceptee.acceptee_le = acceptee.cree_le
    acceptee.save()
    gardees.add(acceptee.pk)
    effacees = [
        invitation_datee(
            coordinateur, dispositif, "expiree.ancienne@exemple.test", expiree_depuis=duree + 1
        ),
        # Révoquée il y a longtemps, même si son échéance, repoussée par un renvoi, est récente.
        invitation_datee(
            coordinateur,
            dispositif,
            "revoquee.ancienne@exemple.test",
            expiree_depuis=1,
            revoquee_depuis=duree + 1,
        ),
    ]
    autre_dispositif = DispositifFactory()
    autre = invitation_datee(
        membre(autre_dispositif, Role.COORDINATEUR),
        autre_dispositif,
        "ailleurs@exemple.test",
        expiree_depuis=duree + 5,
    )

    assert set(services.invitations_closes().values_list("pk", flat=True)) == {
        *(i.pk for i in effacees),
        autre.pk,
    }
    assert tasks.effacer_les_invitations_closes() == 3
    assert set(Invitation.objects.values_list("pk", flat=True)) == gardees

    lignes = JournalAudit.objects.filter(action=Journal.INVITATIONS_EFFACEES)
    assert sorted(lignes.values_list("dispositif_id", "detail")) == sorted(
        [
            (dispositif.pk, f"2 invitations expirées ou révoquées depuis plus de {duree} jours"),
            (autre_dispositif.pk, f"1 invitation expirée ou révoquée depuis plus de {duree} jours"),
        ]
    )
    # Combien, jamais qui.
    assert not any("@" in ligne.detail for ligne in lignes)
    # Rien de plus à effacer : aucune ligne de plus.
    assert services.effacer_les_invitations_closes() == 0
    assert lignes.count() == 2


def test_la_duree_de_conservation_des_invitations_se_regle(coordination, settings):
    dispositif, coordinateur = coordination
    invitation_datee(coordinateur, dispositif, "expiree@exemple.test", expiree_depuis=20)
    assert services.effacer_les_invitations_closes() == 0
    settings.CONSERVATION_INVITATIONS_JOURS = 15
    assert services.effacer_les_invitations_closes() == 1
    assert not Invitation.objects.exists()


def test_l_effacement_est_une_tache_de_chaque_nuit():
    taches = {entree["task"] for entree in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "equipes.tasks.effacer_les_invitations_closes" in taches


def test_la_page_des_membres_montre_un_nombre_borne_d_invitations(
    client, coordination, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(selectors, "INVITATIONS_AFFICHEES", 3)
    dispositif, coordinateur = coordination
    for rang in range(4):
        invitation_datee(
            coordinateur, dispositif, f"expiree{rang}@exemple.test", expiree_depuis=rang + 1
        )
    inviter(coordinateur, dispositif, email="attend@exemple.test")
    client.force_login(coordinateur)
    url = reverse("equipes:membres", args=[dispositif.slug])

    contenu = client.get(url).content.decode()
    section = contenu.split('id="invitations"')[1].split("</section>")[0]
    # Celle qui attend encore d'abord, puis les dernières expirées ; les deux plus anciennes
    # sont seulement comptées.
    montrees = [
        email
        for email in ["attend", "expiree0", "expiree1", "expiree2", "expiree3"]
        if f"{email}@exemple.test" in section
    ]
    assert montrees == ["attend", "expiree0", "expiree1"]
    assert section.index("attend@") < section.index("expiree0@") < section.index("expiree1@")
    assert "Et 2 autres invitations ouvertes" in section
    assert f"s'efface {settings.CONSERVATION_INVITATIONS_JOURS} jours après" in section

    # Sans invitation au-delà de la borne, rien n'est compté (pas de requête de plus).
    Invitation.objects.filter(email__in=["expiree2@exemple.test", "expiree3@exemple.test"]).delete()
    contenu = client.get(url).content.decode()
    assert 'id="invitations-autres"' not in contenu
    avec_le_compte = selectors.invitations_du_dispositif(dispositif)
    assert avec_le_compte.autres == 0 and len(avec_le_compte.montrees) == 3
    with django_assert_num_queries(1):
        selectors.invitations_du_dispositif(dispositif)
