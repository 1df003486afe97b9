"""Les index par trigrammes des champs par lesquels on cherche un ménage (nom, prénom,
référence : `menages.models.CHAMPS_DE_RECHERCHE`), sous PostgreSQL : la recherche de la file
active lisait toute la table des ménages, deux fois par page (décompte et clés). Sans effet
sous SQLite. L'expression de chaque index est celle qu'écrit le lookup
`sans_accents_indexable` suivi de `icontains` (`core.sans_accents`), sans quoi PostgreSQL ne
s'en servirait pas.

Sans liste d'attente (`fastupdate = off`) : chaque écriture d'un ménage met l'index à jour tout
de suite. Avec elle, les écritures s'y entassent jusqu'au prochain VACUUM, et chaque recherche
relit toute la liste (mesuré : 20 000 écritures en attente, la page cherchée passait de 20 à
60 ms, le planificateur préférant alors parcourir la table dans l'ordre du nom).
"""

from django.db import migrations

CHAMPS = ("nom", "prenom", "reference_locataire")


def _nom(champ):
    return f"menage_{champ}_trigrammes"


def creer_les_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for champ in CHAMPS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {_nom(champ)} ON menages_menage USING gin "
            f"((UPPER(sans_accents_immuable({champ}::text))) gin_trgm_ops) WITH (fastupdate = off)"
        )


def retirer_les_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for champ in CHAMPS:
        schema_editor.execute(f"DROP INDEX IF EXISTS {_nom(champ)}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0018_sans_accents_immuable"),
        ("menages", "0016_problematiques_du_menage"),
    ]

    operations = [migrations.RunPython(creer_les_index, retirer_les_index)]
