"""L'extension `pg_trgm` et la fonction `sans_accents_immuable(texte)` de PostgreSQL, pour les
index par trigrammes des recherches sans accents (`core.sans_accents`). Sans effet sous SQLite.

Un index ne porte que des fonctions « immutables » ; `unaccent` ne l'est pas (son dictionnaire
pourrait changer). `sans_accents_immuable` l'appelle avec le dictionnaire de l'extension, nommé
par son schéma, et se déclare immutable : c'est la forme usuelle, sûre tant que le dictionnaire
`unaccent` ne change pas (s'il changeait, il faudrait refaire ces index : `REINDEX`). Le schéma
est écrit dans la fonction parce qu'une restauration (`pg_restore`) la calcule sans chemin de
recherche.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


def creer_la_fonction(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as curseur:
        curseur.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'unaccent'"
        )
        (schema,) = curseur.fetchone()
        schema = schema_editor.quote_name(schema)
        curseur.execute(
            "CREATE OR REPLACE FUNCTION sans_accents_immuable(texte text) RETURNS text "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
            f"AS $$ SELECT {schema}.unaccent('{schema}.unaccent'::regdictionary, texte) $$"
        )


def retirer_la_fonction(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS sans_accents_immuable(text)")


class Migration(migrations.Migration):
    dependencies = [("core", "0017_sans_accents")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(creer_la_fonction, retirer_la_fonction),
    ]
