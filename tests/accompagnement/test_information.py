"""Informer le ménage (RGPD, article 13) : la notice du dispositif, puis, sur sa fiche, la date
à laquelle il a été informé, par qui, et s'il s'oppose au partage ; la coordination ou le ou la
référent·e l'enregistrent, personne d'autre ; l'historique est daté et se lit dans la
chronologie et les fiches PDF."""

import copy
import io
import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accompagnement import services
from accompagnement.enums import Confidentialite, TypeIntervention
from core.enums import Role, RolePartenaire, TypeOrganisation
from core.factories import DispositifFactory, MembreFactory, OrganisationFactory
from core.models import Partenariat
from menages.factories import MenageFactory, OrientationFactory
from menages.models import InformationPartage
from tests.outils import texte

from .situations import equipe_ouverte

pytestmark = pytest.mark.django_db

HIER = timezone.localdate() - timedelta(days=1)


def texte_lu(reponse):
    """Le texte de la page sans ses balises, espaces réduits."""
    return " ".join(re.sub(r"<[^>]+>", "", texte(reponse)).split())


def texte_pdf(reponse):
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(reponse.content)).pages)


def url_menage(menage):
    return reverse("ecrans:menage", args=[menage.public_id])


def url_information(menage):
    return reverse("accompagnement:information", args=[menage.public_id])


# --- Le service ------------------------------------------------------------------------------


@pytest.mark.parametrize("qui", ["coordinateur", "ts"])  # ts : le référent de l'équipe
def test_la_coordination_et_le_referent_enregistrent_l_information(qui):
    equipe = equipe_ouverte()
    auteur = getattr(equipe, qui)

    ligne = services.enregistrer_information(auteur, equipe.menage, HIER, True)

    menage = equipe.menage
    menage.refresh_from_db()
    assert (menage.date_information_partage, menage.informe_par) == (HIER, auteur)
    assert menage.opposition_partage is True
    assert (ligne.date_information, ligne.opposition, ligne.enregistree_par) == (
        HIER,
        True,
        auteur,
    )


def test_chaque_enregistrement_s_ajoute_a_l_historique(client):
    equipe = equipe_ouverte()
    services.enregistrer_information(equipe.ts, equipe.menage, HIER - timedelta(days=30), False)
    services.enregistrer_information(equipe.coordinateur, equipe.menage, HIER, True)

    historique = list(
        InformationPartage.objects.filter(menage=equipe.menage).values_list(
            "opposition", "enregistree_par"
        )
    )
    assert historique == [(True, equipe.coordinateur.pk), (False, equipe.ts.pk)]
    equipe.menage.refresh_from_db()
    assert (equipe.menage.opposition_partage, equipe.menage.informe_par) == (
        True,
        equipe.coordinateur,
    )


def test_une_date_dans_le_futur_est_refusee():
    equipe = equipe_ouverte()
    demain = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="futur"):
        services.enregistrer_information(equipe.coordinateur, equipe.menage, demain, False)
    assert not InformationPartage.objects.exists()


@pytest.mark.parametrize(
    "role",
    [Role.AGENT_BAILLEUR, Role.MEMBRE_COTECH, Role.MEMBRE_COPIL, Role.PSYCHOLOGUE],
)
def test_les_autres_roles_n_enregistrent_pas_l_information(role):
    equipe = equipe_ouverte()
    autre = MembreFactory(role=role, dispositif=equipe.dispositif).user
    if role == Role.AGENT_BAILLEUR:
        OrientationFactory(menage=equipe.menage, orientee_par=autre, date_orientation=HIER)

    with pytest.raises(PermissionDenied):
        services.enregistrer_information(autre, equipe.menage, HIER, True)

    equipe.menage.refresh_from_db()
    assert equipe.menage.opposition_partage is False
    assert not InformationPartage.objects.exists()


@pytest.mark.parametrize("qui", ["autre_ts", "infirmier"])
def test_l_equipe_qui_n_est_pas_referente_n_enregistre_pas(qui):
    equipe = equipe_ouverte()
    with pytest.raises(PermissionDenied):
        services.enregistrer_information(getattr(equipe, qui), equipe.menage, HIER, True)


def test_la_coordination_d_un_autre_dispositif_n_enregistre_pas():
    equipe = equipe_ouverte()
    ailleurs = MembreFactory(role=Role.COORDINATEUR).user
    with pytest.raises(PermissionDenied):
        services.enregistrer_information(ailleurs, equipe.menage, HIER, True)


def test_le_referent_d_un_accompagnement_clos_n_enregistre_plus():
    equipe = equipe_ouverte()
    equipe.accompagnement.statut = "clos"
    equipe.accompagnement.save(update_fields=["statut"])
    with pytest.raises(PermissionDenied):
        services.enregistrer_information(equipe.ts, equipe.menage, HIER, True)


def test_le_referent_d_un_episode_deja_lu_et_ouvert_est_reconnu_sans_requete(
    django_assert_num_queries,
):
    equipe = equipe_ouverte()
    suivi = type(equipe.accompagnement).objects.get(pk=equipe.accompagnement.pk)
    services.peut_enregistrer_information(equipe.ts, equipe.menage)  # les adhésions, lues
    with django_assert_num_queries(0):
        assert services.peut_enregistrer_information(equipe.ts, equipe.menage, episodes=[suivi])


def test_un_episode_deja_lu_qui_ne_dit_pas_oui_laisse_repondre_la_base(django_assert_num_queries):
    """Un épisode clos, d'un autre ménage ou d'un autre référent·e ne dit rien : la base répond,
    et elle seule dit non."""
    equipe = equipe_ouverte()
    suivi = type(equipe.accompagnement).objects.get(pk=equipe.accompagnement.pk)
    # Le même épisode, ouvert, que la personne suit, mais posé sur un autre ménage.
    d_un_autre_menage = copy.copy(suivi)
    d_un_autre_menage.menage_id = MenageFactory(dispositif=equipe.dispositif).pk
    for qui in (equipe.ts, equipe.infirmier):
        services.peut_enregistrer_information(qui, equipe.menage)  # les adhésions, lues

    # L'épisode d'un autre ménage ne vaut pas pour celui-ci ; celui d'un autre référent·e non
    # plus (l'infirmière n'est pas référente) : chaque fois, une requête, qui dit non.
    suivi.statut = "clos"
    suivi.save(update_fields=["statut"])
    for qui, episodes in ((equipe.ts, [d_un_autre_menage, suivi]), (equipe.infirmier, [suivi])):
        with django_assert_num_queries(1):
            assert not services.peut_enregistrer_information(qui, equipe.menage, episodes)


# --- Depuis la page du ménage ----------------------------------------------------------------


def test_le_referent_enregistre_l_opposition_depuis_la_page_du_menage(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)
    page = texte(client.get(url_menage(equipe.menage)))
    assert url_information(equipe.menage) in page
    assert "Pas encore informé" in page

    reponse = client.post(
        url_information(equipe.menage),
        {"date_information": HIER.isoformat(), "opposition": "on"},
        follow=True,
    )

    assert reponse.redirect_chain[-1][0] == url_menage(equipe.menage) + "#information"
    page = texte(reponse)
    assert "Information du ménage enregistrée." in page
    assert f"Informé le {HIER:%d/%m/%Y} par {equipe.ts.get_full_name()}" in page
    assert "S'oppose au partage" in page
    equipe.menage.refresh_from_db()
    assert equipe.menage.opposition_partage is True


def test_l_opposition_enregistree_depuis_la_page_garde_les_notes_dans_leur_profession(client):
    equipe = equipe_ouverte()
    services.enregistrer_intervention(
        equipe.ts,
        equipe.accompagnement,
        type=TypeIntervention.ENTRETIEN_BUREAU,
        note="Note du TS à garder entre TS.",
        confidentialite=Confidentialite.EQUIPE,
    )
    client.force_login(equipe.infirmier)
    assert "Note du TS à garder entre TS." in texte(client.get(url_menage(equipe.menage)))

    client.force_login(equipe.ts)
    client.post(url_information(equipe.menage), {"date_information": HIER, "opposition": "on"})

    client.force_login(equipe.infirmier)
    assert "Note du TS à garder entre TS." not in texte(client.get(url_menage(equipe.menage)))


def test_une_date_fausse_est_refusee_par_un_message_et_rien_ne_change(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.coordinateur)
    demain = timezone.localdate() + timedelta(days=1)

    reponse = client.post(
        url_information(equipe.menage), {"date_information": demain.isoformat()}, follow=True
    )

    assert "La date d'information ne peut pas être dans le futur." in texte(reponse)
    assert not InformationPartage.objects.exists()


def test_l_agent_bailleur_voit_l_etat_mais_pas_le_formulaire_et_son_envoi_est_refuse(client):
    equipe = equipe_ouverte()
    agent = MembreFactory(role=Role.AGENT_BAILLEUR, dispositif=equipe.dispositif).user
    OrientationFactory(menage=equipe.menage, orientee_par=agent, date_orientation=HIER)
    services.enregistrer_information(equipe.ts, equipe.menage, HIER, False)
    client.force_login(agent)

    page = texte(client.get(url_menage(equipe.menage)))
    envoi = client.post(
        url_information(equipe.menage), {"date_information": HIER, "opposition": "on"}
    )

    assert f"Informé le {HIER:%d/%m/%Y}" in page
    assert url_information(equipe.menage) not in page
    assert envoi.status_code == 403
    equipe.menage.refresh_from_db()
    assert equipe.menage.opposition_partage is False


def test_le_cotech_ne_l_enregistre_pas(client):
    equipe = equipe_ouverte()
    cotech = MembreFactory(role=Role.MEMBRE_COTECH, dispositif=equipe.dispositif).user
    client.force_login(cotech)

    envoi = client.post(
        url_information(equipe.menage), {"date_information": HIER, "opposition": "on"}
    )

    assert envoi.status_code == 404  # le ménage n'est pas à l'ordre du jour de son comité
    assert not InformationPartage.objects.exists()


def test_la_chronologie_montre_l_information_et_l_opposition(client):
    equipe = equipe_ouverte()
    services.enregistrer_information(equipe.ts, equipe.menage, date(2026, 1, 5), False)
    services.enregistrer_information(equipe.coordinateur, equipe.menage, HIER, True)
    client.force_login(equipe.infirmier)

    page = texte(client.get(url_menage(equipe.menage)))

    assert page.count("Ménage informé du partage de ses informations") == 2
    assert "S'oppose au partage : les notes restent dans la profession de leur auteur." in page
    assert "Ne s'oppose pas au partage." in page
    assert f"enregistré par {equipe.coordinateur.get_full_name()}" in page


def test_qui_ne_voit_pas_le_menage_ne_lit_pas_son_historique():
    from menages import selectors

    equipe = equipe_ouverte()
    services.enregistrer_information(equipe.ts, equipe.menage, HIER, True)
    hors_equipe = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL, dispositif=equipe.dispositif).user

    assert list(selectors.informations_du_menage(hors_equipe, equipe.menage)) == []
    assert len(selectors.informations_du_menage(equipe.infirmier, equipe.menage)) == 1


@pytest.mark.parametrize(
    ("url", "objet"),
    [
        ("menages:fiche_orientation", "orientation"),
        ("accompagnement:fiche_suivi", "accompagnement"),
    ],
)
def test_les_fiches_pdf_montrent_l_information_et_l_opposition(client, url, objet):
    equipe = equipe_ouverte()
    services.enregistrer_information(equipe.ts, equipe.menage, HIER, True)
    client.force_login(equipe.coordinateur)

    contenu = texte_pdf(client.get(reverse(url, args=[getattr(equipe, objet).public_id])))

    assert f"informé le {HIER:%d/%m/%Y} par {equipe.ts.get_full_name()}" in contenu
    assert "Opposition au partage" in contenu
    assert "oui : les notes restent dans la profession de leur auteur" in contenu


# --- La notice d'information -----------------------------------------------------------------


def dispositif_avec_partenaires():
    porteur = OrganisationFactory(
        nom="OPH Exemple", commune="Aurillac", type=TypeOrganisation.BAILLEUR
    )
    dispositif = DispositifFactory(nom="Face aux situations", porteur=porteur, acces=True)
    for nom, role in [
        ("Association Relais", RolePartenaire.ACCOMPAGNEMENT),
        ("Conseil départemental", RolePartenaire.PILOTAGE),
        ("Agence de l'eau", RolePartenaire.FINANCEUR),
    ]:
        Partenariat.objects.create(
            dispositif=dispositif, organisation=OrganisationFactory(nom=nom), role=role
        )
    return dispositif


def test_la_notice_est_faite_des_donnees_du_dispositif(client, settings):
    settings.CONSERVATION_MENAGES_ANS = 3
    dispositif = dispositif_avec_partenaires()
    client.force_login(MembreFactory(role=Role.TRAVAILLEUR_SOCIAL, dispositif=dispositif).user)

    page = texte_lu(client.get(reverse("core:notice_information", args=[dispositif.slug])))

    assert "OPH Exemple (Aurillac) porte le dispositif" in page
    assert "Il travaille avec : Association Relais" in page
    assert "(Conseil départemental, Agence de l'eau)" in page
    assert "3 ans après votre dernier contact" in page
    assert "Refuser le partage" in page
    assert "www.cnil.fr" in page
    assert "à rester dans votre logement ou à en trouver un" in page


def test_la_notice_se_garde_deux_ans_par_defaut(client):
    dispositif = dispositif_avec_partenaires()
    client.force_login(MembreFactory(role=Role.AGENT_BAILLEUR, dispositif=dispositif).user)
    page = texte(client.get(reverse("core:notice_information", args=[dispositif.slug])))
    assert "2 ans après votre dernier contact" in page


def test_la_notice_s_imprime_en_pdf(client):
    dispositif = dispositif_avec_partenaires()
    client.force_login(MembreFactory(role=Role.COORDINATEUR, dispositif=dispositif).user)

    reponse = client.get(reverse("core:notice_information_pdf", args=[dispositif.slug]))

    assert reponse["Content-Type"] == "application/pdf"
    contenu = texte_pdf(reponse)
    assert "Vos informations dans le dispositif" in contenu
    assert "OPH Exemple" in contenu
    assert "Remise de la notice" in contenu


def test_la_notice_d_un_dispositif_dont_on_n_est_pas_membre_est_introuvable(client):
    dispositif = dispositif_avec_partenaires()
    client.force_login(MembreFactory(role=Role.COORDINATEUR).user)
    for nom in ("core:notice_information", "core:notice_information_pdf"):
        assert client.get(reverse(nom, args=[dispositif.slug])).status_code == 404


def test_la_notice_demande_une_connexion(client):
    dispositif = dispositif_avec_partenaires()
    reponse = client.get(reverse("core:notice_information", args=[dispositif.slug]))
    assert reponse.status_code == 302


def test_la_page_du_menage_mene_a_la_notice(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)
    page = texte(client.get(url_menage(equipe.menage)))
    assert reverse("core:notice_information", args=[equipe.dispositif.slug]) in page
