"""`manage.py rapport_semestriel --dispositif SLUG --semestre 2026-S1 [--sync]`."""

from django.core.management.base import BaseCommand, CommandError

from core.models import Dispositif
from rapports import documents, indicateurs, services
from rapports.commandes import produire_ou_mettre_en_file


class Command(BaseCommand):
    help = (
        "Produit le rapport d'activité semestriel d'un dispositif : le met en file (worker "
        "Celery) ou, avec --sync, le produit tout de suite ; affiche où est le PDF."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dispositif", required=True, help="Identifiant court (slug).")
        parser.add_argument("--semestre", required=True, help="Par exemple 2026-S1.")
        parser.add_argument(
            "--sync", action="store_true", help="Produire dans ce processus, sans worker."
        )

    def handle(self, *args, dispositif, semestre, sync=False, **options):
        try:
            annee, numero = indicateurs.parse_semestre(semestre)
        except ValueError as erreur:
            raise CommandError(str(erreur)) from None
        try:
            dispositif = Dispositif.objects.get(slug=dispositif)
        except Dispositif.DoesNotExist:
            raise CommandError(f"Dispositif inconnu : {dispositif}") from None
        produire_ou_mettre_en_file(
            self,
            "rapport",
            sync=sync,
            preparer=lambda: services.preparer(dispositif, annee, numero),
            produire=services.produire_rapport,
            demander=lambda: services.demander_rapport(None, dispositif, annee, numero),
            pdf_prevu=lambda rapport: documents.noms_des_fichiers(rapport)["pdf"],
        )
