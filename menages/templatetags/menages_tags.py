from django import template

from core.enums import Parcours

from ..enums import Problematique, StadeProcedure, StatutOrientation

register = template.Library()


@register.inclusion_tag("composants/statut_orientation.html")
def badge_statut(statut):
    return {"statut": statut, "libelle": StatutOrientation(statut).label if statut else ""}


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
