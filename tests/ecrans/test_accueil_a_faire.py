"""L'accueil dit à chacun ce qui est à lui : l'agent du bailleur ses orientations et leurs
statuts, le membre du COTECH ses séances et leur ordre du jour (pas les bilans du programme),
la coordination les orientations en attente depuis trop longtemps ; et la file active les
signale."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comites import services as comites
from menages.enums import StatutOrientation
from menages.factories import OrientationFactory
from tests.comites.situations import Programme
from tests.outils import noms_affiches, texte

pytestmark = pytest.mark.django_db


def _accueil(client, user):
    client.force_login(user)
    return texte(client.get(reverse("ecrans:accueil")))


def test_l_agent_du_bailleur_voit_ses_orientations_et_leur_statut_qui_change(client):
    programme = Programme()
    admise = programme.orientation(nom="Admisrecent")
    aujourd_hui = programme.aujourd_hui
    admise.statut = StatutOrientation.ADMISE
    admise.date_statut = aujourd_hui
    admise.save()
    programme.orientation(nom="Attendlongtemps", statut=StatutOrientation.A_EXAMINER)

    contenu = _accueil(client, programme.agent)

    assert "Mes orientations" in contenu
    assert "Admisrecent Hortense" in contenu
    assert "Attendlongtemps Hortense" in contenu
    assert '<span class="badge text-bg-info">nouveau</span>' in contenu
    assert f"depuis le {aujourd_hui:%d/%m/%Y}" in contenu
    assert "Admise" in contenu
    assert reverse("ecrans:menage", args=[admise.menage.public_id]) in contenu


def test_l_agent_ne_voit_pas_les_orientations_d_un_autre(client):
    programme = Programme()
    autre = OrientationFactory(
        menage__dispositif=programme.dispositif, menage__nom="Dautrui", orientee_par=None
    )
    contenu = _accueil(client, programme.agent)
    assert "Dautrui" not in contenu
    assert autre.menage.nom not in contenu


def test_le_cotech_voit_sa_seance_et_son_ordre_du_jour_pas_les_bilans_du_programme(client):
    programme = Programme()
    suivi = programme.accompagne(nom="Enretard")
    programme.bilan_en_retard(suivi)
    orientee = programme.orientation(nom="Aexaminer")
    seance = programme.seance(jour=programme.aujourd_hui + timedelta(days=7))
    comites.construire_ordre_du_jour(programme.coordinateur, seance)

    contenu = _accueil(client, programme.cotech)

    assert "Mes prochaines séances" in contenu
    assert reverse("comites:seance", args=[seance.public_id]) in contenu
    assert "Aexaminer Hortense" in contenu
    assert "nouvelle orientation à examiner" in contenu
    # Ce n'est pas à lui de faire les bilans : ni la liste, ni ses liens.
    assert "Bilans à faire" not in contenu
    assert "/bilans/" not in contenu
    assert orientee.menage.nom in contenu


def test_le_cotech_ne_voit_pas_les_seances_d_un_comite_ou_il_ne_siege_pas(client):
    programme = Programme()
    programme.seance(jour=programme.aujourd_hui + timedelta(days=3), comite=programme.pilotage)
    contenu = _accueil(client, programme.cotech)
    assert programme.pilotage.nom not in contenu


def test_l_equipe_garde_ses_bilans_a_faire(client):
    programme = Programme()
    suivi = programme.accompagne(nom="Enretard")
    programme.bilan_en_retard(suivi)
    assert "Bilans à faire" in _accueil(client, programme.ts)
    assert "Bilans à faire" in _accueil(client, programme.coordinateur)


def test_la_coordination_voit_les_orientations_en_attente_depuis_trop_longtemps(client, settings):
    settings.DELAI_ORIENTATION_EN_ATTENTE_JOURS = 30
    programme = Programme()
    vieille = programme.orientation(nom="Vieilleattente", statut=StatutOrientation.EN_ATTENTE)
    vieille.date_statut = programme.aujourd_hui - timedelta(days=45)
    vieille.save()
    recente = programme.orientation(nom="Recenteattente", statut=StatutOrientation.EN_ATTENTE)
    recente.date_statut = programme.aujourd_hui - timedelta(days=5)
    recente.save()

    contenu = _accueil(client, programme.coordinateur)

    assert "Orientations en attente depuis plus de 30 jours" in contenu
    assert "Vieilleattente Hortense" in contenu
    assert "Recenteattente" not in contenu
    # Ni l'équipe, ni l'agent n'ont ce signalement.
    assert "en attente depuis plus de" not in _accueil(client, programme.ts)
    assert "en attente depuis plus de" not in _accueil(client, programme.agent)

    client.force_login(programme.coordinateur)
    file_active = client.get(reverse("ecrans:file_active"), {"echeance": "attente_longue"})
    assert noms_affiches(file_active) == ["Vieilleattente Hortense"]
    tout = texte(client.get(reverse("ecrans:file_active")))
    assert f"trop longue : depuis le {vieille.date_statut:%d/%m/%Y}" in tout
    assert "trop longue : depuis le" in tout and tout.count("trop longue : depuis le") == 1


def test_le_delai_d_attente_se_regle(client, settings):
    settings.DELAI_ORIENTATION_EN_ATTENTE_JOURS = 3
    programme = Programme()
    recente = programme.orientation(nom="Recenteattente", statut=StatutOrientation.EN_ATTENTE)
    recente.date_statut = timezone.localdate() - timedelta(days=5)
    recente.save()
    assert "Recenteattente Hortense" in _accueil(client, programme.coordinateur)
