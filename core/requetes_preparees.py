"""Des requêtes de l'ORM compilées une fois par processus, puis exécutées avec d'autres valeurs.

Construire et compiler une requête courte par l'ORM coûte bien plus que l'exécuter : les
adhésions d'une personne, que chaque page lit (`core.permissions._adhesions`), prenaient 2,3 ms
dont 0,17 ms dans PostgreSQL. Une `RequetePreparee` fait construire sa requête par l'ORM une fois
(par base), avec des valeurs témoins à la place de ses paramètres, garde le SQL compilé et la
place de chaque paramètre, puis l'exécute avec les vraies valeurs :

- le même SQL que l'ORM (c'est lui qui l'a écrit), les mêmes conversions des valeurs lues (celles
  de son compilateur : les booléens et les dates de SQLite, par exemple) ;
- sur la même base (le routeur, `core.replique`, comme pour une lecture de l'ORM) et par le même
  curseur de Django : la requête compte et se journalise comme les autres ;
- une valeur témoin que le SQL compilé ne porte pas (la fabrique ne s'en sert pas, ou l'ORM l'a
  écrite en dur) est une erreur de configuration, levée à la première exécution : jamais une
  requête qui garderait la valeur témoin ; une valeur d'un autre type que son témoin (`None`,
  une date-heure pour une date) est refusée, le SQL n'ayant pas été écrit pour elle.

Seulement pour des lectures `values_list(...)` (des tuples, dans l'ordre des champs nommés), qui
ne dépendent que de leurs paramètres : ce qui varie d'une exécution à l'autre (la personne, le
jour) doit être un paramètre de la fabrique, jamais lu par elle ailleurs (l'heure, la base).
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models.query import ValuesListIterable


class RequetePreparee:
    """`fabrique(**valeurs)` rend le queryset ; `temoins` : pour chaque valeur, une valeur du même
    type qui n'apparaît nulle part ailleurs dans la requête (un identifiant négatif, une date du
    début du XXe siècle)."""

    def __init__(self, fabrique, **temoins):
        self.fabrique = fabrique
        self.temoins = temoins
        self._modele = None
        self._par_base = {}

    def lignes(self, **valeurs):
        """Les lignes de `fabrique(**valeurs)`, en une requête."""
        if set(valeurs) != set(self.temoins):
            raise TypeError(
                f"Valeurs attendues : {sorted(self.temoins)} ; reçues : {sorted(valeurs)}"
            )
        for nom, valeur in valeurs.items():
            # Le SQL a été écrit pour une valeur de ce type : un `None` (que l'ORM écrirait
            # `IS NULL`) ou une date-heure à la place d'une date n'y entrent pas.
            if type(valeur) is not type(self.temoins[nom]):
                raise TypeError(
                    f"« {nom} » : {type(self.temoins[nom]).__name__} attendu, "
                    f"{type(valeur).__name__} reçu."
                )
        if self._modele is None:
            self._modele = self.fabrique(**self.temoins).model
        alias = router.db_for_read(self._modele)
        preparee = self._par_base.get(alias)
        if preparee is None:
            preparee = self._par_base[alias] = self._preparer(alias)
        sql, places, compilateur = preparee
        parametres = tuple(
            constante if nom is None else (str(valeurs[nom]) if en_texte else valeurs[nom])
            for nom, en_texte, constante in places
        )
        with connections[alias].cursor() as curseur:
            curseur.execute(sql, parametres)
            rangees = curseur.fetchall()
        return [tuple(ligne) for ligne in compilateur.results_iter(results=[rangees])]

    def _preparer(self, alias):
        queryset = self.fabrique(**self.temoins)
        if queryset._iterable_class is not ValuesListIterable:
            raise ImproperlyConfigured(
                "Une requête préparée lit des tuples : `values_list(...)`, sans `flat` ni `named`."
            )
        compilateur = queryset.query.get_compiler(using=alias)
        sql, parametres = compilateur.as_sql()
        places = [(*self._temoin(parametre), parametre) for parametre in parametres]
        absents = set(self.temoins) - {nom for nom, _, _ in places}
        if absents:
            raise ImproperlyConfigured(
                f"La requête compilée ne porte pas les valeurs {sorted(absents)} comme "
                "paramètres : elle ne peut pas être préparée."
            )
        return sql, places, compilateur

    def _temoin(self, parametre):
        """(nom, en texte) du témoin que `parametre` porte, ou (None, False) : une constante.
        SQLite reçoit une date en texte (`str(date)`) ; elle la recevra de même."""
        for nom, temoin in self.temoins.items():
            # Le type d'abord : `True == 1`, et une valeur d'un autre type ne se compare pas.
            if type(parametre) is type(temoin) and parametre == temoin:
                return nom, False
            if (
                isinstance(parametre, str)
                and not isinstance(temoin, str)
                and parametre == str(temoin)
            ):
                return nom, True
        return None, False
