"""Le squelette commun des commandes d'import CSV (`import_orientations`, `import_logements`).

Une commande d'import lit un fichier sur le serveur pour un dispositif, au nom d'une personne dont
les droits sont vérifiés (ou de l'exploitation, sans `--utilisateur`), tout ou rien : au moindre
défaut, chaque erreur est écrite avec sa ligne et sa colonne et rien n'est enregistré.
"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from core.models import Dispositif
from menages.importation import ImportRefuse, Plafonds


class CommandeImport(BaseCommand):
    """Sous-classes : `help` et `importer(contenu, dispositif, user, plafonds)`, qui rend le
    rapport d'import ou lève `ImportRefuse` / `PermissionDenied`."""

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Chemin du fichier CSV (UTF-8 ou Windows-1252).")
        parser.add_argument("--dispositif", required=True, help="Identifiant court (slug).")
        parser.add_argument(
            "--utilisateur",
            help="Adresse de la personne pour qui l'import est fait (droits vérifiés, journal).",
        )

    def importer(self, contenu, dispositif, user, plafonds):
        raise NotImplementedError

    def handle(self, *args, fichier, dispositif, utilisateur=None, **options):
        cible = Dispositif.objects.filter(slug=dispositif).first()
        if cible is None:
            raise CommandError(f"Dispositif inconnu : {dispositif}.")
        user = _utilisateur(utilisateur)
        plafonds = Plafonds.du_reglage()
        contenu = _lire(fichier, plafonds)
        try:
            rapport = self.importer(contenu, cible, user, plafonds)
        except PermissionDenied as refus:
            raise CommandError(str(refus)) from None
        except ImportRefuse as refus:
            for erreur in refus.erreurs:
                self.stderr.write(str(erreur))
            if refus.suite:
                self.stderr.write(refus.suite)
            raise CommandError(str(refus)) from None
        self.stdout.write(self.style.SUCCESS(str(rapport)))


def _utilisateur(email):
    if not email:
        return None
    user = get_user_model().objects.filter(email__iexact=email).first()
    if user is None:
        raise CommandError(f"Utilisateur inconnu : {email}.")
    return user


def _lire(fichier, plafonds):
    """Le contenu du fichier ; la taille est vérifiée avant la lecture : un fichier énorme n'est
    jamais chargé."""
    try:
        taille = Path(fichier).stat().st_size
        if taille > plafonds.taille_octets:
            raise CommandError(
                f"Fichier trop volumineux : {taille} octets, "
                f"{plafonds.taille_octets} au plus (IMPORT_TAILLE_MAX_OCTETS). Découpez-le."
            )
        return Path(fichier).read_bytes()
    except OSError as erreur:
        raise CommandError(f"Fichier illisible : {fichier} ({erreur.strerror}).") from None
