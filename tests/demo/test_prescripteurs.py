"""seed_demo : les partenaires prescripteurs de Haute-Savoie et du Nord, ce qu'ils ont orienté
à chaque étape, et ce que chacun voit (sa structure seulement)."""

import pytest
from django.urls import reverse

from comites.selectors import decisions_visibles
from core.enums import Role
from core.models import Membre, User
from menages import selectors
from menages.enums import StatutOrientation
from tests.outils import texte

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

COMPTES = {
    "prescripteur.savoie@demo.test": ("savoie", "SIAO de la Haute-Savoie"),
    "prescripteur2.savoie@demo.test": ("savoie", "ARIES"),
    "prescripteur.nord@demo.test": ("nord", "EPSM de l'agglomération lilloise"),
}


def test_les_comptes_des_prescripteurs(demo):
    for email, (slug, structure) in COMPTES.items():
        membre = Membre.objects.get(user__email=email)
        assert (membre.dispositif.slug, membre.role, membre.organisation.nom) == (
            slug,
            Role.PRESCRIPTEUR,
            structure,
        )
    assert "prescripteur.savoie@demo.test" in demo.sortie


def test_chaque_structure_a_des_orientations_a_chaque_etape(demo):
    siao = User.objects.get(email="prescripteur.savoie@demo.test")
    orientations = list(selectors.mes_orientations(siao))
    assert {o.organisation.nom for o in orientations} == {"SIAO de la Haute-Savoie"}
    statuts = {o.statut for o in orientations}
    assert {
        StatutOrientation.A_EXAMINER,
        StatutOrientation.EN_ATTENTE,
        StatutOrientation.ADMISE,
        StatutOrientation.REFUSEE,
    } <= statuts
    assert all(o.dette_locative is None for o in orientations)
    decisions = list(decisions_visibles(siao))
    assert {d.type for d in decisions} == {"admission", "refus"}
    assert all(d.explication_prescripteur for d in decisions)


def test_le_prescripteur_d_aries_ne_voit_pas_le_siao(demo, client):
    aries = User.objects.get(email="prescripteur2.savoie@demo.test")
    siao = User.objects.get(email="prescripteur.savoie@demo.test")
    siens = set(selectors.orientations_visibles(aries))
    assert siens
    assert not siens & set(selectors.orientations_visibles(siao))
    client.force_login(aries)
    accueil = texte(client.get(reverse("ecrans:accueil")))
    assert "Décisions sur les orientations de votre structure" in accueil
    for orientation in selectors.mes_orientations(siao):
        assert orientation.menage.nom not in accueil


def test_l_admission_nomme_le_referent_du_bailleur_dans_l_equipe(demo):
    siao = User.objects.get(email="prescripteur.savoie@demo.test")
    admise = next(
        o for o in selectors.mes_orientations(siao) if o.statut == StatutOrientation.ADMISE
    )
    equipe = admise.menage.accompagnements.get().equipe.values_list("user__email", flat=True)
    assert "bailleur.savoie@demo.test" in equipe
