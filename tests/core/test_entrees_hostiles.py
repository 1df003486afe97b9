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
from decimal import Decimal

import pytest
from django.contrib.messages import ERROR, get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.utils import timezone

from acces import services as acces
from acces.enums import IssueCAL, ReponseMenage, TypeBail
from acces.factories import LogementVacantFactory
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
from core.enums import Parcours, Role, RolePartenaire, TypeOrganisation
from core.factories import (
    DispositifFactory,
    HabilitationNationaleFactory,
    OrganisationFactory,
)
from core.models import LigneBudgetaire, Membre, Partenariat, Territoire
from menages.enums import StatutOrientation
from menages.factories import DetteLocativeFactory
from rapports import documents
from rapports.enums import StatutRapport
from rapports.models import RapportNational
from tests.comites.situations import Programme
from tests.outils import membre

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
# Chaque champ de texte ou de choix les reçoit une à une : un texte énorme, un caractère nul
# (que PostgreSQL refuse), de l'unicode hors du plan de base et un renversement de sens ; pour
# un champ de choix, ce sont autant de choix invalides.
TEXTES_HOSTILES = [
    "x" * 100_000,
    "nul\x00",
    "é😀\u202e𝕏" * 50,
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
    *TEXTES_HOSTILES,
]
# Un identifiant, un nombre ou une date : ce que les valeurs hostiles visent.
FORME_VISEE = re.compile(r"[\d.,-]+|[0-9a-f]{32}|[0-9a-f-]{36}|[\dT:-]+")


class Donnees:
    """Un dispositif et ce qu'il faut pour que chaque vue ait un objet à traiter."""

    def __init__(self):
        # Le dispositif offre aussi le parcours accès : ses pages ont leurs objets ici.
        programme = Programme(DispositifFactory(acces=True))
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
        self._corrections()
        self._parcours_acces()
        self._national()

    def _corrections(self):
        """Une intervention de la coordination (corrigeable par son autrice) et une décision
        passée d'un comité (corrigeable)."""
        programme = self.programme
        self.intervention = accompagnement.enregistrer_intervention(
            self.coordinateur,
            self.suivi,
            type=TypeIntervention.ENTRETIEN_BUREAU,
            duree_minutes=30,
            note="Point d'étape.",
        )
        decidee = programme.orientation("Décidé")
        seance = programme.seance(jour=timezone.localdate() - timedelta(days=3))
        comites.construire_ordre_du_jour(self.coordinateur, seance)
        self.decision = comites.decider(
            self.coordinateur,
            seance.points.get(menage=decidee.menage),
            "refus",
            motifs="Hors périmètre",
        )

    def _orientation_acces(self, nom):
        return self.programme.orientation(
            nom,
            statut=StatutOrientation.ADMISE,
            parcours=Parcours.ACCES,
            date_orientation=timezone.localdate() - timedelta(days=120),
        )

    def _parcours_acces(self):
        """Un ménage à loger à chaque étape du parcours accès : besoins exprimés, logement
        proposé et accepté (dossier complet), attribué par la CAL, bail glissant signé."""
        il_y_a = lambda jours: timezone.localdate() - timedelta(days=jours)  # noqa: E731
        coordinateur = self.coordinateur
        self.association = OrganisationFactory(type=TypeOrganisation.ASSOCIATION)
        self.referent_bailleur = membre(self.dispositif, Role.AGENT_BAILLEUR)
        self.vacant = LogementVacantFactory(dispositif=self.dispositif, territoire=self.territoire)
        # Un second logement, que l'essai retire de l'offre.
        self.a_retirer = LogementVacantFactory(
            dispositif=self.dispositif, territoire=self.territoire
        )
        self.a_loger = self._orientation_acces("À loger").menage
        acces.enregistrer_besoins(coordinateur, self.a_loger, ressources_mensuelles=Decimal(900))

        def jusqu_a_la_reponse(nom):
            menage = self._orientation_acces(nom).menage
            logement = LogementVacantFactory(dispositif=self.dispositif, territoire=self.territoire)
            proposition = acces.proposer_logement(coordinateur, menage, logement, il_y_a(60))
            acces.informer_prescripteur(coordinateur, proposition, il_y_a(59))
            acces.enregistrer_reponse(
                coordinateur,
                proposition,
                reponse=ReponseMenage.ACCEPTEE,
                date_reponse=il_y_a(55),
                visite_le=il_y_a(56),
            )
            for piece in proposition.pieces.all():
                acces.noter_piece(coordinateur, piece, il_y_a(50))
            return proposition

        def jusqu_a_la_cal(nom):
            proposition = jusqu_a_la_reponse(nom)
            acces.decider_cal(
                coordinateur,
                proposition,
                date_seance=il_y_a(40),
                bailleur=self.dispositif.porteur,
                issue=IssueCAL.ATTRIBUTION,
            )
            return proposition

        self.acceptee = jusqu_a_la_reponse("Acceptée")
        self.attribuee = jusqu_a_la_cal("Attribuée")
        self.glissante = jusqu_a_la_cal("Glissante")
        self.bail = acces.signer_bail(
            coordinateur,
            self.glissante,
            date_signature=il_y_a(30),
            type_bail=TypeBail.GLISSANT,
            reference_locataire="GLI-1",
            association_preneuse=self.association,
            glissement_prevu_le=timezone.localdate() + timedelta(days=300),
            referent_bailleur=self.referent_bailleur,
            ligne_budgetaire=self.ligne,
        )
        self.etape = self.bail.etapes.order_by("pk").first()

    def _national(self):
        """Le financeur national et un rapport consolidé prêt ; l'évaluation externe."""
        self.financeur = HabilitationNationaleFactory().user
        self.evaluateur = membre(self.dispositif, Role.EVALUATEUR)
        self.rapport_national = RapportNational.objects.create(
            annee=2025,
            semestre=1,
            statut=StatutRapport.PRET,
            fichier_pdf="national-hostile.pdf",
            fichier_xlsx="national-hostile.xlsx",
        )
        documents.enregistrer("national-hostile.pdf", b"%PDF-1.4\n%%EOF\n")
        documents.enregistrer("national-hostile.xlsx", b"PK")

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
                "menages:structures_qui_orientent",
                ("menages:structures_qui_orientent", slug),
                "get",
                {"liste": "prescripteur", "q": "si"},
            ),
            (
                "accompagnement:ouvrir",
                ("accompagnement:ouvrir", self.a_examiner.menage.public_id),
                "post",
                {"date_debut": aujourd_hui, "referent": personne, "equipe": [personne]},
            ),
            (
                "accompagnement:personnes",
                ("accompagnement:personnes", self.a_examiner.menage.public_id),
                "get",
                {"liste": "referent", "q": "prénom"},
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
                "comites:personnes",
                ("comites:personnes", self.point.public_id),
                "get",
                {"liste": "equipe", "q": "prénom"},
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
            (
                # L'ordre du jour et les archives du comité par pages.
                "comites:seance",
                ("comites:seance", self.seance.public_id),
                "get",
                {"page": "1", "archives": "1"},
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
            ("ecrans:referents", ("ecrans:referents",), "get", {"liste": "referent", "q": "pr"}),
            ("equipes:personnes", ("equipes:personnes", slug), "get", {"liste": "suiveur"}),
            (
                "equipes:structures",
                ("equipes:structures", slug),
                "get",
                {"liste": "organisation", "q": "ba"},
            ),
            (
                "ecrans:personnes_du_journal",
                ("ecrans:personnes_du_journal", slug),
                "get",
                {"liste": "personne", "q": "pr"},
            ),
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
            *self._cas_des_corrections(aujourd_hui, maintenant, personne),
            *self._cas_du_parcours_acces(aujourd_hui, personne),
            *self._cas_du_pilotage(),
        ]

    def _cas_des_corrections(self, aujourd_hui, maintenant, personne):
        intervention = self.intervention.public_id
        return [
            (
                "accompagnement:corriger_intervention",
                ("accompagnement:corriger_intervention", intervention),
                "post",
                {
                    "type": TypeIntervention.ENTRETIEN_BUREAU,
                    "date_heure": maintenant,
                    "duree_minutes": "40",
                    "participants": [personne],
                    "objectifs": [str(self.objectif.pk)],
                    "destinations": [],
                    "note": "Point d'étape complété.",
                    "confidentialite": "equipe",
                    "motif": "note complétée",
                },
            ),
            (
                "accompagnement:annuler_intervention",
                ("accompagnement:annuler_intervention", intervention),
                "post",
                {"motif": "saisie en double", "page": "1"},
            ),
            (
                "comites:corriger_decision",
                ("comites:corriger_decision", self.decision.public_id),
                "post",
                {
                    "motifs": "Hors périmètre du dispositif",
                    "motif_correction": "faute",
                    "page": "1",
                },
            ),
        ]

    def _cas_du_parcours_acces(self, aujourd_hui, personne):
        menage, slug = self.a_loger.public_id, self.dispositif.slug
        acceptee, attribuee = self.acceptee.public_id, self.attribuee.public_id
        glissante = self.glissante.public_id
        piece = self.acceptee.pieces.order_by("ordre").first()
        logement = {
            "reference": "LGT-H",
            "adresse": "1 rue Hostile",
            "code_postal": "74000",
            "commune": "Annecy",
            "territoire": str(self.territoire.pk),
            "typologie": "T3",
            "etage": "2",
            "loyer": "450",
            "charges": "90",
            "apl_estimee": "200",
            "disponible_le": aujourd_hui,
        }
        fichier = (
            "reference;adresse;code_postal;commune;secteur;typologie;loyer;disponible_le\n"
            f"LGT-CSV;2 rue Hostile;74000;Annecy;{self.territoire.nom};T2;400;"
            f"{timezone.localdate():%d/%m/%Y}\n"
        ).encode()
        return [
            ("acces:menage", ("acces:menage", menage), "get", {"page": "1"}),
            (
                "acces:choix_du_menage",
                ("acces:choix_du_menage", menage),
                "get",
                {"liste": "logement", "q": "rue"},
            ),
            (
                "acces:besoins",
                ("acces:besoins", menage),
                "post",
                {
                    "date_besoins": aujourd_hui,
                    "secteurs_souhaites": [str(self.territoire.pk)],
                    "secteurs_evites": [],
                    "typologie_min": "T2",
                    "typologie_max": "T4",
                    "etage_max": "3",
                    "date_au_plus_tot": aujourd_hui,
                    "ressources_mensuelles": "900",
                    "commentaire": "Sortie de CHRS",
                },
            ),
            (
                "acces:proposer",
                ("acces:proposer", menage),
                "post",
                {"logement": str(self.vacant.public_id), "date_proposition": aujourd_hui},
            ),
            (
                "acces:mutation",
                ("acces:mutation", menage),
                "post",
                {
                    "logement": str(self.vacant.public_id),
                    "nouvelle_reference": "MUT-1",
                    "date_mutation": aujourd_hui,
                },
            ),
            (
                "acces:organisation",
                ("acces:organisation", menage),
                "post",
                {"organisation": str(self.association.pk), "role": "Accompagnement budgétaire"},
            ),
            ("acces:proposition", ("acces:proposition", glissante), "get", {"page": "1"}),
            (
                "acces:informer_prescripteur",
                ("acces:informer_prescripteur", acceptee),
                "post",
                {"informer-date": aujourd_hui},
            ),
            (
                "acces:reponse",
                ("acces:reponse", acceptee),
                "post",
                {
                    "reponse": ReponseMenage.ACCEPTEE,
                    "date_reponse": aujourd_hui,
                    "visite_le": aujourd_hui,
                    "motif": "",
                },
            ),
            (
                "acces:piece",
                ("acces:piece", acceptee, piece.ordre),
                "post",
                {"recue_le": aujourd_hui},
            ),
            (
                "acces:decision",
                ("acces:decision", acceptee),
                "post",
                {
                    "date_seance": aujourd_hui,
                    "bailleur": str(self.dispositif.porteur_id),
                    "issue": IssueCAL.ATTRIBUTION,
                    "motif": "",
                    "explication": "Logement attribué.",
                },
            ),
            (
                "acces:bail",
                ("acces:bail", attribuee),
                "post",
                {
                    "date_signature": aujourd_hui,
                    "type_bail": TypeBail.GLISSANT,
                    "reference_locataire": "GLI-2",
                    "association_preneuse": str(self.association.pk),
                    "glissement_prevu_le": (timezone.localdate() + timedelta(days=200)).isoformat(),
                    "referent_bailleur": str(self.referent_bailleur.pk),
                    "ligne_budgetaire": str(self.ligne.pk),
                },
            ),
            (
                "acces:glissement",
                ("acces:glissement", glissante),
                "post",
                {"glissement-date": aujourd_hui},
            ),
            (
                "acces:aide",
                ("acces:aide", glissante),
                "post",
                {"date_versement": aujourd_hui, "montant": "150"},
            ),
            (
                "acces:ouvrir_suivi",
                ("acces:ouvrir_suivi", glissante),
                "post",
                {"travailleur_social": personne, "date_debut": aujourd_hui},
            ),
            (
                "acces:choix_de_la_proposition",
                ("acces:choix_de_la_proposition", glissante),
                "get",
                {"liste": "association_preneuse", "q": "as"},
            ),
            (
                "acces:personnes",
                ("acces:personnes", glissante),
                "get",
                {"liste": "travailleur_social", "q": "pr"},
            ),
            (
                "acces:etape",
                ("acces:etape", self.etape.public_id),
                "post",
                {f"etape-{self.etape.pk}-date": aujourd_hui},
            ),
            ("acces:logements_choix", ("acces:logements_choix",), "get", {"page": "1"}),
            (
                "acces:logement_vacant",
                ("acces:logement_vacant", self.a_retirer.public_id),
                "get",
                {"page": "1"},
            ),
            (
                "acces:retirer",
                ("acces:retirer", self.a_retirer.public_id),
                "post",
                {"motif": "travaux", "precision": "Peinture", "date_retrait": aujourd_hui},
            ),
            ("acces:logements", ("acces:logements", slug), "post", logement),
            ("acces:saisir_logement", ("acces:saisir_logement", slug), "get", {"page": "1"}),
            (
                "acces:importer",
                ("acces:importer", slug),
                "post",
                {"fichier": SimpleUploadedFile("logements.csv", fichier), "page": "1"},
            ),
        ]

    def _cas_du_pilotage(self):
        """Le pilotage national (financeur), l'évaluation externe, l'historique et le droit
        d'accès (coordination), la clé des saisies hors ligne."""
        menage, slug = self.menage_suivi.public_id, self.dispositif.slug
        rapport = self.rapport_national.public_id
        return [
            ("rgpd:historique", ("rgpd:historique", menage), "get", {"page": "1"}),
            ("rgpd:droit_d_acces", ("rgpd:droit_d_acces", menage), "get", {"page": "1"}),
            ("rgpd:droit_d_acces_pdf", ("rgpd:droit_d_acces_pdf", menage), "get", {"id": "1"}),
            (
                "core:hors_ligne_cle",
                ("core:hors_ligne_cle",),
                "get",
                {"sel": "1234567890123456"},
            ),
            (
                "rapports:national",
                ("rapports:national",),
                "get",
                {"semestre": "2025-S1"},
                self.financeur,
            ),
            (
                "rapports:demander_national",
                ("rapports:demander_national",),
                "post",
                {"semestre": "2025-S1"},
                self.financeur,
            ),
            (
                "rapports:national_pdf",
                ("rapports:national_pdf", rapport),
                "get",
                {"page": "1"},
                self.financeur,
            ),
            (
                "rapports:national_xlsx",
                ("rapports:national_xlsx", rapport),
                "get",
                {"page": "1"},
                self.financeur,
            ),
            ("rapports:extraits", ("rapports:extraits",), "get", {"page": "1"}, self.evaluateur),
            (
                "rapports:extrait_csv",
                ("rapports:extrait_csv", slug, "orientations"),
                "get",
                {"page": "1"},
                self.evaluateur,
            ),
            (
                "rapports:extrait_xlsx",
                ("rapports:extrait_xlsx", slug, "episodes"),
                "get",
                {"page": "1"},
                self.evaluateur,
            ),
        ]

    @property
    def adhesion_ts(self):
        return Membre.objects.get(user=self.programme.ts, dispositif=self.dispositif)


# Les vues qui ne lisent ni saisie ni paramètre : l'identifiant de l'URL est un UUID ou un slug
# que le routeur vérifie (un autre texte est une 404 avant la vue), le reste est un bouton.
SANS_SAISIE = {
    # Remettre un logement retiré : un envoi sans champ ; ses refus dans
    # tests/parcours_acces/test_retrait.py.
    "acces:remettre",
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
    date, chaque texte hostile dans chaque autre champ, les autres restant justes ; puis chaque
    valeur dans tous les champs à la fois."""
    for champ, juste in donnees_justes.items():
        exemple = juste[0] if isinstance(juste, list) and juste else juste
        if not isinstance(exemple, str):
            continue
        for hostile in HOSTILES if FORME_VISEE.fullmatch(exemple) else TEXTES_HOSTILES:
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


def rembobiner(donnees):
    """Un fichier joint se relit depuis le début à chaque envoi."""
    for valeur in donnees.values():
        if hasattr(valeur, "seek"):
            valeur.seek(0)


def envoyer(client, methode, adresse, donnees):
    """La réponse, annulée : chaque envoi part des mêmes données."""
    rembobiner(donnees)
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
    rembobiner(donnees)
    with transaction.atomic():
        reponse = getattr(client, methode)(adresse, donnees)
        erreurs = [m for m in get_messages(reponse.wsgi_request) if m.level >= ERROR]
        transaction.set_rollback(True)
    attendu = 302 if methode == "post" else 200
    return reponse.status_code == attendu and not erreurs


def test_chaque_vue_a_saisie_est_essayee():
    donnees = Donnees()
    essayees = {nom for nom, *_ in donnees.cas()}
    assert noms_des_vues_du_produit() - essayees - SANS_SAISIE == set()


def test_aucune_vue_ne_repond_500_aux_valeurs_hostiles():
    donnees = Donnees()
    client = Client(raise_request_exception=True)
    echecs = []
    for nom, (route, *arguments), methode, justes, *qui in donnees.cas():
        # La coordination, sauf pour les vues d'un autre rôle (financeur, évaluation).
        client.force_login(qui[0] if qui else donnees.coordinateur)
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
