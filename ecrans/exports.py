"""Colonnes de l'export de la file active (CSV et XLSX partagent les mêmes lignes)."""

import functools
from decimal import Decimal

from core.enums import Parcours
from menages.enums import Problematique, StadeProcedure, StatutOrientation

from . import selectors

ENTETES_FILE_ACTIVE = [
    "Dispositif",
    "Référence locataire",
    "Nom",
    "Prénom",
    "Territoire",
    "Commune",
    "Parcours",
    "Statut de l'orientation",
    "Date d'orientation",
    "Problématiques",
    "Procédure d'expulsion",
    "Dette locative (€)",
]

# Les ménages d'un export se lisent au fil de l'envoi, par paquets de cette taille (un curseur
# côté serveur sur PostgreSQL) : jamais toute la file en mémoire.
MENAGES_PAR_LOT = 2000

# Les colonnes lues pour l'export, dans l'ordre des en-têtes (`selectors.file_active`, avec la
# commune du logement actuel ; les codes des problématiques sont portés par le ménage).
COLONNES_FILE_ACTIVE = (
    "dispositif__nom",
    "reference_locataire",
    "nom",
    "prenom",
    "territoire_nom",
    "commune",
    "parcours",
    "statut",
    "date_orientation",
    "codes_problematiques",
    "stade_procedure",
    "dette",
)


def _libelles(choix):
    return {code: str(libelle) for code, libelle in choix.choices}


def lignes_file_active(menages, lot=None):
    """Les lignes de l'export d'une file active filtrée et triée (`menages`, tirés de
    `selectors.file_active`), lues au fil de l'envoi.

    Une seule requête en flux (`iterator()`) lit, dans l'ordre, les seules colonnes exportées :
    la situation du jour que porte le ménage (dont les codes de ses problématiques, joints en
    un texte), sa dernière orientation en jointure. Ni modèle construit par ligne, ni requête
    par lot, ni sous-requête par ménage. La dette et la procédure valent None là
    où la personne ne les voit pas (la requête même les efface)."""
    parcours_ = _libelles(Parcours)
    statuts = _libelles(StatutOrientation)
    problematiques = _libelles(Problematique)
    stades = _libelles(StadeProcedure)

    # Quelques dizaines de combinaisons de problématiques pour des milliers de ménages : chacune
    # ne s'écrit qu'une fois.
    @functools.cache
    def libelles_des_codes(codes):
        return " | ".join(problematiques[code] for code in codes.split(",")) if codes else ""

    requete = selectors.avec_commune(menages).values_list(*COLONNES_FILE_ACTIVE)
    # Chaque ligne réécrite d'un seul tenant : les six premières colonnes telles que lues, un
    # libellé pour un code, vide pour NULL (l'export en écrit des dizaines de milliers).
    for (
        *telles_quelles,
        parcours,
        statut,
        date_orientation,
        codes,
        stade,
        dette,
    ) in requete.iterator(chunk_size=lot or MENAGES_PAR_LOT):
        yield [
            *telles_quelles,
            parcours_.get(parcours, ""),
            statuts.get(statut, ""),
            date_orientation,
            libelles_des_codes(codes),
            stades.get(stade, ""),
            _en_euros(dette),
        ]


def _en_euros(montant):
    """Au centime, quelle que soit la base : « 2450,00 » et non « 2450 » (SQLite)."""
    return None if montant is None else Decimal(montant).quantize(Decimal("0.01"))
