"""Colonnes de l'export de la file active (CSV et XLSX partagent les mêmes lignes)."""

from decimal import Decimal

from core.enums import Parcours
from menages.enums import Problematique, StadeProcedure, StatutOrientation


def file_active(menages):
    """En-têtes et lignes de la file active ; dette et procédure vides pour qui ne les voit pas."""
    entetes = [
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
    lignes = [
        [
            menage.dispositif.nom,
            menage.reference_locataire,
            menage.nom,
            menage.prenom,
            menage.territoire_nom,
            menage.commune,
            Parcours(menage.parcours).label if menage.parcours else "",
            StatutOrientation(menage.statut).label if menage.statut else "",
            menage.date_orientation,
            " | ".join(Problematique(code).label for code in menage.codes_problematiques),
            StadeProcedure(menage.stade_procedure).label if menage.stade_procedure else "",
            _en_euros(menage.dette),
        ]
        for menage in menages
    ]
    return entetes, lignes


def _en_euros(montant):
    """Au centime, quelle que soit la base : « 2450,00 » et non « 2450 » (SQLite)."""
    return None if montant is None else Decimal(montant).quantize(Decimal("0.01"))
