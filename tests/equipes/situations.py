"""Ce que les tests des équipes construisent : un dispositif avec sa coordination, une équipe
autour d'un ménage accompagné, et de quoi inviter."""

import re

from django.core import mail

from core.enums import Profession, Role
from equipes import services
from tests.accompagnement.situations import Equipe

MOT_DE_PASSE_SOLIDE = "Gaspard-Ricochet-Lavande-1987!"


def equipe_ouverte():
    equipe = Equipe()
    equipe.ouvrir()
    return equipe


def inviter(
    coordinateur,
    dispositif,
    email="nouvelle.ts@exemple.test",
    role=Role.TRAVAILLEUR_SOCIAL,
    **kwargs,
):
    kwargs.setdefault("profession", Profession.TRAVAILLEUR_SOCIAL)
    return services.inviter(coordinateur, dispositif, email=email, role=role, **kwargs)


def jeton_de(lien):
    return lien.rstrip("/").rsplit("/", 1)[-1]


def dernier_lien_envoye():
    """Le lien d'invitation du dernier courriel de la boîte d'envoi de test."""
    return re.search(r"https?://\S+/invitation/\S+/", mail.outbox[-1].body).group(0)
