from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import accompagnements, comites, menages, programmes
from demo.comptes import comptes_de_demo

# Étapes du chargement, dans l'ordre : chacune s'appuie sur ce que les précédentes ont créé.
ETAPES = [
    programmes.charger_programmes,
    menages.charger_menages,
    accompagnements.charger_accompagnements,
    comites.charger_comites,
    comites.charger_rapport,
]


class Command(BaseCommand):
    help = (
        "Charge les quatre programmes de démonstration et un compte par rôle et par programme. "
        "Idempotent. Refuse de tourner hors mode développement sauf avec --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Charger même si DEBUG est désactivé (jamais sur une base de production).",
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG est désactivé : seed_demo crée des comptes au mot de passe connu et "
                "refuse de tourner sur ce qui pourrait être une base de production. "
                "Relancez avec --force si c'est bien une base de démonstration."
            )
        for etape in ETAPES:
            etape()
        self.stdout.write(self.style.SUCCESS("Démonstration chargée."))
        self.stdout.write(f"Comptes de démonstration (mot de passe : {settings.DEMO_PASSWORD}) :")
        for email, role, slug in comptes_de_demo():
            self.stdout.write(f"  {email:<36} {role:<32} {slug}")
