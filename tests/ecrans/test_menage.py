"""La page du ménage comme la voit chaque rôle : identité, logement, orientations, dette,
chronologie ; et chaque refus. Ce que la chronologie montre de chaque note ou décision est éprouvé
avec les règles de confidentialité de l'accompagnement et des comités."""

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnement import services as services_accompagnement
from accompagnement.enums import (
    Confidentialite,
    DecisionBilan,
    DestinationPartenaire,
    TypeBilan,
    TypeIntervention,
)
from accompagnement.models import Bilan
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory, UserFactory
from menages.factories import LogementFactory, MenageFactory, OrientationFactory
from tests.accompagnement.situations import equipe_avec_interventions, equipe_ouverte
from tests.menages.situations import menage_complet
from tests.outils import connecte, texte

pytestmark = pytest.mark.django_db


def url_menage(menage):
    return reverse("ecrans:menage", args=[menage.public_id])


# --- La fiche du ménage ----------------------------------------------------------------------


def test_le_coordinateur_voit_identite_logement_orientations_et_dette(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    menage = menage_complet(dispositif)

    reponse = client.get(url_menage(menage))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    # identité
    assert "Martin Hélène" in contenu
    assert "locataire n° AUR-4521" in contenu
    assert "06 12 34 56 78" in contenu
    assert "1 adulte, 2 enfants" in contenu
    assert "RSA : 1\xa0000,00\xa0€" in contenu
    # logement et taux d'effort : (420 + 80 − 250) / 1000
    assert "3 rue des Lilas" in contenu
    assert "15000 Aurillac" in contenu
    assert "Bassin d'Aurillac" in contenu
    assert "= <strong>250,00\xa0€</strong>" in contenu
    assert re.search(r'id="taux-effort">25,0\xa0%<', contenu)
    # orientation et problématiques
    assert "02/03/2026" in contenu
    assert "Maintien dans le logement" in contenu
    assert "Bailleur : recouvrement" in contenu
    assert "impayés" in contenu
    assert "troubles du voisinage" in contenu
    assert "Courriers sans réponse depuis janvier." in contenu
    assert "Dette à l'orientation : 2\xa0450,00\xa0€ · procédure : Assignation" in contenu
    # historique de la dette
    assert "Dette locative" in contenu
    assert "1\xa0830,50\xa0€" in contenu
    assert "15/06/2026" in contenu
    assert "Relevé du bailleur" in contenu
    # la coordination fait avancer l'orientation et relève la dette
    assert reverse("menages:changer_statut", args=[menage.orientations.get().public_id]) in contenu
    assert reverse("menages:relever_dette", args=[menage.public_id]) in contenu


def test_taux_d_effort_sans_ressources_connues(client):
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    menage = MenageFactory(dispositif=dispositif)
    LogementFactory(menage=menage)

    contenu = texte(client.get(url_menage(menage)))

    assert "ressources ou loyer inconnus" in contenu


def test_le_coordinateur_d_un_autre_dispositif_ne_trouve_pas_le_menage(client):
    menage = menage_complet(DispositifFactory())
    connecte(client, Role.COORDINATEUR)
    assert client.get(url_menage(menage)).status_code == 404


def test_l_agent_qui_a_oriente_voit_le_menage_et_sa_dette(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    menage = menage_complet(agent.dispositif, orientee_par=agent.user)

    reponse = client.get(url_menage(menage))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Martin Hélène" in contenu
    assert "3 rue des Lilas" in contenu
    assert "troubles du voisinage" in contenu
    assert "1\xa0830,50\xa0€" in contenu
    assert "Dette à l'orientation : 2\xa0450,00\xa0€" in contenu
    # L'agent voit le statut, mais seule la coordination le fait avancer.
    assert "Reçue" in contenu
    assert "Changer le statut" not in contenu


def test_l_agent_ne_voit_que_ses_propres_orientations_du_menage(client):
    agent = connecte(client, Role.AGENT_BAILLEUR)
    menage = menage_complet(agent.dispositif, orientee_par=agent.user)
    collegue = MembreFactory(dispositif=agent.dispositif, role=Role.AGENT_BAILLEUR)
    OrientationFactory(
        menage=menage,
        orientee_par=collegue.user,
        date_orientation=date(2025, 9, 1),
        description="Signalement du collègue.",
    )

    contenu = texte(client.get(url_menage(menage)))

    assert "Courriers sans réponse depuis janvier." in contenu
    assert "Signalement du collègue." not in contenu


def test_l_agent_du_meme_dispositif_qui_n_a_pas_oriente_ne_trouve_pas_le_menage(client):
    orienteur = MembreFactory(role=Role.AGENT_BAILLEUR)
    menage = menage_complet(orienteur.dispositif, orientee_par=orienteur.user)
    connecte(client, Role.AGENT_BAILLEUR, dispositif=orienteur.dispositif)
    assert client.get(url_menage(menage)).status_code == 404


@pytest.mark.parametrize(
    "role",
    [
        Role.MEMBRE_COPIL,
        Role.TRAVAILLEUR_SOCIAL,
        Role.INFIRMIER,
        Role.PSYCHOLOGUE,
        Role.MEMBRE_COTECH,
    ],
)
def test_les_autres_roles_ne_trouvent_pas_le_menage(client, role):
    """COPIL jamais ; équipe et COTECH tant que le ménage n'est ni dans leur équipe ni à l'ordre
    du jour (ces modèles arrivent plus tard)."""
    membre = connecte(client, role)
    menage = menage_complet(membre.dispositif)
    assert client.get(url_menage(menage)).status_code == 404


def test_l_admin_technique_ne_trouve_pas_le_menage(client):
    menage = menage_complet(DispositifFactory())
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(url_menage(menage)).status_code == 404


def test_la_fiche_du_menage_demande_une_connexion(client):
    menage = menage_complet(DispositifFactory())
    reponse = client.get(url_menage(menage))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("login"))


# --- Avec l'accompagnement : bilans et chronologie ------------------------------------------


def test_bilan_realise_par_la_page_puis_visible_de_la_coordination(client):
    equipe = equipe_ouverte()
    bilan = equipe.accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)
    client.force_login(equipe.ts)
    client.post(
        reverse("accompagnement:bilan", args=[bilan.public_id]),
        {
            "date_realisation": timezone.localdate().isoformat(),
            "synthese": "Synthèse partagée avec la coordination.",
            "decision": DecisionBilan.POURSUITE,
        },
    )
    client.force_login(equipe.coordinateur)

    fiche = texte(client.get(reverse("ecrans:menage", args=[equipe.menage.public_id])))

    assert "Synthèse partagée avec la coordination." in fiche
    assert Bilan.objects.get(pk=bilan.pk).auteur == equipe.ts


@pytest.mark.parametrize("nombre", [2, 8])
def test_la_fiche_du_menage_et_sa_chronologie_font_un_nombre_fixe_de_requetes(
    client, django_assert_num_queries, nombre
):
    equipe = equipe_avec_interventions(nombre)
    client.force_login(equipe.infirmier)
    # session, utilisateur, adhésions (et professions, pour l'opposition), ménage, personnes,
    # ressources, logements, orientations, problématiques, accompagnements (avec leur clôture),
    # équipes, interventions, orientations vers les partenaires, journal des notes soignants,
    # bilans, décisions de comité, historique de l'information du ménage, référent·e (qui peut
    # enregistrer l'information)
    with django_assert_num_queries(18):
        reponse = client.get(reverse("ecrans:menage", args=[equipe.menage.public_id]))
    contenu = texte(reponse)
    assert contenu.count("Note soignants") == contenu.count("Note équipe") == nombre


def test_la_chronologie_et_la_page_de_l_accompagnement_disent_vers_qui_la_visite_a_oriente(
    client,
):
    """Les orientations vers des partenaires suivent la note de leur intervention : l'équipe lit
    celles d'une note d'équipe, l'infirmière aussi celles d'une note soignants ; la TS ne lit
    rien de la note soignants, pas même vers qui elle oriente (un CMP dirait déjà la santé) ;
    l'agent qui a orienté le ménage, qui voit sa page et son accompagnement, aucune."""
    agent = MembreFactory(role=Role.AGENT_BAILLEUR)
    equipe = equipe_ouverte(dispositif=agent.dispositif, orientee_par=agent.user)
    services_accompagnement.enregistrer_intervention(
        equipe.ts,
        equipe.accompagnement,
        type=TypeIntervention.VISITE_DOMICILE,
        note="Point sur les démarches.",
        destinations=[DestinationPartenaire.FSL, DestinationPartenaire.CCAS],
    )
    services_accompagnement.enregistrer_intervention(
        equipe.infirmier,
        equipe.accompagnement,
        type=TypeIntervention.VISITE_DOMICILE,
        note="Suivi du traitement.",
        confidentialite=Confidentialite.SOIGNANTS,
        destinations=[DestinationPartenaire.CMP],
    )
    pages = (url_menage(equipe.menage), equipe.url("detail"))
    for qui, attendu in (
        (agent.user, []),
        (equipe.ts, ["Orienté vers : CCAS, FSL"]),
        (equipe.infirmier, ["Orienté vers : CMP / psychiatrie", "Orienté vers : CCAS, FSL"]),
    ):
        client.force_login(qui)
        for url in pages:
            reponse = client.get(url)
            assert reponse.status_code == 200, (qui, url)
            contenu = texte(reponse)
            assert contenu.count("Orienté vers") == len(attendu), (qui, url)
            assert all(ligne in contenu for ligne in attendu), (qui, url)
            assert ("CMP" in contenu) == (qui == equipe.infirmier), (qui, url)
            assert ("CCAS, FSL" in contenu) == (qui != agent.user), (qui, url)


def test_la_chronologie_ne_montre_les_episodes_qu_a_qui_en_voit_le_plan(client):
    """L'agent qui a orienté le ménage voit son accompagnement (qui le suit), pas son plan : ni
    le début ni la clôture de l'épisode dans la chronologie ; l'équipe les voit."""
    agent = MembreFactory(role=Role.AGENT_BAILLEUR)
    equipe = equipe_ouverte(dispositif=agent.dispositif, orientee_par=agent.user)
    equipe.clore(par=equipe.ts)
    vus = {}
    for qui in (agent.user, equipe.ts):
        client.force_login(qui)
        reponse = client.get(url_menage(equipe.menage))
        assert reponse.status_code == 200
        vus[qui] = [e.nature for e in reponse.context["chronologie"]]
    assert "accompagnement" not in vus[agent.user]
    assert "cloture" not in vus[agent.user]
    assert "accompagnement" in vus[equipe.ts]
    assert "cloture" in vus[equipe.ts]
