"""L'ordre du jour et les archives du comité par pages : de vrais liens `?page=` (sans
JavaScript) que htmx charge à la place de la seule liste ; après une décision ou une correction,
le retour se fait sur la page qui porte le point ; l'export garde tous les points."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from comites.enums import TypeDecision
from comites.factories import DecisionFactory
from comites.models import Decision
from tests.outils import texte

from .situations import Programme
from .test_pages import champs, seance_de

pytestmark = pytest.mark.django_db


def url(nom, objet):
    return reverse(f"comites:{nom}", args=[objet.public_id])


def points_par_rang(seance):
    return list(seance.points.order_by("rang", "pk"))


def montres(contenu, points):
    """Les rangs des points dont la page porte le lien de décision."""
    return [p.rang for p in points if f'href="{url("decider", p)}"' in contenu]


def test_un_point_de_la_page_2_n_est_pas_sur_la_page_1(client):
    programme = Programme()
    seance = seance_de(programme, 30, decides=False)
    points = points_par_rang(seance)
    client.force_login(programme.cotech)

    page_1 = texte(client.get(url("seance", seance)))
    page_2 = texte(client.get(url("seance", seance) + "?page=2"))

    assert montres(page_1, points) == list(range(25))
    assert montres(page_2, points) == list(range(25, 30))
    assert "Points 1 à 25 sur 30" in page_1
    assert "Points 26 à 30 sur 30" in page_2
    # Un vrai lien, que htmx charge à la place de la liste seule.
    assert 'href="?page=2"' in page_1 and 'hx-get="?page=2"' in page_1
    assert 'hx-target="#ordre-du-jour"' in page_1
    assert 'href="?page=1"' in page_2 and 'href="?page=3"' not in page_2


def test_htmx_ne_renvoie_que_la_liste_de_la_page_demandee(client):
    programme = Programme()
    seance = seance_de(programme, 30, decides=False)
    points = points_par_rang(seance)
    client.force_login(programme.coordinateur)

    reponse = client.get(
        url("seance", seance) + "?page=2",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="ordre-du-jour",
    )

    assert reponse.status_code == 200
    assert reponse.templates[0].name == "comites/_ordre_du_jour.html"
    contenu = texte(reponse)
    assert "<html" not in contenu
    assert "Feuille de présence" not in contenu
    assert montres(contenu, points) == list(range(25, 30))


@pytest.mark.parametrize("numero", ["0", "-1", "abc", "999", "2.5", ""])
def test_un_numero_de_page_hors_des_bornes_donne_une_page(client, numero):
    programme = Programme()
    seance = seance_de(programme, 30, decides=False)
    client.force_login(programme.cotech)

    reponse = client.get(url("seance", seance), {"page": numero})

    assert reponse.status_code == 200
    assert "Points 1 à 25 sur 30" in texte(reponse) or "Points 26 à 30 sur 30" in texte(reponse)


def test_sans_javascript_la_decision_ramene_a_la_page_du_point(client):
    programme = Programme()
    seance = seance_de(programme, 30, decides=False)
    points = points_par_rang(seance)
    point = points[26]
    client.force_login(programme.cotech)

    # La page de décision du point ramène à sa page de l'ordre du jour.
    formulaire = texte(client.get(url("decider", point)))
    retour = url("seance", seance) + f"?page=2#point-{point.public_id}"
    assert f'href="{retour}">Revenir à la séance' in formulaire

    reponse = client.post(
        url("decider", point),
        champs(point, type=TypeDecision.REFUS, motifs="Relève du droit commun."),
        follow=True,
    )

    assert reponse.redirect_chain == [(retour, 302)]
    contenu = texte(reponse)
    assert "Décision enregistrée." in contenu
    assert "Relève du droit commun." in contenu
    assert Decision.objects.get().point == point


def test_sur_la_page_1_la_decision_ramene_a_la_seance_sans_numero(client):
    programme = Programme()
    seance = seance_de(programme, 30, decides=False)
    point = points_par_rang(seance)[2]  # une orientation à examiner
    client.force_login(programme.cotech)

    reponse = client.post(
        url("decider", point), champs(point, type=TypeDecision.REFUS, motifs="Refus.")
    )

    assert reponse["Location"] == url("seance", seance) + f"#point-{point.public_id}"


def test_la_correction_ramene_a_la_page_du_point(client):
    programme = Programme()
    seance = seance_de(programme, 30, decides=False)
    point = points_par_rang(seance)[28]
    decision = DecisionFactory(point=point, type=TypeDecision.STRATEGIE, motifs="Premier jet.")
    client.force_login(programme.coordinateur)
    retour = url("seance", seance) + f"?page=2#point-{point.public_id}"

    assert f'href="{retour}">Ne rien changer' in texte(
        client.get(url("corriger_decision", decision))
    )
    reponse = client.post(
        url("corriger_decision", decision),
        {"motifs": "Texte juste.", "motif_correction": "faute de frappe"},
    )

    assert reponse.status_code == 302
    assert reponse["Location"] == retour
    decision.refresh_from_db()
    assert decision.motifs == "Texte juste."


def test_l_export_garde_tous_les_points(client):
    programme = Programme()
    seance = seance_de(programme, 30, decides=False)
    client.force_login(programme.cotech)

    reponse = client.get(url("export_csv", seance))

    lignes = list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))
    assert len(lignes) == 1 + 30


def test_les_archives_du_comite_se_lisent_par_pages(client):
    """Une séance ancienne : le membre du COTECH ne voit plus les ménages, leurs 30 décisions
    sont aux archives, 25 par page ; htmx ne recharge que les archives."""
    programme = Programme()
    seance = seance_de(programme, 30, jour=programme.aujourd_hui - timedelta(days=200))
    for rang, decision in enumerate(Decision.objects.order_by("pk")):
        decision.motifs = f"Motif numéro {rang:02d}."
        decision.save(update_fields=["motifs"])
    client.force_login(programme.cotech)

    page_1 = texte(client.get(url("seance", seance)))
    page_2 = texte(
        client.get(
            url("seance", seance) + "?archives=2", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="archives"
        )
    )

    assert "Motif numéro 00." in page_1 and "Motif numéro 24." in page_1
    assert "Motif numéro 25." not in page_1
    assert "Décisions 1 à 25 sur 30." in page_1
    assert 'href="?archives=2"' in page_1 and 'hx-target="#archives"' in page_1
    assert "<html" not in page_2
    assert "Motif numéro 25." in page_2 and "Motif numéro 29." in page_2
    assert "Motif numéro 24." not in page_2
    assert "Orientee" not in page_1 + page_2


def test_les_archives_ne_reprennent_pas_les_decisions_montrees_a_l_ordre_du_jour(client):
    """Dans la fenêtre, la décision se lit sur son point ; les archives ne gardent que les
    décisions dont la personne ne voit plus le ménage, et la coordination, qui les voit tous,
    n'a pas d'archives."""
    programme = Programme()
    seance = seance_de(programme, 4)
    client.force_login(programme.coordinateur)

    contenu = texte(client.get(url("seance", seance)))

    assert "archives du comité" not in contenu
    assert 'class="decision-archivee"' not in contenu
    assert contenu.count("/corriger/") == 4


@pytest.mark.parametrize("htmx", [False, True], ids=["page entière", "archives seules"])
def test_le_cotech_lit_aux_archives_les_seules_decisions_absentes_de_son_ordre_du_jour(
    client, htmx
):
    """Dans la fenêtre, le membre du COTECH lit les quatre décisions sur leurs points ; une
    décision de la même séance sur un ménage qui n'est pas à l'ordre du jour va aux archives,
    sans le nom du ménage. Que la page entière se lise (les points de l'ordre du jour lus une
    fois pour les deux listes) ou que htmx ne recharge que les archives (les points relus dans
    la requête), c'est la même archive."""
    programme = Programme()
    seance = seance_de(programme, 4)
    hors_ordre_du_jour = programme.orientation("Horsordre").menage
    DecisionFactory(
        point=None,
        seance=seance,
        menage=hors_ordre_du_jour,
        accompagnement=None,
        motifs="Décision hors ordre du jour.",
    )
    client.force_login(programme.cotech)
    entetes = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "archives"} if htmx else {}

    contenu = texte(client.get(url("seance", seance), **entetes))

    assert contenu.count('class="decision-archivee"') == 1
    assert "Décision hors ordre du jour." in contenu
    assert "Horsordre" not in contenu
