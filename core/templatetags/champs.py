"""`champ` et `formulaire` : un champ rendu comme `as_crispy_field` de crispy-forms, un formulaire
comme `|crispy`, et gardés quand le formulaire est vierge.

Un champ d'un formulaire qui n'a rien reçu (ni saisie ni erreur) se rend toujours de la même
façon pour les mêmes entrées : le formulaire (sa classe, son préfixe, ses identifiants), le
champ (sa classe, son nom, sa valeur initiale, son libellé, son aide, ses choix, obligatoire ou
non) et son widget (sa classe et tous ses attributs). Ce rendu est gardé dans le processus sous
une clé faite de toutes ces entrées, à condition que chacune soit une valeur simple (texte,
nombre, date, booléen, leurs listes, ou une fonction d'un module comme le `check_test` d'une
case à cocher) : un champ dont une entrée ne l'est pas (des choix tirés
d'une requête, un objet quelconque) se rend à chaque fois, comme le champ d'un formulaire qui a
reçu des données ou qui porte un `helper`. La valeur initiale elle-même doit être celle que
déclare le code (celle du champ, ou l'un de ses choix) : un texte tiré d'une ligne, comme la
note d'une intervention à corriger, se rend à chaque fois. Ce qui est gardé ne contient donc
jamais une saisie ni une donnée d'un ménage, seulement ce que la clé dit déjà.

Un champ rendu par crispy-forms coûte 0,3 à 0,5 ms (son gabarit et celui de son widget) : la
page du ménage d'un travailleur social en rend onze, tous vierges.
"""

import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from types import FunctionType

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field, as_crispy_form
from django import template
from django.utils import translation
from django.utils.functional import Promise

from core.memoire import MemoireBornee

register = template.Library()

# Quelques dizaines de champs par formulaire vierge, une valeur initiale par jour pour les dates.
_RENDUS = MemoireBornee(taille=2_000)

_SIMPLES = (str, int, float, bool, Decimal, date, datetime, time, timedelta, uuid.UUID)


class _PasSimple(Exception):
    pass


def _figee(valeur):
    """La valeur telle qu'elle entre dans une clé : son type avec elle (`1`, `True` et `"1"` ne
    se rendent pas pareil), les listes et les dictionnaires parcourus ; `_PasSimple` pour tout
    autre objet."""
    if valeur is None:
        return None
    if isinstance(valeur, Promise):  # un libellé traduit à la lecture
        return ("texte", str(valeur))
    if isinstance(valeur, _SIMPLES):
        tz = getattr(valeur, "tzinfo", None)
        return (type(valeur), valeur, str(tz) if tz is not None else None)
    if isinstance(valeur, list | tuple):
        return (type(valeur), tuple(_figee(element) for element in valeur))
    if isinstance(valeur, dict):
        # Triés sur leur nom seul : deux noms de même texte (`1` et `"1"`) gardent l'ordre du
        # dictionnaire, sans jamais comparer deux valeurs de types différents.
        paires = sorted(valeur.items(), key=lambda paire: str(paire[0]))
        return (dict, tuple((_figee(cle), _figee(v)) for cle, v in paires))
    if isinstance(valeur, FunctionType) and "<" not in valeur.__qualname__:
        # Une fonction d'un module (le `check_test` d'une case à cocher) : du code, rien de
        # saisi ; jamais une fonction locale ou anonyme, qui peut porter des valeurs.
        return (FunctionType, valeur.__module__, valeur.__qualname__)
    raise _PasSimple


def _valeur_declaree(champ):
    """Vrai si la valeur du champ vierge est celle que déclare son code : la valeur initiale du
    champ (la date du jour comprise), ou, venue du formulaire (`initial=`), l'un de ses choix.
    Un texte venu d'une ligne (la synthèse d'un plan, la note d'une intervention à corriger)
    ne l'est pas : il n'entre jamais dans la mémoire."""
    if champ.name not in champ.form.initial:
        return True
    choix = getattr(champ.field, "choices", None)
    if not isinstance(choix, list | tuple):
        return False
    valeur = champ.value()
    return valeur is not None and any(str(v) == str(valeur) for v, _ in choix)


def cle_du_rendu(champ):
    """La clé sous laquelle le rendu de ce champ peut être gardé, ou None s'il doit être rendu."""
    formulaire = champ.form
    if formulaire.is_bound or getattr(formulaire, "helper", None) is not None:
        return None
    if not _valeur_declaree(champ):
        return None
    champ_du_formulaire = champ.field
    widget = champ_du_formulaire.widget
    try:
        return (
            type(formulaire),
            _figee(
                (
                    formulaire.prefix,
                    formulaire.auto_id,
                    formulaire.label_suffix,
                    formulaire.use_required_attribute,
                    getattr(formulaire, "error_css_class", None),
                    getattr(formulaire, "required_css_class", None),
                )
            ),
            type(champ_du_formulaire),
            type(widget),
            _figee(
                (
                    champ.name,
                    champ.value(),
                    champ.label,
                    champ.help_text,
                    champ_du_formulaire.required,
                    champ_du_formulaire.disabled,
                    champ_du_formulaire.show_hidden_initial,
                    champ_du_formulaire.localize,
                    champ_du_formulaire.label_suffix,
                    getattr(champ_du_formulaire, "choices", None),
                    vars(widget),
                    translation.get_language(),
                )
            ),
        )
    except _PasSimple:
        return None


def _rendu_garde(cle, rendre, objet):
    """`rendre(objet)`, gardé sous `cle` ; rendu à chaque fois sans clé."""
    if cle is None:
        return rendre(objet)
    rendu = _RENDUS.get(cle)
    if rendu is None:
        rendu = rendre(objet)
        _RENDUS.garder(cle, rendu)
    return rendu


@register.filter
def champ(champ_de_formulaire):
    """Le champ rendu par crispy-forms (`as_crispy_field`), gardé s'il est vierge."""
    return _rendu_garde(cle_du_rendu(champ_de_formulaire), as_crispy_field, champ_de_formulaire)


@register.filter
def formulaire(formulaire_a_rendre):
    """Le formulaire entier rendu par crispy-forms (`|crispy`), gardé s'il est vierge et que
    chacun de ses champs peut l'être (sa clé : celles de ses champs, dans leur ordre)."""
    cles = tuple(cle_du_rendu(champ_du_formulaire) for champ_du_formulaire in formulaire_a_rendre)
    cle = ("formulaire", cles) if cles and None not in cles else None
    return _rendu_garde(cle, as_crispy_form, formulaire_a_rendre)
