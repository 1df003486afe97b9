from django.core.management.base import BaseCommand
from django.db.models import Count, Max, Min
from django.utils import timezone

from core.models import JournalAudit
from core.retention import lignes, lignes_a_purger, limite_de_conservation, purger_journal


class Command(BaseCommand):
    help = (
        "Supprime les lignes du journal d'audit plus anciennes que la durée de conservation "
        "(DUREE_CONSERVATION_JOURNAL_JOURS). Avec --dry-run, montre ce qui partirait sans rien "
        "supprimer ; avec -v 2, chaque ligne."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Lister ce qui serait supprimé, sans rien supprimer.",
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        limite = limite_de_conservation()
        self.stdout.write(f"Limite de conservation : {timezone.localtime(limite):%d/%m/%Y %H:%M}.")
        if dry_run:
            self._montrer(lignes_a_purger(limite), verbosity)
            return
        nombre = purger_journal(limite)
        pluriel = "s" if nombre > 1 else ""
        self.stdout.write(self.style.SUCCESS(f"{lignes(nombre)} supprimée{pluriel}."))

    def _montrer(self, a_purger, verbosity):
        resume = a_purger.aggregate(nombre=Count("pk"), debut=Min("date"), fin=Max("date"))
        nombre = resume["nombre"]
        if not nombre:
            self.stdout.write("Aucune ligne ne partirait.")
            return
        self.stdout.write(
            f"{lignes(nombre)} partirai{'en' if nombre > 1 else ''}t, du "
            f"{timezone.localtime(resume['debut']):%d/%m/%Y} au "
            f"{timezone.localtime(resume['fin']):%d/%m/%Y} :"
        )
        libelles = dict(JournalAudit.Action.choices)
        par_action = a_purger.order_by("action").values("action").annotate(nombre=Count("pk"))
        for groupe in par_action:
            libelle = libelles.get(groupe["action"], groupe["action"])
            self.stdout.write(f"  {libelle} : {groupe['nombre']}")
        if verbosity >= 2:
            for ligne in a_purger.order_by("date", "pk").iterator():
                self.stdout.write(
                    f"  {timezone.localtime(ligne.date):%d/%m/%Y %H:%M} {ligne.email or '-'} "
                    f"{ligne.get_action_display()} {ligne.objet_type} {ligne.objet_id}".rstrip()
                )
        self.stdout.write("Rien n'a été supprimé (--dry-run).")
