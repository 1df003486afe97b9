"""Ce que font en commun les commandes `rapport_semestriel` et `rapport_national`."""

from django.core.management.base import CommandError

from . import documents
from .enums import StatutRapport


def produire_ou_mettre_en_file(commande, libelle, *, sync, preparer, produire, demander, pdf_prevu):
    """Produit le rapport dans ce processus (`sync`) ou le met en file ; écrit où est le PDF.

    `preparer()` rend le rapport à produire, `produire(pk)` son statut final, `demander()` le
    couple (rapport, mis en file ?), `pdf_prevu(rapport)` le nom du PDF à venir ; `libelle` :
    « rapport » ou « rapport national », dans les messages.
    """
    if sync:
        rapport = preparer()
        statut = produire(rapport.pk)
        rapport.refresh_from_db()
        if statut != StatutRapport.PRET:
            raise CommandError(f"Échec du {libelle} : {rapport.erreur}")
        commande.stdout.write(documents.emplacement(rapport.fichier_pdf))
        return
    rapport, lance = demander()
    rapport.refresh_from_db()
    if rapport.statut == StatutRapport.PRET:
        commande.stdout.write(documents.emplacement(rapport.fichier_pdf))
    elif rapport.statut == StatutRapport.ECHEC:
        raise CommandError(f"Échec du {libelle} : {rapport.erreur}")
    else:
        etat = "mis en file" if lance else "déjà en cours de production"
        commande.stdout.write(f"{libelle.capitalize()} {etat} ; le PDF sera écrit ici :")
        commande.stdout.write(documents.emplacement(pdf_prevu(rapport)))
