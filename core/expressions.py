"""Expressions de requête que l'ORM de Django n'a pas sur toutes les bases."""

from django.db.models import CharField, Subquery


class ValeursJointes(Subquery):
    """Les valeurs d'une sous-requête à une colonne, jointes par `separateur` en un seul texte
    (NULL s'il n'y en a aucune), dans l'ordre de la sous-requête : une colonne de plus sur chaque
    ligne au lieu d'une requête à part pour les lignes liées.

    PostgreSQL : `ARRAY_TO_STRING(ARRAY(…))` ; SQLite : `GROUP_CONCAT` sur la sous-requête (qui
    garde l'ordre de la sous-requête).
    """

    output_field = CharField()

    def __init__(self, queryset, separateur=","):
        if any(signe in separateur for signe in "'\"%\\"):
            raise ValueError("Un séparateur sans guillemet, « % » ni barre oblique inverse.")
        self.separateur = separateur
        super().__init__(queryset)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template=f"NULLIF(ARRAY_TO_STRING(ARRAY(%(subquery)s), '{self.separateur}'), '')",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        colonne = self.query.values_select[0]
        return self.as_sql(
            compiler,
            connection,
            template=(
                f"(SELECT GROUP_CONCAT(\"{colonne}\", '{self.separateur}') FROM (%(subquery)s))"
            ),
            **extra,
        )
