"""Import CSV des logements vacants, tout ou rien (format décrit dans docs/CSV_LOGEMENTS.md).

La mécanique est celle de l'import des orientations (`menages.importation`) : mêmes plafonds
(`IMPORT_*`), même échéance, même lecture de l'en-tête et des lignes, mêmes erreurs (« ligne 4,
colonne loyer : montant invalide »). Seuls changent les colonnes et ce qu'une ligne juste devient :
un appel à `acces.services.saisir_logement_vacant`, la même règle que la saisie à la main.
"""

import time
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from core.models import JournalAudit
from core.permissions import Action, peut
from core.services import journaliser
from menages.importation import (
    OUI_NON,
    TYPOLOGIES,
    Colonne,
    Echeance,
    ErreurImport,
    ErreursDuFichier,
    Format,
    ImportRefuse,
    Plafonds,
    ValeurInvalide,
    _code_postal,
    _montant,
    _territoire,
    _texte,
    date_jusqu_a,
    lire_fichier,
)

from . import services
from .models import LogementVacant

ETAGE_MAXIMUM = 60


def _etage(valeur, _referentiel):
    texte = valeur.strip().casefold()
    if texte in {"rdc", "rez-de-chaussee", "rez-de-chaussée", "0"}:
        return 0
    if not texte.isdigit() or len(texte) > 2 or int(texte) > ETAGE_MAXIMUM:
        raise ValeurInvalide(f"étage attendu : RDC ou un nombre de 0 à {ETAGE_MAXIMUM}")
    return int(texte)


COLONNES = (
    Colonne("reference", True, _texte(40)),
    Colonne("adresse", True, _texte(250)),
    Colonne("code_postal", True, _code_postal),
    Colonne("commune", True, _texte(120)),
    Colonne("secteur", True, _territoire, champ="territoire"),
    Colonne("typologie", True, TYPOLOGIES),
    Colonne("etage", False, _etage),
    Colonne("ascenseur", False, OUI_NON),
    Colonne("accessible_pmr", False, OUI_NON),
    Colonne("proche_transports", False, OUI_NON),
    Colonne("proche_soins", False, OUI_NON),
    Colonne("animaux_acceptes", False, OUI_NON),
    Colonne("loyer", True, _montant),
    Colonne("charges", False, _montant),
    Colonne("apl_estimee", False, _montant),
    Colonne("disponible_le", True, date_jusqu_a(relativedelta(years=1))),
)


def _fiche(champs, referentiel):
    champs["commune_du_dispositif"] = referentiel.commune(
        champs["commune"], champs["code_postal"], champs["territoire"]
    )
    return champs


FORMAT_LOGEMENTS = Format(COLONNES, _fiche, "aucun logement")


@dataclass
class RapportImport:
    lignes: int = 0
    crees: int = 0

    def __str__(self):
        lignes = f"{self.lignes} ligne lue" if self.lignes == 1 else f"{self.lignes} lignes lues"
        crees = (
            f"{self.crees} logement enregistré"
            if self.crees == 1
            else f"{self.crees} logements enregistrés"
        )
        return f"{lignes}, {crees}."


def importer_logements(
    contenu, dispositif, user=None, *, plafonds=None, horloge=time.monotonic, request=None
):
    """Importe un fichier de logements vacants dans `dispositif`, tout ou rien.

    Promesses : chaque ligne passe par `saisir_logement_vacant` ; une référence déjà proposée au
    dispositif, ou en double dans le fichier, est une erreur de sa ligne ; une seule erreur et
    rien n'est écrit ; l'import est tracé dans le journal d'audit.
    Refus : `PermissionDenied` pour qui ne gère pas les logements du dispositif (`user=None` :
    une commande d'exploitation) ; `ImportRefuse` portant les erreurs (ligne, colonne).
    """
    if user is not None and not peut(user, Action.GERER_LOGEMENTS, dispositif):
        raise PermissionDenied("Vous ne gérez pas les logements de ce dispositif.")
    plafonds = plafonds or Plafonds.du_reglage()
    echeance = Echeance(plafonds.duree_secondes, horloge)
    lignes, erreurs = lire_fichier(
        contenu, dispositif, FORMAT_LOGEMENTS, plafonds=plafonds, echeance=echeance
    )
    if erreurs:
        raise ImportRefuse(erreurs)
    erreurs = ErreursDuFichier(plafonds.erreurs_rapportees)
    deja = set(
        LogementVacant.objects.filter(dispositif=dispositif).values_list("reference", flat=True)
    )
    vues = set()
    for numero, champs in lignes:
        reference = champs["reference"]
        if reference in deja:
            erreurs.ajouter(ErreurImport(numero, "reference", "déjà proposé à ce dispositif"))
        elif reference in vues:
            erreurs.ajouter(ErreurImport(numero, "reference", "en double dans le fichier"))
        vues.add(reference)
    if erreurs:
        raise ImportRefuse(erreurs)
    with transaction.atomic():
        for numero, champs in lignes:
            echeance.verifier(numero)
            try:
                services.saisir_logement_vacant(user, dispositif, **champs)
            except ValidationError as refus:
                erreurs.etendre(ErreurImport(numero, "", m) for m in refus.messages)
        if erreurs:
            raise ImportRefuse(erreurs)
        rapport = RapportImport(lignes=len(lignes), crees=len(lignes))
        journaliser(
            user,
            JournalAudit.Action.IMPORT,
            dispositif=dispositif,
            detail=f"import de {rapport.crees} logements vacants",
            request=request,
            adresse=None if request is not None else "127.0.0.1",
        )
    return rapport
