"""Le `<select>` écrit en Python rend le même HTML que celui de Django, textes échappés."""

import re

import pytest
from django import forms

from core.widgets import SelectRapide, listes_rapides

CHOIX = [
    ("", "Tous"),
    (1, 'Dupont « l\'aîné » <script>alert("x")</script>'),
    (2, "Martin & fils"),
    ("Groupe <b>", [("a", "Premier"), ("b", "Second")]),
]


def normalise(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("valeur", [None, "", 1, "2", "b", "inconnue"])
@pytest.mark.parametrize(
    "attrs", [{}, {"class": "form-select", "id": "id_x", "required": True, "disabled": False}]
)
def test_meme_html_que_le_select_de_django(valeur, attrs):
    django = forms.Select(choices=CHOIX).render("x", valeur, attrs=attrs)
    rapide = SelectRapide(choices=CHOIX).render("x", valeur, attrs=attrs)
    assert normalise(rapide) == normalise(django)
    assert "<script>" not in rapide


def test_un_formulaire_garde_ses_attributs_et_ses_choix():
    class Formulaire(forms.Form):
        quoi = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
        texte = forms.CharField()

    formulaire = Formulaire(data={"quoi": "b"})
    formulaire.fields["quoi"].widget.attrs["class"] = "form-select"
    avant = str(formulaire["quoi"])

    listes_rapides(formulaire)

    assert isinstance(formulaire.fields["quoi"].widget, SelectRapide)
    assert not isinstance(formulaire.fields["texte"].widget, SelectRapide)
    assert normalise(formulaire["quoi"]) == normalise(avant)
    assert 'value="b" selected' in str(formulaire["quoi"])
