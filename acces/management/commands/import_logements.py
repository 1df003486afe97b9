"""`manage.py import_logements FICHIER --dispositif SLUG [--utilisateur EMAIL]`."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from acces.importation import importer_logements
from core.models import Dispositif
from menages.importation import ImportRefuse, Plafonds


class Command(BaseCommand):
    help = (
        "Importe un fichier CSV de logements vacants dans un dispositif, tout ou rien "
        "(format : docs/CSV_LOGEMENTS.md). Au moindre défaut, les erreurs sont signalées avec "
        "leur ligne et leur colonne, et rien n'est enregistré."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Chemin du fichier CSV (UTF-8 ou Windows-1252).")
        parser.add_argument("--dispositif", required=True, help="Identifiant court (slug).")
        parser.add_argument(
            "--utilisateur",
            help="Adresse de la personne pour qui l'import est fait (droits vérifiés, journal).",
        )

    def handle(self, *args, fichier, dispositif, utilisateur=None, **options):
        cible = Dispositif.objects.filter(slug=dispositif).first()
        if cible is None:
            raise CommandError(f"Dispositif inconnu : {dispositif}.")
        user = None
        if utilisateur:
            user = get_user_model().objects.filter(email__iexact=utilisateur).first()
            if user is None:
                raise CommandError(f"Utilisateur inconnu : {utilisateur}.")
        plafonds = Plafonds.du_reglage()
        try:
            taille = Path(fichier).stat().st_size
            if taille > plafonds.taille_octets:
                raise CommandError(
                    f"Fichier trop volumineux : {taille} octets, "
                    f"{plafonds.taille_octets} au plus (IMPORT_TAILLE_MAX_OCTETS). Découpez-le."
                )
            contenu = Path(fichier).read_bytes()
        except OSError as erreur:
            raise CommandError(f"Fichier illisible : {fichier} ({erreur.strerror}).") from None
        try:
            rapport = importer_logements(contenu, cible, user=user, plafonds=plafonds)
        except PermissionDenied as refus:
            raise CommandError(str(refus)) from None
        except ImportRefuse as refus:
            for erreur in refus.erreurs:
                self.stderr.write(str(erreur))
            if refus.suite:
                self.stderr.write(refus.suite)
            raise CommandError(str(refus)) from None
        self.stdout.write(self.style.SUCCESS(str(rapport)))
