"""Les étapes du relais du lien en retard : sur l'accueil de qui les suit, dans le rappel
quotidien par courriel (sans nom de ménage), et la tâche Celery beat qui l'envoie ; le bilan 3
mois après la fin en retard, sur l'accueil du ou de la référent·e."""

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from acces import services
from acces.rappels import envoyer_rappels_relais, etapes_en_retard_par_personne
from acces.tasks import rappeler_etapes_du_relais_en_retard
from accompagnement import services as accompagnement_services
from accompagnement.enums import MotifCloture, TypeBilan
from core.enums import Role
from core.factories import DispositifFactory
from core.models import Membre
from logisens_suivi.celery import app
from menages.factories import MenageFactory
from tests.outils import membre, texte

from .situations import Parcours_, il_y_a

pytestmark = pytest.mark.django_db

NOM_DE_LA_TACHE = "acces.tasks.rappeler_etapes_du_relais_en_retard"


@pytest.fixture
def relais():
    """Un bail glissant signé il y a 35 jours (l'étape à 1 mois en retard), l'accompagnement
    ouvert avec la travailleuse sociale (qui suivait le ménage depuis l'hébergement) et le
    référent du bailleur."""
    parcours = Parcours_()
    proposition = parcours.jusqu_a_la_cal()
    bail = services.signer_bail(
        parcours.coordinateur,
        proposition,
        date_signature=il_y_a(35),
        type_bail="glissant",
        association_preneuse=parcours.association,
        referent_bailleur=parcours.referent_bailleur,
        ligne_budgetaire=parcours.ligne,
    )
    services.ouvrir_suivi_apres_bail(
        parcours.coordinateur, bail, travailleur_social=parcours.ts, date_debut=il_y_a(200)
    )
    parcours.bail = bail
    return parcours


def _accueil(client, personne):
    client.force_login(personne)
    return texte(client.get(reverse("ecrans:accueil")))


def test_les_etapes_en_retard_sont_sur_l_accueil_de_l_equipe_et_de_la_coordination(client, relais):
    for personne in (relais.referent_bailleur, relais.ts, relais.coordinateur):
        page = _accueil(client, personne)
        assert "Relais du lien à faire" in page
        assert "Présentation du référent du bailleur au ménage" in page
        assert "en retard depuis le" in page
        assert "Vernier Lucie" in page.replace("VERNIER", "Vernier")
        # Les étapes à 3 et 12 mois sont loin : elles n'encombrent pas l'accueil.
        assert "Visites conjointes" not in page and "Fin du relais" not in page


def test_une_etape_faite_quitte_l_accueil(client, relais):
    for etape in relais.bail.etapes.filter(date_prevue__lt=timezone.localdate()):
        services.faire_etape(relais.coordinateur, etape, il_y_a(1))
    assert "Relais du lien à faire" not in _accueil(client, relais.referent_bailleur)


@pytest.mark.parametrize("role", [Role.PRESCRIPTEUR, Role.INFIRMIER, Role.MEMBRE_COTECH])
def test_qui_ne_suit_pas_le_menage_ne_voit_pas_ses_etapes(client, relais, role):
    page = _accueil(client, membre(relais.dispositif, role))
    assert "Relais du lien à faire" not in page
    assert "Vernier" not in page and "VERNIER" not in page


def test_la_coordination_d_un_autre_dispositif_ne_voit_pas_les_etapes(client, relais):
    page = _accueil(client, membre(DispositifFactory(acces=True), Role.COORDINATEUR))
    assert "Relais du lien à faire" not in page


def test_le_rappel_va_au_referent_du_bailleur_et_a_la_referente_sans_nom(relais):
    par_personne = etapes_en_retard_par_personne()
    assert set(par_personne) == {relais.referent_bailleur, relais.ts}
    assert all(len(etapes) == 1 for etapes in par_personne.values())
    assert envoyer_rappels_relais() == 2
    destinataires = {courriel.to[0] for courriel in mail.outbox}
    assert destinataires == {relais.referent_bailleur.email, relais.ts.email}
    courriel = mail.outbox[0]
    assert courriel.subject == "1 étape du relais en retard"
    assert "Présentation du référent du bailleur au ménage" in courriel.body
    assert reverse("acces:proposition", args=[relais.bail.proposition.public_id]) in courriel.body
    assert "Vernier" not in courriel.body and "VERNIER" not in courriel.body
    assert relais.bail.logement.adresse not in courriel.body


def test_qui_a_quitte_le_dispositif_ne_recoit_plus_de_rappel(relais):
    Membre.objects.filter(user=relais.referent_bailleur, dispositif=relais.dispositif).update(
        date_fin=il_y_a(1)
    )
    assert set(etapes_en_retard_par_personne()) == {relais.ts}


def test_rien_en_retard_rien_d_envoye(relais):
    for etape in relais.bail.etapes.all():
        etape.date_faite = il_y_a(1)
        etape.save()
    assert envoyer_rappels_relais() == 0
    assert mail.outbox == []


def test_la_tache_quotidienne_envoie_les_rappels(relais, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert rappeler_etapes_du_relais_en_retard.delay().get() == 2
    assert len(mail.outbox) == 2


def test_la_tache_est_au_calendrier_de_celery_beat():
    assert NOM_DE_LA_TACHE in app.tasks
    planifiees = {
        entree["task"]: entree["schedule"] for entree in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert isinstance(planifiees[NOM_DE_LA_TACHE], crontab)


def test_le_bilan_3_mois_apres_la_fin_en_retard_est_sur_l_accueil_de_la_referente(client, relais):
    accompagnement = relais.menage.accompagnements.get()
    accompagnement_services.cloturer_accompagnement(
        relais.coordinateur,
        accompagnement,
        date=il_y_a(95),
        motif=MotifCloture.STABILISEE,
        maintien_dans_logement=True,
    )
    bilan = accompagnement.bilans.get(type=TypeBilan.POST_CLOTURE)
    assert bilan.date_prevue < timezone.localdate()
    page = _accueil(client, relais.ts)
    assert "Bilan 3 mois après la fin" in page
    assert f"en retard depuis le {bilan.date_prevue:%d/%m/%Y}" in page


def _loger(parcours, nombre):
    """`nombre` ménages logés il y a 35 jours, suivis par la TS et le référent du bailleur."""
    for rang in range(nombre):
        parcours.menage = MenageFactory(dispositif=parcours.dispositif, nom=f"Logé{rang}")
        proposition = parcours.jusqu_a_la_cal(parcours.vacant(reference=f"NB-{rang}"))
        bail = services.signer_bail(
            parcours.coordinateur,
            proposition,
            date_signature=il_y_a(35),
            type_bail="direct",
            referent_bailleur=parcours.referent_bailleur,
        )
        services.ouvrir_suivi_apres_bail(
            parcours.coordinateur, bail, travailleur_social=parcours.ts, date_debut=il_y_a(35)
        )


def test_l_accueil_du_referent_fait_autant_de_requetes_pour_un_ou_trois_menages(client):
    requetes = []
    for nombre in (1, 3):
        parcours = Parcours_()
        _loger(parcours, nombre)
        client.force_login(parcours.referent_bailleur)
        with CaptureQueriesContext(connection) as capture:
            page = texte(client.get(reverse("ecrans:accueil")))
        assert page.count("Présentation du référent du bailleur au ménage") == nombre
        requetes.append(len(capture.captured_queries))
    assert requetes[0] == requetes[1]
