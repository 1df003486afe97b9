"""Ce que les tests du parcours accès construisent : un dispositif accès avec trois secteurs, sa
coordination, un agent du bailleur, un travailleur social, une association preneuse, un ménage
orienté par le SIAO et quelques logements vacants."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from acces import services
from acces.enums import IssueCAL, ReponseMenage, TypeBail
from acces.factories import LogementVacantFactory
from core.enums import Parcours, Role, TypeOrganisation
from core.factories import (
    CommuneFactory,
    DispositifFactory,
    LigneBudgetaireFactory,
    OrganisationFactory,
    TerritoireFactory,
)
from menages.enums import Source
from menages.factories import MenageFactory, OrientationFactory
from tests.outils import membre

AUJOURD_HUI = timezone.localdate


def il_y_a(jours):
    return timezone.localdate() - timedelta(days=jours)


class Parcours_:
    """Un dispositif accès (Annecy, Arve, Léman), ses personnes et un ménage à loger."""

    def __init__(self):
        self.dispositif = DispositifFactory(acces=True)
        self.annecy = TerritoireFactory(dispositif=self.dispositif, nom="Annecy")
        self.arve = TerritoireFactory(dispositif=self.dispositif, nom="Arve")
        self.leman = TerritoireFactory(dispositif=self.dispositif, nom="Léman")
        self.seynod = CommuneFactory(territoire=self.annecy, nom="Seynod", code_postal="74600")
        self.coordinateur = membre(self.dispositif, Role.COORDINATEUR)
        self.agent = membre(self.dispositif, Role.AGENT_BAILLEUR)
        self.referent_bailleur = membre(self.dispositif, Role.AGENT_BAILLEUR)
        self.ts = membre(self.dispositif, Role.TRAVAILLEUR_SOCIAL)
        self.association = OrganisationFactory(type=TypeOrganisation.ASSOCIATION)
        self.siao = OrganisationFactory(type=TypeOrganisation.SIAO)
        self.ligne = LigneBudgetaireFactory(
            dispositif=self.dispositif, libelle="Aide bail glissant", montant_annuel=Decimal(5000)
        )
        self.menage = MenageFactory(dispositif=self.dispositif, nom="Vernier", prenom="Lucie")
        self.orientation = OrientationFactory(
            menage=self.menage,
            parcours=Parcours.ACCES,
            source=Source.SIAO,
            prescripteur=self.siao,
            orientee_par=self.agent,
            date_orientation=il_y_a(120),
        )

    def vacant(self, **champs):
        champs.setdefault("territoire", self.annecy)
        return LogementVacantFactory(dispositif=self.dispositif, **champs)

    def besoins(self, **champs):
        champs.setdefault("ressources_mensuelles", Decimal(900))
        return services.enregistrer_besoins(self.coordinateur, self.menage, **champs)

    def jusqu_a_la_reponse(self, logement=None):
        """Une proposition acceptée par le ménage, dossier complet."""
        logement = logement or self.vacant()
        proposition = services.proposer_logement(
            self.coordinateur, self.menage, logement, il_y_a(60)
        )
        services.informer_prescripteur(self.coordinateur, proposition, il_y_a(59))
        services.enregistrer_reponse(
            self.coordinateur,
            proposition,
            reponse=ReponseMenage.ACCEPTEE,
            date_reponse=il_y_a(55),
            visite_le=il_y_a(56),
        )
        for piece in proposition.pieces.all():
            services.noter_piece(self.coordinateur, piece, il_y_a(50))
        return proposition

    def jusqu_a_la_cal(self, logement=None, issue=IssueCAL.ATTRIBUTION):
        """Une proposition acceptée, dossier complet, décidée par la CAL."""
        proposition = self.jusqu_a_la_reponse(logement)
        services.decider_cal(
            self.coordinateur,
            proposition,
            date_seance=il_y_a(40),
            bailleur=self.dispositif.porteur,
            issue=issue,
            motif="Accompagnement en place" if issue != IssueCAL.ATTRIBUTION else "",
            explication="Logement attribué ; entrée prévue début du mois.",
        )
        return proposition

    def jusqu_au_bail(self, type_bail=TypeBail.GLISSANT):
        proposition = self.jusqu_a_la_cal()
        bail = services.signer_bail(
            self.coordinateur,
            proposition,
            date_signature=il_y_a(30),
            type_bail=type_bail,
            reference_locataire="HSH-2026-001",
            association_preneuse=self.association if type_bail == TypeBail.GLISSANT else None,
            glissement_prevu_le=AUJOURD_HUI() + timedelta(days=300),
            referent_bailleur=self.referent_bailleur,
            ligne_budgetaire=self.ligne,
        )
        return proposition, bail
