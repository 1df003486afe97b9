"""L'accueil dit à chacun ce qui est à lui : l'agent du bailleur ses orientations et leurs
statuts, le membre du COTECH ses séances et leur ordre du jour (pas les bilans du programme),
la coordination les orientations en attente depuis trop longtemps ; et la file active les
signale."""

from datetime import datetime, time, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comites import services as comites
from comites.factories import PointOrdreDuJourFactory
from comites.selectors import POINTS_A_L_ACCUEIL, mes_seances_a_venir
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


def test_l_accueil_nomme_les_premiers_points_de_la_seance_et_compte_les_autres(client):
    programme = Programme()
    for n in range(POINTS_A_L_ACCUEIL + 3):
        programme.orientation(nom=f"Examine{chr(65 + n)}")
    seance = programme.seance(jour=programme.aujourd_hui + timedelta(days=7))
    comites.construire_ordre_du_jour(programme.coordinateur, seance)
    premiers = [
        point.menage.nom for point in seance.points.select_related("menage").order_by("rang", "pk")
    ][:POINTS_A_L_ACCUEIL]

    contenu = _accueil(client, programme.cotech)

    nommes = [f"Examine{chr(65 + i)}" for i in range(POINTS_A_L_ACCUEIL + 3)]
    assert [nom for nom in nommes if nom in contenu] == sorted(premiers, key=nommes.index)
    assert "et 3 autres points : voir l'ordre du jour" in contenu


def test_l_accueil_du_cotech_en_requetes_fixes_quelle_que_soit_la_taille_de_l_ordre_du_jour(
    client,
):
    programme = Programme()
    seance = programme.seance(jour=programme.aujourd_hui + timedelta(days=7))
    client.force_login(programme.cotech)
    requetes = []
    for nombre in (2, 12):
        for n in range(nombre):
            programme.orientation(nom=f"Taille{nombre}{chr(65 + n)}")
        comites.construire_ordre_du_jour(programme.coordinateur, seance)
        with CaptureQueriesContext(connection) as capture:
            assert client.get(reverse("ecrans:accueil")).status_code == 200
        requetes.append(len(capture))
    assert requetes[0] == requetes[1]


def test_qui_ne_siege_a_aucune_seance_a_venir_ne_lit_aucun_ordre_du_jour(
    django_assert_num_queries,
):
    """La plupart des intervenants de terrain ne siègent à aucun comité : leur accueil lit les
    séances à venir (aucune) et s'arrête là, sans chercher de points ; qui siège en lit les
    points en une requête de plus."""
    programme = Programme()
    seance = programme.seance(jour=programme.aujourd_hui + timedelta(days=7))
    programme.orientation(nom="Siegeant")
    comites.construire_ordre_du_jour(programme.coordinateur, seance)

    with django_assert_num_queries(1):
        assert mes_seances_a_venir(programme.ts) == []
    mes_seances_a_venir(programme.cotech)  # ses adhésions lues une fois, comme sur une page
    with django_assert_num_queries(2):
        seances = mes_seances_a_venir(programme.cotech)
    assert seances == [seance]
    assert [p.menage.nom for p in seances[0].mes_points] == ["Siegeant"]
    assert seances[0].autres_points == 0


def test_un_point_dont_la_personne_ne_voit_pas_le_menage_n_est_ni_nomme_ni_compte(client):
    """Le travailleur social qui siège au COTECH ne voit, de l'ordre du jour, que les ménages de
    ses équipes : les autres ne sont ni nommés sur son accueil, ni comptés dans « autres »."""
    programme = Programme()
    programme.comite.membres.add(programme.ts)
    suivi = programme.accompagne(nom="Sonequipe")
    seance = programme.seance(jour=programme.aujourd_hui + timedelta(days=7))
    PointOrdreDuJourFactory(seance=seance, menage=suivi.menage, rang=1)
    for n in range(POINTS_A_L_ACCUEIL + 2):
        PointOrdreDuJourFactory(seance=seance, menage__nom=f"Horsequipe{chr(65 + n)}", rang=n + 2)

    contenu = _accueil(client, programme.ts)

    assert reverse("comites:seance", args=[seance.public_id]) in contenu
    assert "Sonequipe Hortense" in contenu
    assert "Horsequipe" not in contenu
    assert "autre" not in contenu.split("Mes prochaines séances")[1].split("</section>")[0]


def test_la_seance_du_matin_reste_sur_l_accueil_le_soir(client):
    """À 22 h 30, la séance de 9 h du jour est encore parmi « Mes prochaines séances », avec ses
    points ; celle de la veille n'y est plus."""
    programme = Programme()
    programme.orientation(nom="Ducomite")
    aujourd_hui = programme.aujourd_hui
    seance = programme.seance()
    seance.date = timezone.make_aware(datetime.combine(aujourd_hui, time(9, 0)))
    seance.save()
    comites.construire_ordre_du_jour(programme.coordinateur, seance)
    veille = programme.seance(aujourd_hui - timedelta(days=1))

    soir = timezone.make_aware(datetime.combine(aujourd_hui, time(22, 30)))
    with time_machine.travel(soir, tick=False):
        contenu = _accueil(client, programme.cotech)

    assert reverse("comites:seance", args=[seance.public_id]) in contenu
    assert "Ducomite Hortense" in contenu
    assert reverse("comites:seance", args=[veille.public_id]) not in contenu
