from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo import (
    acces,
    accompagnements,
    comites,
    equipes,
    menages,
    prescripteurs,
    programmes,
    quotidien,
)
from demo.comptes import comptes_de_demo, donner_facteurs_de_demo, secret_en_base32

# Étapes du chargement, dans l'ordre : chacune s'appuie sur ce que les précédentes ont créé.
ETAPES = [
    programmes.charger_programmes,
    menages.charger_menages,
    accompagnements.charger_accompagnements,
    acces.charger_parcours_acces,
    comites.charger_comites,
    prescripteurs.charger_prescripteurs,
    comites.charger_rapport,
    quotidien.charger_accrocs,
    equipes.charger_equipes,
    # En dernier : la situation du jour des ménages, après toutes les écritures groupées.
    menages.actualiser_les_situations,
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
        # Là où la double authentification est exigée (mode production), chaque compte reçoit
        # un secret connu, imprimé ici : la démonstration s'essaie alors de bout en bout.
        facteurs = settings.OTP_OBLIGATOIRE
        if facteurs:
            donner_facteurs_de_demo()
        self.stdout.write(self.style.SUCCESS("Démonstration chargée."))
        self.stdout.write(f"Comptes de démonstration (mot de passe : {settings.DEMO_PASSWORD}) :")
        if facteurs:
            self.stdout.write(
                "Double authentification exigée : le secret TOTP de chaque compte suit son "
                "programme (à saisir dans une application d'authentification, ou "
                "« oathtool --totp -b SECRET »). Secrets publics : démonstration seulement."
            )
        for email, role, slug in comptes_de_demo():
            secret = f" {secret_en_base32(email)}" if facteurs else ""
            self.stdout.write(f"  {email:<36} {role:<32} {slug:<8}{secret}".rstrip())
