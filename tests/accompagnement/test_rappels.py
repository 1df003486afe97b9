"""Le rappel quotidien des bilans en retard : un courriel par référent·e, sans rien qui nomme
un ménage ; la tâche Celery qui l'envoie et sa place dans le calendrier de Celery beat."""

from datetime import date

import pytest
from celery.schedules import crontab
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accompagnement import services
from accompagnement.enums import DecisionBilan, MotifCloture, StatutAccompagnement, TypeBilan
from accompagnement.rappels import envoyer_rappels_bilans
from accompagnement.tasks import rappeler_bilans_en_retard
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory
from core.models import Membre
from logisens_suivi.celery import app
from menages.factories import MenageFactory, OrientationFactory

pytestmark = pytest.mark.django_db

NOM_DE_LA_TACHE = "accompagnement.tasks.rappeler_bilans_en_retard"
DEBUT = date(2026, 1, 15)  # bilans prévus les 15/02, 15/04 et 15/07/2026
LE_1ER_MAI = date(2026, 5, 1)  # diagnostic et 3 mois en retard, 6 mois à venir


class Dispositif:
    """Un dispositif, sa coordination et ses travailleurs sociaux référents."""

    def __init__(self):
        self.dispositif = DispositifFactory()
        self.coordinateur = MembreFactory(dispositif=self.dispositif, role=Role.COORDINATEUR).user
        self.rang = 0

    def referent(self, **user):
        return MembreFactory(
            dispositif=self.dispositif,
            role=Role.TRAVAILLEUR_SOCIAL,
            **{f"user__{champ}": valeur for champ, valeur in user.items()},
        ).user

    def accompagner(self, referent, debut=DEBUT):
        self.rang += 1
        menage = MenageFactory(
            dispositif=self.dispositif,
            nom=f"Zorglub{self.rang}",
            prenom="Hortense",
            reference_locataire=f"AUR-45{self.rang:02d}",
        )
        OrientationFactory(menage=menage)
        return services.ouvrir_accompagnement(
            self.coordinateur, menage, referent=referent, date_debut=debut
        )


def lien(bilan):
    return settings.SITE_URL + reverse("accompagnement:bilan", args=[bilan.public_id])


def courriel_de(destinataire):
    courriels = [message for message in mail.outbox if message.to == [destinataire.email]]
    assert len(courriels) == 1, [message.to for message in mail.outbox]
    return courriels[0]


def assert_rien_sur_les_menages(courriel, *accompagnements):
    for accompagnement in accompagnements:
        menage = accompagnement.menage
        for indiscret in [menage.nom, menage.prenom, menage.reference_locataire]:
            assert indiscret not in courriel.subject
            assert indiscret not in courriel.body
        assert str(menage.public_id) not in courriel.body
        assert str(accompagnement.public_id) not in courriel.body


def bilan(accompagnement, type_bilan):
    return accompagnement.bilans.get(type=type_bilan)


# --- Le courriel ---------------------------------------------------------------------------


def test_un_courriel_par_referent_avec_le_nombre_et_les_liens():
    programme = Dispositif()
    alice = programme.referent(first_name="Alice")
    bruno = programme.referent(first_name="Bruno")
    premier = programme.accompagner(alice)
    second = programme.accompagner(alice, debut=date(2026, 3, 1))  # diagnostic prévu le 01/04
    troisieme = programme.accompagner(bruno, debut=date(2026, 3, 20))  # diagnostic le 20/04

    envoyes = envoyer_rappels_bilans(aujourd_hui=LE_1ER_MAI)

    assert envoyes == 2
    assert len(mail.outbox) == 2
    pour_alice = courriel_de(alice)
    assert pour_alice.subject == "3 bilans en retard"
    assert pour_alice.from_email == settings.DEFAULT_FROM_EMAIL
    assert "Bonjour Alice," in pour_alice.body
    assert "3 bilans sont en retard" in pour_alice.body
    for en_retard in [
        bilan(premier, TypeBilan.DIAGNOSTIC),
        bilan(premier, TypeBilan.TROIS_MOIS),
        bilan(second, TypeBilan.DIAGNOSTIC),
    ]:
        assert lien(en_retard) in pour_alice.body
    assert "Bilan à 3 mois prévu le 15/04/2026" in pour_alice.body
    assert lien(bilan(premier, TypeBilan.SIX_MOIS)) not in pour_alice.body
    assert lien(bilan(troisieme, TypeBilan.DIAGNOSTIC)) not in pour_alice.body
    assert_rien_sur_les_menages(pour_alice, premier, second, troisieme)

    pour_bruno = courriel_de(bruno)
    assert pour_bruno.subject == "1 bilan en retard"
    assert "1 bilan est en retard" in pour_bruno.body
    assert lien(bilan(troisieme, TypeBilan.DIAGNOSTIC)) in pour_bruno.body
    assert lien(bilan(premier, TypeBilan.DIAGNOSTIC)) not in pour_bruno.body
    assert_rien_sur_les_menages(pour_bruno, premier, second, troisieme)


def test_un_bilan_prevu_aujourd_hui_n_est_pas_encore_en_retard():
    programme = Dispositif()
    programme.accompagner(programme.referent())

    assert envoyer_rappels_bilans(aujourd_hui=date(2026, 2, 15)) == 0
    assert mail.outbox == []
    assert envoyer_rappels_bilans(aujourd_hui=date(2026, 2, 16)) == 1
    assert mail.outbox[0].subject == "1 bilan en retard"


def test_rien_quand_aucun_bilan_n_est_en_retard():
    programme = Dispositif()
    programme.accompagner(programme.referent(), debut=date(2026, 4, 20))

    assert envoyer_rappels_bilans(aujourd_hui=LE_1ER_MAI) == 0
    assert mail.outbox == []


def test_rien_pour_les_bilans_faits():
    programme = Dispositif()
    referent = programme.referent()
    accompagnement = programme.accompagner(referent)
    for type_bilan in [TypeBilan.DIAGNOSTIC, TypeBilan.TROIS_MOIS]:
        services.realiser_bilan(
            referent,
            bilan(accompagnement, type_bilan),
            date_realisation=date(2026, 4, 16),
            synthese="Fait",
            decision=DecisionBilan.POURSUITE,
        )

    assert envoyer_rappels_bilans(aujourd_hui=LE_1ER_MAI) == 0
    assert mail.outbox == []


def test_seuls_les_bilans_encore_a_faire_sont_comptes():
    programme = Dispositif()
    referent = programme.referent()
    accompagnement = programme.accompagner(referent)
    services.realiser_bilan(
        referent,
        bilan(accompagnement, TypeBilan.DIAGNOSTIC),
        date_realisation=date(2026, 2, 16),
        synthese="Fait",
        decision=DecisionBilan.POURSUITE,
    )

    envoyer_rappels_bilans(aujourd_hui=LE_1ER_MAI)

    courriel = courriel_de(referent)
    assert courriel.subject == "1 bilan en retard"
    assert lien(bilan(accompagnement, TypeBilan.TROIS_MOIS)) in courriel.body
    assert lien(bilan(accompagnement, TypeBilan.DIAGNOSTIC)) not in courriel.body


def test_rien_pour_un_accompagnement_clos():
    programme = Dispositif()
    referent = programme.referent()
    accompagnement = programme.accompagner(referent)
    services.cloturer_accompagnement(
        referent,
        accompagnement,
        date=date(2026, 3, 1),
        motif=MotifCloture.STABILISEE,
        maintien_dans_logement=True,
    )
    for type_bilan, jour in [
        (TypeBilan.CLOTURE, date(2026, 3, 1)),
        (TypeBilan.POST_CLOTURE, date(2026, 6, 1)),
    ]:
        services.realiser_bilan(
            referent,
            bilan(accompagnement, type_bilan),
            date_realisation=jour,
            synthese="Fait",
            decision=DecisionBilan.CLOTURE,
        )
    accompagnement.refresh_from_db()
    assert accompagnement.statut == StatutAccompagnement.CLOS
    # Le diagnostic n'a jamais été fait : l'accompagnement est clos, on ne le rappelle plus.
    assert bilan(accompagnement, TypeBilan.DIAGNOSTIC).date_realisation is None

    assert envoyer_rappels_bilans(aujourd_hui=date(2026, 9, 1)) == 0
    assert mail.outbox == []


def test_le_bilan_de_cloture_en_retard_est_rappele_pendant_le_suivi_post_cloture():
    programme = Dispositif()
    referent = programme.referent()
    accompagnement = programme.accompagner(referent)
    services.cloturer_accompagnement(
        referent,
        accompagnement,
        date=date(2026, 3, 1),
        motif=MotifCloture.STABILISEE,
        maintien_dans_logement=True,
    )

    envoyer_rappels_bilans(aujourd_hui=date(2026, 3, 10))

    courriel = courriel_de(referent)
    assert lien(bilan(accompagnement, TypeBilan.CLOTURE)) in courriel.body
    assert lien(bilan(accompagnement, TypeBilan.POST_CLOTURE)) not in courriel.body


def test_rien_pour_un_referent_dont_le_compte_est_desactive():
    programme = Dispositif()
    referent = programme.referent()
    programme.accompagner(referent)
    referent.is_active = False
    referent.save(update_fields=["is_active"])

    assert envoyer_rappels_bilans(aujourd_hui=LE_1ER_MAI) == 0
    assert mail.outbox == []


def test_rien_pour_un_referent_qui_a_quitte_le_dispositif():
    programme = Dispositif()
    referent = programme.referent()
    programme.accompagner(referent)
    Membre.objects.filter(user=referent).update(actif=False)
    # Toujours membre ailleurs : cela ne lui rouvre pas les ménages de ce dispositif.
    MembreFactory(user=referent, role=Role.TRAVAILLEUR_SOCIAL)

    assert envoyer_rappels_bilans(aujourd_hui=LE_1ER_MAI) == 0
    assert mail.outbox == []


def test_les_autres_referents_recoivent_quand_meme_leur_rappel():
    programme = Dispositif()
    parti = programme.referent()
    reste = programme.referent()
    programme.accompagner(parti)
    programme.accompagner(reste)
    parti.is_active = False
    parti.save(update_fields=["is_active"])

    assert envoyer_rappels_bilans(aujourd_hui=LE_1ER_MAI) == 1
    assert [message.to for message in mail.outbox] == [[reste.email]]


# --- La tâche Celery -----------------------------------------------------------------------


def test_la_tache_envoie_les_memes_courriels_que_le_rappel_du_jour():
    programme = Dispositif()
    alice = programme.referent()
    bruno = programme.referent()
    aujourd_hui = timezone.localdate()
    programme.accompagner(alice, debut=aujourd_hui - relativedelta(months=4))
    programme.accompagner(bruno, debut=aujourd_hui - relativedelta(months=2))
    programme.accompagner(bruno, debut=aujourd_hui - relativedelta(days=10))  # rien en retard

    assert envoyer_rappels_bilans() == 2
    attendus = [(m.subject, m.body, m.to) for m in mail.outbox]
    mail.outbox.clear()
    # Sans courtier, la tâche s'exécute dans le processus : `.delay()` envoie tout de suite.
    assert app.conf.task_always_eager

    rappeler_bilans_en_retard.delay()

    assert sorted((m.subject, m.body, m.to) for m in mail.outbox) == sorted(attendus)
    assert courriel_de(alice).subject == "2 bilans en retard"
    assert courriel_de(bruno).subject == "1 bilan en retard"


def test_la_tache_sans_bilan_en_retard_n_envoie_rien():
    programme = Dispositif()
    programme.accompagner(programme.referent(), debut=timezone.localdate())

    rappeler_bilans_en_retard.delay()

    assert mail.outbox == []


def test_la_tache_est_planifiee_chaque_jour_dans_celery_beat():
    entrees = [
        entree
        for entree in settings.CELERY_BEAT_SCHEDULE.values()
        if entree["task"] == NOM_DE_LA_TACHE
    ]

    assert len(entrees) == 1
    assert rappeler_bilans_en_retard.name == NOM_DE_LA_TACHE
    assert NOM_DE_LA_TACHE in app.tasks
    calendrier = entrees[0]["schedule"]
    assert isinstance(calendrier, crontab)
    assert len(calendrier.hour) == 1
    assert len(calendrier.minute) == 1
    assert calendrier.day_of_week == set(range(7))
    assert calendrier.day_of_month == set(range(1, 32))
    assert calendrier.month_of_year == set(range(1, 13))
