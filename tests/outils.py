"""Les petites aides que partagent les tests : lire une page ou une liste, créer un membre, se
connecter."""

import html
import re

from core.factories import MembreFactory


def texte(reponse):
    """Le contenu de la page tel qu'on le lit (entités HTML décodées)."""
    return html.unescape(reponse.content.decode())


def membre(dispositif, role):
    """L'utilisateur d'un nouveau membre du dispositif, avec ce rôle."""
    return MembreFactory(dispositif=dispositif, role=role).user


def connecte(client, role, **kwargs):
    """Un nouveau membre avec ce rôle, connecté sur le client de test."""
    nouveau = MembreFactory(role=role, **kwargs)
    client.force_login(nouveau.user)
    return nouveau


def noms_affiches(reponse):
    """Les ménages d'une liste, dans l'ordre de la page (« Nom Prénom »)."""
    contenu = reponse.content.decode()
    return [nom.strip() for nom in re.findall(r'class="fw-semibold">([^<]*)</a>', contenu)]
