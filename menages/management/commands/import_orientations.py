"""`manage.py import_orientations FICHIER --dispositif SLUG [--utilisateur EMAIL]`."""

from menages.commande_import import CommandeImport
from menages.importation import importer_orientations

# Le journal d'audit garde une adresse IP : une commande lancée sur le serveur y est inscrite
# avec l'adresse locale.
ADRESSE_LOCALE = "127.0.0.1"


class Command(CommandeImport):
    help = (
        "Importe un fichier CSV d'orientations dans un dispositif, tout ou rien : au moindre "
        "défaut, les lignes fausses sont signalées (les premières, et leur nombre) et rien n'est "
        "enregistré. L'import se fait au premier plan, avec les plafonds et la durée maximale "
        "des réglages IMPORT_*."
    )

    def importer(self, contenu, dispositif, user, plafonds):
        return importer_orientations(
            contenu, dispositif, user=user, plafonds=plafonds, adresse=ADRESSE_LOCALE
        )
