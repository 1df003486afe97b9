"""`manage.py import_logements FICHIER --dispositif SLUG [--utilisateur EMAIL]`."""

from acces.importation import importer_logements
from menages.commande_import import CommandeImport


class Command(CommandeImport):
    help = (
        "Importe un fichier CSV de logements vacants dans un dispositif, tout ou rien "
        "(format : docs/CSV_LOGEMENTS.md). Au moindre défaut, les erreurs sont signalées avec "
        "leur ligne et leur colonne, et rien n'est enregistré."
    )

    def importer(self, contenu, dispositif, user, plafonds):
        return importer_logements(contenu, dispositif, user=user, plafonds=plafonds)
