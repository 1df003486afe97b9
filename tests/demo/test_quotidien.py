"""La démonstration montre les accrocs du quotidien corrigés : une intervention corrigée par son
auteur (l'ancienne version gardée), une décision du comité corrigée, une orientation en attente
depuis longtemps signalée, les décisions d'admission avec l'équipe nommée."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnement.models import Intervention, InterventionVersion
from accompagnement.services import delai_correction, peut_corriger_intervention
from comites.models import Decision
from core.models import User
from menages.enums import StatutOrientation
from menages.models import Orientation
from menages.selectors import limite_attente
from tests.outils import texte

pytestmark = [pytest.mark.django_db, pytest.mark.demo]


def test_une_intervention_corrigee_par_la_ts_du_cantal(demo, client):
    ts = User.objects.get(email="ts.cantal@demo.test")
    version = InterventionVersion.objects.get(accompagnement__dispositif__slug="cantal")
    assert version.faite_par == ts
    corrigee = Intervention.objects.get(public_id=version.intervention_public_id)
    assert corrigee.corrigee_le is not None
    assert corrigee.note.startswith(version.note)
    # Seule la note complétée se corrige encore ; l'histoire a été écrite le jour des visites.
    corrigeables = [
        i
        for i in Intervention.objects.filter(auteur=ts).select_related("accompagnement")
        if peut_corriger_intervention(ts, i)
    ]
    # (et celles d'une visite de moins de 24 h, comme en vrai).
    recentes = timezone.now() - delai_correction()
    assert corrigee in corrigeables
    assert all(i == corrigee or i.date_heure >= recentes for i in corrigeables)
    client.force_login(ts)
    page = texte(
        client.get(reverse("accompagnement:detail", args=[corrigee.accompagnement.public_id]))
    )
    assert "Corrigée par son auteur" in page


def test_une_decision_du_comite_corrigee_par_la_coordination_du_cantal(demo, client):
    decision = Decision.objects.get(
        seance__comite__dispositif__slug="cantal", corrigee_le__isnull=False
    )
    correction = decision.corrections.get()
    assert correction.corrigee_par.email == "coordinateur.cantal@demo.test"
    assert decision.motifs.startswith(correction.anciens_motifs)
    client.force_login(correction.corrigee_par)
    page = texte(client.get(reverse("comites:seance", args=[decision.seance.public_id])))
    assert "Corrigée 1 fois" in page
    assert "motifs précisés après la séance" in page


def test_une_orientation_en_attente_depuis_longtemps_signalee(demo, client):
    anciennes = Orientation.objects.filter(
        menage__dispositif__slug="cantal",
        statut=StatutOrientation.EN_ATTENTE,
        date_statut__lt=limite_attente(),
    )
    assert anciennes.exists()
    client.force_login(User.objects.get(email="coordinateur.cantal@demo.test"))
    contenu = texte(client.get(reverse("ecrans:accueil")))
    assert "Orientations en attente depuis plus de 30 jours" in contenu
    assert anciennes.first().menage.nom in contenu


def test_les_admissions_nomment_leur_equipe(demo):
    admissions = Decision.objects.filter(type="admission").exclude(accompagnement=None)
    assert admissions.exists()
    assert not admissions.filter(equipe_nommee="").exists()
