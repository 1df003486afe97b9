"""`manage.py rapport_semestriel --dispositif SLUG --semestre 2026-S1 [--sync]`."""

from django.core.management.base import BaseCommand, CommandError

from core.models import Dispositif
from rapports import documents, indicateurs, services
from rapports.enums import StatutRapport


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
        if sync:
            rapport = services.preparer(dispositif, annee, numero)
            statut = services.produire_rapport(rapport.pk)
            rapport.refresh_from_db()
            if statut != StatutRapport.PRET:
                raise CommandError(f"Échec du rapport : {rapport.erreur}")
            self.stdout.write(documents.emplacement(rapport.fichier_pdf))
            return
        rapport, lance = services.demander_rapport(None, dispositif, annee, numero)
        rapport.refresh_from_db()
        if rapport.statut == StatutRapport.PRET:
            self.stdout.write(documents.emplacement(rapport.fichier_pdf))
        elif rapport.statut == StatutRapport.ECHEC:
            raise CommandError(f"Échec du rapport : {rapport.erreur}")
        else:
            etat = "mis en file" if lance else "déjà en cours de production"
            self.stdout.write(f"Rapport {etat} ; le PDF sera écrit ici :")
            self.stdout.write(documents.emplacement(documents.noms_des_fichiers(rapport)["pdf"]))
