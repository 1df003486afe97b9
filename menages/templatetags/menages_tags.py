from django import template
from django.utils.html import format_html

from core.enums import Parcours

from ..enums import Problematique, StadeProcedure, StatutOrientation

register = template.Library()


@register.simple_tag
def badge_statut(statut):
    """Le badge du statut d'une orientation (rien sans statut). Une balise simple et non un
    gabarit inclus : il se rend à chaque ligne des listes (file active, « Mes orientations »)."""
    if not statut:
        return ""
    return format_html(
        '<span class="badge statut-{}">{}</span>\n', statut, StatutOrientation(statut).label
    )


PARCOURS_COURTS = {Parcours.ACCES: "Accès", Parcours.MAINTIEN: "Maintien"}


@register.filter
def libelle_parcours(code):
    return PARCOURS_COURTS[Parcours(code)] if code else ""


@register.filter
def libelle_procedure(code):
    return StadeProcedure(code).label if code else ""


@register.filter
def libelle_problematique(code):
    return Problematique(code).label
