"""Le geste commun des vues qui écrivent (`core.vues`) : succès → message et redirection ; refus
du service → la page du formulaire se réaffiche avec la saisie, ou, pour un petit formulaire posé
dans une autre page, on y revient avec le refus en message. Jamais d'erreur serveur."""

import html

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from accompagnement import services
from accompagnement.enums import Adhesion, Axe, MotifCloture, StatutObjectif, TypeIntervention
from accompagnement.factories import ObjectifFactory
from accompagnement.models import Intervention, Objectif
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory
from menages.factories import MenageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def suivi():
    dispositif = DispositifFactory()
    coordinateur = MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user
    ts = MembreFactory(dispositif=dispositif, role=Role.TRAVAILLEUR_SOCIAL).user
    accompagnement = services.ouvrir_accompagnement(
        coordinateur,
        MenageFactory(dispositif=dispositif),
        referent=ts,
        date_debut=timezone.localdate() - relativedelta(months=2),
    )
    return accompagnement, coordinateur, ts


def clore(accompagnement, coordinateur):
    services.cloturer_accompagnement(
        coordinateur,
        accompagnement,
        date=timezone.localdate(),
        motif=MotifCloture.STABILISEE,
        maintien_dans_logement=True,
    )


def url(nom, objet):
    return reverse(f"accompagnement:{nom}", args=[objet.public_id])


def messages_de(reponse):
    return [html.unescape(str(message)) for message in reponse.context["messages"]]


def test_un_succes_ecrit_son_message_et_revient_a_la_page(client, suivi):
    accompagnement, _, ts = suivi
    client.force_login(ts)

    reponse = client.post(
        url("objectif", accompagnement),
        {"axe": Axe.BUDGET, "libelle": "Reprendre le paiement du loyer"},
        follow=True,
    )

    assert reponse.redirect_chain == [(url("detail", accompagnement), 302)]
    assert messages_de(reponse) == ["Objectif ajouté au plan d'action."]


def test_la_page_de_formulaire_refusee_par_le_service_garde_la_saisie(client, suivi):
    accompagnement, coordinateur, ts = suivi
    clore(accompagnement, coordinateur)
    client.force_login(ts)

    reponse = client.post(
        url("intervention", accompagnement),
        {
            "type": TypeIntervention.ENTRETIEN_BUREAU,
            "date_heure": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duree_minutes": "30",
            "note": "Une note saisie après la clôture",
            "confidentialite": "equipe",
        },
    )

    assert reponse.status_code == 200
    contenu = html.unescape(reponse.content.decode())
    assert "rouvrez-le pour noter une intervention" in contenu
    assert "Une note saisie après la clôture" in contenu
    assert not Intervention.objects.exists()


@pytest.mark.parametrize(
    "nom, donnees",
    [
        ("objectif", {"axe": Axe.BUDGET, "libelle": "Après la fin"}),
        ("adhesion", {"adhesion": Adhesion.ACCEPTEE}),
    ],
)
def test_le_petit_formulaire_refuse_par_le_service_revient_avec_le_refus(
    client, suivi, nom, donnees
):
    accompagnement, coordinateur, ts = suivi
    clore(accompagnement, coordinateur)
    client.force_login(ts)

    reponse = client.post(url(nom, accompagnement), donnees, follow=True)

    assert reponse.redirect_chain == [(url("detail", accompagnement), 302)]
    assert messages_de(reponse) == ["Cet accompagnement est clos : il ne se modifie plus."]
    assert not Objectif.objects.exists()


def test_le_suivi_d_objectif_refuse_par_le_service_revient_avec_le_refus(client, suivi):
    accompagnement, coordinateur, ts = suivi
    objectif = ObjectifFactory(accompagnement=accompagnement)
    clore(accompagnement, coordinateur)
    client.force_login(ts)

    reponse = client.post(
        url("suivre_objectif", objectif),
        {"statut": StatutObjectif.ATTEINT, "avancement": "100"},
        follow=True,
    )

    assert messages_de(reponse) == ["Cet accompagnement est clos : il ne se modifie plus."]
    objectif.refresh_from_db()
    assert objectif.statut == StatutObjectif.A_ENGAGER


def test_le_petit_formulaire_invalide_revient_avec_son_message(client, suivi):
    accompagnement, _, ts = suivi
    client.force_login(ts)

    reponse = client.post(url("objectif", accompagnement), {"axe": Axe.BUDGET}, follow=True)

    assert messages_de(reponse) == [
        "L'objectif n'est pas ajouté : indiquez au moins l'axe et l'objectif."
    ]
