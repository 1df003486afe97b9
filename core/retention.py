"""Durée de conservation du journal d'audit, et la purge : la seule sortie du journal.

Sur PostgreSQL, la base refuse toute modification et toute suppression d'une ligne du journal
(trigger posé par la migration `core.0003_journal_inalterable`). `purger_journal` ouvre le
passage pour sa propre transaction seulement (`SET LOCAL logisens.purge_journal_avant`) et
jusqu'à la date qu'elle déclare : le trigger laisse partir les lignes antérieures, et aucune
autre. La tâche quotidienne `core.tasks.purger_le_journal` l'appelle ; la commande
`manage.py purger_journal --dry-run` montre ce qui partirait.
"""

from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import JournalAudit
from .services import journaliser


def duree_de_conservation():
    return timedelta(days=settings.DUREE_CONSERVATION_JOURNAL_JOURS)


def limite_de_conservation(maintenant=None):
    """Les lignes datées d'avant cet instant ont dépassé la durée de conservation."""
    return (maintenant or timezone.now()) - duree_de_conservation()


def lignes_a_purger(avant=None, *, maintenant=None):
    return JournalAudit.objects.filter(date__lt=_avant(avant, maintenant))


@transaction.atomic
def purger_journal(avant=None, *, maintenant=None):
    """Supprime les lignes du journal datées d'avant `avant`, et seulement elles.

    `avant` vaut par défaut la limite de conservation (`maintenant` moins
    `DUREE_CONSERVATION_JOURNAL_JOURS`). La purge écrit elle-même une ligne au journal (combien,
    jusqu'à quand). Rend le nombre de lignes supprimées.

    Refus : `ValueError` si `avant` tombe dans la durée de conservation (la purge ne raccourcit
    jamais la conservation).
    """
    avant = _avant(avant, maintenant)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # set_config(..., true) est le SET LOCAL paramétré : il s'éteint avec la transaction.
            cursor.execute(
                "SELECT set_config('logisens.purge_journal_avant', %s, true)", [avant.isoformat()]
            )
    nombre, _ = JournalAudit.objects.filter(date__lt=avant).delete()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('logisens.purge_journal_avant', '', true)")
    journaliser(
        None,
        JournalAudit.Action.PURGE,
        detail=f"{lignes(nombre)} antérieure{'s' if nombre > 1 else ''} au "
        f"{timezone.localtime(avant):%d/%m/%Y %H:%M}",
    )
    return nombre


def lignes(nombre):
    return f"{nombre} ligne{'s' if nombre > 1 else ''}"


def _avant(avant, maintenant):
    limite = limite_de_conservation(maintenant)
    if avant is None:
        return limite
    if avant > limite:
        raise ValueError(
            "La purge ne supprime que des lignes plus anciennes que la durée de conservation "
            f"({settings.DUREE_CONSERVATION_JOURNAL_JOURS} jours)."
        )
    return avant
