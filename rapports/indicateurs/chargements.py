"""Les chargements communs à plusieurs sections : épisodes et clôtures du dispositif, en une
requête chacun, quel que soit le nombre de ménages.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce

from accompagnement.models import Accompagnement, Cloture
from menages.models import Logement, Orientation

from .perimetre import du_perimetre
from .periode import actif_entre


@dataclass(frozen=True)
class Episode:
    pk: int
    menage_id: int
    date_debut: date
    date_fin: date | None
    adhesion: str
    date_premier_contact: date | None
    stade_procedure_entree: str
    parcours: str | None
    territoire: str | None
    date_orientation: date | None
    dispositif_id: int | None = None

    def actif_entre(self, debut, fin):
        return self.date_debut <= fin and (self.date_fin is None or self.date_fin >= debut)


def territoire_actuel(chemin_menage):
    """Sous-requête : nom du territoire du logement actuel du ménage."""
    return Subquery(
        Logement.objects.filter(menage=OuterRef(chemin_menage), actuel=True).values(
            "territoire__nom"
        )[:1]
    )


def charger_episodes(dispositif, debut, fin, fin_parcours):
    """Les épisodes du dispositif actifs un jour de [debut, fin], en une requête."""
    derniere_orientation = (
        Orientation.objects.filter(menage=OuterRef("menage_id"), date_orientation__lte=fin_parcours)
        .order_by("-date_orientation", "-cree_le", "-pk")
        .values("parcours")[:1]
    )
    lignes = (
        Accompagnement.objects.filter(
            actif_entre(debut, fin), **du_perimetre("dispositif", dispositif)
        )
        .annotate(
            parcours_retenu=Coalesce("orientation__parcours", Subquery(derniere_orientation)),
            territoire_nom=territoire_actuel("menage_id"),
        )
        .order_by("pk")
        .values_list(
            "pk",
            "menage_id",
            "date_debut",
            "date_fin",
            "adhesion",
            "date_premier_contact",
            "stade_procedure_entree",
            "parcours_retenu",
            "territoire_nom",
            "orientation__date_orientation",
            "dispositif_id",
        )
    )
    return [Episode(*ligne) for ligne in lignes]


def episodes_actifs_qs(dispositif, debut, fin):
    return Accompagnement.objects.filter(
        actif_entre(debut, fin), **du_perimetre("dispositif", dispositif)
    )


def charger_clotures(dispositif, debut, fin):
    return list(
        Cloture.objects.filter(
            **du_perimetre("accompagnement__dispositif", dispositif), date__range=(debut, fin)
        )
        .order_by("pk")
        .values_list("motif", "maintien_dans_logement", "expulsion_evitee")
    )
