"""`manage.py import_orientations FICHIER --dispositif SLUG [--utilisateur EMAIL]`."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from core.models import Dispositif
from menages.importation import ImportRefuse, Plafonds, importer_orientations

# Le journal d'audit garde une adresse IP : une commande lancée sur le serveur y est inscrite
# avec l'adresse locale.
ADRESSE_LOCALE = "127.0.0.1"


class Command(BaseCommand):
    help = (
        "Importe un fichier CSV d'orientations dans un dispositif, tout ou rien : au moindre "
        "défaut, les lignes fausses sont signalées (les premières, et leur nombre) et rien n'est "
        "enregistré. L'import se fait au premier plan, avec les plafonds et la durée maximale "
        "des réglages IMPORT_*."
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
        user = self._utilisateur(utilisateur)
        plafonds = Plafonds.du_reglage()
        try:
            # La taille est vérifiée avant la lecture : un fichier énorme n'est jamais chargé.
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
            rapport = importer_orientations(
                contenu, cible, user=user, plafonds=plafonds, adresse=ADRESSE_LOCALE
            )
        except PermissionDenied as refus:
            raise CommandError(str(refus)) from None
        except ImportRefuse as refus:
            for erreur in refus.erreurs:
                self.stderr.write(str(erreur))
            if refus.suite:
                self.stderr.write(refus.suite)
            raise CommandError(str(refus)) from None

        self.stdout.write(self.style.SUCCESS(str(rapport)))

    def _utilisateur(self, email):
        if not email:
            return None
        user = get_user_model().objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"Utilisateur inconnu : {email}.")
        return user
