"""Accompagnements de démonstration : équipes, adhésion, plans d'action, suivi, bilans, clôtures.

Chaque ménage dont la dernière orientation est admise reçoit un accompagnement ouvert à la date
d'admission, puis deux ans d'histoire rejouée dans l'ordre des dates au travers des services
(`accompagnement.services`), qui appliquent leurs règles : visites et entretiens, notes
« soignants » de l'infirmière et de la psychologue, objectifs qui avancent, bilans faits ou en
retard, clôtures et bilans après la fin, plans d'apurement. Le hasard est tiré d'une graine fixe
par programme ; un programme qui a déjà des accompagnements n'est pas rechargé.
"""

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from faker import Faker
from faker.providers.person.fr_FR import Provider as PrenomsFr

from core.demo import _compte, email_demo
from core.demo_donnees import DISPOSITIFS
from core.enums import Parcours, Profession, Role
from core.models import Dispositif, Membre, Organisation, User
from menages import services as services_menages
from menages.enums import (
    MesureProtection,
    Problematique,
    Source,
    StadeProcedure,
    StatutOrientation,
)
from menages.models import Menage, PlanApurement

from . import services
from .enums import (
    Adhesion,
    Axe,
    Confidentialite,
    DecisionBilan,
    MotifCloture,
    StatutObjectif,
    TypeBilan,
    TypeIntervention,
)
from .models import Accompagnement

P = Problematique
T = TypeIntervention
S = StatutObjectif
M = MotifCloture
A = Adhesion

MOIS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]

# Les intervenants que chaque programme ajoute aux comptes de démonstration : (rôle, profession).
RENFORTS = {
    "cantal": [
        (Role.TRAVAILLEUR_SOCIAL, Profession.CESF),
        (Role.INFIRMIER, Profession.INFIRMIER),
        (Role.PSYCHOLOGUE, Profession.PSYCHOLOGUE),
    ],
    "nord": [
        (Role.TRAVAILLEUR_SOCIAL, Profession.TRAVAILLEUR_SOCIAL),
        (Role.TRAVAILLEUR_SOCIAL, Profession.CESF),
        (Role.INFIRMIER, Profession.INFIRMIER),
    ],
    "savoie": [
        (Role.TRAVAILLEUR_SOCIAL, Profession.TRAVAILLEUR_SOCIAL),
        (Role.TRAVAILLEUR_SOCIAL, Profession.CESF),
    ],
    "declic": [
        (Role.TRAVAILLEUR_SOCIAL, Profession.TRAVAILLEUR_SOCIAL),
        (Role.TRAVAILLEUR_SOCIAL, Profession.CESF),
    ],
}

# Ce que chaque programme a de propre : partenaires nommés, rythme, adhésion attendue.
PROFILS = {
    "cantal": {
        "bailleur": ("à LOGISENS", "de LOGISENS"),
        "cmp": "CMP d'Aurillac",
        "autour": [
            "CMP d'Aurillac (Dr {dr})",
            "médecin traitant (Dr {dr2})",
            "CCAS {de_ville}",
            "UDAF du Cantal (curatelle)",
            "assistante sociale de secteur du Conseil départemental",
            "SSIAD du bassin",
            "agent de proximité LOGISENS",
        ],
        "rythme": ((6, 12), (10, 21)),
        "adhesion": {A.ACCEPTEE: 68, A.DE_PRINCIPE: 13, A.REFUSEE: 8, A.INJOIGNABLE: 11},
        "injoignable_d_abord": 0.25,
        "duree_plan": [6, 9, 12],
        "soignants_partout": True,
    },
    "nord": {
        "bailleur": ("à Partenord", "de Partenord"),
        "cmp": "CMP de l'EPSM",
        "autour": [
            "CMP de l'EPSM (Dr {dr})",
            "médecin traitant (Dr {dr2})",
            "CCAS {de_ville}",
            "UTPAS du Département du Nord",
            "CAF du Nord",
            "France Travail {ville}",
            "chargée de clientèle Partenord",
            "centre social du quartier",
        ],
        "rythme": ((8, 14), (12, 28)),
        "adhesion": {A.ACCEPTEE: 68, A.DE_PRINCIPE: 12, A.REFUSEE: 9, A.INJOIGNABLE: 11},
        "injoignable_d_abord": 0.2,
        "duree_plan": [6, 12, 18],
        "soignants_partout": False,
    },
    "savoie": {
        "bailleur": ("à Haute-Savoie HABITAT", "de Haute-Savoie HABITAT"),
        "cmp": "CMP d'Annecy",
        "autour": [
            "SIAO de la Haute-Savoie",
            "référent bailleur Haute-Savoie HABITAT",
            "CHRS d'origine (éducatrice référente)",
            "CCAS {de_ville}",
            "médecin traitant (Dr {dr2})",
            "SPIP de la Haute-Savoie",
            "Pôle médico-social du Département",
        ],
        "rythme": ((7, 14), (14, 30)),
        "adhesion": {A.ACCEPTEE: 80, A.DE_PRINCIPE: 11, A.REFUSEE: 3, A.INJOIGNABLE: 6},
        "injoignable_d_abord": 0.0,
        "duree_plan": [12, 12, 18],
        "soignants_partout": False,
    },
    "declic": {
        "bailleur": ("aux Chalets", "des Chalets"),
        "cmp": "CMP de secteur",
        "autour": [
            "service contentieux des Chalets",
            "gestionnaire de proximité des Chalets",
            "Maison des solidarités du Département",
            "CCAS de Toulouse",
            "CAF de la Haute-Garonne",
            "médecin traitant (Dr {dr2})",
            "point d'accès au droit",
        ],
        "rythme": ((8, 16), (14, 28)),
        "adhesion": {A.ACCEPTEE: 68, A.DE_PRINCIPE: 13, A.REFUSEE: 8, A.INJOIGNABLE: 11},
        "injoignable_d_abord": 0.65,
        "duree_plan": [6, 6, 9],
        "soignants_partout": False,
    },
}

# Objectifs du plan d'action, par problématique : (axe, objectif, indicateur de progression).
OBJECTIFS = {
    P.IMPAYES: [
        (Axe.BUDGET, "Reprendre le paiement du loyer résiduel", "3 loyers payés consécutifs"),
        (
            Axe.BUDGET,
            "Constituer et déposer le dossier FSL maintien",
            "Dossier déposé et décision de la commission",
        ),
        (
            Axe.BUDGET,
            "Négocier et tenir un plan d'apurement avec le bailleur",
            "Mensualités honorées 6 mois de suite",
        ),
        (Axe.DROITS, "Faire rétablir les APL", "Versement des APL au bailleur rétabli"),
    ],
    P.TROUBLES_VOISINAGE: [
        (Axe.LOGEMENT, "Apaiser les relations avec le voisinage", "Aucune plainte pendant 3 mois"),
        (
            Axe.LOGEMENT,
            "Accepter une rencontre de médiation avec les voisins",
            "Rencontre de médiation tenue",
        ),
    ],
    P.SOUFFRANCE_PSYCHIQUE: [
        (Axe.SANTE, "Obtenir un rendez-vous au CMP", "Premier rendez-vous honoré"),
        (
            Axe.SANTE,
            "Reprendre un suivi avec un médecin traitant",
            "Médecin traitant déclaré et consulté",
        ),
        (Axe.SANTE, "Stabiliser la prise du traitement", "Pilulier tenu 4 semaines de suite"),
    ],
    P.ADDICTIONS: [
        (Axe.SANTE, "Engager un suivi en addictologie (CSAPA)", "Premier rendez-vous honoré"),
        (
            Axe.SANTE,
            "Réduire la consommation d'alcool",
            "Baisse constatée avec l'infirmière du CSAPA",
        ),
    ],
    P.HYGIENE_INCURIE: [
        (
            Axe.LOGEMENT,
            "Désencombrer la cuisine et la chambre",
            "Pièces accessibles et utilisables à la visite",
        ),
        (Axe.LOGEMENT, "Permettre l'intervention de désinsectisation", "Intervention réalisée"),
        (
            Axe.LOGEMENT,
            "Maintenir un entretien régulier du logement",
            "Logement entretenu à 3 visites consécutives",
        ),
    ],
    P.VIOLENCES_CONJUGALES: [
        (
            Axe.DROITS,
            "Être accompagnée dans le dépôt de plainte et la demande d'ordonnance de protection",
            "Démarche engagée auprès du tribunal",
        ),
        (Axe.LOGEMENT, "Sécuriser le logement au nom de Madame", "Bail à son seul nom"),
    ],
    P.SORTIE_DETENTION: [
        (
            Axe.INSERTION,
            "Respecter les obligations du SPIP et entrer en formation",
            "Entrée en formation qualifiante",
        ),
        (Axe.DROITS, "Ouvrir les droits à la sortie (RSA, CSS)", "Droits notifiés"),
    ],
    P.SORTIE_HOSPITALISATION: [
        (
            Axe.SANTE,
            "Assurer la continuité des soins après la sortie",
            "Rendez-vous au CMP honorés 3 mois de suite",
        ),
    ],
    P.ISOLEMENT_RUPTURE: [
        (Axe.LIEN_SOCIAL, "Renouer avec la fille aînée", "Premier contact établi"),
        (
            Axe.LIEN_SOCIAL,
            "Participer à une activité collective du centre social",
            "Présence à 3 ateliers",
        ),
        (
            Axe.LIEN_SOCIAL,
            "Rétablir le lien avec le bailleur",
            "Rendez-vous honoré avec le chargé de clientèle",
        ),
    ],
    P.HANDICAP: [
        (Axe.DROITS, "Ouvrir les droits AAH", "Notification de la MDPH reçue"),
        (
            Axe.LOGEMENT,
            "Obtenir une mutation vers un logement adapté",
            "Demande de mutation examinée en commission",
        ),
    ],
    P.ANIMAUX: [
        (
            Axe.LOGEMENT,
            "Réduire le nombre d'animaux et faire soigner ceux qui restent",
            "Animaux confiés à l'association, vaccins à jour",
        ),
    ],
    P.DEGRADATION_LOGEMENT: [
        (
            Axe.LOGEMENT,
            "Permettre les travaux de remise en état",
            "Visite technique faite et travaux planifiés",
        ),
    ],
    P.SORTIE_HEBERGEMENT: [
        (
            Axe.LOGEMENT,
            "Réussir l'installation dans le logement",
            "Logement meublé, compteurs et assurance en place",
        ),
        (Axe.BUDGET, "Payer régulièrement le loyer dès l'entrée", "6 premiers loyers payés"),
        (Axe.LOGEMENT, "Préparer le glissement du bail", "Bail glissé au nom du ménage"),
        (
            Axe.LIEN_SOCIAL,
            "S'approprier le quartier et ses services",
            "Médecin, école et transports repérés",
        ),
    ],
}
OBJECTIFS_COMMUNS = [
    (
        Axe.DROITS,
        "Mettre à jour le dossier CAF et la complémentaire santé",
        "Droits ouverts et à jour",
    ),
    (Axe.INSERTION, "Reprendre contact avec France Travail", "Inscription et premier rendez-vous"),
    (Axe.BUDGET, "Tenir un budget mensuel", "Tableau de budget tenu 3 mois de suite"),
    (
        Axe.DROITS,
        "Mettre en place une mesure de protection adaptée (MASP)",
        "Mesure signée avec le Département",
    ),
]
OBJECTIF_ENFANTS = (
    Axe.PARENTALITE,
    "Soutenir la scolarité des enfants",
    "Assiduité scolaire rétablie selon le collège",
)
OBJECTIF_CONTACT = (Axe.LIEN_SOCIAL, "Rétablir le contact avec le ménage", "Un rendez-vous honoré")
OBJECTIF_DETTE = (
    Axe.BUDGET,
    "Éviter l'aggravation de la dette en attendant le contact",
    "Aucune nouvelle échéance impayée",
)

# Notes des fiches de suivi. Une note sociale : (axe travaillé ou None, texte, orientations vers
# des partenaires, condition). Une note soignante commence par les types d'intervention qu'elle
# peut décrire. La condition dit à quel ménage la note convient : None (tous), un code de
# problématique, ou « dette », « procedure », « enfants », « acces », « acces_debut » (les
# premiers mois dans le logement), « acces_suite » (après six mois), « maintien »,
# « protection », « soignants » (l'équipe en compte) ; un tuple vaut « l'une d'elles ».
# Les accolades sont remplies avec le ménage et le programme.
NOTES_SOCIALES = {
    T.VISITE_DOMICILE: [
        (
            Axe.LOGEMENT,
            "VAD : logement rangé depuis la dernière fois, {civ} {nom} a ouvert le courrier avec "
            "moi, dossier FSL à compléter.",
            ("fsl",),
            "maintien",
        ),
        (
            Axe.LOGEMENT,
            "VAD avec l'agent de proximité {de_bailleur} : la cuisine est désencombrée, il reste "
            "la chambre. {civ} {nom} accepte l'intervention d'une entreprise de nettoyage "
            "financée par le CCAS.",
            ("ccas",),
            P.HYGIENE_INCURIE,
        ),
        (
            Axe.LOGEMENT,
            "VAD : porte ouverte après deux coups de sonnette. Logement encore encombré mais "
            "circulation possible, odeurs moins fortes. Six sacs sortis depuis la dernière fois.",
            (),
            (P.HYGIENE_INCURIE, P.ANIMAUX),
        ),
        (
            Axe.LOGEMENT,
            "VAD : nouvelle plainte du voisin du dessus (bruit après 22 h). Échange avec {civ} "
            "{nom} sur les horaires ; accepte une rencontre avec le gardien.",
            (),
            P.TROUBLES_VOISINAGE,
        ),
        (
            Axe.LOGEMENT,
            "VAD : humidité dans la salle de bain, moisissures au plafond. Photos transmises "
            "{a_bailleur} pour une visite technique.",
            (),
            None,
        ),
        (
            Axe.LOGEMENT,
            "VAD : détecteur de fumée absent, ampoules grillées dans l'entrée. Signalé "
            "{a_bailleur}, intervention technique programmée.",
            (),
            None,
        ),
        (
            Axe.LOGEMENT,
            "VAD : chauffage coupé par peur de la facture. Explication du chèque énergie, "
            "radiateurs remis en marche avec {civ} {nom}.",
            (),
            None,
        ),
        (
            Axe.BUDGET,
            "VAD : tri des papiers, trois factures d'électricité en retard. Appel au fournisseur "
            "avec {civ} {nom}, échéancier obtenu.",
            (),
            None,
        ),
        (
            Axe.BUDGET,
            "VAD : lettre de relance du bailleur lue ensemble (dette de {dette} €). {civ} {nom} "
            "accepte de reprendre le loyer résiduel par prélèvement dès le mois prochain.",
            (),
            "dette",
        ),
        (
            Axe.BUDGET,
            "VAD : budget revu ensemble, reste à vivre de {reste} € par mois. Demande de colis "
            "alimentaire au CCAS {de_ville}.",
            ("ccas",),
            None,
        ),
        (
            Axe.BUDGET,
            "VAD : {civ} {nom} a reçu l'assignation et s'en inquiète beaucoup. Explication de la "
            "procédure, rendez-vous pris au point d'accès au droit.",
            ("juridique",),
            "procedure",
        ),
        (
            Axe.DROITS,
            "VAD : dossier de renouvellement de la complémentaire santé solidaire rempli "
            "ensemble, justificatifs photocopiés. À déposer à la CPAM.",
            (),
            None,
        ),
        (
            Axe.DROITS,
            "VAD : la déclaration trimestrielle RSA n'était plus faite depuis deux trimestres. "
            "Faite en ligne avec {civ} {nom}, régularisation attendue.",
            ("caf",),
            None,
        ),
        (
            Axe.DROITS,
            "VAD : courrier de la MDPH reçu, dossier AAH incomplet (certificat médical manquant). "
            "Rendez-vous à prendre chez le médecin traitant.",
            ("medecin",),
            (P.HANDICAP, P.SOUFFRANCE_PSYCHIQUE),
        ),
        (
            None,
            "VAD : {civ} {nom} a préparé les papiers demandés ; courriers de la CAF et avis "
            "d'échéance rangés dans le classeur remis le mois dernier.",
            (),
            None,
        ),
        (
            None,
            "VAD courte : {civ} {nom} attendait un appel de la CAF. Pas d'élément nouveau, "
            "prochain passage dans quinze jours.",
            (),
            None,
        ),
        (
            Axe.LIEN_SOCIAL,
            "VAD : {civ} {nom} parle de sa fille aînée, sans nouvelles depuis deux ans. "
            "Souhaite reprendre contact ; nous préparons un courrier ensemble.",
            (),
            P.ISOLEMENT_RUPTURE,
        ),
        (
            Axe.SANTE,
            "VAD : {civ} {nom} dit ne plus sortir depuis quinze jours, grande fatigue. Passage "
            "conjoint avec l'infirmière proposé pour la semaine prochaine, accepté.",
            (),
            "soignants",
        ),
        (
            Axe.PARENTALITE,
            "VAD : enfants présents. Point sur la scolarité de l'aîné, absences signalées par le "
            "collège. Lien à faire avec l'assistante sociale scolaire.",
            (),
            "enfants",
        ),
        (
            Axe.INSERTION,
            "VAD : {civ} {nom} souhaite reprendre une activité. Inscription France Travail à "
            "actualiser, rendez-vous pris avec la conseillère.",
            ("emploi",),
            None,
        ),
        (
            Axe.LOGEMENT,
            "VAD dans le nouveau logement : compteurs ouverts, assurance habitation souscrite, il "
            "manque encore un lit. Demande d'aide à l'équipement déposée au FSL.",
            ("fsl",),
            "acces_debut",
        ),
        (
            Axe.LIEN_SOCIAL,
            "VAD : installation en cours, cartons encore dans le séjour. {civ} {nom} a repéré la "
            "pharmacie et l'arrêt de bus, se présente au gardien avec moi.",
            (),
            "acces_debut",
        ),
        (
            Axe.BUDGET,
            "VAD : premier avis d'échéance reçu. Vérification des droits APL, demande faite en "
            "ligne avec {civ} {nom}.",
            ("caf",),
            "acces_debut",
        ),
        (
            Axe.LOGEMENT,
            "VAD conjointe avec le référent bailleur : point sur le glissement du bail, loyers "
            "réglés depuis six mois, avis favorable à présenter en commission.",
            (),
            "acces_suite",
        ),
    ],
    T.ENTRETIEN_TELEPHONIQUE: [
        (
            Axe.DROITS,
            "Appel de {civ} {nom} : courrier de la CAF annonçant un indu, incompris. Rendez-vous "
            "fixé au bureau {jour}.",
            (),
            None,
        ),
        (
            Axe.BUDGET,
            "Appel au gestionnaire {de_bailleur} : le loyer {de_mois} a bien été réglé. "
            "Information transmise à {civ} {nom}, encouragements.",
            (),
            None,
        ),
        (
            Axe.BUDGET,
            "Échange avec le mandataire : accord pour augmenter le virement mensuel destiné au "
            "loyer.",
            ("masp",),
            "protection",
        ),
        (
            Axe.DROITS,
            "Point téléphonique : le rendez-vous au CCAS s'est bien passé, aide alimentaire "
            "accordée pour un mois.",
            ("ccas",),
            None,
        ),
        (
            None,
            "{civ} {nom} appelle pour décaler la visite (rendez-vous médical). Reportée à la "
            "semaine prochaine.",
            (),
            None,
        ),
        (
            Axe.LOGEMENT,
            "Appel de {civ} {nom} : fuite sous l'évier. Bon d'intervention demandé au service "
            "technique {de_bailleur}.",
            (),
            None,
        ),
        (
            None,
            "Appel de suivi : {civ} {nom} va bien, a honoré ses rendez-vous de la semaine.",
            (),
            None,
        ),
    ],
    T.ENTRETIEN_BUREAU: [
        (
            Axe.BUDGET,
            "Entretien au bureau : constitution du dossier FSL maintien (dette de {dette} €). "
            "Pièces réunies sauf l'avis d'imposition.",
            ("fsl",),
            "dette",
        ),
        (
            Axe.BUDGET,
            "Entretien au bureau : budget du mois passé en revue, forfait téléphonique trop cher, "
            "changement d'offre fait ensemble.",
            (),
            None,
        ),
        (
            None,
            "Entretien : {civ} {nom} venu{e} avec son fils. Démarches à jour sauf la mutuelle, "
            "devis à comparer pour la prochaine fois.",
            (),
            None,
        ),
        (
            Axe.DROITS,
            "Entretien au bureau : préparation de l'audience au tribunal judiciaire. Mise en lien "
            "avec un avocat au titre de l'aide juridictionnelle.",
            ("juridique",),
            "procedure",
        ),
        (
            Axe.INSERTION,
            "Entretien : CV refait ensemble, deux candidatures envoyées (agent d'entretien, "
            "préparation de commandes).",
            ("emploi",),
            None,
        ),
    ],
    T.ACCOMPAGNEMENT_PHYSIQUE: [
        (
            Axe.DROITS,
            "Accompagnement à la CAF pour régulariser le dossier APL. Droit rétabli, rappel "
            "attendu le mois prochain.",
            ("caf",),
            None,
        ),
        (
            Axe.BUDGET,
            "Accompagnement au CCAS {de_ville} : demande d'aide à l'énergie déposée.",
            ("ccas",),
            None,
        ),
        (
            Axe.BUDGET,
            "Accompagnement à la banque : ouverture d'un compte avec prélèvement automatique du "
            "loyer.",
            (),
            None,
        ),
        (
            Axe.SANTE,
            "Accompagnement au premier rendez-vous au {cmp} ; {civ} {nom} a accepté d'y aller à "
            "condition que je reste dans la salle d'attente.",
            ("cmp",),
            (P.SOUFFRANCE_PSYCHIQUE, P.SORTIE_HOSPITALISATION),
        ),
        (
            Axe.LOGEMENT,
            "Accompagnement en déchetterie avec le véhicule de service : encombrants de la cave "
            "évacués.",
            (),
            (P.HYGIENE_INCURIE, P.DEGRADATION_LOGEMENT),
        ),
        (
            Axe.INSERTION,
            "Accompagnement à France Travail pour l'inscription et le premier entretien.",
            ("emploi",),
            None,
        ),
        (
            Axe.LOGEMENT,
            "Accompagnement à la ressourcerie : table, chaises et lit d'appoint choisis, "
            "livraison jeudi.",
            (),
            "acces_debut",
        ),
    ],
    T.REUNION_PARTENAIRE: [
        (
            Axe.SANTE,
            "Synthèse avec l'assistante sociale de secteur et le {cmp} : l'AS garde le suivi "
            "RSA, l'équipe le logement et le lien aux soins.",
            ("cmp",),
            (P.SOUFFRANCE_PSYCHIQUE, P.SORTIE_HOSPITALISATION),
        ),
        (
            Axe.BUDGET,
            "Réunion avec le service contentieux {de_bailleur} : suspension de la procédure "
            "demandée le temps de l'instruction du dossier FSL.",
            ("fsl",),
            "procedure",
        ),
        (
            Axe.LOGEMENT,
            "Point avec le gardien et l'agent de proximité : plus de plainte de voisinage depuis "
            "un mois.",
            (),
            P.TROUBLES_VOISINAGE,
        ),
        (
            Axe.INSERTION,
            "Synthèse avec le SPIP : obligations respectées, rendez-vous mensuels honorés.",
            ("spip",),
            P.SORTIE_DETENTION,
        ),
        (
            Axe.DROITS,
            "Réunion avec le Département : MASP proposée à {civ} {nom}, qui prend le temps de "
            "réfléchir.",
            ("masp",),
            None,
        ),
        (
            Axe.BUDGET,
            "Commission FSL : dossier présenté, aide accordée en partie sous forme de subvention.",
            ("fsl",),
            "dette",
        ),
        (
            None,
            "Point avec la chargée de clientèle {de_bailleur} : situation locative à jour, pas "
            "d'élément nouveau.",
            (),
            None,
        ),
    ],
    T.COURRIER_SMS: [
        (None, "SMS de rappel du rendez-vous de {jour} 10 h.", (), None),
        (
            None,
            "Courrier laissé dans la boîte aux lettres avec mes coordonnées et une proposition de "
            "rendez-vous.",
            (),
            None,
        ),
        (
            Axe.BUDGET,
            "Courrier au bailleur pour proposer un échéancier de {mensualite} € par mois.",
            (),
            "dette",
        ),
    ],
    T.GROUPE_DE_PAROLE: [
        (
            Axe.LIEN_SOCIAL,
            "Atelier collectif « budget et énergie » au centre social : {civ} {nom} présent{e}, "
            "a pris la parole.",
            (),
            None,
        ),
        (
            Axe.LIEN_SOCIAL,
            "Groupe « habiter son logement » : présence, échanges avec deux locataires du "
            "quartier.",
            (),
            None,
        ),
        (
            Axe.LIEN_SOCIAL,
            "Groupe de parole des locataires accompagnés : {civ} {nom} a écouté sans intervenir, "
            "accepte de revenir le mois prochain.",
            (),
            None,
        ),
    ],
}

VAD, TEL, BUREAU, ACCOMPAGNE = (
    T.VISITE_DOMICILE,
    T.ENTRETIEN_TELEPHONIQUE,
    T.ENTRETIEN_BUREAU,
    T.ACCOMPAGNEMENT_PHYSIQUE,
)
# Notes « soignants » de l'infirmier·ère : (types possibles, axe, texte, orientations, condition).
NOTES_INFIRMIER = [
    (
        (VAD,),
        Axe.SANTE,
        "Observance du traitement à revoir, lien avec le Dr {dr} au {cmp}. Pilulier préparé "
        "pour la semaine.",
        ("cmp",),
        (P.SOUFFRANCE_PSYCHIQUE, P.SORTIE_HOSPITALISATION),
    ),
    (
        (VAD,),
        Axe.SANTE,
        "VAD infirmière : tension à 15/9, {civ} {nom} a arrêté son antihypertenseur il y a un "
        "mois. Rendez-vous pris chez le médecin traitant.",
        ("medecin",),
        None,
    ),
    (
        (VAD,),
        Axe.SANTE,
        "Plaie de jambe mal soignée ; pansement refait, passage d'une infirmière libérale "
        "organisé trois fois par semaine.",
        ("medecin",),
        None,
    ),
    (
        (VAD, TEL),
        Axe.SANTE,
        "Consommation d'alcool en baisse selon {civ} {nom} (« deux bières par jour »). "
        "Rendez-vous au CSAPA proposé, pas prêt{e} pour l'instant.",
        ("addictologie",),
        P.ADDICTIONS,
    ),
    (
        (ACCOMPAGNE,),
        Axe.SANTE,
        "Accompagnement au CSAPA : premier entretien avec l'infirmière d'addictologie, sevrage "
        "ambulatoire envisagé.",
        ("addictologie",),
        P.ADDICTIONS,
    ),
    (
        (VAD,),
        Axe.SANTE,
        "Passage aux urgences la semaine dernière : ordonnance non retirée à la pharmacie. "
        "Fait ensemble ce jour.",
        (),
        None,
    ),
    (
        (VAD, TEL),
        Axe.SANTE,
        "Troubles du sommeil, perte de poids visible. Lien avec le Dr {dr}, consultation "
        "avancée à vendredi.",
        ("medecin",),
        None,
    ),
    (
        (ACCOMPAGNE,),
        Axe.SANTE,
        "Accompagnement au {cmp} : injection retard faite, bonne tolérance. Prochaine dans "
        "quatre semaines.",
        (),
        (P.SOUFFRANCE_PSYCHIQUE, P.SORTIE_HOSPITALISATION),
    ),
    (
        (TEL,),
        Axe.SANTE,
        "Appel du centre de santé : rendez-vous dentaire fixé, prise en charge par la "
        "complémentaire santé solidaire confirmée.",
        (),
        None,
    ),
    (
        (VAD,),
        Axe.SANTE,
        "Diabète mal équilibré (glycémie à 2,4 g/l ce matin). Rappel du régime, lien avec le "
        "médecin traitant pour adapter le traitement.",
        ("medecin",),
        None,
    ),
    (
        (TEL,),
        Axe.SANTE,
        "Appel au Dr {dr2}, médecin traitant : ordonnance renouvelée, passages de l'infirmière "
        "libérale maintenus.",
        (),
        None,
    ),
]
# Notes « soignants » du ou de la psychologue.
NOTES_PSYCHOLOGUE = [
    (
        (VAD, BUREAU),
        Axe.SANTE,
        "Entretien : discours plus construit, idées noires moins présentes selon {civ} {nom}. "
        "Pas de risque suicidaire immédiat évalué. Rythme hebdomadaire maintenu.",
        (),
        P.SOUFFRANCE_PSYCHIQUE,
    ),
    (
        (VAD,),
        Axe.LOGEMENT,
        "Évoque un deuil non fait (décès de sa mère il y a trois ans), en lien avec "
        "l'accumulation d'objets. Travail à poursuivre.",
        (),
        P.HYGIENE_INCURIE,
    ),
    (
        (VAD, BUREAU),
        Axe.SANTE,
        "Anxiété massive à l'approche de l'audience. Travail sur la respiration ; orientation "
        "vers le {cmp} pour un avis psychiatrique.",
        ("cmp",),
        "procedure",
    ),
    (
        (VAD, BUREAU),
        Axe.SANTE,
        "Vécu de persécution envers les voisins toujours présent mais moins envahissant. Lien "
        "fait avec le Dr {dr} ({cmp}).",
        (),
        P.TROUBLES_VOISINAGE,
    ),
    (
        (VAD, BUREAU),
        Axe.LIEN_SOCIAL,
        "Séance centrée sur la relation avec la fille aînée ; {civ} {nom} envisage de lui écrire.",
        (),
        P.ISOLEMENT_RUPTURE,
    ),
    (
        (BUREAU,),
        Axe.SANTE,
        "Violences conjugales passées évoquées pour la première fois. Information sur l'aide "
        "aux victimes, rendez-vous proposé avec l'association spécialisée.",
        ("juridique",),
        P.VIOLENCES_CONJUGALES,
    ),
    (
        (VAD, BUREAU),
        Axe.SANTE,
        "Consommation décrite comme une façon de « tenir » ; travail sur les moments à risque. "
        "Orientation vers le CSAPA proposée.",
        ("addictologie",),
        P.ADDICTIONS,
    ),
    (
        (VAD, BUREAU, TEL),
        Axe.SANTE,
        "Humeur plus stable, sommeil meilleur depuis l'ajustement du traitement par le Dr {dr}.",
        (),
        None,
    ),
    (
        (TEL,),
        Axe.SANTE,
        "Appel de {civ} {nom}, angoissé{e} après une dispute dans l'immeuble ; vingt minutes "
        "d'échange, apaisement. Rendez-vous maintenu jeudi.",
        (),
        None,
    ),
    (
        (VAD, BUREAU),
        Axe.SANTE,
        "Entretien : {civ} {nom} parle de la peur de « tout perdre », en lien avec la "
        "difficulté à ouvrir le courrier. Travail à poursuivre.",
        (),
        None,
    ),
]
# Ce que l'infirmier·ère ou le ou la psychologue partage avec toute l'équipe.
NOTES_SOIGNANT_EQUIPE = [
    (
        (VAD,),
        None,
        "Passage au domicile : {civ} {nom} plus disponible, logement aéré. Rien à signaler qui "
        "appelle une action de l'équipe.",
        (),
        None,
    ),
    (
        (VAD,),
        Axe.SANTE,
        "Passage conjoint avec la TS : {civ} {nom} accepte de reprendre les soins, je repasse "
        "la semaine prochaine.",
        (),
        None,
    ),
    (
        (VAD, TEL),
        None,
        "{civ} {nom} supporte mal les visites trop rapprochées : espacer à quinze jours.",
        (),
        None,
    ),
    (
        (TEL,),
        Axe.SANTE,
        "Rendez-vous au {cmp} honoré, {civ} {nom} y est allé{e} seul{e}. À souligner lors de la "
        "prochaine visite.",
        (),
        (P.SOUFFRANCE_PSYCHIQUE, P.SORTIE_HOSPITALISATION),
    ),
    (
        (TEL,),
        None,
        "Appel de suivi : rendez-vous médicaux de la semaine tenus, rien à signaler à l'équipe.",
        (),
        None,
    ),
]
NOTES_PERSONNELLES = [
    "Pour moi : reprendre la chronologie du dossier avant la prochaine synthèse.",
    "Décalage entre le discours et l'état du logement, à vérifier la prochaine fois.",
    "Appréhension lors de la visite (chien non attaché) ; demander à venir en binôme.",
    "Ne pas aborder la question du fils avant que {civ} {nom} le fasse.",
]
NOTES_TENTATIVE = [
    "Courrier déposé avec une proposition de rendez-vous, pas de retour.",
    "Appel au numéro connu : messagerie pleine. SMS envoyé.",
    "SMS envoyé pour proposer une visite {jour} matin, sans réponse.",
    "Courrier recommandé du bailleur non retiré ; nouveau courrier de l'association déposé.",
]
NOTES_TENTATIVE_PARTENAIRE = [
    "Point avec le service contentieux {de_bailleur} : aucune nouvelle du locataire, loyers "
    "toujours impayés.",
    "Échange avec le gardien : {civ} {nom} est vu{e} dans l'immeuble, volets fermés en journée.",
    "Synthèse avec l'assistante sociale de secteur : ménage inconnu de ses services.",
]

AUTRES_PARTICIPANTS = [
    "Assistante sociale de secteur",
    "Agent de proximité du bailleur",
    "Conseillère CAF",
    "Mandataire UDAF",
    "Infirmière du CMP",
    "Chargée de clientèle du bailleur",
    "Conseiller SPIP",
]

PHRASES_PROGRESSION = {
    S.A_ENGAGER: ["Pas encore engagé.", "À engager après le prochain rendez-vous."],
    S.EN_COURS: [
        "Démarche engagée, à poursuivre.",
        "Avance doucement, à reprendre en visite.",
        "En bonne voie.",
    ],
    S.ATTEINT: ["Indicateur atteint.", "Atteint, à consolider.", "Objectif tenu, vérifié en VAD."],
    S.PARTIELLEMENT_ATTEINT: [
        "En partie : démarche engagée mais pas terminée.",
        "Progrès réels, indicateur non atteint.",
    ],
    S.ABANDONNE: [
        "Abandonné : le ménage n'y adhère pas pour l'instant.",
        "Abandonné au profit d'un objectif plus urgent.",
    ],
}
MOTIFS_APRES_ADHESION = [
    M.STABILISEE,
    M.STABILISEE,
    M.RELOGEMENT,
    M.STABILISEE,
    M.DEMANDE_MENAGE,
    M.STABILISEE,
    M.STABILISEE,
    M.REORIENTATION,
    M.STABILISEE,
    M.RELOGEMENT,
    M.STABILISEE,
    M.DEPART_VOLONTAIRE,
]
COMMENTAIRES_CLOTURE = {
    M.STABILISEE: "Loyer payé régulièrement, relais pris par le droit commun.",
    M.DEMANDE_MENAGE: "Le ménage souhaite arrêter, estime pouvoir continuer seul.",
    M.RELOGEMENT: "Mutation vers un logement plus adapté, relais à l'AS de secteur.",
    M.REORIENTATION: "Réorientation vers un accompagnement plus soutenu (pension de famille).",
    M.DEPART_VOLONTAIRE: "Départ du logement pour rejoindre de la famille hors du département.",
    M.EXPULSION: "Expulsion réalisée avec le concours de la force publique ; hébergement 115.",
    M.DECES: "Décès du locataire. Lien fait avec la famille pour la restitution du logement.",
    M.NON_ADHESION: "Le ménage refuse l'accompagnement malgré plusieurs propositions.",
    M.PERTE_DE_CONTACT: "Plus aucun contact depuis plusieurs mois malgré les passages.",
}
MAINTIEN = {
    M.STABILISEE: True,
    M.DEMANDE_MENAGE: True,
    M.RELOGEMENT: False,
    M.REORIENTATION: False,
    M.DEPART_VOLONTAIRE: False,
    M.EXPULSION: False,
    M.DECES: False,
    M.NON_ADHESION: True,
}
STADES_GRAVES = (
    StadeProcedure.RESILIATION_DU_BAIL,
    StadeProcedure.COMMANDEMENT_DE_QUITTER,
    StadeProcedure.DEMANDE_CONCOURS,
    StadeProcedure.CONCOURS_ACCORDE,
)
DUREES = {
    T.VISITE_DOMICILE: (40, 90),
    T.ENTRETIEN_TELEPHONIQUE: (10, 30),
    T.ENTRETIEN_BUREAU: (45, 75),
    T.ACCOMPAGNEMENT_PHYSIQUE: (90, 180),
    T.REUNION_PARTENAIRE: (60, 120),
    T.COURRIER_SMS: (5, 15),
    T.GROUPE_DE_PAROLE: (90, 120),
}


@transaction.atomic
def charger_accompagnements():
    """Rejoue l'accompagnement des ménages admis de chaque programme qui n'en a pas encore."""
    aujourd_hui = timezone.localdate()
    for donnees in DISPOSITIFS:
        dispositif = Dispositif.objects.filter(slug=donnees["slug"]).first()
        if dispositif is None or dispositif.slug not in PROFILS:
            continue
        if Accompagnement.objects.filter(dispositif=dispositif).exists():
            continue
        _Programme(dispositif, donnees, aujourd_hui).charger()


@dataclass
class _Objectif:
    objet: object
    debut: object
    echeance: object
    issue: str
    avancement_final: int


@dataclass
class _Cas:
    """Ce qui est décidé d'avance pour un accompagnement, avant de le rejouer."""

    menage: Menage
    orientation: object
    date_debut: object
    referent: User
    equipe: list
    adhesion: str
    injoignable_d_abord: bool | str = False  # « longtemps » : des mois sans contact
    cloture: object = None  # date
    motif: str = ""
    bilans_oublies: set = field(default_factory=set)
    post_cloture: bool = False
    rouvrir: bool = False
    plan_apurement: bool = False


class _Programme:
    def __init__(self, dispositif, donnees, aujourd_hui):
        self.dispositif = dispositif
        self.slug = dispositif.slug
        self.profil = PROFILS[self.slug]
        self.donnees = donnees
        self.aujourd_hui = aujourd_hui
        self.hier = aujourd_hui - timedelta(days=1)
        self.hasard = random.Random(f"accompagnements-{self.slug}")
        self.faux = Faker("fr_FR")
        self.faux.seed_instance(f"accompagnements-{self.slug}")
        self.medecins = [self.faux.last_name() for _ in range(6)]

    # --- Équipes ---------------------------------------------------------------------------

    def _demo(self, prefixe):
        return User.objects.get(email=email_demo(prefixe, self.slug))

    def _renforts(self):
        """Deux ou trois intervenants de plus : les équipes ne sont pas toutes les mêmes."""
        faux = Faker("fr_FR")
        faux.seed_instance(f"equipe-{self.slug}")
        structure = Organisation.objects.get(nom=self.donnees["structure_equipe"])
        renforts = []
        for role, profession in RENFORTS[self.slug]:
            feminin = profession != Profession.PSYCHOLOGUE or faux.boolean()
            prenom = faux.first_name_female() if feminin else faux.first_name_male()
            nom = faux.last_name()
            email = f"{_ascii(prenom)}.{_ascii(nom)}@{self.slug}.demo.test"
            user = _compte(email, prenom, nom)
            Membre.objects.get_or_create(
                user=user,
                dispositif=self.dispositif,
                role=role,
                defaults={
                    "profession": profession,
                    "organisation": structure,
                    "date_debut": self.dispositif.date_debut,
                },
            )
            renforts.append((User.objects.get(pk=user.pk), role))
        return renforts

    def _equipes(self, nombre):
        """(référent, équipe) de chaque cas : la TS de démonstration dans ~65 % des équipes,
        l'infirmier et la psychologue de démonstration dans ~40 %, souvent avec la TS."""
        hasard = self.hasard
        ts, infirmier, psychologue = (
            self._demo("ts"),
            self._demo("infirmier"),
            self._demo("psychologue"),
        )
        coordinateur = self._demo("coordinateur")
        renforts = self._renforts()
        autres_ts = [u for u, r in renforts if r == Role.TRAVAILLEUR_SOCIAL]
        autres_inf = [u for u, r in renforts if r == Role.INFIRMIER]
        autres_psy = [u for u, r in renforts if r == Role.PSYCHOLOGUE]
        rangs = list(range(nombre))
        avec_ts = set(hasard.sample(rangs, round(nombre * 0.65)))
        sans_ts = [r for r in rangs if r not in avec_ts]

        def tirer(part):
            voulu = round(nombre * part)
            dedans = min(len(avec_ts), round(voulu * 0.7))
            dehors = min(len(sans_ts), voulu - dedans)
            return set(hasard.sample(sorted(avec_ts), dedans)) | set(hasard.sample(sans_ts, dehors))

        avec_inf, avec_psy = tirer(0.4), tirer(0.4)
        pour_coordination = set(hasard.sample(rangs, max(1, round(nombre * 0.08))))
        equipes = []
        for rang in rangs:
            social = ts if rang in avec_ts else hasard.choice(autres_ts)
            equipe = [social]
            for dedans, demo, autres in (
                (avec_inf, infirmier, autres_inf),
                (avec_psy, psychologue, autres_psy),
            ):
                if rang in dedans:
                    equipe.append(demo)
                elif autres and (self.profil["soignants_partout"] or hasard.random() < 0.25):
                    equipe.append(hasard.choice(autres))
            if rang in pour_coordination:
                equipes.append((coordinateur, [*equipe, coordinateur]))
            else:
                equipes.append((social, equipe))
        return equipes

    # --- Plan d'ensemble -------------------------------------------------------------------

    def charger(self):
        self.coordinateur = self._demo("coordinateur")
        self.agent = self._demo("bailleur")
        admis = []
        menages = (
            Menage.objects.filter(dispositif=self.dispositif)
            .order_by("reference_locataire", "pk")
            .prefetch_related("orientations__problematiques", "dettes", "logements", "personnes")
        )
        for menage in menages:
            orientations = sorted(
                menage.orientations.all(), key=lambda o: (o.date_orientation, o.pk), reverse=True
            )
            if orientations and orientations[0].statut == StatutOrientation.ADMISE:
                admis.append((menage, orientations[0]))
        if not admis:
            return
        equipes = self._equipes(len(admis))
        cas = []
        for (menage, orientation), (referent, equipe) in zip(admis, equipes, strict=True):
            debut = orientation.date_statut or orientation.date_orientation + timedelta(days=10)
            debut = min(self.aujourd_hui, debut + timedelta(days=self.hasard.randint(0, 6)))
            adhesions = self.profil["adhesion"]
            adhesion = self.hasard.choices(list(adhesions), weights=list(adhesions.values()))[0]
            injoignable_d_abord = (
                adhesion == A.INJOIGNABLE
                or self.hasard.random() < self.profil["injoignable_d_abord"]
            )
            # Avec le temps, le contact finit souvent par se renouer.
            if (
                adhesion == A.INJOIGNABLE
                and (self.aujourd_hui - debut).days > 300
                and self.hasard.random() < 0.6
            ):
                adhesion = self.hasard.choice([A.ACCEPTEE, A.ACCEPTEE, A.DE_PRINCIPE])
                injoignable_d_abord = "longtemps"
            cas.append(
                _Cas(
                    menage=menage,
                    orientation=orientation,
                    date_debut=debut,
                    referent=referent,
                    equipe=equipe,
                    adhesion=adhesion,
                    injoignable_d_abord=injoignable_d_abord,
                )
            )
        self._decider_clotures(cas)
        self._decider_bilans_oublies(cas)
        self._decider_plans_apurement(cas)
        for un_cas in cas:
            _Recit(self, un_cas).rejouer()
            if un_cas.rouvrir:
                self._rouvrir(un_cas)

    def _decider_clotures(self, cas):
        hasard = self.hasard
        limite = self.aujourd_hui - timedelta(days=243)
        anciens = [c for c in cas if c.date_debut <= limite]
        if self.slug == "cantal":
            candidats = [
                c
                for c in anciens
                if c.adhesion == A.ACCEPTEE and (self.aujourd_hui - c.date_debut).days > 430
            ]
            if candidats:
                rouvert = min(candidats, key=lambda c: c.date_debut)
                rouvert.rouvrir = True
                rouvert.cloture = _jour_ouvre(
                    rouvert.date_debut + timedelta(days=hasard.randint(190, 230)), self.hier
                )
                rouvert.motif = M.STABILISEE
                rouvert.post_cloture = True
        # Un tiers des accompagnements anciens sont clos, dont un tiers au plus faute d'adhésion.
        nombre = max(1, round(len(anciens) / 3) - sum(1 for c in anciens if c.rouvrir))
        sans_adhesion = [c for c in anciens if c.adhesion != A.ACCEPTEE and not c.rouvrir]
        avec_adhesion = [c for c in anciens if c.adhesion == A.ACCEPTEE and not c.rouvrir]
        # Un ménage resté injoignable plus de dix mois est clos pour perte de contact.
        perdus = [
            c
            for c in sans_adhesion
            if c.adhesion == A.INJOIGNABLE and (self.aujourd_hui - c.date_debut).days > 300
        ]
        autres = [c for c in sans_adhesion if c not in perdus]
        a_clore = perdus + hasard.sample(
            autres, min(len(autres), max(0, round(nombre / 3) - len(perdus)))
        )
        a_clore += hasard.sample(
            avec_adhesion, min(len(avec_adhesion), max(0, nombre - len(a_clore)))
        )
        a_clore.sort(key=lambda c: c.date_debut)
        # Les ménages qui ont adhéré sortent surtout parce que leur situation s'est stabilisée.
        depart = hasard.choice(
            [i for i, m in enumerate(MOTIFS_APRES_ADHESION) if m == M.STABILISEE]
        )
        motifs = MOTIFS_APRES_ADHESION[depart:] + MOTIFS_APRES_ADHESION
        for c in a_clore:
            duree = hasard.randint(200, 430)
            c.cloture = _jour_ouvre(
                min(c.date_debut + timedelta(days=duree), self.aujourd_hui - timedelta(days=5)),
                self.hier,
            )
            c.motif = motifs.pop(0) if c.adhesion == A.ACCEPTEE else self._motif(c)
            c.post_cloture = (
                c.cloture + relativedelta(months=3, days=10) <= self.hier and hasard.random() < 0.8
            )

        # Deux expulsions en tout (Nord, Déclic) et un décès (Cantal), pris de préférence sur
        # des sorties autres que « situation stabilisée ».
        def pour(candidats):
            autres = [c for c in candidats if c.motif != M.STABILISEE]
            return (autres or candidats)[-1] if candidats else None

        if self.slug in ("nord", "declic"):
            procedure = [c for c in anciens if c.orientation.stade_procedure in STADES_GRAVES]
            procedure = procedure or [
                c for c in anciens if c.orientation.stade_procedure != StadeProcedure.AUCUNE
            ]
            expulse = pour([c for c in procedure if c in a_clore])
            if expulse is None and procedure:
                expulse = procedure[-1]
                expulse.cloture = _jour_ouvre(
                    min(
                        expulse.date_debut + timedelta(days=hasard.randint(150, 240)),
                        self.aujourd_hui - timedelta(days=5),
                    ),
                    self.hier,
                )
                a_clore.append(expulse)
            if expulse is not None:
                expulse.motif = M.EXPULSION
                expulse.post_cloture = expulse.cloture + relativedelta(months=3, days=10) <= (
                    self.hier
                )
        if self.slug == "cantal":
            decede = pour([c for c in a_clore if c.adhesion == A.ACCEPTEE])
            if decede is not None:
                decede.motif = M.DECES

    def _motif(self, cas):
        if cas.adhesion == A.REFUSEE:
            return M.NON_ADHESION
        if cas.adhesion == A.INJOIGNABLE:
            return M.PERTE_DE_CONTACT
        return self.hasard.choice(
            [M.NON_ADHESION, M.NON_ADHESION, M.PERTE_DE_CONTACT, M.DEMANDE_MENAGE]
        )

    def _decider_bilans_oublies(self, cas):
        """Environ 15 % des bilans échus restent à faire, surtout dans les dossiers ouverts."""
        echus = []
        for c in cas:
            for type_bilan, delai in services.CALENDRIER_BILANS.items():
                prevu = c.date_debut + delai
                if prevu < self.aujourd_hui and (c.cloture is None or prevu <= c.cloture):
                    echus.append((c, type_bilan))
        ouverts = [e for e in echus if e[0].cloture is None]
        clos = [e for e in echus if e[0].cloture is not None]
        nombre = max(1, round(len(echus) * 0.15))
        oublies = self.hasard.sample(ouverts, min(len(ouverts), nombre - nombre // 5))
        oublies += self.hasard.sample(clos, min(len(clos), nombre - len(oublies)))
        for c, type_bilan in oublies:
            c.bilans_oublies.add(type_bilan)

    def _decider_plans_apurement(self, cas):
        """Un plan d'apurement pour environ la moitié des ménages endettés (suivis depuis au
        moins deux mois : le temps de le négocier)."""
        endettes = [c for c in cas if any(d.montant > 0 for d in c.menage.dettes.all())]
        assez_anciens = [c for c in endettes if (self.aujourd_hui - c.date_debut).days > 60]
        for c in self.hasard.sample(
            assez_anciens, min(len(assez_anciens), round(len(endettes) / 2))
        ):
            c.plan_apurement = True

    def _rouvrir(self, cas):
        """Une nouvelle orientation après la clôture, et un nouvel épisode."""
        menage = cas.menage
        date_orientation = cas.cloture + timedelta(days=self.hasard.randint(100, 130))
        date_orientation = min(date_orientation, self.aujourd_hui - timedelta(days=60))
        logement = next((lg for lg in menage.logements.all() if lg.actuel), None)
        connues = [d.montant for d in menage.dettes.all() if d.date <= date_orientation]
        dette = max(connues[-1] if connues else 0, Decimal(self.hasard.randint(6, 14) * 100))
        fiche = services_menages.FicheOrientation(
            date_orientation=date_orientation,
            parcours=Parcours.MAINTIEN,
            source=Source.RECOUVREMENT,
            problematiques=[P.IMPAYES, P.SOUFFRANCE_PSYCHIQUE],
            nom=menage.nom,
            prenom=menage.prenom,
            reference_locataire=menage.reference_locataire,
            commune=logement.commune if logement else "",
            dette_locative=dette,
            stade_procedure=StadeProcedure.AUCUNE,
            description=(
                "Nouvelle dette depuis la fin de l'accompagnement : arrêt du traitement signalé "
                "par la famille, loyers impayés depuis trois mois. Le ménage demande lui-même à "
                "retrouver l'équipe."
            ),
        )
        orientation = services_menages.orienter_menage(self.agent, self.dispositif, fiche)
        nouveau = _Cas(
            menage=Menage.objects.prefetch_related("dettes", "logements", "personnes").get(
                pk=menage.pk
            ),
            orientation=orientation.orientation,
            date_debut=date_orientation + timedelta(days=self.hasard.randint(10, 20)),
            referent=cas.referent,
            equipe=cas.equipe,
            adhesion=A.ACCEPTEE,
        )
        _Recit(self, nouveau, reouverture=True).rejouer()


class _Recit:
    """Rejoue un accompagnement dans l'ordre des dates, au travers des services."""

    def __init__(self, programme, cas, reouverture=False):
        self.p = programme
        self.cas = cas
        self.hasard = programme.hasard
        self.hier = programme.hier
        self.debut_plan_apurement = None
        self.reouverture = reouverture
        menage = cas.menage
        self.fin = cas.cloture or self.hier
        self.feminin = menage.prenom in PrenomsFr.first_names_female
        self.acces = cas.orientation.parcours == Parcours.ACCES
        self.problematiques = [p.code for p in cas.orientation.problematiques.all()]
        self.logement = next((lg for lg in menage.logements.all() if lg.actuel), None)
        self.enfants = bool(menage.nb_enfants) or any(
            not pe.adulte for pe in menage.personnes.all()
        )
        self.dettes = sorted(
            ((d.date, d.pk, d.montant, d.stade_procedure) for d in menage.dettes.all()),
            key=lambda d: (d[0], d[1]),
        )
        self.objectifs = []
        self.deja_ecrit = set()
        self.evenements = []
        self.ordre = 0

    # --- Outils -----------------------------------------------------------------------------

    def _ajouter(self, jour, action, *args):
        self.ordre += 1
        self.evenements.append((jour, self.ordre, action, args))

    def _dette_au(self, jour):
        montant, stade = None, ""
        for date_releve, _, valeur, stade_releve in self.dettes:
            if date_releve > jour:
                break
            montant = valeur
            stade = stade_releve or stade
        return montant, stade

    def _contexte(self, jour):
        menage = self.cas.menage
        dette, _ = self._dette_au(jour)
        hasard = self.hasard
        ville = (self.logement.commune if self.logement else "") or self.p.donnees["nom"]
        return {
            "civ": "Mme" if self.feminin else "M.",
            "nom": menage.nom.title(),
            "e": "e" if self.feminin else "",
            "lui": "elle" if self.feminin else "lui",
            "dr": hasard.choice(self.p.medecins[:3]),
            "dr2": hasard.choice(self.p.medecins[3:]),
            "ville": ville,
            "de_ville": _de(ville),
            "a_bailleur": self.p.profil["bailleur"][0],
            "de_bailleur": self.p.profil["bailleur"][1],
            "cmp": self.p.profil["cmp"],
            "dette": _euros(dette or 0),
            "mensualite": hasard.choice([30, 40, 50, 60, 80, 100]),
            "reste": hasard.randint(12, 40) * 10,
            "de_mois": _de(MOIS[(jour.month - 2) % 12]),
            "jour": hasard.choice(["lundi", "mardi", "mercredi", "jeudi", "vendredi"]),
        }

    def _conditions(self, jour):
        """Ce qui décide quelles notes conviennent au ménage ce jour-là."""
        dette, stade = self._dette_au(jour)
        conditions = {None, "acces" if self.acces else "maintien", *self.problematiques}
        anciennete = (jour - self.cas.date_debut).days
        if self.acces and anciennete < 100:
            conditions.add("acces_debut")
        if self.acces and anciennete > 180:
            conditions.add("acces_suite")
        if dette:
            conditions.add("dette")
        if stade and stade != StadeProcedure.AUCUNE and not self.acces:
            conditions.add("procedure")
        if self.enfants:
            conditions.add("enfants")
        if self.soignants:
            conditions.add("soignants")
        if self.cas.menage.mesure_protection not in ("", MesureProtection.AUCUNE):
            conditions.add("protection")
        return conditions

    def _convient(self, condition, conditions):
        if isinstance(condition, tuple):
            return any(c in conditions for c in condition)
        return condition in conditions

    def _ouvre(self, jour):
        """Le jour ouvré le plus proche, sans sortir de l'accompagnement ni dépasser hier."""
        for decalage in (0, 1, 2, 3, -1, -2, -3):
            candidat = jour + timedelta(days=decalage)
            if _est_ouvre(candidat) and self.cas.date_debut <= candidat <= self.fin:
                return candidat
        return jour

    def _moment(self, jour, debut=9, fin=17):
        """Un jour ouvré et une heure de bureau."""
        jour = self._ouvre(jour)
        heure = time(self.hasard.randint(debut, fin - 1), self.hasard.choice([0, 15, 30, 45]))
        return timezone.make_aware(datetime.combine(jour, heure))

    def _membres(self, *professions):
        return [u for u in self.cas.equipe if self._profession(u) in professions]

    def _profession(self, user):
        if not hasattr(self, "_professions"):
            self._professions = {
                m.user_id: m.profession
                for m in Membre.objects.actifs().filter(
                    dispositif=self.p.dispositif, user__in=self.cas.equipe
                )
            }
        return self._professions.get(user.pk, Profession.PARTENAIRE)

    # --- Le scénario --------------------------------------------------------------------------

    def rejouer(self):
        cas = self.cas
        self.accompagnement = services.ouvrir_accompagnement(
            None,
            cas.menage,
            referent=cas.referent,
            equipe=[u for u in cas.equipe if u != cas.referent],
            date_debut=cas.date_debut,
            orientation=cas.orientation,
        )
        self.sociaux = self._membres(Profession.TRAVAILLEUR_SOCIAL, Profession.CESF) or [
            cas.referent
        ]
        self.soignants = self._membres(Profession.INFIRMIER, Profession.PSYCHOLOGUE)
        if cas.date_debut >= self.hier:
            return
        contact = self._prise_de_contact()
        self._plan_d_action(contact)
        self._suivi(contact)
        if cas.cloture is not None:
            self._ajouter(cas.cloture, self._cloturer)
        self._bilans()
        if cas.plan_apurement:
            # Négocié avec le bailleur une fois le contact pris (ou par lui seul, sans contact).
            debut = (contact or cas.date_debut) + timedelta(days=self.hasard.randint(20, 90))
            if debut <= min(self.fin - timedelta(days=10), self.hier):
                self.debut_plan_apurement = debut
                self._ajouter(debut, self._plan_apurement)
        for jour, _, action, args in sorted(self.evenements, key=lambda e: (e[0], e[1])):
            action(jour, *args)
        if cas.cloture is None:
            self._objectifs_au(self.hier, final=False)

    def _prise_de_contact(self):
        """Les premières tentatives, le premier contact et l'adhésion. Rend le jour du contact."""
        cas, hasard = self.cas, self.hasard
        jour = cas.date_debut + timedelta(days=hasard.randint(1, 8))
        if cas.injoignable_d_abord:
            longtemps = cas.injoignable_d_abord == "longtemps"
            essais = hasard.randint(6, 10) if longtemps else hasard.randint(2, 4)
            for rang in range(essais):
                if jour > self.fin:
                    return None
                self._ajouter(jour, self._tentative)
                if rang == 1:
                    self._ajouter(jour, self._adhesion, A.INJOIGNABLE)
                jour += timedelta(
                    days=hasard.randint(10, 20) if longtemps else hasard.randint(4, 10)
                )
        if cas.adhesion == A.INJOIGNABLE:
            return None
        if jour > self.fin:
            return None
        self._ajouter(jour, self._premier_contact)
        if cas.adhesion == A.DE_PRINCIPE and hasard.random() < 0.5:
            self._ajouter(jour, self._adhesion, A.ACCEPTEE)
            plus_tard = jour + timedelta(days=hasard.randint(50, 100))
            if plus_tard <= self.fin:
                self._ajouter(plus_tard, self._adhesion, A.DE_PRINCIPE)
        else:
            self._ajouter(jour, self._adhesion, cas.adhesion)
        return jour

    def _plan_d_action(self, contact):
        cas, hasard = self.cas, self.hasard
        jour = (contact or cas.date_debut) + timedelta(days=hasard.randint(6, 21))
        if contact is None:
            jour = cas.date_debut + timedelta(days=hasard.randint(20, 35))
        jour = min(jour, self.fin)
        self._ajouter(jour, self._objectifs_du_plan)
        if contact is not None and (
            (cas.adhesion == A.ACCEPTEE and hasard.random() < 0.88)
            or (cas.adhesion == A.DE_PRINCIPE and hasard.random() < 0.4)
        ):
            validation = jour + timedelta(days=hasard.randint(0, 14))
            if validation <= self.fin:
                self._ajouter(validation, self._valider_plan)

    def _suivi(self, contact):
        cas, hasard = self.cas, self.hasard
        (court_min, court_max), (long_min, long_max) = self.p.profil["rythme"]
        if contact is None:
            jour = cas.date_debut + timedelta(days=hasard.randint(20, 40))
            while jour <= self.fin:
                self._ajouter(jour, self._tentative)
                jour += timedelta(days=hasard.randint(10, 25))
            return
        jour = contact + timedelta(days=hasard.randint(3, 9))
        while jour <= self.fin:
            self._ajouter(jour, self._intervention)
            anciennete = (jour - cas.date_debut).days
            if cas.adhesion == A.REFUSEE:
                pas = hasard.randint(25, 45)
            elif cas.adhesion == A.DE_PRINCIPE:
                pas = hasard.randint(12, 26)
            elif anciennete < 90:
                pas = hasard.randint(court_min, court_max)
            else:
                pas = hasard.randint(long_min, long_max)
            jour += timedelta(days=pas)

    def _bilans(self):
        cas, hasard = self.cas, self.hasard
        for type_bilan, delai in services.CALENDRIER_BILANS.items():
            prevu = cas.date_debut + delai
            if prevu >= self.p.aujourd_hui or type_bilan in cas.bilans_oublies:
                continue
            if cas.cloture is not None and prevu > cas.cloture:
                continue
            jour = min(prevu + timedelta(days=hasard.randint(-4, 10)), self.fin)
            self._ajouter(self._ouvre(max(jour, cas.date_debut)), self._bilan, type_bilan)
        if cas.cloture is not None and hasard.random() < 0.95:
            jour = min(cas.cloture + timedelta(days=hasard.randint(0, 8)), self.hier)
            self._ajouter(_jour_ouvre(jour, self.hier), self._bilan, TypeBilan.CLOTURE)
        if cas.post_cloture:
            prevu = cas.cloture + services.DELAI_POST_CLOTURE
            jour = min(prevu + timedelta(days=hasard.randint(-3, 10)), self.hier)
            self._ajouter(_jour_ouvre(jour, self.hier), self._bilan, TypeBilan.POST_CLOTURE)

    # --- Les actions, dans l'ordre des dates ----------------------------------------------

    def _adhesion(self, jour, valeur):
        services.definir_adhesion(self.cas.referent, self.accompagnement, valeur)

    def _tentative(self, jour):
        """Visite sans réponse, courrier ou point avec un partenaire quand le ménage se dérobe."""
        hasard = self.hasard
        auteur = hasard.choice(self.sociaux)
        tirage = hasard.random()
        if tirage < 0.5:
            services.noter_visite_sans_reponse(
                auteur, self.accompagnement, date_heure=self._moment(jour)
            )
            return
        contexte = self._contexte(jour)
        if tirage < 0.85:
            type_, note = T.COURRIER_SMS, hasard.choice(NOTES_TENTATIVE)
        else:
            dette, _ = self._dette_au(jour)
            notes = NOTES_TENTATIVE_PARTENAIRE[0 if dette else 1 :]
            type_, note = T.REUNION_PARTENAIRE, hasard.choice(notes)
        services.enregistrer_intervention(
            auteur,
            self.accompagnement,
            type=type_,
            date_heure=self._moment(jour),
            duree_minutes=hasard.randint(*DUREES[type_]),
            note=note.format(**contexte),
        )

    def _premier_contact(self, jour):
        cas, hasard = self.cas, self.hasard
        contexte = self._contexte(jour)
        if self.reouverture:
            note = (
                "Reprise de contact à la demande de {civ} {nom}, qui nous connaît déjà. Dette "
                "de {dette} € ; accord pour reprendre les visites tous les quinze jours."
            )
        elif cas.adhesion == A.REFUSEE:
            note = (
                "Première visite : {civ} {nom} nous reçoit sur le palier, ne souhaite pas d'aide "
                "(« je m'en sors seul{e} »). Carte laissée, nous restons joignables."
            )
        elif cas.injoignable_d_abord:
            note = (
                "Premier contact après plusieurs passages : {civ} {nom} a ouvert la porte. "
                "Méfiant{e} au départ, accepte que nous revenions avec le référent "
                "{de_bailleur}."
            )
        elif self.acces:
            note = (
                "Rencontre avec {civ} {nom} à l'hébergement, avec l'éducatrice référente. "
                "Présentation de l'accompagnement et du logement proposé à {ville}."
            )
        else:
            note = (
                "Première visite à domicile : présentation du dispositif, {civ} {nom} accepte "
                "l'accompagnement. Situation décrite par le bailleur confirmée, courrier en "
                "attente depuis plusieurs semaines."
            )
        participants = (
            [hasard.choice(self.soignants)] if self.soignants and hasard.random() < 0.4 else []
        )
        services.enregistrer_intervention(
            cas.referent if cas.referent in self.sociaux else self.sociaux[0],
            self.accompagnement,
            type=T.VISITE_DOMICILE if not self.acces else T.ENTRETIEN_BUREAU,
            date_heure=self._moment(jour),
            duree_minutes=hasard.randint(45, 90),
            participants=participants,
            note=note.format(**contexte),
        )

    def _objectifs_du_plan(self, jour):
        cas, hasard = self.cas, self.hasard
        candidats = []
        for code in self.problematiques:
            candidats += hasard.sample(OBJECTIFS.get(code, []), len(OBJECTIFS.get(code, [])))
        dette, _ = self._dette_au(jour)
        if dette and not any(o[0] == Axe.BUDGET for o in candidats):
            candidats.insert(0, OBJECTIFS[P.IMPAYES][0])
        if self.enfants and hasard.random() < 0.5:
            candidats.append(OBJECTIF_ENFANTS)
        candidats += hasard.sample(OBJECTIFS_COMMUNS, len(OBJECTIFS_COMMUNS))
        if cas.adhesion in (A.REFUSEE, A.INJOIGNABLE):
            retenus = [OBJECTIF_CONTACT, OBJECTIF_DETTE if dette else candidats[0]]
        else:
            retenus = list(dict.fromkeys(candidats))[: hasard.randint(2, 5)]
        issues = {
            A.ACCEPTEE: {
                S.ATTEINT: 45,
                S.PARTIELLEMENT_ATTEINT: 25,
                S.EN_COURS: 15,
                S.ABANDONNE: 15,
            },
            A.DE_PRINCIPE: {
                S.ATTEINT: 10,
                S.PARTIELLEMENT_ATTEINT: 25,
                S.EN_COURS: 25,
                S.ABANDONNE: 40,
            },
        }.get(cas.adhesion, {S.A_ENGAGER: 40, S.ABANDONNE: 60})
        for axe, libelle, indicateur in retenus:
            echeance = jour + timedelta(days=hasard.choice([60, 90, 120, 180, 270, 365]))
            objet = services.ajouter_objectif(
                cas.referent,
                self.accompagnement,
                axe=axe,
                libelle=libelle,
                indicateur=indicateur,
                echeance=echeance,
            )
            issue = hasard.choices(list(issues), weights=list(issues.values()))[0]
            self.objectifs.append(
                _Objectif(objet, jour, echeance, issue, hasard.choice([50, 60, 70, 80]))
            )

    def _valider_plan(self, jour):
        hasard = self.hasard
        autour = hasard.sample(self.p.profil["autour"], hasard.randint(2, 4))
        contexte = self._contexte(jour)
        services.valider_plan(
            self.cas.referent,
            self.accompagnement,
            jour,
            duree_prevue_mois=hasard.choice(self.p.profil["duree_plan"]),
            structures_autour=", ".join(autour).format(**contexte),
        )

    def _intervention(self, jour):
        cas, hasard = self.cas, self.hasard
        # Quand le ménage ne tient plus ses rendez-vous, la porte reste souvent fermée.
        echec = {A.DE_PRINCIPE: 0.3, A.REFUSEE: 0.4}.get(cas.adhesion, 0.07)
        if hasard.random() < echec:
            self._tentative(jour)
            return
        poids = [(u, 5 if u in self.sociaux else 0) for u in self.sociaux]
        poids += [
            (u, 2.2 if self._profession(u) == Profession.INFIRMIER else 1.6) for u in self.soignants
        ]
        if cas.referent not in self.sociaux and cas.referent not in self.soignants:
            poids.append((cas.referent, 0.6))
        auteur = hasard.choices([u for u, _ in poids], weights=[w for _, w in poids])[0]
        profession = self._profession(auteur)
        contexte = self._contexte(jour)
        participants, autres = [], ""
        confidentialite = Confidentialite.EQUIPE
        if profession in (Profession.INFIRMIER, Profession.PSYCHOLOGUE):
            # Surtout des notes de santé, lisibles des seuls soignants de l'équipe.
            tirage = hasard.random()
            if tirage < 0.72:
                notes = NOTES_INFIRMIER if profession == Profession.INFIRMIER else NOTES_PSYCHOLOGUE
                confidentialite = Confidentialite.SOIGNANTS
            else:
                notes = NOTES_SOIGNANT_EQUIPE
            conditions = self._conditions(jour)
            types, axe, texte, destinations, _ = self._choisir(
                [n for n in notes if self._convient(n[4], conditions)], texte=2
            )
            type_ = hasard.choice(types)
            if tirage > 0.96:
                axe, texte, destinations = None, hasard.choice(NOTES_PERSONNELLES), ()
                confidentialite = Confidentialite.PERSONNELLE
            if type_ == T.VISITE_DOMICILE and hasard.random() < 0.3:
                participants = [hasard.choice(self.sociaux)]
        elif profession == Profession.COORDINATEUR:
            type_ = hasard.choice([T.REUNION_PARTENAIRE, T.ENTRETIEN_TELEPHONIQUE])
            axe, texte, destinations = self._note_sociale(type_, jour)
        else:
            types = {
                T.VISITE_DOMICILE: 38,
                T.ENTRETIEN_TELEPHONIQUE: 20,
                T.ENTRETIEN_BUREAU: 10,
                T.ACCOMPAGNEMENT_PHYSIQUE: 11,
                T.REUNION_PARTENAIRE: 8,
                T.COURRIER_SMS: 6,
                T.GROUPE_DE_PAROLE: 2 if self.p.slug in ("cantal", "nord") else 0,
            }
            type_ = hasard.choices(list(types), weights=list(types.values()))[0]
            axe, texte, destinations = self._note_sociale(type_, jour)
            if hasard.random() < 0.03:
                axe, texte, destinations = None, hasard.choice(NOTES_PERSONNELLES), ()
                confidentialite = Confidentialite.PERSONNELLE
            if type_ == T.VISITE_DOMICILE and self.soignants and hasard.random() < 0.25:
                participants = [hasard.choice(self.soignants)]
        if type_ == T.REUNION_PARTENAIRE:
            autres = ", ".join(hasard.sample(AUTRES_PARTICIPANTS, hasard.randint(1, 2)))
        objectifs = [o.objet for o in self.objectifs if axe and o.objet.axe == axe][:1]
        services.enregistrer_intervention(
            auteur,
            self.accompagnement,
            type=type_,
            date_heure=self._moment(jour, 8 if type_ == T.ENTRETIEN_TELEPHONIQUE else 9, 18),
            duree_minutes=hasard.randint(*DUREES[type_]) // 5 * 5,
            participants=participants,
            autres_participants=autres,
            objectifs=objectifs,
            destinations=destinations if hasard.random() < 0.8 else (),
            note=texte.format(**contexte),
            confidentialite=confidentialite,
        )

    def _note_sociale(self, type_, jour):
        conditions = self._conditions(jour)
        notes = [n for n in NOTES_SOCIALES[type_] if self._convient(n[3], conditions)]
        axe, texte, destinations, _ = self._choisir(notes, texte=1)
        return axe, texte, destinations

    def _choisir(self, notes, texte):
        """Une note pas encore écrite dans ce dossier, tant qu'il en reste."""
        nouvelles = [n for n in notes if n[texte] not in self.deja_ecrit] or notes
        note = self.hasard.choice(nouvelles)
        self.deja_ecrit.add(note[texte])
        return note

    def _etat(self, objectif, jour, final):
        """Statut et avancement d'un objectif à une date, selon l'issue qui lui est promise."""
        duree = max(1, (objectif.echeance - objectif.debut).days)
        part = (jour - objectif.debut).days / duree
        issue = objectif.issue
        if final:
            if issue in (S.EN_COURS, S.A_ENGAGER):
                if self.cas.motif in (M.STABILISEE, M.RELOGEMENT):
                    return S.PARTIELLEMENT_ATTEINT, objectif.avancement_final
                return S.ABANDONNE, 10 * min(3, int(part * 3))
            if issue == S.ATTEINT and part < 0.9 and self.cas.motif != M.STABILISEE:
                return S.PARTIELLEMENT_ATTEINT, objectif.avancement_final
            part = max(part, 1)
        if part < 0.15 or issue == S.A_ENGAGER:
            return S.A_ENGAGER, 0
        if issue == S.ATTEINT:
            if part >= 0.9:
                return S.ATTEINT, 100
            return S.EN_COURS, max(10, min(90, round(part * 10) * 10))
        if issue == S.PARTIELLEMENT_ATTEINT:
            if part >= 1:
                return S.PARTIELLEMENT_ATTEINT, objectif.avancement_final
            return S.EN_COURS, max(10, min(objectif.avancement_final, round(part * 10) * 10))
        if issue == S.ABANDONNE:
            if part >= 0.5:
                return S.ABANDONNE, 20
            return S.EN_COURS, 10
        return S.EN_COURS, max(10, min(80, round(part * 7) * 10))

    def _objectifs_au(self, jour, final):
        for objectif in self.objectifs:
            statut, avancement = self._etat(objectif, jour, final)
            if (objectif.objet.statut, objectif.objet.avancement) != (statut, avancement):
                services.suivre_objectif(
                    self.cas.referent, objectif.objet, statut=statut, avancement=avancement
                )

    def _bilan(self, jour, type_bilan):
        cas, hasard = self.cas, self.hasard
        bilan = self.accompagnement.bilans.filter(type=type_bilan).first()
        if bilan is None:
            return
        final = type_bilan in (TypeBilan.CLOTURE, TypeBilan.POST_CLOTURE)
        progressions = []
        for objectif in self.objectifs:
            statut, avancement = self._etat(objectif, jour, final)
            progressions.append(
                (objectif.objet, statut, avancement, hasard.choice(PHRASES_PROGRESSION[statut]))
            )
        dette, stade = self._dette_au(jour)
        if type_bilan == TypeBilan.CLOTURE or type_bilan == TypeBilan.POST_CLOTURE:
            decision = DecisionBilan.CLOTURE
        elif cas.adhesion in (A.REFUSEE, A.INJOIGNABLE) or hasard.random() < 0.25:
            decision = DecisionBilan.REAJUSTEMENT
        else:
            decision = DecisionBilan.POURSUITE
        services.realiser_bilan(
            cas.referent,
            bilan,
            date_realisation=jour,
            synthese=self._synthese(type_bilan, jour, progressions, dette),
            decision=decision,
            progressions=progressions,
            dette=dette,
            stade_procedure=stade if dette is not None else "",
        )
        if dette is not None:
            self.dettes.append((jour, 10**9 + self.ordre, dette, stade))
            self.dettes.sort(key=lambda d: (d[0], d[1]))

    def _synthese(self, type_bilan, jour, progressions, dette):
        cas = self.cas
        contexte = self._contexte(jour)
        qui = "{civ} {nom}".format(**contexte)
        atteints = sum(1 for p in progressions if p[1] == S.ATTEINT)
        en_cours = sum(1 for p in progressions if p[1] in (S.EN_COURS, S.PARTIELLEMENT_ATTEINT))
        entree = self._dette_au(cas.date_debut)[0]
        if entree is None and self.dettes:
            entree = self.dettes[0][2]
        phrases = []
        if type_bilan == TypeBilan.DIAGNOSTIC:
            libelles = [Problematique(code).label for code in self.problematiques]
            phrases.append(f"Diagnostic partagé avec {qui} : {', '.join(libelles)}.")
            if cas.adhesion in (A.INJOIGNABLE,) or (
                cas.injoignable_d_abord and self.accompagnement.date_premier_contact is None
            ):
                phrases.append("Ménage toujours injoignable malgré les passages et courriers.")
            else:
                priorites = "; ".join(_minuscule(o.objet.libelle) for o in self.objectifs[:3])
                if priorites:
                    phrases.append(f"Priorités retenues : {priorites}.")
                phrases.append(
                    "Rythme proposé : une visite par semaine puis tous les quinze jours."
                )
        elif type_bilan == TypeBilan.POST_CLOTURE:
            phrases.append(self._apres_la_fin(qui, dette, contexte))
        else:
            adhesion = {
                A.ACCEPTEE: "Adhésion réelle, rendez-vous tenus.",
                A.DE_PRINCIPE: "Adhésion de principe : rendez-vous souvent manqués.",
                A.REFUSEE: "Le ménage refuse l'accompagnement.",
                A.INJOIGNABLE: "Ménage injoignable sur la période.",
                A.NON_RENSEIGNEE: "Premier contact pas encore établi.",
            }[self.accompagnement.adhesion]
            phrases.append(adhesion)
            if progressions:
                phrases.append(
                    f"Objectifs : {_pluriel(atteints, 'atteint', 'atteints')} et "
                    f"{en_cours} en cours ou en partie atteints sur {len(progressions)}."
                )
            if type_bilan == TypeBilan.CLOTURE:
                phrases.append(COMMENTAIRES_CLOTURE[cas.motif])
        if dette is not None and entree is not None and type_bilan != TypeBilan.POST_CLOTURE:
            if dette < entree:
                phrases.append(
                    f"Dette locative en baisse : {_euros(entree)} € à l'entrée, "
                    f"{_euros(dette)} € ce jour."
                )
            elif dette > entree:
                phrases.append(
                    f"Dette locative en hausse : {_euros(entree)} € à l'entrée, "
                    f"{_euros(dette)} € ce jour."
                )
            else:
                phrases.append(f"Dette locative stable ({_euros(dette)} €).")
        return " ".join(phrases)

    def _apres_la_fin(self, qui, dette, contexte):
        motif = self.cas.motif
        if motif == M.DECES:
            return (
                "Bilan sans objet : décès du locataire, logement restitué à "
                f"{contexte['a_bailleur']}."
            )
        if motif == M.EXPULSION:
            return (
                f"Trois mois après la fin : {qui} hébergé{contexte['e']} par le 115 puis en CHRS ; "
                "solde de la dette transmis au contentieux."
            )
        if motif == M.RELOGEMENT:
            return (
                "Trois mois après la fin : installation réussie dans le nouveau logement, loyers "
                "payés selon le bailleur. Pas de nouvelle orientation nécessaire."
            )
        if motif == M.REORIENTATION:
            return (
                f"Trois mois après la fin : {qui} accueilli{contexte['e']} en pension de famille, "
                "suivi assuré par l'équipe de la structure."
            )
        if motif == M.DEPART_VOLONTAIRE:
            return (
                "Trois mois après la fin : état des lieux de sortie fait, solde éventuel transmis "
                "au service recouvrement."
            )
        if motif in (M.NON_ADHESION, M.PERTE_DE_CONTACT):
            return (
                "Trois mois après la fin : pas de nouvelle du ménage. Le bailleur est invité à "
                "réorienter si la situation se dégrade."
            )
        if dette:
            suivi = (
                "plan d'apurement suivi par le bailleur"
                if self.debut_plan_apurement
                else "échéancier à confirmer avec le bailleur"
            )
            return (
                f"Trois mois après la fin : {qui} toujours dans les lieux, dette de "
                f"{_euros(dette)} €, {suivi}. Pas de nouvelle orientation nécessaire."
            )
        return (
            f"Trois mois après la fin : {qui} se maintient, loyers payés, pas de nouvelle "
            "difficulté signalée par le bailleur. Pas de nouvelle orientation nécessaire."
        )

    def _cloturer(self, jour):
        cas = self.cas
        self._objectifs_au(jour, final=True)
        dette, _ = self._dette_au(jour)
        maintien = MAINTIEN.get(cas.motif, self.hasard.random() < 0.7)
        en_place = self.debut_plan_apurement is not None and self.debut_plan_apurement <= jour
        services.cloturer_accompagnement(
            cas.referent,
            self.accompagnement,
            date=jour,
            motif=cas.motif,
            maintien_dans_logement=maintien,
            dette=dette,
            plan_apurement_en_place=en_place and cas.motif not in (M.EXPULSION, M.DECES),
            commentaire=COMMENTAIRES_CLOTURE[cas.motif],
        )
        if dette is not None:
            self.dettes.append((jour, 10**9 + self.ordre, dette, ""))
            self.dettes.sort(key=lambda d: (d[0], d[1]))

    def _plan_apurement(self, jour):
        hasard = self.hasard
        cas = self.cas
        recul = (self.p.aujourd_hui - jour).days
        if recul < 60:
            respecte, constat = None, None
        else:
            respecte = cas.motif != M.EXPULSION and hasard.random() < 0.62
            constat = min(self.hier, jour + timedelta(days=hasard.randint(60, 150)))
        fin = cas.motif in (M.EXPULSION, M.RELOGEMENT, M.DECES, M.DEPART_VOLONTAIRE)
        PlanApurement.objects.create(
            menage=cas.menage,
            date_debut=jour,
            montant_mensuel=Decimal(hasard.choice([30, 40, 50, 60, 75, 80, 100, 120, 150])),
            respecte=respecte,
            date_constat=constat,
            aide_fsl=Decimal(hasard.randint(3, 15) * 100) if hasard.random() < 0.35 else None,
            autres_aides=hasard.choice(
                [
                    "",
                    "",
                    "",
                    "Secours exceptionnel du CCAS (200 €)",
                    "Aide de l'action sociale de la caisse de retraite",
                    "Fonds de solidarité du bailleur",
                ]
            ),
            actif=not fin and (respecte is not False or hasard.random() < 0.5),
            saisi_par=hasard.choice([cas.referent, self.p.agent]),
        )


FERIES = {(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)}


def _est_ouvre(jour):
    return jour.weekday() < 5 and (jour.month, jour.day) not in FERIES


def _jour_ouvre(jour, limite):
    """Le premier jour ouvré à partir de `jour` sans dépasser `limite`, sinon le précédent."""
    for decalage in (0, 1, 2, 3, -1, -2, -3):
        candidat = jour + timedelta(days=decalage)
        if _est_ouvre(candidat) and candidat <= limite:
            return candidat
    return jour


def _de(nom):
    """« de mai », « d'août », « d'Aurillac »."""
    return f"d'{nom}" if nom[:1].lower() in "aeiouyéèâî" else f"de {nom}"


def _minuscule(texte):
    return texte[:1].lower() + texte[1:]


def _pluriel(nombre, singulier, pluriel):
    return f"{nombre} {singulier if nombre < 2 else pluriel}"


def _ascii(texte):
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in sans_accents.lower()).strip("-")


def _euros(montant):
    """1234.5 → « 1 234,50 » (espace fine insécable des milliers, virgule décimale)."""
    texte = f"{Decimal(montant):,.2f}".replace(",", "\u202f").replace(".", ",")
    return texte.removesuffix(",00")
