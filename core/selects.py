"""Les `<select>` écrits en Python, pour les listes des barres de filtres.

Le `Select` de Django rend chaque option par un gabarit : une liste de 600 options coûtait
ainsi plus que toute la page de la file active qui la portait. `SelectRapide` écrit le même
HTML (mêmes attributs, même option choisie, mêmes groupes) directement, par `format_html` qui
échappe chaque texte ; toutes les barres de filtres s'en servent (`core.listes.FiltresDeListe`,
les filtres de la file active et du journal).

Les choix d'une liste de modèles se lisent en une requête (`ChoixEnUneRequete`) : Django les
lit par `queryset.iterator()`, qui, sur PostgreSQL, ouvre un curseur côté serveur (DECLARE, deux
FETCH, CLOSE : quatre allers-retours pour quelques lignes).
"""

import django_filters
from django import forms
from django.utils.html import format_html, format_html_join
from django_filters.widgets import BaseCSVWidget


class SelectRapide(forms.Select):
    """Le même HTML que `forms.Select`, écrit par `format_html` (chaque texte échappé)."""

    def render(self, name, value, attrs=None, renderer=None):
        attributs = format_html_join(
            "",
            "{}",
            (
                (
                    format_html(" {}", nom)
                    if valeur is True
                    else format_html(' {}="{}"', nom, valeur),
                )
                for nom, valeur in self.build_attrs(self.attrs, attrs).items()
                if valeur is not False
            ),
        )
        choisies = set(self.format_value(value))
        lignes = []
        for code, libelle in self.choices:
            if isinstance(libelle, list | tuple):
                options = self._lignes(
                    self._option(sous_code, sous_libelle, choisies)
                    for sous_code, sous_libelle in libelle
                )
                lignes.append(format_html('<optgroup label="{}">\n{}</optgroup>', code, options))
            else:
                lignes.append(self._option(code, libelle, choisies))
        return format_html(
            '<select name="{}"{}>\n{}</select>', name, attributs, self._lignes(lignes)
        )

    @staticmethod
    def _lignes(morceaux):
        return format_html_join("", "{}\n", ((morceau,) for morceau in morceaux))

    @staticmethod
    def _option(code, libelle, choisies):
        valeur = "" if code is None else str(code)
        return format_html(
            '<option value="{}"{}>{}</option>',
            valeur,
            " selected" if valeur in choisies else "",
            libelle,
        )


class CSVSelectRapide(BaseCSVWidget, SelectRapide):
    """La liste d'un tri de django-filters (`OrderingFilter(widget=CSVSelectRapide)` ; sans
    lui, django-filters fait un `CSVSelect` de `BaseCSVWidget` et `forms.Select`), écrite
    comme `SelectRapide` : même lecture de la valeur reçue, même HTML."""


def listes_rapides(formulaire):
    """Remplace, dans `formulaire`, chaque `Select` simple par un `SelectRapide` (mêmes
    attributs, mêmes choix)."""
    for champ in formulaire.fields.values():
        if type(champ.widget) is forms.Select:
            champ.widget = SelectRapide(attrs=champ.widget.attrs, choices=champ.widget.choices)


class ChoixEnUneRequete(forms.models.ModelChoiceIterator):
    """Les choix d'un `ModelChoiceField` (`core.forms.ChoixModele`, `ChoixModeles`), lus par
    une seule requête au lieu du curseur côté serveur de `queryset.iterator()` sur PostgreSQL :
    la liste des cinq territoires de la file active se lisait en 1,9 ms par ses quatre
    allers-retours, en 1,0 ms d'un coup. Une liste rendue entière est courte (une longue liste
    de personnes se cherche : `core.widgets.SelectOuRecherche`) : la lire d'un coup ne coûte
    pas de mémoire. Chaque parcours relit la base (`all()`), comme celui de Django."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for objet in self.queryset.all():
            yield self.choice(objet)


class ChoixDeFiltreEnUneRequete(django_filters.fields.ModelChoiceIterator, ChoixEnUneRequete):
    """Les choix d'un filtre de modèle (`core.listes.ChoixModeleFiltre`), en une requête : le
    choix « aucun » de django-filters (`null_label`) garde sa place, juste après le « Tous »."""


class ChoixRetenus:
    """Un champ de choix de modèle qui retient les lignes qu'il a validées (`choix_retenus` :
    valeur reçue → ligne) : une liste qui se cherche ne rend que ses options choisies
    (`core.widgets.SelectOuRecherche`, `SelectMultipleParRecherche`), et ne relit pas alors
    celles que la validation vient de lire, par le même queryset (les droits de la personne).
    Le champ d'un formulaire est propre à ce formulaire : ce qu'il retient aussi ; un autre
    queryset posé sur le champ le lui fait oublier."""

    def _poser_le_queryset(self, queryset):
        forms.ModelChoiceField.queryset.fset(self, queryset)
        self.__dict__.pop("choix_retenus", None)

    queryset = property(forms.ModelChoiceField.queryset.fget, _poser_le_queryset)

    def to_python(self, value):
        choisi = super().to_python(value)
        if isinstance(choisi, self.queryset.model):
            self.choix_retenus = {str(value): choisi}
        return choisi

    def _check_values(self, value):
        valeurs = list(value)
        choisis = super()._check_values(valeurs)
        # Dans l'ordre du queryset, celui où les options choisies se rendent.
        cle = self.to_field_name or "pk"
        self.choix_retenus = {str(getattr(objet, cle)): objet for objet in choisis}
        return choisis


class ChampDeFiltreEnUneRequete(ChoixRetenus, django_filters.fields.ModelChoiceField):
    """Le champ d'un `core.listes.ChoixModeleFiltre`."""

    iterator = ChoixDeFiltreEnUneRequete
