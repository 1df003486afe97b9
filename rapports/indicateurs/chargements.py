"""Les chargements communs à plusieurs sections : épisodes et clôtures du dispositif, en une
requête chacun, quel que soit le nombre de ménages.
"""

from datetime import date
from typing import NamedTuple

from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from accompagnement.models import Accompagnement, Cloture
from menages.models import Orientation

from .perimetre import du_perimetre
from .periode import actif_entre


class Episode(NamedTuple):
    """Un épisode chargé (une ligne, non modifiable). Un n-uplet nommé plutôt qu'une classe de
    données gelée : dix mille se construisent plusieurs fois plus vite, pour les mêmes champs."""

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


def avec_territoire_actuel(queryset, chemin_logements):
    """`queryset` annoté de `territoire_nom`, le nom du territoire du logement actuel du ménage
    (vide sans logement actuel ou sans territoire).

    Une jointure externe sur le logement actuel, et non une sous-requête par ligne : un ménage a
    au plus un logement actuel (contrainte `un_logement_actuel`), la jointure ne multiplie donc
    aucune ligne, et PostgreSQL la fait en une passe (docs/performance.md).
    """
    return queryset.alias(
        logement_actuel=FilteredRelation(
            chemin_logements, condition=Q(**{f"{chemin_logements}__actuel": True})
        )
    ).annotate(territoire_nom=F("logement_actuel__territoire__nom"))


def charger_episodes(dispositif, debut, fin, fin_parcours):
    """Les épisodes du dispositif actifs un jour de [debut, fin], en une requête."""
    derniere_orientation = (
        Orientation.objects.filter(menage=OuterRef("menage_id"), date_orientation__lte=fin_parcours)
        .order_by("-date_orientation", "-cree_le", "-pk")
        .values("parcours")[:1]
    )
    lignes = (
        avec_territoire_actuel(
            Accompagnement.objects.filter(
                actif_entre(debut, fin), **du_perimetre("dispositif", dispositif)
            ),
            "menage__logements",
        )
        .annotate(
            parcours_retenu=Coalesce("orientation__parcours", Subquery(derniere_orientation)),
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
    return [Episode._make(ligne) for ligne in lignes]


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
