"""La réunion d'équipe hebdomadaire : sa page liste les ménages de l'équipe à discuter (bilan
dû ou en retard, sans contact depuis trop longtemps) et ne parle pas du rapport semestriel."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnement import services as accompagnement
from accompagnement.enums import TypeIntervention
from comites import selectors
from comites.factories import ComiteFactory
from core.enums import Role
from tests.outils import membre, texte

from .situations import Programme

pytestmark = pytest.mark.django_db


def _reunion(programme):
    comite = ComiteFactory(
        dispositif=programme.dispositif,
        equipe=True,
        membres=[programme.coordinateur, programme.ts, programme.infirmier, programme.psychologue],
    )
    return programme.seance(jour=programme.aujourd_hui, comite=comite)


def _page(client, user, seance):
    client.force_login(user)
    return client.get(reverse("comites:seance", args=[seance.public_id]))


def test_la_reunion_d_equipe_liste_les_menages_a_discuter(client):
    programme = Programme()
    en_retard = programme.accompagne(nom="Bilanretard")
    programme.bilan_en_retard(en_retard)
    accompagnement.enregistrer_intervention(
        programme.ts, en_retard, type=TypeIntervention.VISITE_DOMICILE
    )
    sans_contact = programme.accompagne(nom="Silencieux")
    accompagnement.enregistrer_intervention(
        programme.ts,
        sans_contact,
        type=TypeIntervention.ENTRETIEN_TELEPHONIQUE,
        date_heure=timezone.now() - timedelta(days=45),
    )
    tranquille = programme.accompagne(nom="Tranquille")
    accompagnement.enregistrer_intervention(
        programme.ts, tranquille, type=TypeIntervention.VISITE_DOMICILE
    )
    seance = _reunion(programme)

    reponse = _page(client, programme.ts, seance)

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Ménages à discuter" in contenu
    assert "Bilanretard Hortense" in contenu
    assert "bilan en retard" in contenu
    assert "Silencieux Hortense" in contenu
    assert "sans contact depuis le" in contenu
    assert "Tranquille" not in contenu
    assert "rapport semestriel" not in contenu
    assert reverse("accompagnement:detail", args=[en_retard.public_id]) in contenu


def test_la_reunion_ne_montre_que_les_menages_que_la_personne_voit(client):
    programme = Programme()
    suivi = programme.accompagne(nom="Bilanretard")
    programme.bilan_en_retard(suivi)
    seance = _reunion(programme)
    # Un TS du dispositif qui siège à la réunion mais n'est pas dans cette équipe.
    autre = membre(programme.dispositif, Role.TRAVAILLEUR_SOCIAL)
    seance.comite.membres.add(autre)

    contenu = texte(_page(client, autre, seance))
    assert "Bilanretard" not in contenu
    assert "Aucun ménage de l'équipe" in contenu


def test_qui_ne_siege_pas_a_la_reunion_ne_la_voit_pas(client):
    programme = Programme()
    seance = _reunion(programme)
    for qui in (programme.autre_ts, programme.agent, programme.cotech):
        assert _page(client, qui, seance).status_code == 404


def test_le_copil_parle_toujours_du_rapport_semestriel(client):
    programme = Programme()
    seance = programme.seance(comite=programme.pilotage)
    contenu = texte(_page(client, programme.copil, seance))
    assert "rapport semestriel" in contenu
    assert "Ménages à discuter" not in contenu


def test_l_accueil_du_ts_mene_a_sa_reunion_d_equipe(client):
    programme = Programme()
    seance = _reunion(programme)
    client.force_login(programme.ts)
    contenu = texte(client.get(reverse("ecrans:accueil")))
    assert reverse("comites:seance", args=[seance.public_id]) in contenu
    assert "les ménages à discuter sont sur sa page" in contenu


# --- Par pages : la coordination regarde tout le dispositif -----------------------------------

# Session, utilisateur, adhésions, séance, présents, décompte des archives, décompte des
# ménages à discuter, la page de ces ménages (avec leur référent). Les choix de la feuille de
# présence, et les structures présentes, ne se lisent qu'à l'ouverture de son volet.
REQUETES_DE_LA_REUNION = 8


@pytest.mark.parametrize("nombre", [3, 5])
def test_les_menages_a_discuter_se_lisent_par_pages_en_requetes_fixes(
    client, django_assert_num_queries, monkeypatch, nombre
):
    monkeypatch.setattr(selectors, "MENAGES_A_DISCUTER_PAR_PAGE", 2)
    programme = Programme()
    noms = sorted(["Dufour", "Aubert", "Caron", "Bernier", "Eymard"][:nombre])
    for nom in noms:
        programme.accompagne(nom=nom)  # aucun contact enregistré
    tranquille = programme.accompagne(nom="Tranquille")
    accompagnement.enregistrer_intervention(
        programme.ts, tranquille, type=TypeIntervention.VISITE_DOMICILE
    )
    seance = _reunion(programme)
    client.force_login(programme.coordinateur)
    url = reverse("comites:seance", args=[seance.public_id])

    # La page et son décompte : autant de requêtes pour 3 que pour 5 ménages à discuter.
    with django_assert_num_queries(REQUETES_DE_LA_REUNION):
        premiere = texte(client.get(url))
    assert f"Ménages 1 à 2 sur {nombre} · page 1 sur {(nombre + 1) // 2}" in premiere
    assert f"{noms[0]} Hortense" in premiere and f"{noms[1]} Hortense" in premiere
    assert noms[2] not in premiere
    assert "Tranquille" not in premiere
    seconde = texte(client.get(f"{url}?page=2"))
    assert f"{noms[2]} Hortense" in seconde
    assert noms[0] not in seconde


@pytest.mark.parametrize(
    ("jours", "a_discuter"), [(29, False), (30, False), (31, True)], ids=["29", "30", "31"]
)
def test_le_dernier_contact_se_compte_en_jours_entiers(client, jours, a_discuter):
    programme = Programme()
    suivi = programme.accompagne(nom="Limite")
    accompagnement.enregistrer_intervention(
        programme.ts,
        suivi,
        type=TypeIntervention.VISITE_DOMICILE,
        date_heure=timezone.now() - timedelta(days=jours),
    )
    seance = _reunion(programme)
    contenu = texte(_page(client, programme.ts, seance))
    assert ("Limite Hortense" in contenu) is a_discuter
