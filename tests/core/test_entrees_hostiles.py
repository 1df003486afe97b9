"""Aucune vue ne répond 500 à une saisie hostile.

La coordination d'un dispositif, avec les données minimales que construisent les fabriques,
envoie à chaque vue qui lit une saisie (POST) ou des paramètres (GET) les valeurs qui faisaient
tomber le produit : identifiants géants, négatifs ou non numériques, dates de l'an 1 ou 9999,
nombres de 5 000 chiffres. Chaque valeur remplace un champ à la fois, les autres restant justes
(une valeur hostile n'atteint le service que si le reste du formulaire est valide), puis toutes
ensemble. Chaque envoi est annulé après coup : les suivants partent des mêmes données.
"""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import ERROR, get_messages
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from accompagnement import services as accompagnement
from accompagnement.enums import (
    Adhesion,
    Axe,
    DecisionBilan,
    MotifCloture,
    StatutObjectif,
    TypeIntervention,
)
from accompagnement.factories import ObjectifFactory
from comites import services as comites
from core.enums import RolePartenaire
from core.factories import OrganisationFactory
from core.models import LigneBudgetaire, Membre, Partenariat, Territoire
from menages.enums import StatutOrientation
from menages.factories import DetteLocativeFactory
from tests.comites.situations import Programme

pytestmark = pytest.mark.django_db

GEANT = "9" * 25
# Chaque champ d'identifiant, de nombre ou de date les reçoit une à une.
HOSTILES = [
    GEANT,
    "-" + GEANT,
    "abc",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59",
    "1" * 5000,
    "1e400",
]
# Tous les champs à la fois les reçoivent en plus.
HOSTILES_EN_BLOC = [
    *HOSTILES,
    "9223372036854775808",  # 2**63 : juste hors d'un entier 64 bits
    "-1",
    "0001-01-01T00:00",
    "31/12/9999",
    "NaN",
    "9999-S2",  # un semestre au bout du calendrier
    "0001-S1",
]
# Un identifiant, un nombre ou une date : ce que les valeurs hostiles visent.
FORME_VISEE = re.compile(r"[\d.,-]+|[0-9a-f]{32}|[0-9a-f-]{36}|[\dT:-]+")


class Donnees:
    """Un dispositif et ce qu'il faut pour que chaque vue ait un objet à traiter."""

    def __init__(self):
        programme = Programme()
        self.programme = programme
        self.dispositif = programme.dispositif
        self.coordinateur = programme.coordinateur
        self.a_examiner = programme.orientation("Examiné")
        self.suivi = accompagnement.ouvrir_accompagnement(
            self.coordinateur,
            programme.orientation("Suivi").menage,
            referent=self.coordinateur,
            equipe=[programme.ts, programme.infirmier],
            date_debut=timezone.localdate() - timedelta(days=60),
        )
        self.menage_suivi = self.suivi.menage
        DetteLocativeFactory(menage=self.menage_suivi)
        self.objectif = ObjectifFactory(accompagnement=self.suivi)
        self.bilan = self.suivi.bilans.order_by("date_prevue").first()
        self.organisation = OrganisationFactory()
        Partenariat.objects.create(
            dispositif=self.dispositif,
            organisation=self.organisation,
            role=RolePartenaire.ACCOMPAGNEMENT,
        )
        programme.comite.organisations.add(self.organisation)
        self.seance = programme.seance()
        comites.construire_ordre_du_jour(self.coordinateur, self.seance)
        self.point = self.seance.points.get(menage=self.a_examiner.menage)
        self.territoire = Territoire.objects.create(dispositif=self.dispositif, nom="Hostile")
        self.ligne = LigneBudgetaire.objects.create(
            dispositif=self.dispositif,
            poste="coordinateur",
            nature="salaire",
            montant_annuel=1000,
        )
        # Une orientation sans dette déclarée (celle d'un prescripteur) : la coordination la
        # complète.
        self.sans_dette = programme.orientation("Sans dette")
        self.sans_dette.dette_locative = None
        self.sans_dette.save(update_fields=["dette_locative"])

    def cas(self):
        """(nom d'URL, adresse, méthode, données justes) pour chaque vue à saisie."""
        aujourd_hui = timezone.localdate().isoformat()
        maintenant = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        slug = self.dispositif.slug
        suivi, menage = self.suivi.public_id, self.menage_suivi.public_id
        prefixe = f"p{self.point.public_id.hex[:8]}"
        personne = str(self.programme.ts.pk)
        fiche = {
            "date_orientation": aujourd_hui,
            "parcours": "maintien",
            "source": "recouvrement",
            "prescripteur": str(self.organisation.pk),
            "reference_locataire": "LOC-1",
            "nom": "Nouveau",
            "nb_adultes": "1",
            "nb_enfants": "0",
            "mesure_protection": "aucune",
            "ressources_mensuelles": "800",
            "code_postal": "15000",
            "commune": "Aurillac",
            "territoire": "",
            "statut_occupation": "locataire_en_titre",
            "loyer": "400",
            "charges": "50",
            "apl": "100",
            "problematiques": ["impayes"],
            "dette_locative": "1200",
            "stade_procedure": "aucune",
        }
        filtres = {
            "q": "a",
            "territoire": "",
            "referent": personne,
            "parcours": "maintien",
            "statut": "recue",
            "problematique": "impayes",
            "procedure": "aucune",
            "echeance": "a_examiner",
            "tri": "nom",
            "page": "1",
        }
        return [
            (
                "menages:changer_statut",
                ("menages:changer_statut", self.a_examiner.public_id),
                "post",
                {"statut": StatutOrientation.ADMISE, "motif": "ok"},
            ),
            (
                "menages:plan_apurement",
                ("menages:plan_apurement", menage),
                "post",
                {
                    "date_debut": aujourd_hui,
                    "montant_mensuel": "50",
                    "respecte": "unknown",
                    "aide_fsl": "100",
                    "autres_aides": "",
                },
            ),
            (
                "menages:relever_dette",
                ("menages:relever_dette", menage),
                "post",
                {"date": aujourd_hui, "montant": "100", "stade_procedure": ""},
            ),
            (
                "menages:completer_dette",
                ("menages:completer_dette", self.sans_dette.public_id),
                "post",
                {"dette_locative": "100", "stade_procedure": "aucune"},
            ),
            (
                "menages:nouvelle_orientation_dans",
                ("menages:nouvelle_orientation_dans", slug),
                "post",
                fiche,
            ),
            (
                "accompagnement:ouvrir",
                ("accompagnement:ouvrir", self.a_examiner.menage.public_id),
                "post",
                {"date_debut": aujourd_hui, "referent": personne, "equipe": [personne]},
            ),
            (
                "accompagnement:information",
                ("accompagnement:information", menage),
                "post",
                {"date_information": aujourd_hui, "opposition": ""},
            ),
            (
                "accompagnement:intervention",
                ("accompagnement:intervention", suivi),
                "post",
                {
                    "type": TypeIntervention.VISITE_DOMICILE,
                    "date_heure": maintenant,
                    "duree_minutes": "45",
                    "participants": [personne],
                    "objectifs": [str(self.objectif.pk)],
                    "destinations": [],
                    "note": "note",
                    "confidentialite": "equipe",
                },
            ),
            (
                "accompagnement:adhesion",
                ("accompagnement:adhesion", suivi),
                "post",
                {"adhesion": Adhesion.ACCEPTEE},
            ),
            (
                "accompagnement:objectif",
                ("accompagnement:objectif", suivi),
                "post",
                {
                    "axe": Axe.BUDGET,
                    "libelle": "Objectif",
                    "indicateur": "",
                    "echeance": aujourd_hui,
                },
            ),
            (
                "accompagnement:valider_plan",
                ("accompagnement:valider_plan", suivi),
                "post",
                {"date_validation": aujourd_hui, "duree_prevue_mois": "6", "structures_autour": ""},
            ),
            (
                "accompagnement:cloture",
                ("accompagnement:cloture", suivi),
                "post",
                {
                    "date": aujourd_hui,
                    "motif": MotifCloture.STABILISEE,
                    "maintien_dans_logement": "oui",
                    "dette": "0",
                    "commentaire": "",
                },
            ),
            (
                "accompagnement:suivre_objectif",
                ("accompagnement:suivre_objectif", self.objectif.public_id),
                "post",
                {"statut": StatutObjectif.EN_COURS, "avancement": "50"},
            ),
            (
                "accompagnement:bilan",
                ("accompagnement:bilan", self.bilan.public_id),
                "post",
                {
                    "date_realisation": aujourd_hui,
                    "synthese": "Synthèse",
                    "decision": DecisionBilan.choices[0][0],
                    "dette": "10",
                    "stade_procedure": "",
                    f"statut_{self.objectif.pk}": StatutObjectif.EN_COURS,
                    f"avancement_{self.objectif.pk}": "20",
                },
            ),
            (
                "comites:planifier",
                ("comites:planifier", self.programme.comite.public_id),
                "post",
                {"date": maintenant, "lieu": "Salle"},
            ),
            (
                "comites:presences",
                ("comites:presences", self.seance.public_id),
                "post",
                {
                    "presents": [str(self.coordinateur.pk)],
                    "organisations": [str(self.organisation.pk)],
                },
            ),
            (
                "comites:decider",
                ("comites:decider", self.point.public_id),
                "post",
                {
                    f"{prefixe}-type": "admission",
                    f"{prefixe}-motifs": "",
                    f"{prefixe}-referent": str(self.coordinateur.pk),
                    f"{prefixe}-equipe": [personne],
                },
            ),
            ("rapports:demander", ("rapports:demander", slug), "post", {"semestre": "2025-S1"}),
            (
                "core:reglages",
                ("core:reglages", slug),
                "post",
                {
                    "action": "reglages",
                    "reglages-capacite_acces": "10",
                    "reglages-capacite_maintien": "30",
                    "reglages-cout_diagnostic": "350",
                    "reglages-cout_gestion_locative_adaptee": "600",
                    "reglages-cout_menage_prevu": "4833",
                    "reglages-financement_demande": "145000",
                    "reglages-cofinancement": "10000",
                },
            ),
            (
                "core:reglages",
                ("core:reglages", slug),
                "post",
                {"action": "cibles", "cibles-taux_adhesion": "66,7", "cibles-cout_par_menage": "1"},
            ),
            (
                "core:reglages",
                ("core:reglages", slug),
                "post",
                {"action": "modifier_ligne", "ligne": str(self.ligne.pk), "montant_annuel": "2000"},
            ),
            (
                "core:reglages",
                ("core:reglages", slug),
                "post",
                {
                    "action": "ajouter_commune",
                    "commune-territoire": str(self.territoire.pk),
                    "commune-nom": "Murat",
                    "commune-code_postal": "15300",
                },
            ),
            ("ecrans:file_active", ("ecrans:file_active",), "get", filtres),
            ("ecrans:export_csv", ("ecrans:export_csv",), "get", filtres),
            ("ecrans:export_xlsx", ("ecrans:export_xlsx",), "get", {"q": "a", "page": "1"}),
            (
                "ecrans:journal",
                ("ecrans:journal", slug),
                "get",
                {
                    "personne": str(self.coordinateur.public_id),
                    "menage": "a",
                    "action": "",
                    "du": aujourd_hui,
                    "au": aujourd_hui,
                    "page": "1",
                },
            ),
            (
                "rapports:tableau_de_bord",
                ("rapports:tableau_de_bord", slug),
                "get",
                {"semestre": "2025-S1"},
            ),
            ("rapports:liste", ("rapports:liste",), "get", {"page": "1"}),
            (
                "equipes:modifier",
                ("equipes:modifier", slug, self.adhesion_ts.public_id),
                "post",
                {
                    "role": "travailleur_social",
                    "profession": "cesf",
                    "organisation": str(self.organisation.pk),
                },
            ),
            (
                "equipes:terminer",
                ("equipes:terminer", slug, self.adhesion_ts.public_id),
                "post",
                {"date_fin": aujourd_hui},
            ),
            ("equipes:a_reaffecter", ("equipes:a_reaffecter", slug), "post", {}),
            ("equipes:membres_export", ("equipes:membres_export", slug), "get", {"format": "csv"}),
        ]

    @property
    def adhesion_ts(self):
        return Membre.objects.get(user=self.programme.ts, dispositif=self.dispositif)


# Les vues qui ne lisent ni saisie ni paramètre : l'identifiant de l'URL est un UUID ou un slug
# que le routeur vérifie (un autre texte est une 404 avant la vue), le reste est un bouton.
SANS_SAISIE = {
    "equipes:membres",
    "equipes:renvoyer",
    "equipes:revoquer",
    # L'envoi d'une invitation rend sa page (le lien montré une fois), et le lien d'invitation
    # est public : leurs saisies hostiles et refusées sont dans tests/equipes/test_invitations.py.
    "equipes:inviter",
    "equipes:accepter",
    "menages:mes_orientations",
    "menages:a_rattacher",
    "menages:rattachement",
    "menages:rattacher",
    "menages:garder_a_part",
    "menages:fiche_orientation",
    "menages:nouvelle_orientation",
    "menages:importer",  # le fichier : tests/menages/test_import_borne.py
    "menages:importer_dans",
    "menages:import_etat",
    "accompagnement:detail",
    "accompagnement:sans_reponse",
    "accompagnement:fiche_suivi",
    "accompagnement:fiche_cloture",
    "accompagnement:fiche_bilan",
    "comites:accueil",
    "comites:seance",
    "comites:construire",
    "comites:export_csv",
    "comites:export_xlsx",
    "comites:compte_rendu",
    "core:dispositifs",
    "core:dispositif",
    "core:notice_information",
    "core:notice_information_pdf",
    "core:acces",
    "core:confirmer_adhesion",
    "core:reinitialiser_facteur",
    "core:session_etat",
    "core:session_prolonger",
    "ecrans:accueil",
    "ecrans:menage",
    "ecrans:journaux",
    "rapports:pdf",
    "rapports:xlsx",
}


# Pas encore essayées aux valeurs hostiles : les vues ajoutées en dernier (parcours accès,
# corrections, pilotage national, historique et droit d'accès, clé hors ligne). Leurs refus et
# leurs erreurs de saisie ont leurs tests propres (tests/parcours_acces, tests/rgpd,
# tests/rapports/test_national.py, tests/accompagnement/test_correction_intervention.py,
# tests/comites/test_decision_corrigee.py, tests/core/test_hors_ligne.py) ; les faire entrer
# dans `Donnees.cas` est le travail suivant. La liste ne peut que diminuer : toute autre vue
# nouvelle fait échouer le test ci-dessous.
A_EPROUVER = {
    "acces:aide",
    "acces:bail",
    "acces:besoins",
    "acces:decision",
    "acces:etape",
    "acces:glissement",
    "acces:importer",
    "acces:informer_prescripteur",
    "acces:logements",
    "acces:logements_choix",
    "acces:menage",
    "acces:mutation",
    "acces:organisation",
    "acces:ouvrir_suivi",
    "acces:piece",
    "acces:proposer",
    "acces:proposition",
    "acces:reponse",
    "accompagnement:annuler_intervention",
    "accompagnement:corriger_intervention",
    "comites:corriger_decision",
    "core:hors_ligne_cle",
    "rapports:demander_national",
    "rapports:extrait_csv",
    "rapports:extrait_xlsx",
    "rapports:extraits",
    "rapports:national",
    "rapports:national_pdf",
    "rapports:national_xlsx",
    "rgpd:droit_d_acces",
    "rgpd:droit_d_acces_pdf",
    "rgpd:historique",
}


def noms_des_vues_du_produit():
    noms = set()
    resolver = get_resolver()
    for espace, (_prefixe, sous_resolver) in resolver.namespace_dict.items():
        if espace in ("admin",):
            continue
        noms |= {f"{espace}:{nom}" for nom in sous_resolver.reverse_dict if isinstance(nom, str)}
    return noms


def variantes(donnees_justes):
    """(champ, données) : chaque valeur hostile dans chaque champ d'identifiant, de nombre ou de
    date, les autres restant justes ; puis chaque valeur dans tous les champs à la fois."""
    for champ, juste in donnees_justes.items():
        exemple = juste[0] if isinstance(juste, list) and juste else juste
        if not isinstance(exemple, str) or not FORME_VISEE.fullmatch(exemple):
            continue
        for hostile in HOSTILES:
            valeur = [hostile, *juste] if isinstance(juste, list) else hostile
            yield champ, {**donnees_justes, champ: valeur}
    for hostile in HOSTILES_EN_BLOC:
        yield (
            "*",
            {
                champ: [hostile] if isinstance(juste, list) else hostile
                for champ, juste in donnees_justes.items()
            },
        )


def envoyer(client, methode, adresse, donnees):
    """La réponse, annulée : chaque envoi part des mêmes données."""
    with transaction.atomic():
        try:
            reponse = getattr(client, methode)(adresse, donnees)
            statut = reponse.status_code
        except Exception as erreur:  # c'est ce que le test cherche
            statut = f"{type(erreur).__name__}: {str(erreur)[:120]}"
        transaction.set_rollback(True)
    return statut


def reussit(client, methode, adresse, donnees):
    """Les données justes passent : sans quoi les valeurs hostiles n'atteindraient jamais le
    service. Un envoi réussi redirige, sans message d'erreur ; une lecture répond 200."""
    client.cookies.pop("messages", None)  # ceux des envois précédents
    with transaction.atomic():
        reponse = getattr(client, methode)(adresse, donnees)
        erreurs = [m for m in get_messages(reponse.wsgi_request) if m.level >= ERROR]
        transaction.set_rollback(True)
    attendu = 302 if methode == "post" else 200
    return reponse.status_code == attendu and not erreurs


def test_chaque_vue_a_saisie_est_essayee():
    donnees = Donnees()
    essayees = {nom for nom, *_ in donnees.cas()}
    assert noms_des_vues_du_produit() - essayees - SANS_SAISIE - A_EPROUVER == set()
    # Une vue qui entre dans les cas essayés sort de la liste d'attente.
    assert A_EPROUVER & essayees == set()


def test_aucune_vue_ne_repond_500_aux_valeurs_hostiles():
    donnees = Donnees()
    client = Client(raise_request_exception=True)
    client.force_login(donnees.coordinateur)
    echecs = []
    for nom, (route, *arguments), methode, justes in donnees.cas():
        adresse = reverse(route, args=arguments)
        assert reussit(client, methode, adresse, justes), nom
        for champ, essai in variantes(justes):
            statut = envoyer(client, methode, adresse, essai)
            if not isinstance(statut, int) or statut >= 500:
                valeur = essai[champ] if champ != "*" else "(tous)"
                echecs.append(f"{nom} {champ}={str(valeur)[:30]!r} → {statut}")
    assert echecs == []


def test_les_pages_de_formulaire_ignorent_les_parametres_hostiles():
    donnees = Donnees()
    client = Client(raise_request_exception=True)
    client.force_login(donnees.coordinateur)
    pages = [
        reverse("accompagnement:ouvrir", args=[donnees.a_examiner.menage.public_id]),
        reverse("accompagnement:intervention", args=[donnees.suivi.public_id]),
        reverse("accompagnement:bilan", args=[donnees.bilan.public_id]),
        reverse("accompagnement:cloture", args=[donnees.suivi.public_id]),
        reverse("menages:nouvelle_orientation_dans", args=[donnees.dispositif.slug]),
        reverse("menages:importer_dans", args=[donnees.dispositif.slug]),
        reverse("comites:seance", args=[donnees.seance.public_id]),
        reverse("ecrans:menage", args=[donnees.menage_suivi.public_id]),
        reverse("accompagnement:detail", args=[donnees.suivi.public_id]),
    ]
    for adresse in pages:
        for hostile in HOSTILES_EN_BLOC:
            assert envoyer(client, "get", adresse, {"page": hostile, "id": hostile}) == 200
