"""Les indicateurs du parcours accès du rapport semestriel et du tableau de bord."""

from datetime import date

import pytest
from django.urls import reverse

from acces import services
from acces.enums import IssueCAL
from rapports import indicateurs
from tests.outils import texte

from .situations import Parcours_, il_y_a

pytestmark = pytest.mark.django_db


def chiffres_du_semestre(dispositif, jour):
    semestre = 1 if jour.month <= 6 else 2
    debut, fin = indicateurs.bornes_semestre(jour.year, semestre)
    return indicateurs.calculer_periode(dispositif, debut, fin)["parcours_acces"]


def test_du_signalement_au_bail_glissant():
    parcours = Parcours_()
    proposition, bail = parcours.jusqu_au_bail()
    # Toutes les dates du parcours tombent dans le semestre de la signature, sauf si le semestre
    # a commencé entre-temps : le test se cale sur la période [signalement, aujourd'hui].
    chiffres = indicateurs.calculer_periode(
        parcours.dispositif, parcours.orientation.date_orientation, date.today()
    )["parcours_acces"]
    assert chiffres["menages_signales"] == 1
    assert chiffres["propositions"] == 1
    assert chiffres["baux_signes"] == 1
    assert chiffres["baux_glissants"] == 1
    assert chiffres["glissements_faits"] == 0
    # Orientation il y a 120 jours, proposition il y a 60, CAL il y a 40, bail il y a 30.
    assert chiffres["delai_median_signalement_proposition_jours"] == 60
    assert chiffres["delai_median_signalement_cal_jours"] == 80
    assert chiffres["delai_median_signalement_bail_jours"] == 90
    # Une seule attribution : « < 5 », et le total masqué en complément.
    par_issue = {ligne["code"]: ligne["nombre"] for ligne in chiffres["decisions_par_issue"]}
    assert par_issue[IssueCAL.ATTRIBUTION] == indicateurs.MASQUE
    assert par_issue[IssueCAL.NON_ATTRIBUTION] == 0
    assert chiffres["decisions_total"] != 1


def test_toujours_loge_douze_mois_apres_le_bail():
    parcours = Parcours_()
    _, bail = parcours.jusqu_au_bail()
    bail.date_signature = il_y_a(400)
    bail.save()
    chiffres = chiffres_du_semestre(parcours.dispositif, date.today())
    assert chiffres["baux_de_plus_de_12_mois"] == 1
    assert chiffres["toujours_loges_12_mois"] == 1
    bail.logement.actuel = False
    bail.logement.save()
    chiffres = chiffres_du_semestre(parcours.dispositif, date.today())
    assert chiffres["toujours_loges_12_mois"] == 0


def test_cinq_attributions_se_lisent_en_clair():
    parcours = Parcours_()
    for _ in range(5):
        autre = parcours.menage.__class__.objects.create(
            dispositif=parcours.dispositif, nom="Autre", reference_locataire=""
        )
        parcours.menage = autre
        parcours.jusqu_a_la_cal()
    chiffres = indicateurs.calculer_periode(parcours.dispositif, il_y_a(100), date.today())
    par_issue = {
        ligne["code"]: ligne["nombre"]
        for ligne in chiffres["parcours_acces"]["decisions_par_issue"]
    }
    assert par_issue[IssueCAL.ATTRIBUTION] == 5
    assert chiffres["parcours_acces"]["decisions_total"] == 5


def test_chaque_indicateur_a_sa_definition():
    parcours = Parcours_()
    chiffres = chiffres_du_semestre(parcours.dispositif, date.today())
    for cle in chiffres:
        assert f"parcours_acces.{cle}" in indicateurs.DEFINITIONS


def test_le_tableau_de_bord_montre_le_parcours_acces(client):
    parcours = Parcours_()
    parcours.jusqu_au_bail()
    client.force_login(parcours.coordinateur)
    reponse = client.get(reverse("rapports:tableau_de_bord", args=[parcours.dispositif.slug]))
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Parcours accès" in page
    assert "Délai médian signalement → bail" in page
    assert "Vernier" not in page


def test_besoins_sans_effet_sur_les_chiffres():
    parcours = Parcours_()
    services.enregistrer_besoins(parcours.coordinateur, parcours.menage)
    chiffres = chiffres_du_semestre(parcours.dispositif, date.today())
    assert chiffres["propositions"] == 0
