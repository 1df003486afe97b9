"""Lectures du parcours accès pour une personne, toujours au travers de `core.permissions`.

Besoins, propositions, dossier et décision CAL, bail : la donnée `Donnee.ACCES`, lue par les
chemins du ménage (l'équipe, les orientations, l'ordre du jour, le dispositif, le territoire).
Les logements vacants ne sont pas nominatifs : qui gère les logements du dispositif, ou y voit
une partie du parcours accès, les voit.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from core import permissions
from core.permissions import Action, Donnee, Ecriture
from menages.models import Orientation
from menages.selectors import chemins_vers_menage

from .classement import Criteres, classer
from .enums import EtatVacant
from .models import (
    Bail,
    BesoinsLogement,
    DecisionCAL,
    EtapeRelais,
    LogementVacant,
    Proposition,
)

CHEMINS_PAR_MENAGE = chemins_vers_menage("menage")
CHEMINS_PAR_PROPOSITION = chemins_vers_menage("proposition__menage")
CHEMINS_MENAGE = chemins_vers_menage()
CHEMINS_PAR_BAIL = chemins_vers_menage("bail__menage")


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


def decisions_cal_pour_mes_structures(user, limite=30):
    """Les décisions de la CAL sur les ménages que les structures de la personne ont orientés
    (son accueil de prescripteur), les plus récentes d'abord, avec l'explication à transmettre.
    Ni le motif de la CAL ni celui d'un refus de la proposition, que l'accueil ne montre pas,
    ne sont lus (ni déchiffrés)."""
    orientes = Orientation.objects.filter(
        menage=OuterRef("proposition__menage"),
        organisation__in=permissions.structures_de_prescripteur(user),
    )
    return (
        permissions.filtrer(user, DecisionCAL.objects.all(), Donnee.ACCES, CHEMINS_PAR_PROPOSITION)
        .filter(Exists(orientes))
        .select_related("seance", "proposition__menage", "proposition__logement")
        .defer("motif", "proposition__motif_refus")
        .order_by("-seance__date", "-pk")[:limite]
    )


# L'accueil annonce les étapes du relais du lien prévues d'ici ce nombre de jours (et celles
# en retard).
JOURS_D_AVANCE_DU_RELAIS = 15


def etapes_du_relais_a_faire(user, limite_jours=JOURS_D_AVANCE_DU_RELAIS):
    """Les étapes du relais du lien pas encore faites, en retard ou prévues d'ici `limite_jours`,
    que la personne peut noter (`Ecriture.ACCES` sur le ménage : la coordination, l'équipe —
    où sont la travailleuse sociale et le référent du bailleur —, l'agent qui a orienté)."""
    horizon = timezone.localdate() + timedelta(days=limite_jours)
    return (
        permissions.filtrer_ecriture(
            user, EtapeRelais.objects.all(), Ecriture.ACCES, CHEMINS_PAR_BAIL
        )
        .filter(date_faite__isnull=True, date_prevue__lte=horizon)
        .select_related("bail__menage__dispositif", "bail__proposition")
        .order_by("date_prevue", "pk")
    )


def dispositifs_des_logements(user):
    """Les dispositifs dont la personne gère les logements vacants."""
    return permissions.dispositifs_pour(user, Action.GERER_LOGEMENTS)


def vacants_du_dispositif(dispositif, etats=(EtatVacant.DISPONIBLE,)):
    return (
        LogementVacant.objects.filter(dispositif=dispositif, etat__in=etats)
        .select_related("territoire", "commune_du_dispositif")
        .order_by("disponible_le", "commune", "adresse", "pk")
    )


def logement_vacant_pour(user, public_id):
    """Le logement vacant si la personne gère les logements de son dispositif ; sinon
    `LogementVacant.DoesNotExist`."""
    return LogementVacant.objects.select_related(
        "dispositif", "territoire", "cree_par", "bailleur"
    ).get(public_id=public_id, dispositif__in=dispositifs_des_logements(user))


@dataclass(frozen=True)
class Evenement:
    """Une ligne de l'historique d'un logement vacant (jamais le nom d'un ménage : qui gère les
    logements ne voit pas forcément chaque ménage)."""

    date: date
    texte: str
    qui: str = ""


def _nom(user):
    return user.get_full_name() if user is not None else ""


def historique_du_logement(logement):
    """Ce qui est arrivé au logement, du plus récent au plus ancien : saisie, propositions,
    réponses et décisions de la CAL, retraits de l'offre et remises."""
    evenements = [
        Evenement(
            timezone.localtime(logement.cree_le).date(),
            "Logement proposé au dispositif",
            _nom(logement.cree_par),
        )
    ]
    propositions = logement.propositions.select_related(
        "decision__seance", "proposee_par"
    ).order_by("date_proposition", "pk")
    for proposition in propositions:
        evenements.append(
            Evenement(
                proposition.date_proposition,
                "Proposé à un ménage du dispositif",
                _nom(proposition.proposee_par),
            )
        )
        if proposition.date_reponse is not None:
            evenements.append(
                Evenement(
                    proposition.date_reponse,
                    f"Réponse du ménage : {proposition.get_reponse_menage_display().lower()}",
                )
            )
        decision = getattr(proposition, "decision", None)
        if decision is not None:
            evenements.append(
                Evenement(decision.seance.date, f"CAL : {decision.get_issue_display().lower()}")
            )
    for retrait in logement.retraits.select_related("retire_par", "remis_par"):
        motif = retrait.get_motif_display()
        if retrait.precision:
            motif = f"{motif} ({retrait.precision})"
        evenements.append(
            Evenement(retrait.date, f"Retiré de l'offre : {motif}", _nom(retrait.retire_par))
        )
        if retrait.remis_le is not None:
            evenements.append(
                Evenement(retrait.remis_le, "Remis dans l'offre", _nom(retrait.remis_par))
            )
    return sorted(evenements, key=lambda evenement: evenement.date, reverse=True)


def classement_pour(menage, besoins):
    """Les vacants disponibles du dispositif du ménage, classés pour ses besoins en vigueur."""
    criteres = Criteres.de(besoins) if besoins is not None else Criteres()
    return classer(criteres, vacants_du_dispositif(menage.dispositif))
