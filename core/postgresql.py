"""La lecture des dates-heures de PostgreSQL par psycopg 3, à la vitesse de son code compilé.

Django lit chaque `timestamptz` par un chargeur qui hérite de celui, écrit en Python, de psycopg :
3 µs par valeur, plus d'une seconde pour les 400 000 interventions d'un extrait national (trois
fois ce que coûtait psycopg2). Le chargeur ci-dessous fait la même chose, la date-heure lue puis
rendue dans le fuseau de la connexion, au-dessus du chargeur compilé de psycopg quand il est
installé (`psycopg[binary]`). Il porte le même `timezone` que celui de Django, qui ne le
remplace donc pas curseur par curseur.
"""

from functools import lru_cache

from django.db.backends.signals import connection_created
from django.dispatch import receiver


@lru_cache
def chargeur_date_heure(fuseau):
    """La classe de chargeur des `timestamptz`, pour le fuseau de la connexion (None : naïf)."""
    import psycopg
    from psycopg.adapt import Loader

    compile_ = psycopg.adapters.get_loader(
        psycopg.adapters.types["timestamptz"].oid, psycopg.pq.Format.TEXT
    )

    class ChargeurDateHeure(Loader):
        timezone = fuseau

        def __init__(self, oid, context=None):
            super().__init__(oid, context)
            # Le chargeur compilé ne se dérive pas : celui-ci le garde. Il rend déjà les dates
            # dans le fuseau de la connexion, celui que Django lui donne (UTC) : sa méthode sert
            # alors telle quelle, sans appel Python par valeur.
            self.lire = compile_(oid, context).load
            if self.lire(b"2000-01-01 00:00:00+00").tzinfo == self.timezone:
                self.load = self.lire

        def load(self, data):
            return self.lire(data).replace(tzinfo=self.timezone)

    return ChargeurDateHeure


@receiver(connection_created)
def lire_les_dates_heures_vite(sender, connection, **kwargs):
    if connection.vendor != "postgresql" or connection.Database.__name__ != "psycopg":
        return
    connection.connection.adapters.register_loader(
        "timestamptz", chargeur_date_heure(connection.timezone)
    )
