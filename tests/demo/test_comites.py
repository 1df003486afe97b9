"""La démonstration des comités : pour chaque programme, ses trois comités, deux ans de COTECH
décidés, des COPIL passés, la séance du mois à décider et les séances à venir ; idempotente."""

import pytest
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from comites.enums import NaturePoint, TypeComite, TypeDecision
from comites.models import Comite, Decision, PointOrdreDuJour, Seance
from core.models import User
from menages.enums import STATUTS_EN_COURS_D_EXAMEN

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

PROGRAMMES = ["cantal", "nord", "savoie", "declic"]
MODELES = [Comite, Seance, PointOrdreDuJour, Decision]


def comptes(demo, passage):
    """Ce que le premier ou le second passage de seed_demo a laissé."""
    return {modele.__name__: demo.nombre(modele, passage) for modele in MODELES}


def test_un_second_passage_ne_change_rien(demo):
    premier, second = comptes(demo, "premier"), comptes(demo, "second")
    assert second == premier
    assert premier["Comite"] == 3 * len(PROGRAMMES)
    assert premier["Decision"] > 0


@pytest.mark.parametrize("slug", PROGRAMMES)
def test_chaque_programme_a_ses_trois_comites_et_leurs_membres(demo, slug):
    comites = {c.type: c for c in Comite.objects.filter(dispositif__slug=slug)}
    assert set(comites) == {TypeComite.TECHNIQUE, TypeComite.PILOTAGE, TypeComite.EQUIPE}
    membres = {
        type_comite: set(comite.membres.values_list("email", flat=True))
        for type_comite, comite in comites.items()
    }
    assert f"cotech.{slug}@demo.test" in membres[TypeComite.TECHNIQUE]
    assert f"copil.{slug}@demo.test" not in membres[TypeComite.TECHNIQUE]
    assert f"copil.{slug}@demo.test" in membres[TypeComite.PILOTAGE]
    assert f"cotech.{slug}@demo.test" not in membres[TypeComite.PILOTAGE]
    assert f"ts.{slug}@demo.test" in membres[TypeComite.EQUIPE]


@pytest.mark.parametrize("slug", PROGRAMMES)
def test_deux_ans_de_cotech_decides_et_des_copil_passes(demo, slug):
    maintenant = timezone.now()
    debut_du_jour = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    passees = Seance.objects.filter(comite__dispositif__slug=slug, date__lt=debut_du_jour)
    cotech_decides = (
        passees.filter(comite__type=TypeComite.TECHNIQUE)
        .annotate(nombre=Count("decisions"))
        .filter(nombre__gt=0)
    )
    assert cotech_decides.count() >= 20
    assert passees.filter(comite__type=TypeComite.PILOTAGE).count() >= 3
    assert not passees.filter(comite__type=TypeComite.PILOTAGE, presents=None).exists()
    # Chaque décision passée est celle d'un point de sa séance, sur le ménage de ce point.
    decisions = Decision.objects.filter(seance__comite__dispositif__slug=slug)
    assert not decisions.filter(point__isnull=True).exists()
    for decision in decisions.select_related("point"):
        assert decision.point.seance_id == decision.seance_id
        assert decision.point.menage_id == decision.menage_id
    types = set(decisions.values_list("type", flat=True))
    assert {TypeDecision.ADMISSION, TypeDecision.CLOTURE_VALIDEE} <= types
    assert types & {TypeDecision.REFUS, TypeDecision.REORIENTATION}
    admissions = decisions.filter(type=TypeDecision.ADMISSION)
    assert not admissions.filter(accompagnement__isnull=True).exists()
    assert Seance.objects.filter(comite__dispositif__slug=slug, date__gt=maintenant).exists()


@pytest.mark.parametrize("slug", PROGRAMMES)
def test_la_seance_du_mois_a_des_orientations_a_decider(demo, slug):
    seance = Seance.objects.get(
        comite__dispositif__slug=slug,
        comite__type=TypeComite.TECHNIQUE,
        date__date=timezone.localdate(),
    )
    nouvelles = seance.points.filter(nature=NaturePoint.NOUVELLE_ORIENTATION)
    assert nouvelles.count() >= 2
    assert not seance.decisions.exists()
    for point in nouvelles.select_related("orientation"):
        assert point.orientation.statut in STATUTS_EN_COURS_D_EXAMEN


@pytest.mark.parametrize("slug", PROGRAMMES)
def test_des_seances_sont_a_venir_pour_chaque_comite(demo, slug):
    a_venir = Seance.objects.filter(comite__dispositif__slug=slug, date__gt=timezone.now())
    assert set(a_venir.values_list("comite__type", flat=True)) == {
        TypeComite.TECHNIQUE,
        TypeComite.PILOTAGE,
        TypeComite.EQUIPE,
    }


def test_le_cotech_de_la_demo_ouvre_la_seance_du_mois_et_ses_menages(demo, client):
    seance = Seance.objects.get(
        comite__dispositif__slug="cantal",
        comite__type=TypeComite.TECHNIQUE,
        date__date=timezone.localdate(),
    )
    point = seance.points.select_related("menage").first()
    client.force_login(User.objects.get(email="cotech.cantal@demo.test"))

    assert client.get(reverse("comites:accueil")).status_code == 200
    assert client.get(reverse("comites:seance", args=[seance.public_id])).status_code == 200
    assert client.get(reverse("ecrans:menage", args=[point.menage.public_id])).status_code == 200

    client.force_login(User.objects.get(email="copil.cantal@demo.test"))
    assert client.get(reverse("comites:seance", args=[seance.public_id])).status_code == 404
    assert client.get(reverse("ecrans:menage", args=[point.menage.public_id])).status_code == 404
