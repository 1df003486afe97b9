"""La démonstration des accompagnements : chaque fonction visible, reproductible, idempotente."""

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from accompagnement.enums import Adhesion, Confidentialite, StatutAccompagnement, TypeIntervention
from accompagnement.models import (
    Accompagnement,
    Bilan,
    Cloture,
    Intervention,
    MembreEquipe,
    Objectif,
)
from core.models import User
from menages.models import PlanApurement

pytestmark = [pytest.mark.django_db, pytest.mark.demo]

PROGRAMMES = ["cantal", "nord", "savoie", "declic"]
MODELES = [Accompagnement, Intervention, Bilan, Cloture, Objectif, PlanApurement]


def comptes(demo, passage):
    """Ce que le premier ou le second passage de seed_demo a laissé."""
    return {modele.__name__: demo.nombre(modele, passage) for modele in MODELES}


def test_un_second_passage_ne_change_rien(demo):
    premier, second = comptes(demo, "premier"), comptes(demo, "second")
    assert second == premier
    assert premier["Accompagnement"] >= 80
    assert premier["Intervention"] >= 1000
    assert premier["Bilan"] >= 200
    assert premier["Cloture"] >= 12
    assert premier["Objectif"] >= 2 * premier["Accompagnement"] * 0.9
    assert premier["PlanApurement"] >= 10


@pytest.mark.parametrize("slug", PROGRAMMES)
def test_chaque_programme_montre_chaque_fonction(demo, slug):
    accompagnements = Accompagnement.objects.filter(dispositif__slug=slug)
    interventions = Intervention.objects.filter(accompagnement__dispositif__slug=slug)
    aujourd_hui = timezone.localdate()
    assert accompagnements.count() >= 12
    assert interventions.count() >= 150
    assert interventions.filter(type=TypeIntervention.VISITE_SANS_REPONSE).exists()
    assert interventions.filter(confidentialite=Confidentialite.SOIGNANTS).exists()
    assert interventions.filter(confidentialite=Confidentialite.PERSONNELLE).exists()
    assert interventions.filter(orientations_partenaires__isnull=False).exists()
    assert not interventions.filter(date_heure__gt=timezone.now()).exists()
    # Seuls l'infirmier·ère et le ou la psychologue écrivent une note « soignants ».
    assert set(
        interventions.filter(confidentialite=Confidentialite.SOIGNANTS).values_list(
            "profession_auteur", flat=True
        )
    ) <= {"infirmier", "psychologue"}
    bilans = Bilan.objects.filter(accompagnement__dispositif__slug=slug)
    echus = bilans.filter(date_prevue__lt=aujourd_hui)
    en_retard = echus.filter(date_realisation__isnull=True)
    assert en_retard.exists()
    assert echus.filter(date_realisation__isnull=False).count() >= 0.7 * echus.count()
    assert Cloture.objects.filter(accompagnement__dispositif__slug=slug).exists()
    assert accompagnements.filter(statut=StatutAccompagnement.EN_COURS).exists()
    assert accompagnements.filter(plan__date_validation__isnull=False).count() >= (
        accompagnements.count() / 2
    )
    acceptees = accompagnements.filter(adhesion=Adhesion.ACCEPTEE).count()
    assert acceptees >= accompagnements.count() / 2
    par_accompagnement = accompagnements.annotate(n=Count("objectifs")).filter(
        date_debut__lt=aujourd_hui - timedelta(days=60)
    )
    assert all(2 <= a.n <= 5 for a in par_accompagnement)
    # La TS de démonstration partage le portefeuille avec d'autres intervenants.
    ts = User.objects.get(email=f"ts.{slug}@demo.test")
    dans = MembreEquipe.objects.filter(accompagnement__dispositif__slug=slug, user=ts).count()
    assert 0.5 * accompagnements.count() <= dans < accompagnements.count()


def test_le_portefeuille_de_la_ts_du_cantal(demo):
    ts = User.objects.get(email="ts.cantal@demo.test")
    infirmier = User.objects.get(email="infirmier.cantal@demo.test")
    siens = Accompagnement.objects.filter(dispositif__slug="cantal", equipe__user=ts)
    assert siens.count() >= 8
    assert siens.filter(equipe__user=infirmier).count() >= 3


def test_un_menage_du_cantal_rouvert(demo):
    rouverts = (
        Accompagnement.objects.filter(dispositif__slug="cantal")
        .values("menage")
        .annotate(n=Count("pk"))
        .filter(n__gte=2)
    )
    assert rouverts.count() == 1
    episodes = Accompagnement.objects.filter(menage=rouverts[0]["menage"]).order_by("date_debut")
    assert episodes[0].statut in (
        StatutAccompagnement.CLOS,
        StatutAccompagnement.SUIVI_POST_CLOTURE,
    )
    assert episodes[1].est_ouvert
    assert episodes[1].date_debut > episodes[0].date_fin


def test_clotures_et_sorties(demo):
    motifs = set(Cloture.objects.values_list("motif", flat=True))
    assert {"stabilisee", "expulsion", "deces"} <= motifs
    assert Cloture.objects.filter(motif="stabilisee").count() >= Cloture.objects.count() / 4
    assert not Cloture.objects.filter(motif__in=["expulsion", "deces"], maintien_dans_logement=True)
    assert Accompagnement.objects.filter(statut=StatutAccompagnement.CLOS).exists()
    assert Accompagnement.objects.filter(statut=StatutAccompagnement.SUIVI_POST_CLOTURE).exists()
    for cloture in Cloture.objects.select_related("accompagnement"):
        derniere = cloture.accompagnement.interventions.order_by("-date_heure").first()
        if derniere is not None:
            assert timezone.localtime(derniere.date_heure).date() <= cloture.date
