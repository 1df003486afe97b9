"""`manage.py rapport_national --semestre 2026-S1 [--sync]` : le rapport consolidé du financeur."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rapports import indicateurs, national, services
from rapports.commandes import produire_ou_mettre_en_file


class Command(BaseCommand):
    help = (
        "Produit le rapport national consolidé (tous les dispositifs) d'un semestre : le met en "
        "file (worker Celery) ou, avec --sync, le produit tout de suite ; affiche où est le PDF. "
        "Sans --semestre : le semestre écoulé."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--semestre", help="Par exemple 2026-S1 ; par défaut le semestre écoulé."
        )
        parser.add_argument(
            "--sync", action="store_true", help="Produire dans ce processus, sans worker."
        )

    def handle(self, *args, semestre=None, sync=False, **options):
        try:
            if semestre:
                annee, numero = indicateurs.parse_semestre(semestre)
            else:
                annee, numero = indicateurs.semestre_ecoule(timezone.localdate())
            indicateurs.bornes_semestre(annee, numero)
        except ValueError as erreur:
            raise CommandError(str(erreur)) from None
        produire_ou_mettre_en_file(
            self,
            "rapport national",
            sync=sync,
            preparer=lambda: services.preparer_national(annee, numero),
            produire=services.produire_rapport_national,
            demander=lambda: services.demander_rapport_national(None, annee, numero),
            pdf_prevu=lambda rapport: national.noms_des_fichiers(rapport)["pdf"],
        )
