"""La table du test d'accès généré : pour chaque motif d'URL, sur quelle sorte d'objet il porte,
ce qu'il exige et comment on l'appelle ; et l'essai d'un motif par une personne, ligne par ligne,
comparé à ce que la matrice ouvre (voir `test_matrice_urls.py`)."""

import functools
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from openpyxl import load_workbook

from acces.enums import EtatVacant, IssueCAL, MotifRetrait, ReponseMenage, TypeBail
from acces.models import (
    Bail,
    DecisionCAL,
    EtapeRelais,
    LogementVacant,
    PieceDossier,
    Proposition,
    RetraitLogement,
    SeanceCAL,
)
from accompagnement.models import Accompagnement
from core.enums import Role
from core.exports import TYPE_XLSX
from core.factories import OrganisationFactory, TerritoireFactory
from core.permissions import Action, Donnee, Ecriture
from menages.models import Orientation
from rapports import indicateurs
from tests.conftest import apps_du_produit

from .situations import (
    DISPOSITIFS,
    MENAGES,
    NOMS,
    ORIENTATION_D_UN_TIERS,
    PERSONNES,
    PROVISOIRES,
    SEANCES,
    decide,
    marqueurs,
    ouvre,
    ouvre_dans,
    peut,
    voit_seance,
)

D, E, A = Donnee, Ecriture, Action

# Les seuls motifs hors du test : l'administration technique, les pages de compte et de mot de
# passe (avant la connexion, ou sur son propre compte), la sonde de supervision.
EXCLUS = {
    "admin:*",
    "login",
    "logout",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "sante",
    # Publique par la loi (RGAA) ; testée dans tests/core/test_accessibilite.py.
    "accessibilite",
    # Son propre compte, comme le mot de passe : la double authentification et la session.
    "double_facteur",
    "double_facteur_activer",
    "double_facteur_codes",
    "double_facteur_verifier",
    "core:session_etat",
    "core:session_prolonger",
    # Le secret hors réseau de sa propre personne, le service worker et le manifeste (publics,
    # sans donnée) : tests/core/test_hors_ligne.py.
    "core:hors_ligne_cle",
    "service_worker",
    "manifeste",
    # Des objets qui ne sont pas des lignes de ménage (une adhésion, un compte, un import) :
    # leurs refus ont leurs propres tests (tests/core/test_double_facteur.py,
    # tests/core/test_adhesions.py, tests/menages/test_import_borne.py).
    "core:confirmer_adhesion",
    "core:reinitialiser_facteur",
    "menages:import_etat",
    # Le dossier du droit d'accès (RGPD art. 15) montre par construction tout ce qui est détenu
    # sur le ménage, notes « soignants » et personnelles comprises, que la coordination ne lit
    # pas ailleurs : la matrice ne décrit pas ce contenu. Ses refus (chaque autre rôle, l'équipe
    # comprise, un autre dispositif, l'administration) : tests/rgpd/test_droit_d_acces.py.
    "rgpd:droit_d_acces_pdf",
    # Le rapport national consolidé n'est pas une ligne d'un dispositif : ses téléchargements
    # ne s'ouvrent qu'au financeur national, qui ne tient aucun rôle de la matrice ; leurs
    # refus, pour chaque rôle, ont leurs propres tests (tests/rapports/test_national.py).
    "rapports:national_pdf",
    "rapports:national_xlsx",
    # L'auteur seul, dans un délai : ni un rôle ni une ligne ne l'ouvrent. Les refus (un
    # collègue de l'équipe, la coordination, hors délai, hors équipe) sont dans
    # tests/accompagnement/test_correction_intervention.py.
    "accompagnement:corriger_intervention",
    "accompagnement:annuler_intervention",
    # Une décision déjà prise, vue au travers de son point : les refus (agent, équipe, COTECH
    # d'un autre dispositif) sont dans tests/comites/test_decision_corrigee.py.
    "comites:corriger_decision",
    # Une invitation, une adhésion : leurs refus, rôle par rôle et d'un dispositif à l'autre,
    # sont dans tests/equipes/test_refus.py ; le lien d'une invitation est public (son jeton
    # est le secret) : tests/equipes/test_invitations.py.
    "equipes:renvoyer",
    "equipes:revoquer",
    "equipes:modifier",
    "equipes:terminer",
    "equipes:accepter",
}


# --- Les sortes d'objets : les lignes où chaque motif est essayé -----------------------------

LIGNES_PAR_SORTE = {
    None: [None],  # un motif sans objet : une seule « ligne »
    "dispositif": list(DISPOSITIFS.values()),
    "rapport": list(DISPOSITIFS.values()),
    "menage": list(MENAGES.values()),
    "orientation": [*MENAGES.values(), ORIENTATION_D_UN_TIERS],
    "accompagnement": list(MENAGES.values()),
    "accompagnement_clos": list(MENAGES.values()),
    "objectif": list(MENAGES.values()),
    "bilan": list(MENAGES.values()),
    "a_rattacher": list(PROVISOIRES.values()),
    "comite": list(SEANCES.values()),
    "seance": list(SEANCES.values()),
    "point": list(SEANCES.values()),
}


def slug(objet):
    return [objet.slug]


def public_id(objet):
    return [objet.public_id]


# --- Ce que chaque motif exige, quand la matrice ne suffit pas à le dire -----------------------


def tout_le_monde(personne, ligne):
    return True


def membre(personne, ligne):
    return personne.dispositif == ligne.dispositif


def coordination_du_dispositif(personne, ligne):
    return personne.dispositif == ligne.dispositif and Role.COORDINATEUR in personne.roles


def reglage_du_dispositif(personne, ligne):
    """La coordination de tout le dispositif : pas un coordinateur limité à un territoire."""
    return coordination_du_dispositif(personne, ligne) and not personne.territoire


def accueil_des_comites(personne, ligne):
    """La coordination, et qui siège à un comité avec un rôle de comité (les personnes de A
    siègent toutes au comité technique de A)."""
    return peut(personne, A.ANIMER_COMITE) or bool(
        personne.roles & {Role.MEMBRE_COTECH, Role.MEMBRE_COPIL}
    )


def seance_visible(personne, seance):
    return voit_seance(personne, seance)


def export_de_seance(personne, seance):
    """La séance, et au moins un ménage de son ordre du jour (sinon rien à exporter)."""
    return voit_seance(personne, seance) and ouvre(personne, D.IDENTITE, MENAGES[seance.menage])


def point_decidable(personne, seance):
    return (
        voit_seance(personne, seance)
        and ouvre(personne, D.IDENTITE, MENAGES[seance.menage])
        and decide(personne, seance)
    )


def animer(personne, seance):
    return peut(personne, A.ANIMER_COMITE, seance.dispositif)


def orientation_a_rattacher(personne, provisoire):
    """La coordination qui voit l'orientation et le ménage déjà connu."""
    return (
        peut(personne, A.GERER_ORIENTATIONS, provisoire.dispositif)
        and ouvre(personne, D.ORIENTATION, provisoire)
        and ouvre(personne, D.IDENTITE, MENAGES[provisoire.menage])
    )


def financeur_national(personne, ligne):
    """La vue nationale : aucune des personnes essayées (rôles d'un dispositif) n'y entre ; le
    financeur national a ses propres tests (tests/rapports/test_national.py)."""
    return False


def oriente_avec_la_fiche_complete(personne, ligne):
    """Qui oriente dans le dispositif autrement que seulement comme prescripteur : sa fiche
    propose la structure qui oriente (celle d'un prescripteur est la sienne)."""
    return peut(personne, A.ORIENTER, ligne.dispositif) and bool(
        personne.roles & {Role.COORDINATEUR, Role.AGENT_BAILLEUR}
    )


def extrait_pseudonymise(objet):
    return [objet.slug, "orientations"]


def information(personne, ligne):
    """La coordination (qui compose l'équipe) ; le ou la référent·e aussi, mais aucune personne
    essayée n'est référente."""
    return ouvre(personne, D.IDENTITE, ligne) and ouvre(personne, E.EQUIPE, ligne)


# --- Les données envoyées ----------------------------------------------------------------------


def hier():
    return (timezone.localdate() - timedelta(days=1)).isoformat()


def maintenant():
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


def fiche_orientation(monde, objet):
    return {
        "date_orientation": hier(),
        "parcours": "maintien",
        "source": "recouvrement",
        "reference_locataire": "REF-NOUVELLE-FICHE",
        "nom": "Nouvellefiche",
        "composition": "monoparentale",
        "nb_adultes": "1",
        "nb_enfants": "2",
        "mesure_protection": "curatelle",
        "ressources_mensuelles": "1000",
        "adresse": "3 rue des Lilas",
        "code_postal": "15000",
        "commune": "Aurillac",
        "typologie": "T3",
        "statut_occupation": "locataire_en_titre",
        "loyer": "420",
        "problematiques": ["impayes"],
        "description": "Courriers sans réponse.",
        "stade_procedure": "aucune",
    }


def fichier_d_orientations(monde, objet):
    contenu = (
        "reference_locataire;date_orientation;parcours;nom;adresse;code_postal;commune;"
        "problematiques;source;dette_locative\n"
        "REF-IMPORT-1;15/03/2026;maintien;Importe;3 rue des Lilas;15000;Aurillac;impayés;"
        "recouvrement;\n"
    )
    return {"fichier": SimpleUploadedFile("orientations.csv", contenu.encode(), "text/csv")}


def bilan_realise(monde, bilan):
    donnees = {"date_realisation": hier(), "synthese": "Synthèse.", "decision": "poursuite"}
    for objectif in bilan.accompagnement.objectifs.all():
        donnees[f"statut_{objectif.pk}"] = "en_cours"
        donnees[f"avancement_{objectif.pk}"] = "50"
    return donnees


def decision(monde, point):
    prefixe = f"p{point.public_id.hex[:8]}"
    return {f"{prefixe}-type": "strategie", f"{prefixe}-motifs": "Renforcer les visites."}


def point_pas_encore_decide(monde, point):
    """Pour essayer de décider : un point déjà décidé se lit et se corrige, il ne se redécide
    pas (tests/comites/test_decision_corrigee.py)."""
    point.decisions.all().delete()


def ouverture(monde, menage):
    referent = menage.dispositif.membres.filter(role="travailleur_social").first().user_id
    return {"date_debut": hier(), "referent": referent}


def fermer_l_episode_en_cours(monde, menage):
    """Pour essayer d'ouvrir un accompagnement : le ménage n'en a plus d'ouvert."""
    Accompagnement.objects.filter(menage=menage).update(statut="clos")


# --- Le parcours accès : l'état que chaque geste suppose, construit sans passer par les droits --


def _secteur(dispositif):
    return dispositif.territoires.first() or TerritoireFactory(dispositif=dispositif)


def _vacant(dispositif, reference="VAC-TABLE"):
    return LogementVacant.objects.create(
        dispositif=dispositif,
        reference=reference,
        adresse="4 rue des Aravis",
        code_postal="74000",
        commune="Annecy",
        territoire=_secteur(dispositif),
        typologie="T2",
        loyer=400,
        disponible_le=timezone.localdate(),
    )


ETAPES_ACCES = ("proposee", "informee", "acceptee", "attribuee", "bail", "glissant")


def parcours_jusqu_a(etape):
    """Un `preparer` : le ménage a une proposition avancée jusqu'à `etape`."""

    def preparer(monde, menage):
        rang = ETAPES_ACCES.index(etape)
        aujourd_hui = timezone.localdate()
        proposition = Proposition.objects.create(
            menage=menage,
            logement=_vacant(menage.dispositif, reference=f"VAC-{menage.pk}"),
            date_proposition=aujourd_hui - timedelta(days=20),
            prescripteur_informe_le=aujourd_hui - timedelta(days=19) if rang >= 1 else None,
        )
        PieceDossier.objects.create(
            proposition=proposition,
            ordre=0,
            libelle="Avis d'imposition",
            recue_le=aujourd_hui - timedelta(days=15) if rang >= 2 else None,
        )
        if rang >= 2:
            proposition.reponse_menage = ReponseMenage.ACCEPTEE
            proposition.date_reponse = aujourd_hui - timedelta(days=18)
            proposition.save()
        if rang >= 3:
            seance = SeanceCAL.objects.create(
                dispositif=menage.dispositif,
                date=aujourd_hui - timedelta(days=10),
                bailleur=menage.dispositif.porteur,
            )
            DecisionCAL.objects.create(
                proposition=proposition, seance=seance, issue=IssueCAL.ATTRIBUTION
            )
            LogementVacant.objects.filter(pk=proposition.logement_id).update(
                etat=EtatVacant.ATTRIBUE
            )
        if rang >= 4:
            glissant = rang >= 5
            bail = Bail.objects.create(
                proposition=proposition,
                menage=menage,
                date_signature=aujourd_hui - timedelta(days=5),
                type=TypeBail.GLISSANT if glissant else TypeBail.DIRECT,
                association_preneuse=OrganisationFactory() if glissant else None,
            )
            EtapeRelais.objects.create(
                bail=bail, libelle="Présentation", date_prevue=aujourd_hui + timedelta(days=20)
            )
        if etape == "bail":
            fermer_l_episode_en_cours(monde, menage)

    return preparer


def proposition_de(menage):
    return [Proposition.objects.filter(menage=menage).latest("pk").public_id]


def etape_de(menage):
    return [EtapeRelais.objects.filter(bail__menage=menage).latest("pk").public_id]


def vacant_prepare(monde, objet):
    dispositif = objet if hasattr(objet, "slug") else objet.dispositif
    _vacant(dispositif)


def vacant_a_proposer(monde, menage):
    return {
        "logement": LogementVacant.objects.get(
            dispositif=menage.dispositif, reference="VAC-TABLE"
        ).public_id,
        "date_proposition": hier(),
    }


def vacant_retire(monde, dispositif):
    retrait = RetraitLogement.objects.create(
        logement=_vacant(dispositif),
        date=timezone.localdate() - timedelta(days=1),
        motif=MotifRetrait.TRAVAUX,
    )
    LogementVacant.objects.filter(pk=retrait.logement_id).update(etat=EtatVacant.RETIRE)


def vacant_du_dispositif(dispositif):
    return [LogementVacant.objects.get(dispositif=dispositif, reference="VAC-TABLE").public_id]


def logement_saisi(monde, dispositif):
    return {
        "reference": "SAISI-1",
        "adresse": "1 place de l'Hôtel de ville",
        "code_postal": "74000",
        "commune": "Annecy",
        "territoire": _secteur(dispositif).pk,
        "typologie": "T3",
        "etage": "2",
        "loyer": "450",
        "charges": "80",
        "apl_estimee": "200",
        "disponible_le": hier(),
    }


def fichier_de_logements(monde, dispositif):
    secteur = _secteur(dispositif)
    contenu = (
        "reference;adresse;code_postal;commune;secteur;typologie;loyer;disponible_le\n"
        f"IMP-1;2 rue du Lac;74000;Annecy;{secteur.nom};T2;380,50;{hier()}\n"
    )
    return {"fichier": SimpleUploadedFile("logements.csv", contenu.encode(), "text/csv")}


def suivi_apres_bail(monde, menage):
    ts = menage.dispositif.membres.filter(role="travailleur_social").first().user_id
    return {"travailleur_social": ts, "date_debut": hier()}


def sans_dette_declaree(monde, orientation):
    """Pour compléter la dette d'une orientation : elle n'en déclare pas (celle d'un
    prescripteur)."""
    Orientation.objects.filter(pk=orientation.pk).update(dette_locative=None)


def file_active(personne):
    """La file active : les ménages que la personne voit par son équipe, son comité, son
    dispositif ou son territoire ; ses propres orientations n'y font pas entrer une ligne (elle
    les suit dans « Mes orientations »)."""
    return [
        NOMS[cle]
        for cle, ligne in MENAGES.items()
        if ouvre(personne, D.IDENTITE, ligne.sans_orientes)
    ]


# --- La table ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entree:
    """Ce qu'un motif d'URL exige et comment on l'appelle.

    `exige` : ce qui doit être ouvert, toutes les conditions à la fois — une `Donnee` (lire) ou une
    `Ecriture` (écrire), décidée sur la ligne de l'objet (pour un motif sans objet ou sur un
    dispositif : quelque part dans le dispositif) ; une `Action` (dans le dispositif de l'objet,
    ou dans l'un de ceux de la personne) ; ou une fonction (personne, ligne) -> bool.
    `arguments` : les arguments de l'URL, à partir de l'objet de la ligne (`Monde.objet`) : son
    identifiant public ; le slug d'un dispositif ; rien pour un motif sans objet.
    `exige_en_plus_pour_ecrire` : ce qu'un envoi exige en plus d'un GET (la page d'un bilan se
    lit avec le plan, le bilan s'écrit avec le droit d'écrire les bilans).
    `donnees` : ce qu'un envoi poste (fonction du monde et de l'objet) ; `requete` : les
    paramètres d'un GET. `succes` : le code d'un
    GET réussi. `change` : un envoi réussi change une ligne au moins. `preparer` : ce qu'il faut
    avant l'appel (dans la transaction du cas, annulée ensuite).
    """

    sorte: str | None
    exige: tuple
    methodes: tuple = ("GET",)
    exige_en_plus_pour_ecrire: tuple = ()
    arguments: Callable = public_id
    donnees: Callable = lambda monde, objet: {}
    succes: int = 200
    change: bool = True
    preparer: Callable | None = None
    htmx: bool = False
    montre: Callable | None = None  # personne -> les ménages qu'une réponse réussie nomme
    requete: dict | None = None  # les paramètres d'un GET (une recherche : sa liste, son texte)


def sans_argument(objet):
    return []


def entree(sorte, *exige, **options):
    if sorte is None:
        options.setdefault("arguments", sans_argument)
    elif sorte == "dispositif":
        options.setdefault("arguments", slug)
    return Entree(sorte, exige, **options)


GET, POST, GET_POST = ("GET",), ("POST",), ("GET", "POST")

TABLE = {
    # core
    "core:dispositifs": entree(None, tout_le_monde),
    "core:dispositif": entree("dispositif", membre),
    "core:notice_information": entree("dispositif", membre),
    "core:notice_information_pdf": entree("dispositif", membre),
    "core:acces": entree("dispositif", coordination_du_dispositif),
    # équipes du dispositif (l'envoi d'une invitation rend sa page : tests/equipes/test_refus.py)
    "equipes:membres": entree("dispositif", A.GERER_MEMBRES),
    "equipes:membres_export": entree("dispositif", A.GERER_MEMBRES),
    "equipes:inviter": entree("dispositif", A.GERER_MEMBRES),
    "equipes:a_reaffecter": entree("dispositif", A.GERER_MEMBRES, methodes=GET_POST, change=False),
    "equipes:personnes": entree(
        "dispositif", A.GERER_MEMBRES, requete={"liste": "referent", "q": "pr"}
    ),
    "equipes:structures": entree(
        "dispositif", A.GERER_MEMBRES, requete={"liste": "organisation", "q": "ba"}
    ),
    "core:reglages": entree(
        "dispositif",
        reglage_du_dispositif,
        methodes=GET_POST,
        donnees=lambda m, o: {"action": "cibles", "cibles-taux_adhesion": "66,7"},
    ),
    # ménages et orientations
    "menages:relever_dette": entree(
        "menage",
        D.DETTE,
        E.DETTE,
        methodes=POST,
        donnees=lambda m, o: {"date": hier(), "montant": "1 000,00", "stade_procedure": ""},
    ),
    "menages:plan_apurement": entree(
        "menage",
        D.DETTE,
        E.PLAN_APUREMENT,
        methodes=POST,
        donnees=lambda m, o: {"date_debut": hier(), "montant_mensuel": "50", "respecte": "unknown"},
    ),
    "menages:nouvelle_orientation": entree(
        None, A.ORIENTER, methodes=GET_POST, donnees=fiche_orientation
    ),
    "menages:nouvelle_orientation_dans": entree(
        "dispositif", A.ORIENTER, methodes=GET_POST, donnees=fiche_orientation
    ),
    "menages:structures_qui_orientent": entree(
        "dispositif", oriente_avec_la_fiche_complete, requete={"liste": "prescripteur", "q": "ba"}
    ),
    "menages:mes_orientations": entree(None, tout_le_monde),
    "menages:changer_statut": entree(
        "orientation",
        D.ORIENTATION,
        A.GERER_ORIENTATIONS,
        methodes=POST,
        donnees=lambda m, o: {"statut": "a_examiner"},
    ),
    "menages:completer_dette": entree(
        "orientation",
        D.ORIENTATION,
        E.DETTE,
        methodes=POST,
        donnees=lambda m, o: {"dette_locative": "1 000,00", "stade_procedure": "aucune"},
        preparer=sans_dette_declaree,
    ),
    "menages:a_rattacher": entree(None, A.GERER_ORIENTATIONS),
    "menages:rattachement": entree("a_rattacher", orientation_a_rattacher),
    "menages:rattacher": entree("a_rattacher", orientation_a_rattacher, methodes=POST),
    "menages:garder_a_part": entree("a_rattacher", orientation_a_rattacher, methodes=POST),
    "menages:fiche_orientation": entree("orientation", D.ORIENTATION),
    "menages:importer": entree(None, A.IMPORTER, methodes=GET_POST, donnees=fichier_d_orientations),
    "menages:importer_dans": entree(
        "dispositif", A.IMPORTER, methodes=GET_POST, donnees=fichier_d_orientations
    ),
    # accompagnement
    "accompagnement:ouvrir": entree(
        "menage",
        D.IDENTITE,
        E.EQUIPE,
        methodes=GET_POST,
        donnees=ouverture,
        preparer=fermer_l_episode_en_cours,
    ),
    # La recherche d'une personne d'un formulaire : les droits de la page du formulaire.
    "accompagnement:personnes": entree(
        "menage", D.IDENTITE, E.EQUIPE, requete={"liste": "equipe", "q": "pr"}
    ),
    "accompagnement:information": entree(
        "menage",
        information,
        methodes=POST,
        donnees=lambda m, o: {"date_information": hier()},
    ),
    "accompagnement:detail": entree("accompagnement", D.IDENTITE),
    "accompagnement:intervention": entree(
        "accompagnement",
        D.IDENTITE,
        E.INTERVENTIONS,
        methodes=GET_POST,
        donnees=lambda m, o: {
            "type": "entretien_bureau",
            "date_heure": maintenant(),
            "duree_minutes": "30",
            "note": "Entretien.",
            "confidentialite": "equipe",
        },
    ),
    "accompagnement:sans_reponse": entree(
        "accompagnement", D.IDENTITE, E.INTERVENTIONS, methodes=POST
    ),
    "accompagnement:adhesion": entree(
        "accompagnement",
        D.IDENTITE,
        E.PLAN,
        methodes=POST,
        donnees=lambda m, o: {"adhesion": "acceptee"},
    ),
    "accompagnement:objectif": entree(
        "accompagnement",
        D.PLAN,
        E.PLAN,
        methodes=POST,
        donnees=lambda m, o: {"axe": "budget", "libelle": "Un objectif de plus"},
    ),
    "accompagnement:valider_plan": entree(
        "accompagnement",
        D.PLAN,
        E.PLAN,
        methodes=GET_POST,
        donnees=lambda m, o: {"date_validation": hier(), "duree_prevue_mois": "12"},
    ),
    "accompagnement:cloture": entree(
        "accompagnement",
        D.PLAN,
        E.CLOTURE,
        methodes=GET_POST,
        donnees=lambda m, o: {
            "date": hier(),
            "motif": "stabilisee",
            "maintien_dans_logement": "oui",
        },
    ),
    "accompagnement:suivre_objectif": entree(
        "objectif",
        D.PLAN,
        E.PLAN,
        methodes=POST,
        donnees=lambda m, o: {"statut": "atteint", "avancement": "100"},
    ),
    "accompagnement:bilan": entree(
        "bilan",
        D.PLAN,
        methodes=GET_POST,
        exige_en_plus_pour_ecrire=(E.BILANS,),
        donnees=bilan_realise,
    ),
    "accompagnement:fiche_suivi": entree("accompagnement", D.IDENTITE),
    "accompagnement:fiche_cloture": entree("accompagnement_clos", D.PLAN),
    "accompagnement:fiche_bilan": entree("bilan", D.PLAN),
    # comités
    "comites:accueil": entree(None, accueil_des_comites),
    "comites:planifier": entree(
        "comite",
        animer,
        methodes=POST,
        donnees=lambda m, o: {
            "date": f"{timezone.localdate() + timedelta(days=20):%Y-%m-%d}T09:30",
            "lieu": "Mairie",
        },
    ),
    "comites:seance": entree("seance", seance_visible),
    "comites:construire": entree("seance", animer, methodes=POST, change=False),
    "comites:presences": entree(
        "seance",
        animer,
        methodes=GET_POST,
        donnees=lambda m, seance: {
            "presents": [
                next(pk for cle, pk in m.siegeants.items() if m.objets["seance", cle] == seance)
            ]
        },
    ),
    "comites:export_csv": entree("seance", export_de_seance),
    "comites:export_xlsx": entree("seance", export_de_seance),
    "comites:compte_rendu": entree("seance", seance_visible),
    "comites:decider": entree(
        "point",
        point_decidable,
        methodes=GET_POST,
        donnees=decision,
        htmx=True,
        preparer=point_pas_encore_decide,
    ),
    "comites:personnes": entree("point", point_decidable, requete={"liste": "equipe", "q": "pr"}),
    # parcours accès
    "acces:menage": entree("menage", D.ACCES),
    "acces:choix_du_menage": entree(
        "menage", D.ACCES, E.ACCES, requete={"liste": "organisation", "q": "ba"}
    ),
    "acces:besoins": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        methodes=GET_POST,
        donnees=lambda m, o: {"date_besoins": hier(), "typologie_min": "T2"},
    ),
    "acces:proposer": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        methodes=POST,
        preparer=vacant_prepare,
        donnees=vacant_a_proposer,
    ),
    "acces:mutation": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        methodes=POST,
        preparer=vacant_prepare,
        donnees=lambda m, o: {
            "logement": vacant_a_proposer(m, o)["logement"],
            "nouvelle_reference": "MUT-TABLE",
            "date_mutation": hier(),
        },
    ),
    "acces:organisation": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        methodes=POST,
        donnees=lambda m, menage: {
            "organisation": menage.dispositif.porteur_id,
            "role": "Bailleur : référent de proximité",
        },
    ),
    "acces:proposition": entree(
        "menage", D.ACCES, preparer=parcours_jusqu_a("proposee"), arguments=proposition_de
    ),
    "acces:informer_prescripteur": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        methodes=POST,
        preparer=parcours_jusqu_a("proposee"),
        arguments=proposition_de,
        donnees=lambda m, o: {"informer-date": hier()},
    ),
    "acces:reponse": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        methodes=POST,
        preparer=parcours_jusqu_a("informee"),
        arguments=proposition_de,
        donnees=lambda m, o: {"reponse": "acceptee", "date_reponse": hier()},
    ),
    "acces:piece": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        methodes=POST,
        preparer=parcours_jusqu_a("informee"),
        arguments=lambda menage: [*proposition_de(menage), 0],
        donnees=lambda m, o: {"recue_le": hier()},
    ),
    "acces:decision": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        methodes=POST,
        preparer=parcours_jusqu_a("acceptee"),
        arguments=proposition_de,
        donnees=lambda m, menage: {
            "date_seance": hier(),
            "bailleur": menage.dispositif.porteur_id,
            "issue": "attribution",
            "explication": "Attribué.",
        },
    ),
    "acces:bail": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        methodes=POST,
        preparer=parcours_jusqu_a("attribuee"),
        arguments=proposition_de,
        donnees=lambda m, o: {"date_signature": hier(), "type_bail": "direct"},
    ),
    "acces:glissement": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        methodes=POST,
        preparer=parcours_jusqu_a("glissant"),
        arguments=proposition_de,
        donnees=lambda m, o: {"glissement-date": hier()},
    ),
    "acces:aide": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        methodes=POST,
        preparer=parcours_jusqu_a("glissant"),
        arguments=proposition_de,
        donnees=lambda m, o: {"date_versement": hier(), "montant": "150"},
    ),
    "acces:ouvrir_suivi": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        E.EQUIPE,
        methodes=POST,
        preparer=parcours_jusqu_a("bail"),
        arguments=proposition_de,
        donnees=suivi_apres_bail,
    ),
    "acces:choix_de_la_proposition": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        preparer=parcours_jusqu_a("acceptee"),
        arguments=proposition_de,
        requete={"liste": "bailleur", "q": "ba"},
    ),
    "acces:personnes": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        E.EQUIPE,
        preparer=parcours_jusqu_a("bail"),
        arguments=proposition_de,
        requete={"liste": "travailleur_social", "q": "pr"},
    ),
    "acces:etape": entree(
        "menage",
        D.ACCES,
        E.ACCES,
        methodes=POST,
        preparer=parcours_jusqu_a("bail"),
        arguments=etape_de,
        donnees=lambda m, menage: {
            f"etape-{EtapeRelais.objects.filter(bail__menage=menage).latest('pk').pk}-date": hier()
        },
    ),
    "acces:logements_choix": entree(None, A.GERER_LOGEMENTS),
    "acces:logement_vacant": entree(
        "dispositif", A.GERER_LOGEMENTS, preparer=vacant_prepare, arguments=vacant_du_dispositif
    ),
    "acces:retirer": entree(
        "dispositif",
        A.GERER_LOGEMENTS,
        methodes=GET_POST,
        preparer=vacant_prepare,
        arguments=vacant_du_dispositif,
        donnees=lambda m, o: {"motif": "travaux", "date_retrait": hier()},
    ),
    "acces:remettre": entree(
        "dispositif",
        A.GERER_LOGEMENTS,
        methodes=POST,
        preparer=vacant_retire,
        arguments=vacant_du_dispositif,
    ),
    "acces:logements": entree(
        "dispositif", A.GERER_LOGEMENTS, methodes=GET_POST, donnees=logement_saisi
    ),
    "acces:importer": entree(
        "dispositif", A.GERER_LOGEMENTS, methodes=GET_POST, donnees=fichier_de_logements
    ),
    "acces:saisir_logement": entree("dispositif", A.GERER_LOGEMENTS, htmx=True),
    # rapports et tableaux de bord
    "rapports:liste": entree(None, D.RAPPORT, htmx=True),
    "rapports:demander": entree(
        "dispositif",
        A.DEMANDER_RAPPORT,
        methodes=POST,
        donnees=lambda m, o: {"semestre": indicateurs.semestres_proposes()[0]},
    ),
    "rapports:pdf": entree("rapport", D.RAPPORT),
    "rapports:xlsx": entree("rapport", D.RAPPORT),
    "rapports:tableau_de_bord": entree("dispositif", D.TABLEAU_DE_BORD),
    "rapports:extraits": entree(None, D.EXTRAIT_PSEUDONYMISE),
    "rapports:extrait_csv": entree(
        "dispositif", D.EXTRAIT_PSEUDONYMISE, arguments=extrait_pseudonymise
    ),
    "rapports:extrait_xlsx": entree(
        "dispositif", D.EXTRAIT_PSEUDONYMISE, arguments=extrait_pseudonymise
    ),
    "rapports:national": entree(None, financeur_national),
    "rapports:demander_national": entree(
        None,
        financeur_national,
        methodes=POST,
        donnees=lambda m, o: {"semestre": indicateurs.semestres_proposes()[0]},
    ),
    # écrans
    "ecrans:accueil": entree(None, tout_le_monde),
    "ecrans:file_active": entree(None, D.IDENTITE, htmx=True, montre=file_active),
    "ecrans:referents": entree(None, D.IDENTITE, requete={"liste": "referent", "q": "pr"}),
    "ecrans:export_csv": entree(None, A.EXPORTER, montre=file_active),
    "ecrans:export_xlsx": entree(None, A.EXPORTER, montre=file_active),
    "ecrans:menage": entree("menage", D.IDENTITE),
    "ecrans:journaux": entree(None, A.CONSULTER_JOURNAL, succes=302),
    "ecrans:journal": entree("dispositif", A.CONSULTER_JOURNAL),
    "ecrans:personnes_du_journal": entree(
        "dispositif", A.CONSULTER_JOURNAL, requete={"liste": "personne", "q": "pr"}
    ),
    # protection des données : historique et droit d'accès, pour la coordination du ménage
    "rgpd:historique": entree("menage", D.IDENTITE, A.CONSULTER_HISTORIQUE),
    "rgpd:droit_d_acces": entree("menage", D.IDENTITE, A.DROIT_D_ACCES),
}


def motifs_du_produit():
    """Les noms de tous les motifs d'URL (« espace:nom »), parcourus récursivement."""
    noms = set()

    def parcourir(motifs, espace):
        for motif in motifs:
            if isinstance(motif, URLResolver):
                sous_espace = motif.namespace or espace
                if sous_espace and f"{sous_espace}:*" in EXCLUS:
                    continue
                parcourir(motif.url_patterns, sous_espace)
            elif isinstance(motif, URLPattern):
                nom = f"{espace}:{motif.name}" if espace else motif.name
                if motif.name is None:
                    noms.add(f"<sans nom : {motif.pattern}>")
                elif nom not in EXCLUS:
                    noms.add(nom)

    parcourir(get_resolver().url_patterns, None)
    return noms


# --- L'attendu ---------------------------------------------------------------------------------


def _exigence_tenue(condition, personne, ligne):
    dispositif = ligne.dispositif if ligne is not None else None
    if isinstance(condition, Action):
        return peut(personne, condition, dispositif)
    if isinstance(condition, Donnee | Ecriture):
        if ligne is None or ligne.cle in DISPOSITIFS:
            return ouvre_dans(personne, condition, dispositif)
        return ouvre(personne, condition, ligne)
    return condition(personne, ligne)


# Les sortes qui appartiennent à l'épisode en cours : l'équipe d'un épisode clos n'ouvre pas
# l'épisode en cours.
SORTES_DE_L_EPISODE_EN_COURS = {"accompagnement", "objectif", "bilan"}


def ouvert(entree, methode, personne, ligne):
    if entree.sorte in SORTES_DE_L_EPISODE_EN_COURS:
        ligne = ligne.en_cours
    conditions = entree.exige
    if methode == "POST":
        conditions += entree.exige_en_plus_pour_ecrire
    return all(_exigence_tenue(condition, personne, ligne) for condition in conditions)


def texte_de(reponse):
    type_ = reponse.get("Content-Type", "")
    vue = reponse.wsgi_request.resolver_match.view_name
    if vue in ("rapports:pdf", "rapports:xlsx") or (
        reponse.streaming and not type_.startswith(("text/csv", TYPE_XLSX))
    ):
        return ""  # les fichiers d'un rapport (agrégés) : rien de nominatif
    # Un export nominatif part en flux (CSV) ou par morceaux (XLSX) : on le lit entier.
    contenu = reponse.getvalue()
    if "spreadsheetml" in type_:
        classeur = load_workbook(io.BytesIO(contenu), read_only=True)
        return "\n".join(
            ";".join("" if v is None else str(v) for v in ligne)
            for feuille in classeur.worksheets
            for ligne in feuille.iter_rows(values_only=True)
        )
    import html

    return html.unescape(contenu.decode("utf-8-sig"))


def fuites(texte, personne):
    """Ce que la réponse montre d'un ménage que la personne ne voit pas (donnée par donnée)."""
    trouvees = []
    for cle in [*MENAGES, *PROVISOIRES]:
        for donnee, ligne, textes in marqueurs(cle):
            if ouvre(personne, donnee, ligne):
                continue
            trouvees += [f"{cle}/{donnee.value} : « {t} »" for t in textes if t in texte]
    return trouvees


def messages_de(reponse):
    """Les messages que cette réponse-ci a ajoutés (pas ceux d'avant, encore en attente)."""
    return list(getattr(get_messages(reponse.wsgi_request), "_queued_messages", []))


@functools.cache
def _modeles_et_colonnes():
    """Chaque modèle du produit, tables de liaison comprises, et ses colonnes (hors la date de
    dernière connexion, que la connexion du client de test écrit) ; lus une fois, les modèles ne
    changent pas pendant la suite."""
    return [
        (modele, [f for f in modele._meta.concrete_fields if f.attname != "last_login"])
        for config in apps_du_produit()
        for modele in config.get_models(include_auto_created=True)
    ]


@functools.cache
def _requete_des_empreintes():
    """Une seule requête PostgreSQL : pour chaque table, l'empreinte (md5) de toutes ses lignes,
    colonne par colonne, dans l'ordre des clés."""
    nom = connection.ops.quote_name
    colonnes = []
    for modele, champs in _modeles_et_colonnes():
        valeurs = ", ".join(nom(champ.column) for champ in champs)
        cle = nom(modele._meta.pk.column)
        colonnes.append(
            f"(SELECT md5(coalesce(string_agg(ROW({valeurs})::text, E'\\n' ORDER BY {cle}), ''))"
            f" FROM {nom(modele._meta.db_table)})"
        )
    return "SELECT " + ", ".join(colonnes)


def instantane():
    """Toutes les lignes de toutes les tables du produit, tables de liaison comprises, pour
    comparer avant et après un envoi (table par table).

    Sur PostgreSQL (l'intégration continue), l'empreinte du contenu de chaque table, calculée par
    la base en une requête ; ailleurs, les lignes elles-mêmes, une requête par table."""
    if connection.vendor == "postgresql":
        with connection.cursor() as curseur:
            curseur.execute(_requete_des_empreintes())
            empreintes = curseur.fetchone()
        return {
            modele._meta.label: empreinte
            for (modele, _), empreinte in zip(_modeles_et_colonnes(), empreintes, strict=True)
        }
    lignes = {}
    for modele, champs in _modeles_et_colonnes():
        lignes[modele._meta.label] = sorted(
            map(
                repr,
                modele._base_manager.order_by("pk").values_list(*(f.attname for f in champs)),
            )
        )
    return lignes


# --- Les essais ----------------------------------------------------------------------------------


def cas(*espaces, sauf=()):
    """Les cas (motif, personne) des motifs de ces espaces de noms (tous, sans espace donné),
    hors ceux de `sauf`."""
    return [
        pytest.param(nom, personne, id=f"{nom}-{personne}")
        for nom in sorted(TABLE)
        if (not espaces or nom.split(":")[0] in espaces) and nom.split(":")[0] not in sauf
        for personne in PERSONNES
    ]


def essayer_tout(client, monde, nom, personne):
    """Chaque méthode (et sa variante htmx) sur chaque ligne de sa sorte, chaque essai dans sa
    transaction, annulée ensuite ; rend ce qui ne va pas."""
    entree = TABLE[nom]
    if not personne.anonyme:
        client.force_login(monde.users[personne.cle])
    erreurs = []
    variantes = [(methode, False) for methode in entree.methodes]
    if entree.htmx:
        variantes += [(methode, True) for methode in entree.methodes]
    for methode, htmx in variantes:
        for ligne in LIGNES_PAR_SORTE[entree.sorte]:
            with transaction.atomic():
                erreur = essayer(client, monde, nom, entree, methode, htmx, personne, ligne)
                transaction.set_rollback(True)
            if erreur:
                erreurs.append(f"{methode}{' htmx' if htmx else ''} {ligne} : {erreur}")
    return erreurs


def essayer(client, monde, nom, entree, methode, htmx, personne, ligne):
    """Un appel ; rend ce qui ne va pas (ou None)."""
    objet = monde.objet(entree.sorte, ligne, personne) if ligne is not None else None
    if entree.preparer is not None:
        entree.preparer(monde, objet)
    url = reverse(nom, args=entree.arguments(objet))
    avant = instantane() if methode == "POST" else None
    entetes = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    if methode == "POST":
        reponse = client.post(url, entree.donnees(monde, objet), **entetes)
    else:
        reponse = client.get(url, entree.requete or {}, **entetes)
    apres = instantane() if methode == "POST" else None
    statut = reponse.status_code

    if personne.anonyme:
        if statut != 302 or not reponse.url.startswith(reverse("login")):
            return f"anonyme : {statut}, attendu une redirection vers la connexion"
        return None if avant == apres else "anonyme : des lignes ont changé"

    if not ouvert(entree, methode, personne, ligne):
        if statut not in (403, 404):
            return f"{statut}, attendu un refus (403 ou 404)"
        if avant != apres:
            return "refusé, mais des lignes ont changé : " + ", ".join(
                table for table in avant if avant[table] != apres[table]
            )
        return None

    if methode == "POST" and htmx:
        # Un envoi htmx réussi rend le fragment à sa place.
        if statut != 200:
            return f"{statut}, attendu le fragment d'un envoi réussi"
        if entree.change and avant == apres:
            return "envoi réussi, mais rien n'a changé"
        trouvees = fuites(texte_de(reponse), personne)
        return ("fuite : " + " ; ".join(trouvees)) if trouvees else None
    if methode == "POST":
        if statut != 302:
            return f"{statut}, attendu la redirection d'un envoi réussi"
        erreurs = [str(m) for m in messages_de(reponse) if m.level == messages.ERROR]
        if erreurs:
            return "envoi refusé par un message d'erreur : " + " ".join(erreurs)
        if entree.change and avant == apres:
            return "envoi réussi, mais rien n'a changé"
        return None
    if statut != entree.succes:
        return f"{statut}, attendu {entree.succes}"
    if statut != 200:
        return None
    texte = texte_de(reponse)
    trouvees = fuites(texte, personne)
    if trouvees:
        return "fuite : " + " ; ".join(trouvees)
    absents = [
        nom for nom in (entree.montre(personne) if entree.montre else []) if nom not in texte
    ]
    return ("absent de la liste : " + ", ".join(absents)) if absents else None
