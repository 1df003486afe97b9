"""Le classement des logements vacants pour un ménage : un calcul pur, sans base ni droits.

`classer(criteres, vacants)` rend chaque logement avec un score, ses raisons lisibles (« T3
demandé : T3 », « secteur évité », « 4e sans ascenseur ») et le taux d'effort qu'il donnerait :
(loyer + charges − APL) / ressources mensuelles. Les logements qui heurtent un besoin impératif
(secteur ou commune à éviter, étage sans ascenseur, accessibilité, animaux) restent dans la liste,
en bas, marqués « écartés » : la coordination voit pourquoi.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from .models import TYPOLOGIES, rang_typologie

# Au-delà de ce taux d'effort (en %), le logement est signalé comme trop cher pour le ménage.
TAUX_EFFORT_MAXIMUM = Decimal(35)
TAUX_EFFORT_CONFORTABLE = Decimal(30)


def taux_effort(loyer, charges, apl, ressources):
    """(loyer + charges − APL) / ressources × 100, à un chiffre après la virgule ; None si les
    ressources manquent ou sont nulles."""
    if loyer is None or not ressources:
        return None
    reste = Decimal(loyer) + Decimal(charges or 0) - Decimal(apl or 0)
    return (max(reste, Decimal(0)) / Decimal(ressources) * 100).quantize(Decimal("0.1"))


def etage_en_toutes_lettres(etage):
    if etage == 0:
        return "rez-de-chaussée"
    if etage == 1:
        return "1er"
    return f"{etage}e"


@dataclass(frozen=True)
class Criteres:
    """Ce que le classement lit des besoins du ménage (identifiants des secteurs et communes)."""

    secteurs_souhaites: frozenset = frozenset()
    secteurs_evites: frozenset = frozenset()
    communes_souhaitees: frozenset = frozenset()
    communes_evitees: frozenset = frozenset()
    typologie_min: str = ""
    typologie_max: str = ""
    etage_max: int | None = None
    ascenseur_necessaire: bool = False
    accessibilite_pmr: bool = False
    proximite_transports: bool = False
    proximite_soins: bool = False
    animaux: bool = False
    date_au_plus_tot: date | None = None
    ressources_mensuelles: Decimal | None = None

    @classmethod
    def de(cls, besoins):
        """Les critères d'une fiche `BesoinsLogement` (ses listes déjà chargées)."""

        def ids(relation):
            return frozenset(objet.pk for objet in relation.all())

        return cls(
            secteurs_souhaites=ids(besoins.secteurs_souhaites),
            secteurs_evites=ids(besoins.secteurs_evites),
            communes_souhaitees=ids(besoins.communes_souhaitees),
            communes_evitees=ids(besoins.communes_evitees),
            typologie_min=besoins.typologie_min,
            typologie_max=besoins.typologie_max,
            etage_max=besoins.etage_max,
            ascenseur_necessaire=besoins.ascenseur_necessaire,
            accessibilite_pmr=besoins.accessibilite_pmr,
            proximite_transports=besoins.proximite_transports,
            proximite_soins=besoins.proximite_soins,
            animaux=besoins.animaux,
            date_au_plus_tot=besoins.date_au_plus_tot,
            ressources_mensuelles=besoins.ressources_mensuelles,
        )


@dataclass
class Raison:
    texte: str
    favorable: bool


@dataclass
class Adequation:
    """Un logement pour ce ménage : son score, ses raisons, son taux d'effort."""

    logement: object
    score: int = 0
    raisons: list = field(default_factory=list)
    taux_effort: Decimal | None = None
    ecarte: bool = False

    def _noter(self, points, texte, *, ecarte=False):
        self.score += points
        self.raisons.append(Raison(texte, favorable=points > 0))
        self.ecarte = self.ecarte or ecarte


def _typologie_demandee(criteres):
    bas, haut = criteres.typologie_min, criteres.typologie_max or criteres.typologie_min
    bas = bas or haut
    if not bas:
        return None, None, ""
    if bas == haut:
        return rang_typologie(bas), rang_typologie(haut), bas
    return rang_typologie(bas), rang_typologie(haut), f"{bas} à {haut}"


def evaluer(criteres, logement):
    """L'adéquation d'un logement (un `LogementVacant`, ou tout objet qui en a les attributs)."""
    adequation = Adequation(logement)
    # Le lieu : ce qu'il faut éviter l'écarte, ce qui est souhaité le fait monter.
    if logement.territoire_id in criteres.secteurs_evites:
        adequation._noter(-100, f"secteur évité : {logement.territoire}", ecarte=True)
    elif logement.territoire_id in criteres.secteurs_souhaites:
        adequation._noter(20, f"secteur souhaité : {logement.territoire}")
    elif criteres.secteurs_souhaites:
        adequation._noter(-10, f"hors des secteurs souhaités ({logement.territoire})")
    commune_id = logement.commune_du_dispositif_id
    if commune_id is not None and commune_id in criteres.communes_evitees:
        adequation._noter(-100, f"commune évitée : {logement.commune}", ecarte=True)
    elif commune_id is not None and commune_id in criteres.communes_souhaitees:
        adequation._noter(30, f"commune souhaitée : {logement.commune}")
    # La typologie : la bonne, ou l'écart en pièces.
    bas, haut, demandee = _typologie_demandee(criteres)
    rang = rang_typologie(logement.typologie)
    if demandee and rang is not None:
        if bas <= rang <= haut:
            adequation._noter(30, f"{demandee} demandé : {logement.typologie}")
        else:
            ecart = bas - rang if rang < bas else rang - haut
            adequation._noter(-15 * ecart, f"{demandee} demandé : {logement.typologie}")
    # L'étage et l'ascenseur.
    etage = logement.etage or 0
    lettres = etage_en_toutes_lettres(etage)
    if etage > 0 and not logement.ascenseur:
        if criteres.ascenseur_necessaire or (
            criteres.etage_max is not None and etage > criteres.etage_max
        ):
            adequation._noter(-50, f"{lettres} sans ascenseur", ecarte=True)
    elif etage > 0 and (criteres.ascenseur_necessaire or criteres.etage_max is not None):
        adequation._noter(5, f"{lettres} avec ascenseur")
    if criteres.accessibilite_pmr:
        if logement.accessible_pmr:
            adequation._noter(15, "accessible (mobilité réduite)")
        else:
            adequation._noter(-50, "non accessible (mobilité réduite)", ecarte=True)
    for besoin, offert, pres, loin in (
        (
            criteres.proximite_transports,
            logement.proche_transports,
            "proche des transports",
            "loin des transports",
        ),
        (criteres.proximite_soins, logement.proche_soins, "proche des soins", "loin des soins"),
    ):
        if besoin:
            adequation._noter(10 if offert else -10, pres if offert else loin)
    if criteres.animaux and not logement.animaux_acceptes:
        adequation._noter(-40, "animaux non acceptés", ecarte=True)
    if criteres.date_au_plus_tot and logement.disponible_le < criteres.date_au_plus_tot:
        adequation._noter(
            -5, f"libre avant l'entrée possible ({criteres.date_au_plus_tot:%d/%m/%Y})"
        )
    # Le taux d'effort que le ménage aurait dans ce logement.
    adequation.taux_effort = taux_effort(
        logement.loyer, logement.charges, logement.apl_estimee, criteres.ressources_mensuelles
    )
    taux = adequation.taux_effort
    if taux is not None:
        affiche = str(taux).replace(".", ",")
        if taux > TAUX_EFFORT_MAXIMUM:
            adequation._noter(
                -30, f"taux d'effort {affiche} % (au-delà de {TAUX_EFFORT_MAXIMUM} %)"
            )
        elif taux <= TAUX_EFFORT_CONFORTABLE:
            adequation._noter(10, f"taux d'effort {affiche} %")
    return adequation


def classer(criteres, vacants):
    """Les logements du mieux au moins adapté : les écartés en dernier, puis par score, par taux
    d'effort (le plus bas d'abord), puis par date de disponibilité."""
    adequations = [evaluer(criteres, logement) for logement in vacants]
    return sorted(
        adequations,
        key=lambda a: (
            a.ecarte,
            -a.score,
            a.taux_effort if a.taux_effort is not None else Decimal(1000),
            a.logement.disponible_le,
        ),
    )


__all__ = ["TYPOLOGIES", "Adequation", "Criteres", "classer", "evaluer", "taux_effort"]
