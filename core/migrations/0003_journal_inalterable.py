"""Le journal d'audit ne fait que s'allonger : la base refuse UPDATE et DELETE sur ses lignes.

PostgreSQL (la production) : un trigger `BEFORE UPDATE OR DELETE ... FOR EACH ROW` lève une
exception, pour tout utilisateur, superutilisateur compris. La seule sortie est la purge de
rétention (`core.retention.purger_journal`) : pour sa transaction seulement, elle déclare
`logisens.purge_journal_avant` (SET LOCAL), et le trigger laisse partir les lignes antérieures
à cette date, et aucune autre. TRUNCATE n'est pas une opération de ligne : `flush` et le
lanceur de tests vident toujours la table.

SQLite (le mode embarqué de démonstration) : un trigger refuse UPDATE. DELETE y reste possible,
car `flush` vide les tables par DELETE sur SQLite ; la garantie complète est celle de PostgreSQL.
"""

from django.db import migrations

TABLE = "core_journalaudit"

POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION journal_audit_inalterable() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    purge_avant text := NULLIF(current_setting('logisens.purge_journal_avant', true), '');
BEGIN
    IF TG_OP = 'DELETE' AND purge_avant IS NOT NULL AND OLD.date < purge_avant::timestamptz THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'Le journal d''audit est inaltérable : % refusé.', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Seule la purge de rétention (core.retention.purger_journal) supprime des lignes anciennes.';
END
$$;
CREATE TRIGGER journal_audit_inalterable
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION journal_audit_inalterable();
"""

POSTGRESQL_RETOUR = f"""
DROP TRIGGER IF EXISTS journal_audit_inalterable ON {TABLE};
DROP FUNCTION IF EXISTS journal_audit_inalterable();
"""

SQLITE = f"""
CREATE TRIGGER journal_audit_sans_modification BEFORE UPDATE ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, 'Le journal d''audit est inaltérable : UPDATE refusé.');
END;
"""

SQLITE_RETOUR = "DROP TRIGGER IF EXISTS journal_audit_sans_modification;"


def _executer(schema_editor, par_moteur):
    sql = par_moteur.get(schema_editor.connection.vendor)
    if sql:
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def poser(apps, schema_editor):
    _executer(schema_editor, {"postgresql": POSTGRESQL, "sqlite": SQLITE})


def retirer(apps, schema_editor):
    _executer(schema_editor, {"postgresql": POSTGRESQL_RETOUR, "sqlite": SQLITE_RETOUR})


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_journalaudit_menage_public_id"),
    ]

    operations = [migrations.RunPython(poser, retirer)]
