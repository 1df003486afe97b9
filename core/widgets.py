"""Les listes de choix longues.

`SelectRapide` : un `<select>` écrit en Python, pour les listes longues des formulaires de
filtre. Le `Select` de Django rend chaque option par un gabarit : une liste de 600 référent·es coûte
ainsi plus que toute la page de la file active qui la porte. `SelectRapide` écrit le même
HTML (mêmes attributs, même option choisie, mêmes groupes) directement, par `format_html`
qui échappe chaque texte.

`SelectParRecherche`, `SelectMultipleParRecherche` : une liste trop longue pour être rendue
entière se choisit par une recherche (voir `core.forms.choix_ou_recherche`).
"""

from django import forms
from django.utils.html import format_html, format_html_join

from . import bornes


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


def listes_rapides(formulaire):
    """Remplace, dans `formulaire`, chaque `Select` simple par un `SelectRapide` (mêmes
    attributs, mêmes choix)."""
    for champ in formulaire.fields.values():
        if type(champ.widget) is forms.Select:
            champ.widget = SelectRapide(attrs=champ.widget.attrs, choices=champ.widget.choices)


SANS_JAVASCRIPT = (
    "Cette liste est trop longue pour être affichée : la recherche par le nom demande "
    "JavaScript, désactivé dans ce navigateur."
)


class _ParRecherche:
    """Une liste de choix trop longue pour être rendue entière (les personnes des équipes d'un
    programme national) : le `<select>` ne porte que les options choisies, lues par leurs
    clés ; `static/js/app.js` (Tom Select) propose les autres d'après ce qu'on tape, lues à
    l'adresse `data-recherche` (qui rend `{"resultats": [{"value", "text"}]}`)."""

    def __init__(self, recherche, attrs=None):
        super().__init__(attrs={**(attrs or {}), "data-recherche": recherche})

    def optgroups(self, name, value, attrs=None):
        complet = self.choices
        self.choices = self._choisies(complet, value)
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = complet

    def render(self, name, value, attrs=None, renderer=None):
        return format_html(
            '{}<noscript><p class="small text-danger mb-0">{}</p></noscript>',
            super().render(name, value, attrs, renderer),
            SANS_JAVASCRIPT,
        )

    def _choisies(self, complet, value):
        champ = complet.field
        cle = champ.queryset.model._meta.pk
        cles = [v for v in value if bornes.cle_valide(cle, v)]
        options = [] if self.allow_multiple_selected else [("", "")]
        if cles:
            options += [complet.choice(ligne) for ligne in champ.queryset.filter(pk__in=cles)]
        return options


class SelectParRecherche(_ParRecherche, forms.Select):
    pass


class SelectMultipleParRecherche(_ParRecherche, forms.SelectMultiple):
    pass
