"""Montants et pourcentages à la française : « 30 000 € », « 12,5 % »."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def euros(valeur, decimales=0):
    """Montant en euros, espaces insécables pour les milliers, virgule décimale."""
    if valeur is None or valeur == "":
        return "—"
    try:
        montant = Decimal(str(valeur))
    except InvalidOperation:
        return valeur
    decimales = int(decimales)
    arrondi = montant.quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)
    texte = number_format(arrondi, decimal_pos=decimales, use_l10n=True, force_grouping=True)
    return f"{texte}\xa0€"


@register.filter
def pourcentage(valeur, decimales=0):
    if valeur is None:
        return "—"
    texte = number_format(Decimal(str(valeur)), decimal_pos=int(decimales), use_l10n=True)
    return f"{texte}\xa0%"
