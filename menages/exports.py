"""Colonnes des exports de listes de ménages (CSV et XLSX partagent les mêmes lignes)."""

from core.enums import Parcours

from .enums import Problematique, StadeProcedure, StatutOrientation


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
            menage.dette,
        ]
        for menage in menages
    ]
    return entetes, lignes
