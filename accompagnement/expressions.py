"""Conditions sur un ménage, à poser dans la requête d'une couche au-dessus.

Chaque fonction rend un `Exists(...)` dont la sous-requête vise le ménage par `OuterRef`
(par défaut la clé primaire de la requête extérieure, une liste de ménages). La règle (ce qu'est
un accompagnement ouvert, un bilan dû) reste ici ; l'écran qui filtre n'a pas à la connaître.
"""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import Accompagnement, Bilan


def suivi_par(referent, menage="pk"):
    """Un accompagnement ouvert du ménage a ce ou cette référent·e."""
    return Exists(
        Accompagnement.objects.ouverts().filter(menage=OuterRef(menage), referent=referent)
    )


def bilan_en_retard(menage="pk"):
    """Un bilan à faire du ménage a passé sa date (accompagnement ouvert ou en post-clôture)."""
    return Exists(
        Bilan.objects.a_faire().filter(
            accompagnement__menage=OuterRef(menage), date_prevue__lt=timezone.localdate()
        )
    )


def bilan_a_venir(jours=15, menage="pk"):
    """Un bilan à faire du ménage est prévu d'ici `jours` jours (aujourd'hui compris)."""
    aujourd_hui = timezone.localdate()
    return Exists(
        Bilan.objects.a_faire().filter(
            accompagnement__menage=OuterRef(menage),
            date_prevue__gte=aujourd_hui,
            date_prevue__lte=aujourd_hui + timedelta(days=jours),
        )
    )
