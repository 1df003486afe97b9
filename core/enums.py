from django.db import models


class Role(models.TextChoices):
    """Rôle d'une personne dans un dispositif : il décide de ce qu'elle voit (DESIGN.md §3)."""

    COORDINATEUR = "coordinateur", "Coordinateur·rice"
    TRAVAILLEUR_SOCIAL = "travailleur_social", "Travailleur·se social·e"
    INFIRMIER = "infirmier", "Infirmier·ère"
    PSYCHOLOGUE = "psychologue", "Psychologue"
    AGENT_BAILLEUR = "agent_bailleur", "Agent du bailleur"
    MEMBRE_COTECH = "membre_cotech", "Membre du comité technique"
    MEMBRE_COPIL = "membre_copil", "Membre du comité de pilotage"
    # Chiffres agrégés et extraits pseudonymisés, jamais une ligne nominative (DESIGN.md §3).
    EVALUATEUR = "evaluateur", "Évaluateur·rice externe"
    # Le ou la professionnel·le d'une structure partenaire (SIAO, association, CCAS…) qui
    # oriente des ménages et suit ce que sa structure a orienté (`Membre.organisation`).
    PRESCRIPTEUR = "prescripteur", "Prescripteur (partenaire)"


ROLES_TERRAIN = (Role.TRAVAILLEUR_SOCIAL, Role.INFIRMIER, Role.PSYCHOLOGUE)
ROLES_SOIGNANTS = (Role.INFIRMIER, Role.PSYCHOLOGUE)


class Profession(models.TextChoices):
    TRAVAILLEUR_SOCIAL = "travailleur_social", "Travailleur·se social·e"
    CESF = "cesf", "Conseiller·ère en économie sociale et familiale"
    INFIRMIER = "infirmier", "Infirmier·ère"
    PSYCHOLOGUE = "psychologue", "Psychologue"
    COORDINATEUR = "coordinateur", "Coordinateur·rice / chargé·e de mission"
    AGENT_BAILLEUR = "agent_bailleur", "Agent du bailleur"
    PARTENAIRE = "partenaire", "Partenaire"


# Le libellé d'un rôle ou d'une profession lu hors d'un champ de modèle (les rôles d'une ligne
# du journal, la profession annotée d'une personne), à chaque ligne d'une liste : un
# dictionnaire fait une fois, plutôt que `Role.values`, une liste que Django refait à chaque
# appel (les champs de modèle ont `core.models.LibellesDesChoix`).
LIBELLES_DES_ROLES = dict(Role.choices)
LIBELLES_DES_PROFESSIONS = dict(Profession.choices)


class TypeOrganisation(models.TextChoices):
    BAILLEUR = "bailleur", "Bailleur social"
    ASSOCIATION = "association", "Association"
    CCAS_COMMUNE = "ccas_commune", "CCAS / commune"
    CONSEIL_DEPARTEMENTAL = "conseil_departemental", "Conseil départemental"
    ETAT_DDETS = "etat_ddets", "État : DDCSPP / DDETS"
    ETAT_DDT = "etat_ddt", "État : DDT"
    ETAT_ARS = "etat_ars", "État : ARS"
    SIAO = "siao", "SIAO"
    SPIP = "spip", "SPIP"
    CAF = "caf", "CAF"
    SANTE = "sante", "CMP / EPSM / hôpital"
    MANDATAIRE = "mandataire", "Mandataire judiciaire (protection des majeurs)"
    AUTRE = "autre", "Autre"


class Parcours(models.TextChoices):
    ACCES = "acces", "Accès au logement"
    MAINTIEN = "maintien", "Maintien dans le logement"


class NatureDepense(models.TextChoices):
    SALAIRE = "salaire", "Salaire"
    CHARGES = "charges", "Charges sociales"
    FONCTIONNEMENT = "fonctionnement", "Frais de fonctionnement"
    PRESTATION = "prestation", "Prestation d'accompagnement"
    AUTRE = "autre", "Autre"


class RolePartenaire(models.TextChoices):
    PORTEUR = "porteur", "Porteur"
    ACCOMPAGNEMENT = "accompagnement", "Accompagnement des ménages"
    ORIENTATION = "orientation", "Orientation des ménages"
    FINANCEUR = "financeur", "Financeur"
    PILOTAGE = "pilotage", "Comité de pilotage"
    EVALUATION = "evaluation", "Évaluation"


class IndicateurCible(models.TextChoices):
    """Les chiffres du rapport auxquels la coordination fixe une cible (réglages du dispositif).

    Où lire chaque chiffre dans le rapport, son unité et son sens : `rapports.pilotage`.
    """

    MENAGES_ACCOMPAGNES = "menages_accompagnes", "Ménages accompagnés dans le semestre"
    MENAGES_ACCES = "menages_acces", "Accompagnements actifs du parcours accès"
    MENAGES_MAINTIEN = "menages_maintien", "Accompagnements actifs du parcours maintien"
    TAUX_ADHESION = "taux_adhesion", "Taux d'adhésion (%)"
    PART_RELOGES = "part_reloges", "Part relogés ou réorientés à la clôture (%)"
    REPRISE_PAIEMENT = "reprise_paiement", "Part des ménages qui ont repris le paiement (%)"
    MAINTIEN_APRES = "maintien_apres", "Part toujours dans le logement 3 mois après la fin (%)"
    EXPULSIONS_EVITEES = "expulsions_evitees", "Expulsions évitées dans le semestre"
    COUT_PAR_MENAGE = "cout_par_menage", "Coût par ménage et par an (€)"
    BILANS_A_L_HEURE = "bilans_a_l_heure", "Part des bilans faits à temps (%)"
