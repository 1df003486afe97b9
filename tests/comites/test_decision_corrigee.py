"""Un point décidé se lit sans formulaire ; sa décision se corrige en gardant l'historique
(ancien contenu, auteur, date, motif) ; la décision et le statut qu'elle pose ont la même date."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from comites import services
from comites.factories import ComiteFactory, SeanceFactory
from comites.models import Decision, DecisionCorrection
from core.enums import Role
from core.factories import DispositifFactory
from core.models import JournalAudit
from menages.enums import StatutOrientation
from tests.outils import membre, texte

from .situations import Programme, a_14h

pytestmark = pytest.mark.django_db


def _refus_decide(programme, il_y_a=3):
    orientee = programme.orientation()
    seance = programme.seance(jour=programme.aujourd_hui - timedelta(days=il_y_a))
    services.construire_ordre_du_jour(programme.coordinateur, seance)
    point = seance.points.get(menage=orientee.menage)
    decision = services.decider(
        programme.cotech, point, "refus", motifs="Hors périmètre du dispositf"
    )
    return seance, point, decision


def _url(decision):
    return reverse("comites:corriger_decision", args=[decision.public_id])


def test_la_date_du_statut_est_celle_de_la_decision():
    programme = Programme()
    seance, point, decision = _refus_decide(programme, il_y_a=3)
    orientation = point.orientation
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.REFUSEE
    assert orientation.date_statut == programme.aujourd_hui - timedelta(days=3)


def test_un_point_decide_n_a_plus_de_formulaire_de_decision(client):
    programme = Programme()
    seance, point, decision = _refus_decide(programme)
    autre = programme.orientation(nom="Encoreattente")
    services.construire_ordre_du_jour(programme.coordinateur, seance)
    client.force_login(programme.cotech)

    contenu = texte(client.get(reverse("comites:seance", args=[seance.public_id])))

    # Un seul formulaire : celui du point encore à décider.
    assert contenu.count("Enregistrer une décision") == 1
    assert reverse("comites:decider", args=[point.public_id]) not in contenu
    assert autre.menage.nom in contenu
    assert _url(decision) in contenu
    assert "Hors périmètre du dispositf" in contenu


def test_une_seconde_decision_sur_un_point_decide_est_refusee(client):
    programme = Programme()
    seance, point, decision = _refus_decide(programme)
    client.force_login(programme.coordinateur)
    client.post(
        reverse("comites:decider", args=[point.public_id]),
        {
            f"p{point.public_id.hex[:8]}-type": "reorientation",
            f"p{point.public_id.hex[:8]}-motifs": "x",
        },
    )
    assert Decision.objects.count() == 1


def test_corriger_garde_l_ancienne_version_l_auteur_la_date_et_le_motif(client):
    programme = Programme()
    seance, point, decision = _refus_decide(programme)
    client.force_login(programme.coordinateur)

    assert client.get(_url(decision)).status_code == 200
    reponse = client.post(
        _url(decision),
        {"motifs": "Hors périmètre du dispositif", "motif_correction": "faute de frappe"},
    )

    assert reponse.status_code == 302
    decision.refresh_from_db()
    assert decision.motifs == "Hors périmètre du dispositif"
    assert decision.corrigee_le is not None
    correction = DecisionCorrection.objects.get(decision=decision)
    assert correction.anciens_motifs == "Hors périmètre du dispositf"
    assert correction.corrigee_par == programme.coordinateur
    assert correction.motif_correction == "faute de frappe"
    point.orientation.refresh_from_db()
    assert point.orientation.motif_statut == "Hors périmètre du dispositif"
    assert JournalAudit.objects.filter(
        action=JournalAudit.Action.DECISION_CORRIGEE, objet_id=str(decision.public_id)
    ).exists()
    page = texte(client.get(reverse("comites:seance", args=[seance.public_id])))
    assert "Corrigée 1 fois" in page
    assert "faute de frappe" in page
    assert "Avant : « Hors périmètre du dispositf »" in page


def test_l_historique_se_lit_dans_l_ordre_avec_qui_a_corrige_en_requetes_fixes(
    client, django_assert_num_queries
):
    """L'historique des décisions corrigées de la page, avec l'auteur de chaque correction, se
    lit en une requête, quel que soit le nombre de corrections ; aucune quand aucune décision
    de la page n'a été corrigée."""
    programme = Programme()
    seance, point, decision = _refus_decide(programme)
    url = reverse("comites:seance", args=[seance.public_id])
    client.force_login(programme.coordinateur)
    client.get(url)
    with django_assert_num_queries(10) as sans_correction:
        client.get(url)

    services.corriger_decision(
        programme.cotech, decision, motifs="Deuxième version", motif_correction="précision"
    )
    services.corriger_decision(
        programme.coordinateur, decision, motifs="Troisième version", motif_correction="ajout"
    )
    with django_assert_num_queries(len(sans_correction) + 1):
        page = texte(client.get(url))

    assert "Corrigée 2 fois" in page
    premiere = f"par {programme.cotech.get_full_name()} (précision). Avant : « Hors périmètre"
    seconde = f"par {programme.coordinateur.get_full_name()} (ajout). Avant : « Deuxième version »"
    assert premiere in page and seconde in page
    assert page.index(premiere) < page.index(seconde)


def test_correction_sans_motif_ou_sans_contenu_refusee_et_saisie_gardee(client):
    programme = Programme()
    _, _, decision = _refus_decide(programme)
    client.force_login(programme.cotech)

    reponse = client.post(_url(decision), {"motifs": "Texte gardé", "motif_correction": ""})
    assert reponse.status_code == 200
    assert "Texte gardé" in texte(reponse)
    with pytest.raises(ValidationError, match="motifs"):
        services.corriger_decision(programme.cotech, decision, motifs="", motif_correction="vidé")
    assert not DecisionCorrection.objects.exists()


@pytest.mark.parametrize("qui", ["agent", "ts", "copil"])
def test_ceux_qui_ne_decident_pas_ne_corrigent_pas(client, qui):
    programme = Programme()
    _, _, decision = _refus_decide(programme)
    client.force_login(getattr(programme, qui))

    reponse = client.post(_url(decision), {"motifs": "Autre", "motif_correction": "essai"})

    assert reponse.status_code in (403, 404)
    assert not DecisionCorrection.objects.exists()
    with pytest.raises(PermissionDenied):
        services.corriger_decision(
            getattr(programme, qui), decision, motifs="Autre", motif_correction="essai"
        )


def test_un_cotech_d_un_autre_dispositif_ne_trouve_pas_la_decision(client):
    programme = Programme()
    _, _, decision = _refus_decide(programme)
    ailleurs = DispositifFactory()
    cotech = membre(ailleurs, Role.MEMBRE_COTECH)
    SeanceFactory(
        comite=ComiteFactory(dispositif=ailleurs, membres=[cotech]),
        date=a_14h(programme.aujourd_hui),
    )
    client.force_login(cotech)
    assert client.get(_url(decision)).status_code == 404


def test_le_compte_rendu_nomme_l_equipe_designee_a_l_admission(client):
    from tests.comites.test_fenetre import texte_pdf

    programme = Programme()
    orientee = programme.orientation()
    seance = programme.seance()
    services.construire_ordre_du_jour(programme.coordinateur, seance)
    point = seance.points.get(menage=orientee.menage)
    decision = services.decider(
        programme.cotech,
        point,
        "admission",
        referent=programme.ts,
        equipe=[programme.psychologue],
    )
    # L'équipe change ensuite : le compte rendu redit celle que la séance a nommée.
    from accompagnement import services as accompagnement

    accompagnement.modifier_equipe(
        programme.coordinateur, decision.accompagnement, referent=programme.ts, equipe=[]
    )
    client.force_login(programme.cotech)

    pdf = texte_pdf(client.get(reverse("comites:compte_rendu", args=[seance.public_id])))

    psy = programme.psychologue.get_full_name()
    ts = programme.ts.get_full_name()
    assert "Équipe nommée" in pdf
    assert f"{psy} (psychologue)" in pdf
    assert f"{ts} (travailleur·se social·e, référent·e)" in pdf
    page = texte(client.get(reverse("comites:seance", args=[seance.public_id])))
    assert f"{psy} (psychologue)" in page
