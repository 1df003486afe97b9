"""Les quatre programmes de démonstration, tels que leurs dossiers les décrivent (DESIGN.md §1).

Montants annuels en euros. Les structures sont celles que nomment les dossiers ; les communes
sont les communes réelles des territoires cités.
"""

from datetime import date

from .enums import NatureDepense as N
from .enums import Profession as Pr
from .enums import RolePartenaire as R
from .enums import TypeOrganisation as T

ORGANISATIONS = {
    # nom: (sigle, type, commune)
    "LOGISENS, OPH du Cantal": ("LOGISENS", T.BAILLEUR, "Aurillac"),
    "DDCSPP du Cantal": ("DDCSPP 15", T.ETAT_DDETS, "Aurillac"),
    "DDT du Cantal": ("DDT 15", T.ETAT_DDT, "Aurillac"),
    "ARS Auvergne-Rhône-Alpes, délégation du Cantal": ("ARS", T.ETAT_ARS, "Aurillac"),
    "Conseil départemental du Cantal": ("CD 15", T.CONSEIL_DEPARTEMENTAL, "Aurillac"),
    "CCAS d'Aurillac": ("", T.CCAS_COMMUNE, "Aurillac"),
    "Mairie de Saint-Flour": ("", T.CCAS_COMMUNE, "Saint-Flour"),
    "Centre hospitalier Henri Mondor d'Aurillac (CMP)": ("CH Aurillac", T.SANTE, "Aurillac"),
    "UDAF du Cantal": ("UDAF 15", T.ASSOCIATION, "Aurillac"),
    "CAF du Cantal": ("CAF 15", T.CAF, "Aurillac"),
    "Partenord Habitat": ("", T.BAILLEUR, "Lille"),
    "AES du Nord": ("", T.ASSOCIATION, "Lille"),
    "La Sauvegarde du Nord": ("", T.ASSOCIATION, "Lille"),
    "AFEJI": ("", T.ASSOCIATION, "Dunkerque"),
    "Association Ariane": ("", T.ASSOCIATION, "Lille"),
    "DDETS du Nord": ("DDETS 59", T.ETAT_DDETS, "Lille"),
    "Département du Nord": ("", T.CONSEIL_DEPARTEMENTAL, "Lille"),
    "CAF du Nord": ("CAF 59", T.CAF, "Lille"),
    "EPSM de l'agglomération lilloise": ("EPSM", T.SANTE, "Saint-André-lez-Lille"),
    "Cabinet d'évaluation Pluricité": ("", T.AUTRE, "Lille"),
    "Haute-Savoie HABITAT": ("", T.BAILLEUR, "Annecy"),
    "SIAO de la Haute-Savoie": ("SIAO 74", T.SIAO, "Annecy"),
    "ARIES": ("", T.ASSOCIATION, "Annecy"),
    "GAIA": ("", T.ASSOCIATION, "Annemasse"),
    "Ville d'Annecy": ("", T.CCAS_COMMUNE, "Annecy"),
    "Ville de Cluses": ("", T.CCAS_COMMUNE, "Cluses"),
    "Ville de Thonon-les-Bains": ("", T.CCAS_COMMUNE, "Thonon-les-Bains"),
    "DDETS de la Haute-Savoie": ("DDETS 74", T.ETAT_DDETS, "Annecy"),
    "Département de la Haute-Savoie": ("", T.CONSEIL_DEPARTEMENTAL, "Annecy"),
    "SPIP de la Haute-Savoie": ("SPIP 74", T.SPIP, "Annecy"),
    "Les Chalets, SA HLM": ("Les Chalets", T.BAILLEUR, "Toulouse"),
    "Le Relais": ("", T.ASSOCIATION, "Toulouse"),
    "Le Touril": ("", T.ASSOCIATION, "Toulouse"),
    "DDETS de la Haute-Garonne": ("DDETS 31", T.ETAT_DDETS, "Toulouse"),
    "Conseil départemental de la Haute-Garonne": ("CD 31", T.CONSEIL_DEPARTEMENTAL, "Toulouse"),
    "CCAS de Toulouse": ("", T.CCAS_COMMUNE, "Toulouse"),
    "CAF de la Haute-Garonne": ("CAF 31", T.CAF, "Toulouse"),
}

DISPOSITIFS = [
    {
        "slug": "cantal",
        "nom": "Face à des situations complexes",
        "porteur": "LOGISENS, OPH du Cantal",
        "departement": "15",
        "description": (
            "Maintien dans le logement de ménages en situation complexe : le bailleur oriente "
            "vers un comité technique mensuel qui bâtit une stratégie d'intervention et désigne "
            "une équipe pluridisciplinaire (travailleur social, infirmière, psychologue) en "
            "aller-vers à domicile. Comité de pilotage semestriel."
        ),
        "parcours_acces": False,
        "parcours_maintien": True,
        "capacite_acces": 0,
        "capacite_maintien": 30,
        "date_debut": date(2024, 1, 1),
        "cout_menage_prevu": 4833,
        "cout_diagnostic": 0,
        "cout_gestion_locative_adaptee": 0,
        "financement_demande": 145000,
        "cofinancement": 10000,
        "territoires": {
            "Aurillac": [
                ("Aurillac", "15000"),
                ("Arpajon-sur-Cère", "15130"),
                ("Ytrac", "15000"),
                ("Sansac-de-Marmiesse", "15130"),
            ],
            "Saint-Flour": [
                ("Saint-Flour", "15100"),
                ("Murat", "15300"),
                ("Massiac", "15500"),
            ],
            "Mauriac": [
                ("Mauriac", "15200"),
                ("Riom-ès-Montagnes", "15400"),
                ("Ydes", "15210"),
            ],
        },
        "budget": [
            (Pr.TRAVAILLEUR_SOCIAL, N.SALAIRE, "Travailleur social (1 ETP)", 30000),
            (Pr.TRAVAILLEUR_SOCIAL, N.CHARGES, "Travailleur social (1 ETP)", 12000),
            (Pr.TRAVAILLEUR_SOCIAL, N.FONCTIONNEMENT, "Véhicule, téléphone, déplacements", 8000),
            (Pr.INFIRMIER, N.SALAIRE, "Infirmière (1 ETP)", 35000),
            (Pr.INFIRMIER, N.CHARGES, "Infirmière (1 ETP)", 14000),
            (Pr.PSYCHOLOGUE, N.SALAIRE, "Psychologue (1 ETP)", 40000),
            (Pr.PSYCHOLOGUE, N.CHARGES, "Psychologue (1 ETP)", 16000),
        ],
        "partenaires": [
            ("LOGISENS, OPH du Cantal", R.PORTEUR),
            ("DDCSPP du Cantal", R.PILOTAGE),
            ("DDT du Cantal", R.PILOTAGE),
            ("ARS Auvergne-Rhône-Alpes, délégation du Cantal", R.PILOTAGE),
            ("Conseil départemental du Cantal", R.PILOTAGE),
            ("CCAS d'Aurillac", R.PILOTAGE),
            ("Mairie de Saint-Flour", R.PILOTAGE),
            ("Centre hospitalier Henri Mondor d'Aurillac (CMP)", R.ORIENTATION),
            ("UDAF du Cantal", R.PILOTAGE),
            ("CAF du Cantal", R.FINANCEUR),
        ],
        "structure_equipe": "LOGISENS, OPH du Cantal",
        "structure_cotech": "Conseil départemental du Cantal",
        "structure_copil": "DDCSPP du Cantal",
    },
    {
        "slug": "nord",
        "nom": "Bien vivre dans mon logement",
        "porteur": "Partenord Habitat",
        "departement": "59",
        "description": (
            "Accès et maintien dans le logement sur trois territoires, chacun avec sa "
            "coordination territoriale ; accompagnement par des associations agréées membres de "
            "l'AES du Nord, contrat d'objectifs par ménage, réouverture possible, évaluation "
            "continue par un évaluateur externe."
        ),
        "parcours_acces": True,
        "parcours_maintien": True,
        "capacite_acces": 45,
        "capacite_maintien": 250,
        "date_debut": date(2024, 3, 1),
        "cout_menage_prevu": 2300,
        "cout_diagnostic": 350,
        "cout_gestion_locative_adaptee": 600,
        "financement_demande": 520000,
        "cofinancement": 160000,
        "territoires": {
            "Lille": [
                ("Lille", "59000"),
                ("Roubaix", "59100"),
                ("Tourcoing", "59200"),
                ("Villeneuve-d'Ascq", "59650"),
                ("Wattrelos", "59150"),
            ],
            "Bassin Sud": [
                ("Douai", "59500"),
                ("Valenciennes", "59300"),
                ("Cambrai", "59400"),
                ("Maubeuge", "59600"),
                ("Denain", "59220"),
            ],
            "Bassin Flandres": [
                ("Dunkerque", "59140"),
                ("Hazebrouck", "59190"),
                ("Armentières", "59280"),
                ("Bailleul", "59270"),
                ("Grande-Synthe", "59760"),
            ],
        },
        "budget": [
            (Pr.COORDINATEUR, N.SALAIRE, "Coordination territoriale (3 × 0,5 ETP)", 66000),
            (Pr.COORDINATEUR, N.CHARGES, "Coordination territoriale (3 × 0,5 ETP)", 27000),
            (
                Pr.TRAVAILLEUR_SOCIAL,
                N.PRESTATION,
                "Accompagnement associatif (AES du Nord)",
                480000,
            ),
            (Pr.CESF, N.PRESTATION, "Gestion locative adaptée", 57000),
            (Pr.COORDINATEUR, N.FONCTIONNEMENT, "Évaluation externe", 30000),
        ],
        "partenaires": [
            ("Partenord Habitat", R.PORTEUR),
            ("AES du Nord", R.ACCOMPAGNEMENT),
            ("La Sauvegarde du Nord", R.ACCOMPAGNEMENT),
            ("AFEJI", R.ACCOMPAGNEMENT),
            ("Association Ariane", R.ACCOMPAGNEMENT),
            ("DDETS du Nord", R.PILOTAGE),
            ("Département du Nord", R.FINANCEUR),
            ("CAF du Nord", R.FINANCEUR),
            ("EPSM de l'agglomération lilloise", R.ORIENTATION),
            ("Cabinet d'évaluation Pluricité", R.EVALUATION),
        ],
        "structure_equipe": "La Sauvegarde du Nord",
        "structure_cotech": "AES du Nord",
        "structure_copil": "DDETS du Nord",
    },
    {
        "slug": "savoie",
        "nom": "Un logement pérenne",
        "porteur": "Haute-Savoie HABITAT",
        "departement": "74",
        "description": (
            "Accès à un logement durable pour des ménages prêts à quitter l'hébergement : les "
            "partenaires (SIAO, ARIES, GAIA, communes) signalent, le bailleur recherche le "
            "logement et prépare la commission d'attribution, un référent bailleur suit le "
            "ménage avec un plan d'action, bail glissant possible, bilan 3 mois après la fin."
        ),
        "parcours_acces": True,
        "parcours_maintien": False,
        "capacite_acces": 40,
        "capacite_maintien": 0,
        "date_debut": date(2024, 1, 1),
        "cout_menage_prevu": 3900,
        "cout_diagnostic": 300,
        "cout_gestion_locative_adaptee": 800,
        "financement_demande": 125000,
        "cofinancement": 31000,
        "territoires": {
            "Annecy": [
                ("Annecy", "74000"),
                ("Seynod", "74600"),
                ("Rumilly", "74150"),
                ("Faverges-Seythenex", "74210"),
            ],
            "Arve": [
                ("Cluses", "74300"),
                ("Sallanches", "74700"),
                ("Bonneville", "74130"),
                ("Passy", "74190"),
            ],
            "Léman": [
                ("Thonon-les-Bains", "74200"),
                ("Évian-les-Bains", "74500"),
                ("Annemasse", "74100"),
                ("Douvaine", "74140"),
            ],
        },
        "budget": [
            (Pr.AGENT_BAILLEUR, N.SALAIRE, "Référent bailleur (1 ETP)", 38000),
            (Pr.AGENT_BAILLEUR, N.CHARGES, "Référent bailleur (1 ETP)", 17000),
            (Pr.TRAVAILLEUR_SOCIAL, N.PRESTATION, "Accompagnement ARIES et GAIA", 85000),
            (Pr.AGENT_BAILLEUR, N.FONCTIONNEMENT, "Déplacements, petit équipement", 6000),
        ],
        "partenaires": [
            ("Haute-Savoie HABITAT", R.PORTEUR),
            ("SIAO de la Haute-Savoie", R.ORIENTATION),
            ("ARIES", R.ACCOMPAGNEMENT),
            ("GAIA", R.ACCOMPAGNEMENT),
            ("Ville d'Annecy", R.ORIENTATION),
            ("Ville de Cluses", R.ORIENTATION),
            ("Ville de Thonon-les-Bains", R.ORIENTATION),
            ("DDETS de la Haute-Savoie", R.PILOTAGE),
            ("Département de la Haute-Savoie", R.FINANCEUR),
            ("SPIP de la Haute-Savoie", R.ORIENTATION),
        ],
        "structure_equipe": "ARIES",
        "structure_cotech": "SIAO de la Haute-Savoie",
        "structure_copil": "DDETS de la Haute-Savoie",
    },
    {
        "slug": "declic",
        "nom": "Déclic",
        "porteur": "Les Chalets, SA HLM",
        "departement": "31",
        "description": (
            "Prévention des expulsions : les services de proximité et du contentieux repèrent un "
            "locataire injoignable en situation dégradée, une association (Le Relais, Le Touril) "
            "renoue le contact, pose un diagnostic partagé et fixe avec lui des axes de progrès "
            "validés avec le référent bailleur ; fiches d'orientation, de suivi, bilans à 3 et "
            "6 mois, fiche de clôture."
        ),
        "parcours_acces": False,
        "parcours_maintien": True,
        "capacite_acces": 0,
        "capacite_maintien": 20,
        "date_debut": date(2024, 9, 1),
        "cout_menage_prevu": 2175,
        "cout_diagnostic": 0,
        "cout_gestion_locative_adaptee": 0,
        "financement_demande": 43500,
        "cofinancement": 0,
        "territoires": {
            "Toulouse Nord": [("Toulouse", "31200"), ("Aucamville", "31140")],
            "Toulouse Sud-Est": [("Toulouse", "31400"), ("Ramonville-Saint-Agne", "31520")],
            "Toulouse Ouest": [
                ("Toulouse", "31300"),
                ("Colomiers", "31770"),
                ("Blagnac", "31700"),
            ],
        },
        "budget": [
            (
                Pr.TRAVAILLEUR_SOCIAL,
                N.PRESTATION,
                "Accompagnement associatif Le Relais et Le Touril (20 ménages)",
                43500,
            ),
        ],
        "partenaires": [
            ("Les Chalets, SA HLM", R.PORTEUR),
            ("Le Relais", R.ACCOMPAGNEMENT),
            ("Le Touril", R.ACCOMPAGNEMENT),
            ("DDETS de la Haute-Garonne", R.PILOTAGE),
            ("Conseil départemental de la Haute-Garonne", R.PILOTAGE),
            ("CCAS de Toulouse", R.ORIENTATION),
            ("CAF de la Haute-Garonne", R.PILOTAGE),
        ],
        "structure_equipe": "Le Relais",
        "structure_cotech": "Le Touril",
        "structure_copil": "DDETS de la Haute-Garonne",
    },
]

# Préfixe de l'adresse de démonstration : (rôle, profession, structure : clé du dispositif).
COMPTES = {
    "coordinateur": ("coordinateur", Pr.COORDINATEUR, "porteur"),
    "ts": ("travailleur_social", Pr.TRAVAILLEUR_SOCIAL, "structure_equipe"),
    "infirmier": ("infirmier", Pr.INFIRMIER, "structure_equipe"),
    "psychologue": ("psychologue", Pr.PSYCHOLOGUE, "structure_equipe"),
    "bailleur": ("agent_bailleur", Pr.AGENT_BAILLEUR, "porteur"),
    "cotech": ("membre_cotech", Pr.PARTENAIRE, "structure_cotech"),
    "copil": ("membre_copil", Pr.PARTENAIRE, "structure_copil"),
}
