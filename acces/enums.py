from django.db import models


class EtatVacant(models.TextChoices):
    DISPONIBLE = "disponible", "Disponible"
    PROPOSE = "propose", "Proposé"
    ATTRIBUE = "attribue", "Attribué"
    RETIRE = "retire", "Retiré"


class MotifRetrait(models.TextChoices):
    LOUE_HORS_DISPOSITIF = "loue_hors_dispositif", "Loué hors du dispositif"
    TRAVAUX = "travaux", "Travaux ou remise en état"
    VENTE_DEMOLITION = "vente_demolition", "Vendu ou démoli"
    RESERVATION = "reservation", "Repris par un réservataire"
    ERREUR = "erreur", "Erreur de saisie"
    AUTRE = "autre", "Autre motif"


class ReponseMenage(models.TextChoices):
    EN_ATTENTE = "en_attente", "En attente"
    ACCEPTEE = "acceptee", "Acceptée"
    REFUSEE = "refusee", "Refusée"


class IssueCAL(models.TextChoices):
    ATTRIBUTION = "attribution", "Attribution"
    SOUS_CONDITION = "sous_condition", "Attribution sous condition"
    NON_ATTRIBUTION = "non_attribution", "Non-attribution"
    REFUS_MENAGE = "refus_menage", "Refus du ménage"


ISSUES_FAVORABLES = (IssueCAL.ATTRIBUTION, IssueCAL.SOUS_CONDITION)


class TypeBail(models.TextChoices):
    DIRECT = "direct", "Bail direct"
    GLISSANT = "glissant", "Bail glissant"


# Les pièces du dossier CAL : une liste à cocher (reçue ou non, date), jamais les documents.
PIECES_DU_DOSSIER = (
    "Pièce d'identité ou titre de séjour",
    "Avis d'imposition",
    "Justificatifs de ressources (3 derniers mois)",
    "Attestation CAF (quotient, APL)",
    "Demande de logement social (numéro unique)",
    "Rapport social du prescripteur",
)

# Le relais du lien, daté, sur environ un an après la signature du bail (mois après le bail).
ETAPES_DU_RELAIS = (
    (1, "Présentation du référent du bailleur au ménage (visite à trois)"),
    (3, "Visites conjointes association / référent du bailleur"),
    (6, "Relais vers le travailleur social de secteur"),
    (12, "Fin du relais : le référent du bailleur et le secteur prennent le lien"),
)
