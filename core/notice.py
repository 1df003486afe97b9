"""La notice d'information du ménage (RGPD, article 13), faite des données du dispositif.

Remise au premier rendez-vous, elle dit en français simple qui tient les informations du
ménage, lesquelles, pourquoi, combien de temps, qui les voit, et comment exercer ses droits.
Elle ne contient aucune donnée nominative : tout membre du dispositif peut l'imprimer.
"""

from dataclasses import dataclass

from django.conf import settings

from .enums import RolePartenaire


@dataclass
class Notice:
    dispositif: object
    porteur: object
    parcours: list
    accompagnement: list  # structures qui accompagnent les ménages
    orientation: list  # structures qui orientent
    pilotage: list  # comité de pilotage, financeurs, évaluation : chiffres anonymes seulement
    conservation_ans: int


def notice_information(dispositif):
    """La notice du dispositif (lu par `core.selectors.dispositif_pour`, partenariats compris)."""
    par_role = {}
    for partenariat in dispositif.partenariat_set.all():
        if partenariat.organisation_id == dispositif.porteur_id:
            continue
        noms = par_role.setdefault(partenariat.role, [])
        if partenariat.organisation not in noms:
            noms.append(partenariat.organisation)
    pilotage = []
    for role in (RolePartenaire.PILOTAGE, RolePartenaire.FINANCEUR, RolePartenaire.EVALUATION):
        pilotage += [o for o in par_role.get(role, []) if o not in pilotage]
    return Notice(
        dispositif=dispositif,
        porteur=dispositif.porteur,
        parcours=[parcours.label for parcours in dispositif.parcours],
        accompagnement=par_role.get(RolePartenaire.ACCOMPAGNEMENT, []),
        orientation=par_role.get(RolePartenaire.ORIENTATION, []),
        pilotage=pilotage,
        conservation_ans=settings.CONSERVATION_MENAGES_ANS,
    )
