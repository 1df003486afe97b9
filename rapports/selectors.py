"""Lectures du rapport semestriel pour une personne (toujours par le module des permissions)."""

from core import permissions
from core.permissions import Donnee

from .models import RapportSemestriel


def rapports_visibles(user):
    """Les rapports des dispositifs où `user` voit les rapports (aucun pour les autres)."""
    return RapportSemestriel.objects.filter(
        dispositif__in=permissions.dispositifs_ou(user, Donnee.RAPPORT)
    )
