"""PostgreSQL par psycopg 3 : une requête relancée sur une connexion y est préparée (PostgreSQL
ne la planifie plus à chaque page) et ses paramètres, la personne comprise, restent envoyés à
chaque exécution : les droits de chacun ne changent pas. Les dates-heures se lisent par le
chargeur compilé de psycopg, avec le résultat du chargeur de Django."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest
from django.db import connection

from accompagnement.selectors import interventions_de
from core.factories import DispositifFactory
from core.postgresql import chargeur_date_heure
from menages.selectors import menages_visibles
from tests.accompagnement.situations import equipe_avec_interventions, equipe_ouverte

# Les cas qui lisent la base prennent la fixture `postgresql` (tests/conftest.py) : les
# instructions préparées et le chargeur de la connexion sont ceux de PostgreSQL.


def preparees():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


@pytest.mark.django_db
def test_une_requete_relancee_est_preparee_et_chacun_garde_ses_menages(postgresql):
    dispositif = DispositifFactory()
    une = equipe_ouverte(dispositif=dispositif, nom="Aubrac", reference="AUB-1")
    autre = equipe_ouverte(dispositif=dispositif, nom="Bastide", reference="BAS-2")
    assert not any('"menages_menage"."nom"' in sql for sql in preparees())

    # Dix passages alternés : la requête est préparée au cinquième, les suivants en réutilisent
    # le plan avec les paramètres de la personne du moment.
    for _ in range(5):
        assert list(menages_visibles(une.ts)) == [une.menage]
        assert list(menages_visibles(autre.ts)) == [autre.menage]

    assert any('"menages_menage"."nom"' in sql and "$1" in sql for sql in preparees())
    assert list(menages_visibles(une.ts)) == [une.menage]
    assert list(menages_visibles(autre.ts)) == [autre.menage]
    assert set(menages_visibles(une.coordinateur)) == {une.menage, autre.menage}


@pytest.mark.django_db
def test_une_note_soignants_reste_fermee_a_la_ts_une_fois_la_requete_preparee(postgresql):
    # Une note « soignants » de l'infirmier, une note « équipe » de la TS.
    equipe = equipe_avec_interventions(1)
    for _ in range(6):
        accompagnement = equipe.accompagnement
        notes_infirmier = [i.note for i in interventions_de(equipe.infirmier, accompagnement)]
        notes_ts = [i.note for i in interventions_de(equipe.ts, accompagnement)]
        assert sorted(notes_infirmier) == ["Note soignants 0", "Note équipe 0"]
        assert notes_ts == ["Note équipe 0"]
    # Lue par une instruction préparée : la condition de confidentialité y est un paramètre.
    assert any('"accompagnement_intervention"' in sql for sql in preparees())


@pytest.mark.django_db
def test_les_dates_heures_se_lisent_dans_le_fuseau_de_django(postgresql):
    paris = ZoneInfo("Europe/Paris")
    moments = [
        datetime(2026, 3, 29, 1, 30, tzinfo=paris),  # la nuit du passage à l'heure d'été
        datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=paris),  # l'heure répétée de l'automne
        datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ]
    with connection.cursor() as cursor:
        for moment in moments:
            cursor.execute("SELECT %s::timestamptz, NULL::timestamptz", [moment])
            lu, vide = cursor.fetchone()
            assert lu.timestamp() == moment.timestamp()
            assert lu.tzinfo is connection.timezone
            assert vide is None
    oid = psycopg.adapters.types["timestamptz"].oid
    assert connection.connection.adapters.get_loader(oid, psycopg.pq.Format.TEXT) is (
        chargeur_date_heure(connection.timezone)
    )


@pytest.mark.parametrize("fuseau", [UTC, ZoneInfo("Europe/Paris"), None])
def test_le_chargeur_rend_ce_que_rend_celui_de_django(fuseau):
    # Sans connexion (UTC, comme celle que Django règle) : ce cas tourne sur toute base.
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    class DeDjango(BaseTzLoader):
        timezone = fuseau

    oid = psycopg.adapters.types["timestamptz"].oid
    le_notre = chargeur_date_heure(fuseau)(oid, None)
    celui_de_django = DeDjango(oid, None)
    for texte in (
        b"2026-03-29 00:30:00+00",
        b"2026-10-25 00:30:00.5+00",
        b"1970-01-01 00:00:00+00",
    ):
        assert le_notre.load(texte) == celui_de_django.load(texte)
        assert le_notre.load(texte).tzinfo == celui_de_django.load(texte).tzinfo
