"""Le travailleur social qui ouvre le suivi après le bail, parmi les centaines d'un programme
national : au-delà du seuil, le formulaire de la proposition le cherche par le nom ; la
recherche ne propose que les travailleurs sociaux du dispositif, à qui peut ouvrir le suivi."""

import json

import pytest
from django.urls import reverse

from accompagnement.models import Accompagnement
from core import widgets as core_widgets
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory, UserFactory
from tests.outils import membre

from .situations import AUJOURD_HUI, Parcours_

pytestmark = pytest.mark.django_db


@pytest.fixture
def parcours():
    parcours = Parcours_()
    parcours.proposition, parcours.bail = parcours.jusqu_au_bail()
    return parcours


def _ts(dispositif, prenom, nom):
    return MembreFactory(
        dispositif=dispositif,
        role=Role.TRAVAILLEUR_SOCIAL,
        user=UserFactory(first_name=prenom, last_name=nom),
    ).user


def test_au_dela_du_seuil_le_ts_se_cherche_et_le_suivi_s_ouvre(client, parcours, monkeypatch):
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", 1)
    nadia = _ts(parcours.dispositif, "Nadia", "Rouvière")
    page = reverse("acces:proposition", args=[parcours.proposition.public_id])
    recherche = reverse("acces:personnes", args=[parcours.proposition.public_id])
    client.force_login(parcours.coordinateur)

    contenu = client.get(page).content.decode()
    assert f'data-recherche="{recherche}?liste=travailleur_social"' in contenu
    assert "Rouvière" not in contenu

    reponse = client.post(
        reverse("acces:ouvrir_suivi", args=[parcours.proposition.public_id]),
        {"travailleur_social": nadia.pk, "date_debut": AUJOURD_HUI().isoformat()},
    )
    assert reponse.status_code == 302
    assert Accompagnement.objects.get(menage=parcours.menage).referent == nadia


def test_la_recherche_ne_propose_que_les_ts_du_dispositif(client, parcours):
    nadia = _ts(parcours.dispositif, "Nadia", "Rouvière")
    MembreFactory(
        dispositif=parcours.dispositif,
        role=Role.INFIRMIER,
        user=UserFactory(first_name="Inès", last_name="Rouvière"),
    )
    _ts(DispositifFactory(acces=True), "Autre", "Rouvière")
    recherche = reverse("acces:personnes", args=[parcours.proposition.public_id])
    client.force_login(parcours.coordinateur)

    reponse = client.get(recherche, {"liste": "travailleur_social", "q": "rouv"})
    assert json.loads(reponse.content)["resultats"] == [
        {"value": str(nadia.pk), "text": "Nadia Rouvière"}
    ]

    # Refusée à qui ne peut pas ouvrir le suivi de ce ménage.
    for role in (Role.TRAVAILLEUR_SOCIAL, Role.AGENT_BAILLEUR, Role.MEMBRE_COPIL):
        client.force_login(membre(parcours.dispositif, role))
        refus = client.get(recherche, {"liste": "travailleur_social", "q": "rouv"})
        assert refus.status_code in (403, 404), role
