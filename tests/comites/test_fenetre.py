"""L'ordre du jour est une fenêtre, pas un laissez-passer : un membre du COTECH voit un ménage
depuis son inscription à un ordre du jour de son comité jusqu'à `DELAI_ORDRE_DU_JOUR_JOURS`
jours après la séance (45 par défaut), puis plus ; les décisions restent lisibles comme archives
du comité, sans le nom du ménage."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from pypdf import PdfReader

from comites.factories import DecisionFactory, PointOrdreDuJourFactory
from menages.factories import DetteLocativeFactory, MenageFactory, OrientationFactory
from menages.selectors import menages_visibles
from tests.outils import texte

from .situations import Programme

pytestmark = pytest.mark.django_db


def deux_ans_de_seances(programme):
    """Une séance par mois pendant deux ans, chacune avec un ménage différent à son ordre du
    jour ; rend les ménages, du plus récent (séance de ce jour) au plus ancien."""
    menages = []
    for mois in range(24):
        seance = programme.seance(programme.aujourd_hui - timedelta(days=30 * mois))
        menage = MenageFactory(dispositif=programme.dispositif, nom=f"Inscrit{mois:02d}")
        OrientationFactory(menage=menage, avec_dette=True)
        DetteLocativeFactory(menage=menage, montant=Decimal("1000") + mois)
        PointOrdreDuJourFactory(seance=seance, menage=menage)
        menages.append(menage)
    return menages


def test_apres_deux_ans_de_seances_le_cotech_ne_voit_que_les_menages_recents(client):
    programme = Programme()
    menages = deux_ans_de_seances(programme)

    # Séances d'aujourd'hui et d'il y a 30 jours : dans la fenêtre de 45 jours ; pas les autres.
    assert set(menages_visibles(programme.cotech)) == set(menages[:2])
    assert set(menages_visibles(programme.coordinateur)) == set(menages)

    client.force_login(programme.cotech)
    contenu = texte(client.get(reverse("ecrans:file_active")))
    assert "Inscrit00" in contenu and "Inscrit01" in contenu
    assert "Inscrit02" not in contenu and "Inscrit23" not in contenu
    ancien = reverse("ecrans:menage", args=[menages[2].public_id])
    assert client.get(ancien).status_code == 404


@override_settings(DELAI_ORDRE_DU_JOUR_JOURS=10)
def test_le_delai_se_regle(client):
    programme = Programme()
    menages = deux_ans_de_seances(programme)
    assert set(menages_visibles(programme.cotech)) == {menages[0]}


def test_un_menage_inscrit_a_une_seance_a_venir_est_visible_des_son_inscription():
    programme = Programme()
    seance = programme.seance(programme.aujourd_hui + timedelta(days=20))
    menage = MenageFactory(dispositif=programme.dispositif)
    assert menage not in menages_visibles(programme.cotech)
    PointOrdreDuJourFactory(seance=seance, menage=menage)
    assert menage in menages_visibles(programme.cotech)


def test_un_membre_d_un_autre_comite_ne_voit_pas_les_menages_inscrits():
    programme = Programme()
    seance = programme.seance()
    menage = PointOrdreDuJourFactory(seance=seance).menage
    assert menage in menages_visibles(programme.cotech)
    # Le membre du COPIL n'est pas membre du COTECH ; l'infirmière n'en est pas non plus.
    assert menage not in menages_visibles(programme.copil)
    assert menage not in menages_visibles(programme.infirmier)


def texte_pdf(reponse):
    lecteur = PdfReader(io.BytesIO(reponse.content))
    return " ".join(" ".join(page.extract_text().split()) for page in lecteur.pages)


def test_les_decisions_d_une_seance_ancienne_restent_lisibles_sans_le_menage(client):
    programme = Programme()
    ancienne = programme.seance(programme.aujourd_hui - timedelta(days=200))
    point = PointOrdreDuJourFactory(
        seance=ancienne, menage=MenageFactory(dispositif=programme.dispositif, nom="Oublie")
    )
    DecisionFactory(point=point, motifs="Renforcer les visites ; point avec le CMP.")

    client.force_login(programme.cotech)
    reponse = client.get(reverse("comites:seance", args=[ancienne.public_id]))
    contenu = texte(reponse)
    assert reponse.status_code == 200
    assert "archives du comité" in contenu
    assert "Stratégie" in contenu and "Renforcer les visites ; point avec le CMP." in contenu
    assert "Oublie" not in contenu
    assert "Enregistrer la décision" not in contenu

    compte_rendu = texte_pdf(client.get(reverse("comites:compte_rendu", args=[ancienne.public_id])))
    assert "Renforcer les visites" in compte_rendu
    assert "Oublie" not in compte_rendu
    assert "ménage qui ne vous est plus visible" in compte_rendu

    # La coordination voit toujours le ménage, et son nom avec la décision.
    client.force_login(programme.coordinateur)
    assert "Oublie" in texte(client.get(reverse("comites:seance", args=[ancienne.public_id])))


def test_dans_la_fenetre_la_decision_est_montree_avec_son_point(client):
    programme = Programme()
    seance = programme.seance()
    point = PointOrdreDuJourFactory(
        seance=seance, menage=MenageFactory(dispositif=programme.dispositif, nom="Recent")
    )
    DecisionFactory(point=point, motifs="Motif récent.")
    client.force_login(programme.cotech)
    contenu = texte(client.get(reverse("comites:seance", args=[seance.public_id])))
    assert "Recent" in contenu and "Motif récent." in contenu
    assert "archives du comité" not in contenu
