from django.db import models


class StatutAccompagnement(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "Diagnostic"
    EN_COURS = "en_cours", "En cours"
    # Prévu par le modèle de données ; aucun geste du produit ne le donne aujourd'hui.
    SUSPENDU = "suspendu", "Suspendu"
    CLOS = "clos", "Clos"
    SUIVI_POST_CLOTURE = "suivi_post_cloture", "Suivi post-clôture"


# Une fois sa fiche de clôture écrite, un accompagnement n'est plus ouvert : il est en suivi
# post-clôture jusqu'au bilan de 3 mois après la fin, puis clos. Tout autre statut est ouvert ;
# `Accompagnement.est_ouvert` et `Accompagnement.objects.ouverts()` lisent cette seule définition.
STATUTS_APRES_CLOTURE = (
    StatutAccompagnement.CLOS,
    StatutAccompagnement.SUIVI_POST_CLOTURE,
)


class Adhesion(models.TextChoices):
    NON_RENSEIGNEE = "non_renseignee", "Non renseignée"
    ACCEPTEE = "acceptee", "Acceptée"
    DE_PRINCIPE = "de_principe", "De principe, sans effet"
    REFUSEE = "refusee", "Refusée"
    INJOIGNABLE = "injoignable", "Injoignable"


class Axe(models.TextChoices):
    LOGEMENT = "logement", "Logement et usage du logement"
    BUDGET = "budget", "Budget et dette"
    DROITS = "droits", "Accès aux droits"
    SANTE = "sante", "Santé et soins"
    LIEN_SOCIAL = "lien_social", "Lien social"
    INSERTION = "insertion", "Insertion professionnelle"
    PARENTALITE = "parentalite", "Parentalité"


class StatutObjectif(models.TextChoices):
    A_ENGAGER = "a_engager", "À engager"
    EN_COURS = "en_cours", "En cours"
    ATTEINT = "atteint", "Atteint"
    PARTIELLEMENT_ATTEINT = "partiel", "Partiellement atteint"
    ABANDONNE = "abandonne", "Abandonné"


class TypeIntervention(models.TextChoices):
    VISITE_DOMICILE = "visite_domicile", "Visite à domicile"
    VISITE_SANS_REPONSE = "visite_sans_reponse", "Visite à domicile sans réponse"
    ENTRETIEN_BUREAU = "entretien_bureau", "Entretien au bureau"
    ENTRETIEN_TELEPHONIQUE = "entretien_telephonique", "Entretien téléphonique"
    ACCOMPAGNEMENT_PHYSIQUE = "accompagnement_physique", "Accompagnement physique"
    REUNION_PARTENAIRE = "reunion_partenaire", "Réunion partenaire / synthèse"
    GROUPE_DE_PAROLE = "groupe_de_parole", "Groupe de parole"
    COURRIER_SMS = "courrier_sms", "Courrier / SMS"


# Ce qui compte comme un contact avec le ménage (premier contact, adhésion).
TYPES_CONTACT = (
    TypeIntervention.VISITE_DOMICILE,
    TypeIntervention.ENTRETIEN_BUREAU,
    TypeIntervention.ENTRETIEN_TELEPHONIQUE,
    TypeIntervention.ACCOMPAGNEMENT_PHYSIQUE,
    TypeIntervention.GROUPE_DE_PAROLE,
)


class DestinationPartenaire(models.TextChoices):
    CMP = "cmp", "CMP / psychiatrie"
    MEDECIN = "medecin", "Médecin traitant"
    ADDICTOLOGIE = "addictologie", "Addictologie (CSAPA)"
    CCAS = "ccas", "CCAS"
    FSL = "fsl", "FSL"
    CAF = "caf", "CAF"
    SPIP = "spip", "SPIP"
    MASP = "masp", "MASP / protection"
    HEBERGEMENT = "hebergement", "Hébergement"
    EMPLOI = "emploi", "Emploi / insertion"
    JURIDIQUE = "juridique", "Accès au droit / avocat"
    AUTRE = "autre", "Autre"


class Confidentialite(models.TextChoices):
    """Qui lit la note d'une intervention (DESIGN.md §3)."""

    EQUIPE = "equipe", "Équipe"
    SOIGNANTS = "soignants", "Soignants (infirmier·ère, psychologue)"
    PERSONNELLE = "personnelle", "Personnelle (moi seul·e)"


class TypeBilan(models.TextChoices):
    DIAGNOSTIC = "diagnostic", "Diagnostic"
    TROIS_MOIS = "trois_mois", "Bilan à 3 mois"
    SIX_MOIS = "six_mois", "Bilan à 6 mois"
    CLOTURE = "cloture", "Bilan de clôture"
    POST_CLOTURE = "post_cloture", "Bilan 3 mois après la fin"


class DecisionBilan(models.TextChoices):
    POURSUITE = "poursuite", "Poursuite"
    REAJUSTEMENT = "reajustement", "Réajustement"
    CLOTURE = "cloture", "Clôture"


class MotifCloture(models.TextChoices):
    STABILISEE = "stabilisee", "Situation stabilisée"
    DEMANDE_MENAGE = "demande_menage", "Demande du ménage"
    RELOGEMENT = "relogement", "Relogement / mutation"
    REORIENTATION = "reorientation", "Réorientation hébergement ou autre dispositif"
    DEPART_VOLONTAIRE = "depart_volontaire", "Départ volontaire"
    EXPULSION = "expulsion", "Expulsion"
    DECES = "deces", "Décès"
    NON_ADHESION = "non_adhesion", "Non-adhésion"
    PERTE_DE_CONTACT = "perte_de_contact", "Perte de contact"
