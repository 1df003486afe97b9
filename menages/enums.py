from django.db import models


class Composition(models.TextChoices):
    PERSONNE_SEULE = "personne_seule", "Personne seule"
    COUPLE = "couple", "Couple"
    MONOPARENTALE = "monoparentale", "Famille monoparentale"
    COUPLE_AVEC_ENFANTS = "couple_avec_enfants", "Couple avec enfants"
    AUTRE = "autre", "Autre"


class LienPersonne(models.TextChoices):
    TITULAIRE = "titulaire", "Titulaire du bail"
    CONJOINT = "conjoint", "Conjoint·e"
    ENFANT = "enfant", "Enfant"
    PARENT = "parent", "Parent"
    AUTRE = "autre", "Autre"


class NatureRessource(models.TextChoices):
    SALAIRE = "salaire", "Salaire"
    RSA = "rsa", "RSA"
    AAH = "aah", "AAH"
    RETRAITE = "retraite", "Retraite"
    INVALIDITE = "invalidite", "Pension d'invalidité"
    CHOMAGE = "chomage", "Allocation chômage"
    PRESTATIONS_FAMILIALES = "prestations_familiales", "Prestations familiales"
    AUCUNE = "aucune", "Aucune ressource"
    NON_PRECISEE = "non_precisee", "Non précisée"
    AUTRE = "autre", "Autre"


class MesureProtection(models.TextChoices):
    AUCUNE = "aucune", "Aucune"
    TUTELLE = "tutelle", "Tutelle"
    CURATELLE = "curatelle", "Curatelle"
    MASP = "masp", "MASP"
    MAJ = "maj", "MAJ"


class Typologie(models.TextChoices):
    T1 = "T1", "T1"
    T2 = "T2", "T2"
    T3 = "T3", "T3"
    T4 = "T4", "T4"
    T5 = "T5", "T5"
    T6 = "T6", "T6 et plus"


class StatutOccupation(models.TextChoices):
    LOCATAIRE_EN_TITRE = "locataire_en_titre", "Locataire en titre"
    BAIL_GLISSANT = "bail_glissant", "Bail glissant"
    SOUS_LOCATION = "sous_location", "Sous-location"
    HEBERGE = "heberge", "Hébergé"
    EN_ATTENTE = "en_attente", "En attente de logement"


class Source(models.TextChoices):
    """Qui oriente : un service du bailleur ou un prescripteur extérieur."""

    GESTION_LOCATIVE = "gestion_locative", "Bailleur : gestion locative"
    RECOUVREMENT = "recouvrement", "Bailleur : recouvrement"
    CONTENTIEUX = "contentieux", "Bailleur : contentieux"
    PROXIMITE = "proximite", "Bailleur : proximité"
    CESF = "cesf", "Bailleur : CESF"
    SIAO = "siao", "SIAO"
    ASSOCIATION = "association", "Association"
    CCAS = "ccas", "CCAS / commune"
    SANTE = "sante", "Santé (CMP, hôpital)"
    SPIP = "spip", "SPIP"
    AUTRE = "autre", "Autre"


SOURCES_BAILLEUR = (
    Source.GESTION_LOCATIVE,
    Source.RECOUVREMENT,
    Source.CONTENTIEUX,
    Source.PROXIMITE,
    Source.CESF,
)


class Problematique(models.TextChoices):
    """Les problématiques d'une orientation : exactement ces libellés (DESIGN.md §2)."""

    IMPAYES = "impayes", "impayés"
    TROUBLES_VOISINAGE = "troubles_voisinage", "troubles du voisinage"
    SOUFFRANCE_PSYCHIQUE = "souffrance_psychique", "souffrance psychique"
    ADDICTIONS = "addictions", "addictions"
    HYGIENE_INCURIE = "hygiene_incurie", "hygiène / incurie"
    VIOLENCES_CONJUGALES = "violences_conjugales", "violences conjugales"
    SORTIE_DETENTION = "sortie_detention", "sortie de détention"
    SORTIE_HOSPITALISATION = "sortie_hospitalisation", "sortie d'hospitalisation"
    ISOLEMENT_RUPTURE = "isolement_rupture", "isolement / rupture"
    HANDICAP = "handicap", "handicap"
    ANIMAUX = "animaux", "animaux"
    DEGRADATION_LOGEMENT = "degradation_logement", "dégradation du logement"
    SORTIE_HEBERGEMENT = "sortie_hebergement", "sortie d'hébergement"


class StadeProcedure(models.TextChoices):
    """Stades de la procédure d'expulsion, dans l'ordre où elle avance."""

    AUCUNE = "aucune", "Aucune"
    COMMANDEMENT_DE_PAYER = "commandement_de_payer", "Commandement de payer"
    ASSIGNATION = "assignation", "Assignation"
    RESILIATION_DU_BAIL = "resiliation_du_bail", "Résiliation du bail / jugement"
    COMMANDEMENT_DE_QUITTER = "commandement_de_quitter", "Commandement de quitter les lieux"
    DEMANDE_CONCOURS = "demande_concours", "Demande de concours de la force publique"
    CONCOURS_ACCORDE = "concours_accorde", "Concours accordé"


class StatutOrientation(models.TextChoices):
    # Une orientation d'un ménage que d'autres ont déjà orienté attend que la coordination la
    # rattache au ménage connu ou la garde à part : orienter n'ouvre jamais un dossier existant.
    A_RATTACHER = "a_rattacher", "À rattacher"
    RECUE = "recue", "Reçue"
    A_EXAMINER = "a_examiner", "À examiner en COTECH"
    ADMISE = "admise", "Admise"
    REFUSEE = "refusee", "Refusée"
    REORIENTEE = "reorientee", "Réorientée"
    EN_ATTENTE = "en_attente", "En attente"


STATUTS_EN_COURS_D_EXAMEN = (
    StatutOrientation.RECUE,
    StatutOrientation.A_EXAMINER,
    StatutOrientation.EN_ATTENTE,
)


class Rattachement(models.TextChoices):
    """Ce que la coordination a décidé d'une orientation « à rattacher »."""

    RATTACHEE = "rattachee", "Rattachée au ménage déjà connu"
    GARDEE_A_PART = "gardee_a_part", "Gardée à part"


class OrigineDette(models.TextChoices):
    ORIENTATION = "orientation", "À l'orientation"
    RELEVE = "releve", "Relevé du bailleur"
    BILAN = "bilan", "Bilan"
    CLOTURE = "cloture", "Clôture"


class EtatImport(models.TextChoices):
    """Où en est un import CSV lancé depuis la page d'import."""

    EN_ATTENTE = "en_attente", "En attente"
    VERIFICATION = "verification", "Vérification du fichier"
    ENREGISTREMENT = "enregistrement", "Enregistrement"
    TERMINE = "termine", "Terminé"
    REFUSE = "refuse", "Refusé"
    ECHEC = "echec", "Échec"


IMPORTS_EN_COURS = (EtatImport.EN_ATTENTE, EtatImport.VERIFICATION, EtatImport.ENREGISTREMENT)
