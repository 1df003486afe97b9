"""La barre de navigation : chaque rôle ne voit que les entrées qu'il peut utiliser."""

from dataclasses import dataclass

from django.urls import reverse

from . import permissions


@dataclass(frozen=True)
class Lien:
    libelle: str
    url: str
    icone: str


def liens_de_navigation(user):
    liens = [Lien("Accueil", reverse("core:accueil"), "house")]
    if permissions.roles_par_dispositif(user):
        liens.append(Lien("Mes dispositifs", reverse("core:dispositifs"), "diagram-3"))
    if user.is_staff:
        liens.append(Lien("Administration technique", reverse("admin:index"), "gear"))
    return liens
