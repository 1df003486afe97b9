from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError

from core.chiffrement import rechiffrer_tout


class Command(BaseCommand):
    help = (
        "Rotation des clés : rechiffre chaque texte chiffré (notes, synthèses, commentaires) par "
        "la première clé de CLES_CHIFFREMENT. Mettez la nouvelle clé en tête, gardez les "
        "anciennes derrière, lancez la commande, puis retirez les anciennes."
    )

    def handle(self, *args, **options):
        try:
            nombres = rechiffrer_tout()
        except InvalidToken:
            raise CommandError(
                "Un texte ne se déchiffre avec aucune des clés de CLES_CHIFFREMENT : gardez "
                "l'ancienne clé derrière la nouvelle. Rien n'a été changé."
            ) from None
        for champ, nombre in nombres.items():
            self.stdout.write(
                f"{champ} : {nombre} texte{'s' if nombre > 1 else ''} rechiffré"
                f"{'s' if nombre > 1 else ''}."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{sum(nombres.values())} textes chiffrés par la première clé : les autres clés "
                "peuvent être retirées de CLES_CHIFFREMENT."
            )
        )
