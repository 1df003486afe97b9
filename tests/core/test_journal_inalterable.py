"""Le journal d'audit ne fait que s'allonger, là où il est stocké.

Sur PostgreSQL (la production), la base refuse elle-même UPDATE et DELETE sur ses lignes, pour
tout utilisateur, superutilisateur compris ; seule la purge de rétention en supprime, et
seulement les lignes plus anciennes que la durée de conservation. TRUNCATE (`flush`, le lanceur
de tests) vide toujours la table. Sur SQLite (démonstration), la base refuse UPDATE.
"""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from core.models import JournalAudit
from core.retention import limite_de_conservation, purger_journal
from core.tasks import purger_le_journal

pytestmark = pytest.mark.django_db

# Une horloge figée : chaque test passe cet instant à la purge.
MAINTENANT = timezone.make_aware(datetime(2026, 6, 15, 12, 0))


# Le trigger qui refuse DELETE n'existe que sur PostgreSQL : SQLite vide ses tables par DELETE
# (flush), seul UPDATE y est refusé. Les cas de DELETE prennent la fixture `postgresql`.


def ligne(age_en_jours=0, maintenant=MAINTENANT, **kwargs):
    kwargs.setdefault("email", "personne@exemple.test")
    return JournalAudit.objects.create(
        date=maintenant - timedelta(days=age_en_jours),
        action=JournalAudit.Action.EXPORT,
        **kwargs,
    )


def refuse(operation):
    """Vrai si la base refuse l'opération (dans un point de sauvegarde, pour continuer)."""
    try:
        with transaction.atomic():
            operation()
    except DatabaseError as erreur:
        assert "inaltérable" in str(erreur)
        return True
    return False


def sql(requete, parametres=()):
    with connection.cursor() as cursor:
        cursor.execute(requete, parametres)


# --- La base refuse -------------------------------------------------------------------------


def test_la_base_refuse_un_update_en_sql_brut():
    trace = ligne(email="vraie@exemple.test")

    assert refuse(
        lambda: sql(
            "UPDATE core_journalaudit SET email = %s WHERE id = %s", ["autre@x.test", trace.pk]
        )
    )
    trace.refresh_from_db()
    assert trace.email == "vraie@exemple.test"


def test_la_base_refuse_un_update_par_l_orm():
    trace = ligne(detail="export de 3 lignes")

    assert refuse(lambda: JournalAudit.objects.filter(pk=trace.pk).update(detail="rien"))
    assert refuse(lambda: trace.save())
    trace.refresh_from_db()
    assert trace.detail == "export de 3 lignes"


def test_la_base_refuse_un_delete_en_sql_brut(postgresql):
    ancienne = ligne(age_en_jours=1000)

    assert refuse(lambda: sql("DELETE FROM core_journalaudit WHERE id = %s", [ancienne.pk]))
    assert refuse(lambda: sql("DELETE FROM core_journalaudit"))
    assert JournalAudit.objects.filter(pk=ancienne.pk).exists()


def test_la_base_refuse_un_delete_par_l_orm(postgresql):
    trace = ligne(age_en_jours=1000)

    assert refuse(lambda: JournalAudit.objects.filter(pk=trace.pk).delete())
    assert refuse(lambda: trace.delete())
    assert JournalAudit.objects.filter(pk=trace.pk).exists()


def test_le_passage_de_la_purge_ne_se_declare_pas_en_sql_brut_pour_une_ligne_recente(postgresql):
    # Même en posant soi-même la variable, seules les lignes antérieures à la date déclarée
    # partent : une ligne récente reste.
    recente = ligne(age_en_jours=0, maintenant=timezone.now())
    sql(
        "SELECT set_config('logisens.purge_journal_avant', %s, true)",
        [(timezone.now() - timedelta(days=400)).isoformat()],
    )
    try:
        assert refuse(lambda: JournalAudit.objects.filter(pk=recente.pk).delete())
    finally:
        sql("SELECT set_config('logisens.purge_journal_avant', '', true)")


# --- La purge de rétention ------------------------------------------------------------------


def test_la_purge_supprime_les_lignes_plus_anciennes_que_la_conservation_et_seulement_elles():
    assert settings.DUREE_CONSERVATION_JOURNAL_JOURS == 365
    tres_ancienne = ligne(age_en_jours=800)
    ancienne = ligne(age_en_jours=366)
    limite = ligne(age_en_jours=365)  # exactement à la limite : elle reste
    recente = ligne(age_en_jours=364)
    du_jour = ligne(age_en_jours=0)

    supprimees = purger_journal(maintenant=MAINTENANT)

    assert supprimees == 2
    restantes = set(JournalAudit.objects.exclude(action=JournalAudit.Action.PURGE))
    assert restantes == {limite, recente, du_jour}
    assert not JournalAudit.objects.filter(pk__in=[tres_ancienne.pk, ancienne.pk]).exists()


def test_la_purge_s_ecrit_au_journal():
    ligne(age_en_jours=500)

    purger_journal(maintenant=MAINTENANT)

    trace = JournalAudit.objects.get(action=JournalAudit.Action.PURGE)
    assert trace.detail == "1 ligne antérieure au 15/06/2025 12:00"
    assert trace.user is None


def test_la_purge_ne_raccourcit_jamais_la_conservation():
    recente = ligne(age_en_jours=10)

    with pytest.raises(ValueError, match="365 jours"):
        purger_journal(MAINTENANT - timedelta(days=5), maintenant=MAINTENANT)

    assert JournalAudit.objects.filter(pk=recente.pk).exists()


def test_la_purge_accepte_une_date_plus_ancienne_que_la_limite():
    ligne(age_en_jours=900)
    gardee = ligne(age_en_jours=500)

    assert purger_journal(MAINTENANT - timedelta(days=600), maintenant=MAINTENANT) == 1
    assert JournalAudit.objects.filter(pk=gardee.pk).exists()


def test_apres_la_purge_le_passage_est_referme(postgresql):
    purger_journal(maintenant=MAINTENANT)
    ancienne = ligne(age_en_jours=1000)

    assert refuse(lambda: JournalAudit.objects.filter(pk=ancienne.pk).delete())


def test_une_purge_annulee_ne_laisse_pas_le_passage_ouvert(postgresql):
    ancienne = ligne(age_en_jours=1000)
    with pytest.raises(RuntimeError), transaction.atomic():
        purger_journal(maintenant=MAINTENANT)
        raise RuntimeError("annulée")

    assert JournalAudit.objects.filter(pk=ancienne.pk).exists()
    assert refuse(lambda: JournalAudit.objects.filter(pk=ancienne.pk).delete())


def test_la_duree_de_conservation_se_regle(settings):
    settings.DUREE_CONSERVATION_JOURNAL_JOURS = 30
    ligne(age_en_jours=31)
    gardee = ligne(age_en_jours=29)

    assert limite_de_conservation(MAINTENANT) == MAINTENANT - timedelta(days=30)
    assert purger_journal(maintenant=MAINTENANT) == 1
    assert JournalAudit.objects.filter(pk=gardee.pk).exists()


def test_la_tache_quotidienne_purge_le_journal(settings):
    assert settings.CELERY_BEAT_SCHEDULE["purge-du-journal-d-audit"]["task"] == (
        "core.tasks.purger_le_journal"
    )
    ancienne = ligne(age_en_jours=400, maintenant=timezone.now())
    gardee = ligne(age_en_jours=10, maintenant=timezone.now())

    assert purger_le_journal.delay().get() == 1

    assert not JournalAudit.objects.filter(pk=ancienne.pk).exists()
    assert JournalAudit.objects.filter(pk=gardee.pk).exists()


def test_la_commande_a_blanc_montre_ce_qui_partirait_sans_rien_supprimer():
    maintenant = timezone.now()
    ancienne = ligne(age_en_jours=400, maintenant=maintenant, email="ancienne@exemple.test")
    ligne(age_en_jours=10, maintenant=maintenant, email="recente@exemple.test")
    sortie = StringIO()

    call_command("purger_journal", "--dry-run", "-v", "2", stdout=sortie)

    texte = sortie.getvalue()
    assert "1 ligne partirait" in texte
    assert "Export : 1" in texte
    assert "ancienne@exemple.test" in texte
    assert "recente@exemple.test" not in texte
    assert "Rien n'a été supprimé" in texte
    assert JournalAudit.objects.filter(pk=ancienne.pk).exists()
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.PURGE).exists()


def test_la_commande_purge():
    ancienne = ligne(age_en_jours=400, maintenant=timezone.now())
    sortie = StringIO()

    call_command("purger_journal", stdout=sortie)

    assert "1 ligne supprimée" in sortie.getvalue()
    assert not JournalAudit.objects.filter(pk=ancienne.pk).exists()


# --- TRUNCATE n'est pas une opération de ligne ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_flush_vide_encore_le_journal():
    ligne()
    ligne(age_en_jours=1000)

    call_command("flush", interactive=False, verbosity=0)

    assert not JournalAudit.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_un_test_transactionnel_laisse_des_lignes_que_le_lanceur_videra():
    # Le lanceur vide les tables après ce test (TRUNCATE sur PostgreSQL) : le test suivant
    # commence sans ligne.
    ligne()
    assert JournalAudit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_le_test_transactionnel_suivant_part_d_un_journal_vide():
    assert not JournalAudit.objects.exists()
