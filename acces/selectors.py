"""Lectures du parcours accès pour une personne, toujours au travers de `core.permissions`.

Besoins, propositions, dossier et décision CAL, bail : la donnée `Donnee.ACCES`, lue par les
chemins du ménage (l'équipe, les orientations, l'ordre du jour, le dispositif, le territoire).
Les logements vacants ne sont pas nominatifs : qui gère les logements du dispositif, ou y voit
une partie du parcours accès, les voit.
"""

from django.db.models import Prefetch

from core import permissions
from core.permissions import Action, Donnee, Ecriture
from menages.selectors import chemins_vers_menage

from .classement import Criteres, classer
from .enums import EtatVacant
from .models import Bail, BesoinsLogement, LogementVacant, Proposition

CHEMINS_PAR_MENAGE = chemins_vers_menage("menage")
CHEMINS_PAR_PROPOSITION = chemins_vers_menage("proposition__menage")
CHEMINS_MENAGE = chemins_vers_menage()


def peut_lire(user, menage):
    return permissions.peut_voir_ligne(user, Donnee.ACCES, menage, CHEMINS_MENAGE)


def peut_ecrire(user, menage):
    return permissions.peut_ecrire(user, Ecriture.ACCES, menage, CHEMINS_MENAGE)


def besoins_visibles(user):
    return permissions.filtrer(
        user, BesoinsLogement.objects.all(), Donnee.ACCES, CHEMINS_PAR_MENAGE
    )


def propositions_visibles(user):
    return permissions.filtrer(user, Proposition.objects.all(), Donnee.ACCES, CHEMINS_PAR_MENAGE)


def baux_visibles(user):
    return permissions.filtrer(user, Bail.objects.all(), Donnee.ACCES, CHEMINS_PAR_MENAGE)


def _avec_listes(besoins):
    return besoins.prefetch_related(
        "secteurs_souhaites", "secteurs_evites", "communes_souhaitees", "communes_evitees"
    ).select_related("saisi_par")


def besoins_du_menage(user, menage):
    """L'historique des besoins, du plus récent au plus ancien (le premier est en vigueur)."""
    return list(_avec_listes(besoins_visibles(user).filter(menage=menage)))


def propositions_du_menage(user, menage):
    return list(
        propositions_visibles(user)
        .filter(menage=menage)
        .select_related(
            "logement__territoire",
            "decision__seance__bailleur",
            "bail__association_preneuse",
            "bail__referent_bailleur",
            "proposee_par",
        )
        .prefetch_related("pieces", "bail__etapes", "bail__aides")
    )


def proposition_pour(user, public_id):
    """La proposition si la personne voit le parcours accès de son ménage ; sinon
    `Proposition.DoesNotExist`."""
    return (
        propositions_visibles(user)
        .select_related(
            "menage__dispositif",
            "logement__territoire",
            "decision__seance__bailleur",
            "bail__association_preneuse",
            "bail__referent_bailleur",
            "bail__ligne_budgetaire",
        )
        .prefetch_related("pieces", Prefetch("bail__etapes"), "bail__aides")
        .get(public_id=public_id)
    )


def dispositifs_des_logements(user):
    """Les dispositifs dont la personne gère les logements vacants."""
    return permissions.dispositifs_pour(user, Action.GERER_LOGEMENTS)


def vacants_du_dispositif(dispositif, etats=(EtatVacant.DISPONIBLE,)):
    return (
        LogementVacant.objects.filter(dispositif=dispositif, etat__in=etats)
        .select_related("territoire", "commune_du_dispositif")
        .order_by("disponible_le", "commune", "adresse")
    )


def classement_pour(menage, besoins):
    """Les vacants disponibles du dispositif du ménage, classés pour ses besoins en vigueur."""
    criteres = Criteres.de(besoins) if besoins is not None else Criteres()
    return classer(criteres, vacants_du_dispositif(menage.dispositif))
