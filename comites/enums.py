from django.db import models


class TypeComite(models.TextChoices):
    TECHNIQUE = "technique", "Comité technique (COTECH)"
    PILOTAGE = "pilotage", "Comité de pilotage (COPIL)"
    EQUIPE = "equipe", "Réunion d'équipe"


class NaturePoint(models.TextChoices):
    """Pourquoi un ménage est à l'ordre du jour d'un comité technique."""

    NOUVELLE_ORIENTATION = "nouvelle_orientation", "Nouvelle orientation à examiner"
    BILAN_A_VENIR = "bilan_a_venir", "Bilan à faire d'ici la séance suivante"
    BILAN_EN_RETARD = "bilan_en_retard", "Bilan en retard"
    CLOTURE_PROPOSEE = "cloture_proposee", "Clôture proposée"


class TypeDecision(models.TextChoices):
    ADMISSION = "admission", "Admission"
    REFUS = "refus", "Refus"
    REORIENTATION = "reorientation", "Réorientation"
    STRATEGIE = "strategie", "Stratégie d'intervention"
    EQUIPE = "equipe", "Désignation de l'équipe"
    PROLONGATION = "prolongation", "Prolongation"
    CLOTURE_VALIDEE = "cloture_validee", "Clôture validée"


# Les décisions qu'on peut prendre selon la nature du point.
DECISIONS_PAR_NATURE = {
    NaturePoint.NOUVELLE_ORIENTATION: [
        TypeDecision.ADMISSION,
        TypeDecision.REFUS,
        TypeDecision.REORIENTATION,
    ],
    NaturePoint.BILAN_A_VENIR: [
        TypeDecision.STRATEGIE,
        TypeDecision.EQUIPE,
        TypeDecision.PROLONGATION,
    ],
    NaturePoint.BILAN_EN_RETARD: [
        TypeDecision.STRATEGIE,
        TypeDecision.EQUIPE,
        TypeDecision.PROLONGATION,
    ],
    NaturePoint.CLOTURE_PROPOSEE: [
        TypeDecision.CLOTURE_VALIDEE,
        TypeDecision.PROLONGATION,
        TypeDecision.STRATEGIE,
    ],
}
