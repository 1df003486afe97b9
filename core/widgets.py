"""Un `<select>` écrit en Python, pour les listes longues des formulaires de filtre.

Le `Select` de Django rend chaque option par un gabarit : une liste de 600 référent·es coûte
ainsi plus que toute la page de la file active qui la porte. `SelectRapide` écrit le même
HTML (mêmes attributs, même option choisie, mêmes groupes) directement, chaque texte échappé.
"""

from html import escape

from django import forms
from django.utils.safestring import mark_safe


class SelectRapide(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        attributs = "".join(
            f" {nom}" if valeur is True else f' {nom}="{escape(str(valeur))}"'
            for nom, valeur in self.build_attrs(self.attrs, attrs).items()
            if valeur is not False
        )
        choisies = set(self.format_value(value))
        morceaux = [f'<select name="{escape(name)}"{attributs}>']
        for code, libelle in self.choices:
            if isinstance(libelle, list | tuple):
                morceaux.append(f'<optgroup label="{escape(str(code))}">')
                morceaux += [
                    self._option(sous_code, sous_libelle, choisies)
                    for sous_code, sous_libelle in libelle
                ]
                morceaux.append("</optgroup>")
            else:
                morceaux.append(self._option(code, libelle, choisies))
        morceaux.append("</select>")
        # Marqué sûr ici seulement : chaque attribut, chaque valeur et chaque libellé y sont passés
        # par html.escape (test tests/core/test_widgets.py : un libellé « <script> » sort échappé).
        return mark_safe("\n".join(morceaux))

    @staticmethod
    def _option(code, libelle, choisies):
        valeur = "" if code is None else str(code)
        choisie = " selected" if valeur in choisies else ""
        return f'<option value="{escape(valeur)}"{choisie}>{escape(str(libelle))}</option>'


def listes_rapides(formulaire):
    """Remplace, dans `formulaire`, chaque `Select` simple par un `SelectRapide` (mêmes
    attributs, mêmes choix)."""
    for champ in formulaire.fields.values():
        if type(champ.widget) is forms.Select:
            champ.widget = SelectRapide(attrs=champ.widget.attrs, choices=champ.widget.choices)
