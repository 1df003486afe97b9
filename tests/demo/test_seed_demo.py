"""seed_demo : les quatre programmes, un compte par rôle et par programme, idempotent."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core import permissions
from core.enums import Role
from core.models import Dispositif, Membre, User
from menages.models import Menage
from tests.menages.test_situation_du_jour import portee, recalcul

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

PREFIXES = {
    "ts": Role.TRAVAILLEUR_SOCIAL,
    "infirmier": Role.INFIRMIER,
    "psychologue": Role.PSYCHOLOGUE,
    "coordinateur": Role.COORDINATEUR,
    "bailleur": Role.AGENT_BAILLEUR,
    "cotech": Role.MEMBRE_COTECH,
    "copil": Role.MEMBRE_COPIL,
    "evaluateur": Role.EVALUATEUR,
}
PROGRAMMES = ["cantal", "nord", "savoie", "declic"]


def test_deux_passages_ne_changent_rien(demo_chargee):
    assert demo_chargee.second == demo_chargee.premier


def test_les_quatre_programmes_et_un_compte_par_role(demo):
    # Premier passage en mode développement (DEBUG), sans --force.
    assert demo.sortie.startswith("Démonstration chargée.")
    assert sorted(Dispositif.objects.values_list("slug", flat=True)) == sorted(PROGRAMMES)
    for programme in PROGRAMMES:
        for prefixe, role in PREFIXES.items():
            membre = Membre.objects.get(user__email=f"{prefixe}.{programme}@demo.test")
            assert (membre.dispositif.slug, membre.role) == (programme, role)
    admin = User.objects.get(email="admin@demo.test")
    assert admin.is_staff and not admin.adhesions.exists()
    # Le financeur national : une habilitation d'instance confirmée, aucune adhésion.
    financeur = User.objects.get(email="financeur@demo.test")
    assert not financeur.adhesions.exists()
    assert permissions.habilite_national(financeur)


def test_budget_du_cantal_tire_du_dossier(demo):
    cantal = Dispositif.objects.get(slug="cantal")
    montants = sorted(cantal.lignes_budgetaires.values_list("montant_annuel", flat=True))
    attendus = [8000, 12000, 14000, 16000, 30000, 35000, 40000]
    assert montants == [Decimal(m) for m in attendus]
    assert cantal.capacite_maintien == 30
    assert cantal.cout_menage_prevu == Decimal(4833)
    declic = Dispositif.objects.get(slug="declic")
    assert declic.budget_annuel() == Decimal(43500)
    assert declic.capacite_cible == 20
    nord = Dispositif.objects.get(slug="nord")
    assert sorted(nord.territoires.values_list("nom", flat=True)) == [
        "Bassin Flandres",
        "Bassin Sud",
        "Lille",
    ]


def test_les_comptes_de_demonstration_se_connectent(demo, client):
    # La démonstration de la session est chargée avec DEMO_PASSWORD = "demo-logisens".
    reponse = client.post(
        reverse("login"), {"username": "ts.cantal@demo.test", "password": "demo-logisens"}
    )
    assert reponse.status_code == 302
    assert "Face à des situations complexes" in client.get(reponse.url).content.decode()


def test_l_evaluateur_de_demo_telecharge_un_extrait_sans_nom(demo, client):
    from menages.models import Menage

    client.force_login(User.objects.get(email="evaluateur.nord@demo.test"))
    reponse = client.get("/evaluation/nord/episodes.csv")
    assert reponse.status_code == 200
    contenu = b"".join(reponse.streaming_content).decode("utf-8-sig")
    lignes = [ligne.split(";") for ligne in contenu.splitlines()]
    assert len(lignes) > 10
    cellules = {cellule for ligne in lignes for cellule in ligne}
    noms = set(Menage.objects.filter(dispositif__slug="nord").values_list("nom", flat=True))
    assert not cellules & noms
    assert all(ligne[0].startswith("M-") for ligne in lignes[1:])


def test_le_financeur_de_demo_a_la_vue_nationale(demo, client):
    client.force_login(User.objects.get(email="financeur@demo.test"))
    reponse = client.get("/national/")
    assert reponse.status_code == 200
    assert "Ensemble" in reponse.content.decode()


def test_chaque_menage_porte_la_situation_que_donnent_ses_orientations_et_ses_releves(demo):
    """La démonstration écrit en groupe (statuts, relevés) : à la fin, la situation que porte
    chaque ménage égale le recalcul depuis ses orientations et ses relevés."""
    menages = list(Menage.objects.prefetch_related("orientations", "dettes"))
    assert menages
    ecarts = [m.pk for m in menages if portee(m) != recalcul(m)]
    assert ecarts == []
    assert any(m.derniere_dette is not None for m in menages)
