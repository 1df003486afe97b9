from datetime import date, datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from rgpd.conservation import anonymiser_menages


def _menages(nombre):
    return f"{nombre} ménage{'s' if nombre > 1 else ''}"


class Command(BaseCommand):
    help = (
        "Anonymise les ménages sans accompagnement en cours dont le dernier contact date de plus "
        "de CONSERVATION_MENAGES_JOURS jours (identité, contact, adresse et textes libres "
        "effacés, historique compris ; chiffres gardés). Avec --dry-run, liste ce qui partirait "
        "sans rien changer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Lister les ménages qui seraient anonymisés, sans rien changer.",
        )

        parser.add_argument(
            "--au",
            metavar="AAAA-MM-JJ",
            help="Avec --dry-run seulement : ce qui partirait à cette date (pour prévoir).",
        )

    def handle(self, *args, dry_run=False, au=None, **options):
        maintenant = None
        if au:
            if not dry_run:
                raise CommandError(
                    "--au ne s'emploie qu'avec --dry-run : on n'anonymise pas en avance."
                )
            try:
                jour = date.fromisoformat(au)
            except ValueError:
                raise CommandError("--au attend une date AAAA-MM-JJ.") from None
            maintenant = timezone.make_aware(datetime.combine(jour, time(12)))
        passe = anonymiser_menages(a_blanc=dry_run, maintenant=maintenant)
        self.stdout.write(
            f"Dernier contact antérieur au {passe.limite:%d/%m/%Y} : "
            f"{_menages(len(passe.menages))} {'à anonymiser' if dry_run else 'anonymisé(s)'}."
        )
        for element in passe.menages:
            menage = element.menage
            # À blanc, la coordination doit reconnaître les ménages : leur nom, sur le terminal
            # de l'exploitant seulement (rien n'est écrit ailleurs).
            nom = str(menage) if dry_run else f"ménage {menage.public_id}"
            self.stdout.write(
                f"  {menage.dispositif.slug} · {nom} · dernier contact le "
                f"{element.dernier_contact:%d/%m/%Y}"
            )
        if passe.imports:
            self.stdout.write(
                f"{passe.imports} import(s) ancien(s) : fichier, nom et erreurs "
                f"{'à effacer' if dry_run else 'effacés'}."
            )
        if dry_run:
            self.stdout.write("Rien n'a été changé (--dry-run).")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"Terminé le {timezone.localtime():%d/%m/%Y %H:%M}.")
            )
