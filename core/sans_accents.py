"""La recherche sans tenir compte des accents : « helene » trouve « Hélène », « etienne »
trouve « Étienne », « cote » trouve « Côte-d'Or » (les noms se tapent vite, souvent sur un
téléphone, et les accents des noms propres sont saisis de façon inégale d'un import à l'autre).

Le lookup `sans_accents` retire les accents de la colonne par la fonction SQL `UNACCENT` :
sous PostgreSQL, celle de l'extension `unaccent` (créée par la migration
`core.0017_sans_accents`) ; sous SQLite, `sans_accents` ci-dessous, déclarée à chaque connexion.
Le texte cherché se passe déjà sans accents, par `sans_accents` en Python
(`nom__sans_accents__icontains=sans_accents("Hélène")`) : PostgreSQL ne recalcule pas ainsi la
même constante à chaque ligne (`unaccent` n'est pas « immutable », il ne la calculerait pas
une fois pour toutes).

Le lookup `sans_accents_indexable` compare pareil, par la fonction `sans_accents_immuable`
(migration `core.0018_sans_accents_immuable`), la seule qu'un index puisse porter : sur un
champ qui a son index par trigrammes (les ménages : `menages.0017_recherche_par_trigrammes`),
PostgreSQL ne lit que les lignes qui contiennent le mot. Il n'a de sens que là, et pour un mot
d'au moins trois lettres ou chiffres de suite (`core.listes.chercher_les_mots` en décide) : sans
index, la fonction, appelée ligne à ligne, coûte quatre fois `unaccent`.
"""

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import CharField, TextField, Transform
from django.dispatch import receiver


class SansAccents(Transform):
    lookup_name = "sans_accents"
    function = "UNACCENT"

    def as_postgresql(self, compiler, connection, **extra):
        # Le dictionnaire nommé d'avance : la forme à un argument le cherche dans le catalogue
        # à chaque ligne, trois fois plus lente (17 ms au lieu de 7 sur les 10 000 ménages du
        # jeu national, trois colonnes).
        return self.as_sql(
            compiler,
            connection,
            template="UNACCENT('unaccent'::regdictionary, %(expressions)s)",
            **extra,
        )


class SansAccentsIndexable(SansAccents):
    lookup_name = "sans_accents_indexable"

    def as_postgresql(self, compiler, connection, **extra):
        # L'expression des index par trigrammes (la même à la lettre, sinon PostgreSQL ne s'en
        # sert pas) ; sous SQLite, la même que `sans_accents`.
        return self.as_sql(
            compiler, connection, template="SANS_ACCENTS_IMMUABLE(%(expressions)s)", **extra
        )


for _lookup in (SansAccents, SansAccentsIndexable):
    CharField.register_lookup(_lookup)
    TextField.register_lookup(_lookup)


# Les lettres liées que `unaccent` de PostgreSQL sépare (« cœur » → « coeur ») : la même chose
# en Python, pour que le texte cherché et la colonne se comparent pareil.
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "ß": "ss"})


def sans_accents(texte):
    """`texte` sans ses accents ni autres signes diacritiques, lettres liées séparées
    (« Éloïse Cœur » → « Eloise Coeur »)."""
    if texte is None:
        return None
    decompose = unicodedata.normalize("NFD", texte.translate(LIGATURES))
    return "".join(lettre for lettre in decompose if not unicodedata.combining(lettre))


@receiver(connection_created)
def declarer_unaccent_sous_sqlite(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("UNACCENT", 1, sans_accents, deterministic=True)
