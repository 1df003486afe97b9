from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def hors_ligne_conservation_heures():
    """Le délai après lequel l'appareil efface les saisies gardées hors réseau (en heures)."""
    return settings.HORS_LIGNE_CONSERVATION_HEURES
