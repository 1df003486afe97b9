"""Le parcours accès de démonstration : logements vacants, besoins, propositions, CAL, baux.

Chaque ménage orienté vers l'accès avance, au travers des services (`acces.services`), jusqu'à
une étape tirée d'une graine fixe par programme, sans jamais dépasser aujourd'hui. Un programme
qui a déjà ses logements de démonstration n'est pas rechargé (idempotent). Tables et textes :
`donnees/acces.toml`.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from acces import services
from acces.enums import IssueCAL, ReponseMenage, TypeBail
from acces.models import LogementVacant
from acces.selectors import classement_pour
from accompagnement import services as accompagnement_services
from core.enums import Parcours, TypeOrganisation
from core.models import Dispositif, LigneBudgetaire, Organisation, User
from menages.models import Menage

from .comptes import email_demo
from .lecture import lire

DONNEES = lire("acces")
LOYERS = lire("menages")["loyers"]
TYPOLOGIES = ["T1", "T2", "T2", "T3", "T3", "T3", "T4", "T5"]


@transaction.atomic
def charger_parcours_acces():
    aujourd_hui = timezone.localdate()
    for slug, programme in DONNEES["programmes"].items():
        dispositif = Dispositif.objects.filter(slug=slug).first()
        if dispositif is None or not dispositif.parcours_acces:
            continue
        if LogementVacant.objects.filter(dispositif=dispositif).exists():
            continue
        _Programme(dispositif, programme, aujourd_hui).charger()


class _Programme:
    def __init__(self, dispositif, programme, aujourd_hui):
        self.dispositif = dispositif
        self.programme = programme
        self.aujourd_hui = aujourd_hui
        self.hasard = random.Random(f"acces-{dispositif.slug}")
        self.coordinateur = User.objects.get(email=email_demo("coordinateur", dispositif.slug))
        self.agent = User.objects.get(email=email_demo("bailleur", dispositif.slug))
        # Le suivi après le bail et les mutations tirent leur hasard à part : les étapes où en
        # est chaque ménage restent celles d'avant.
        self.suivi = random.Random(f"acces-suivi-{dispositif.slug}")
        self.baux = []
        self.association, _ = Organisation.objects.get_or_create(
            nom=programme["association_preneuse"],
            defaults={"type": TypeOrganisation.ASSOCIATION},
        )
        # La ligne du budget du programme (demo/donnees/programmes.toml) où l'aide est suivie.
        self.ligne = LigneBudgetaire.objects.filter(
            dispositif=dispositif, libelle=programme["ligne_aide"]
        ).first()
        self.communes = [
            commune
            for territoire in dispositif.territoires.prefetch_related("communes")
            for commune in territoire.communes.all()
        ]

    def charger(self):
        for rang in range(self.programme["vacants"]):
            self._vacant(rang)
        etapes = DONNEES["etapes"]
        menages = (
            Menage.objects.filter(
                dispositif=self.dispositif,
                provisoire=False,
                orientations__parcours=Parcours.ACCES,
            )
            .distinct()
            .order_by("pk")
        )
        for menage in menages:
            etape = self.hasard.choices(list(etapes), weights=list(etapes.values()))[0]
            self._avancer(menage, etape)
        self._muter()
        self._retirer()

    def _vacant(self, rang):
        hasard = self.hasard
        commune = self.communes[rang % len(self.communes)]
        typologie = hasard.choice(TYPOLOGIES)
        loyer = Decimal(LOYERS.get(typologie, 600) + hasard.randint(-25, 45))
        etage = hasard.choice([0, 0, 1, 1, 2, 3, 4, 5])
        services.saisir_logement_vacant(
            self.agent,
            self.dispositif,
            reference=f"{self.programme['prefixe']}{4100 + rang * 13}",
            adresse=f"{hasard.randint(1, 120)} {hasard.choice(self.programme['rues'])}",
            code_postal=commune.code_postal,
            commune=commune.nom,
            commune_du_dispositif=commune,
            territoire=commune.territoire,
            typologie=typologie,
            etage=etage,
            ascenseur=etage >= 3 and hasard.random() < 0.7,
            accessible_pmr=etage == 0 and hasard.random() < 0.5,
            proche_transports=hasard.random() < 0.6,
            proche_soins=hasard.random() < 0.4,
            animaux_acceptes=hasard.random() < 0.8,
            loyer=loyer,
            charges=Decimal(hasard.randint(40, 110)),
            apl_estimee=Decimal(hasard.randint(120, int(loyer * Decimal("0.6")))),
            disponible_le=self.aujourd_hui + timedelta(days=hasard.randint(-40, 60)),
        )

    def _jour(self, depart, geste):
        jour = depart + timedelta(days=DONNEES["calendrier"][geste])
        return jour if jour <= self.aujourd_hui else None

    def _avancer(self, menage, etape):
        ordre = list(DONNEES["etapes"])
        rang = ordre.index(etape)
        orientation = menage.orientations.filter(parcours=Parcours.ACCES).order_by(
            "date_orientation"
        )[0]
        depart = orientation.date_orientation
        coordinateur = self.coordinateur
        jour = self._jour(depart, "besoins")
        if jour is None:
            return
        territoire = orientation.territoire or (
            self.communes[0].territoire if self.communes else None
        )
        autres = [c.territoire for c in self.communes if c.territoire != territoire]
        services.enregistrer_besoins(
            coordinateur,
            menage,
            date_besoins=jour,
            secteurs_souhaites=[territoire] if territoire else [],
            secteurs_evites=autres[:1] if self.hasard.random() < 0.3 else [],
            typologie_min=self.hasard.choice(["T1", "T2", "T2", "T3"]),
            typologie_max=self.hasard.choice(["T3", "T3", "T4"]),
            etage_max=self.hasard.choice([None, 2, 3]),
            proximite_transports=self.hasard.random() < 0.6,
            proximite_soins=self.hasard.random() < 0.3,
            animaux=self.hasard.random() < 0.15,
            ressources_mensuelles=menage.ressources_mensuelles or Decimal(850),
            date_au_plus_tot=jour + timedelta(days=20),
        )
        jour = self._jour(depart, "proposition")
        if rang < ordre.index("proposee") or jour is None:
            return
        besoins = menage.besoins_logement.first()
        classement = [a for a in classement_pour(menage, besoins) if not a.ecarte]
        if not classement:
            return
        proposition = services.proposer_logement(coordinateur, menage, classement[0].logement, jour)
        jour = self._jour(depart, "information")
        if rang < ordre.index("reponse") or jour is None:
            return
        services.informer_prescripteur(coordinateur, proposition, jour)
        refus = etape == "refus_menage"
        jour = self._jour(depart, "reponse")
        if jour is None:
            return
        services.enregistrer_reponse(
            coordinateur,
            proposition,
            reponse=ReponseMenage.REFUSEE if refus else ReponseMenage.ACCEPTEE,
            date_reponse=jour,
            visite_le=self._jour(depart, "visite"),
            motif=DONNEES["textes"]["motif_refus"] if refus else "",
        )
        jour = self._jour(depart, "pieces")
        if refus or rang < ordre.index("non_attribution") or jour is None:
            return
        for piece in proposition.pieces.all():
            services.noter_piece(coordinateur, piece, jour)
        jour = self._jour(depart, "cal")
        if jour is None:
            return
        textes = DONNEES["textes"]
        if etape == "non_attribution":
            services.decider_cal(
                coordinateur,
                proposition,
                date_seance=jour,
                bailleur=self.dispositif.porteur,
                issue=IssueCAL.NON_ATTRIBUTION,
                motif=textes["motif_non_attribution"],
                explication=textes["explication_non_attribution"],
            )
            return
        sous_condition = self.hasard.random() < 0.25
        services.decider_cal(
            coordinateur,
            proposition,
            date_seance=jour,
            bailleur=self.dispositif.porteur,
            issue=IssueCAL.SOUS_CONDITION if sous_condition else IssueCAL.ATTRIBUTION,
            motif=textes["condition"] if sous_condition else "",
            explication=textes["explication_attribution"],
        )
        jour = self._jour(depart, "bail")
        if jour is None:
            return
        glissant = etape in ("bail_glissant", "glissement")
        bail = services.signer_bail(
            coordinateur,
            proposition,
            date_signature=jour,
            type_bail=TypeBail.GLISSANT if glissant else TypeBail.DIRECT,
            association_preneuse=self.association if glissant else None,
            glissement_prevu_le=jour + timedelta(days=365) if glissant else None,
            referent_bailleur=self.agent,
            ligne_budgetaire=self.ligne if glissant else None,
        )
        self._relayer(bail)
        self._suivre_apres_bail(menage, bail)
        self.baux.append(bail)
        if glissant:
            versement = jour + timedelta(days=30)
            if versement <= self.aujourd_hui:
                services.verser_aide_bail_glissant(
                    coordinateur, bail, date_versement=versement, montant=Decimal(600)
                )
        jour = self._jour(depart, "glissement")
        if etape == "glissement" and jour is not None:
            services.constater_glissement(coordinateur, bail, jour)

    def _relayer(self, bail):
        """Les étapes du relais passées depuis une semaine sont faites, sauf, pour un bail sur
        trois, la plus récente : elle est en retard (accueil du référent, rappel quotidien)."""
        passees = [
            etape
            for etape in bail.etapes.all()
            if etape.date_prevue <= self.aujourd_hui - timedelta(days=7)
        ]
        oubliee = passees[-1] if passees and self.suivi.random() < 1 / 3 else None
        for etape in passees:
            if etape is not oubliee:
                services.faire_etape(self.coordinateur, etape, etape.date_prevue)

    def _suivre_apres_bail(self, menage, bail):
        """Après le bail, le référent du bailleur rejoint l'équipe de l'accompagnement en cours
        (la travailleuse sociale suit le ménage depuis son admission). Un ménage sans
        accompagnement ouvert en reste là : la coordination l'ouvre depuis la proposition,
        « Ouvrir l'accompagnement », comme dans le parcours de bout en bout."""
        ouvert = menage.accompagnements.ouverts().first()
        if ouvert is None or bail.referent_bailleur is None:
            return
        equipe = [m.user for m in ouvert.equipe.en_cours().select_related("user")]
        if bail.referent_bailleur in equipe:
            return
        accompagnement_services.modifier_equipe(
            self.coordinateur,
            ouvert,
            referent=ouvert.referent,
            equipe=[*equipe, bail.referent_bailleur],
        )

    def _retirer(self):
        """Un logement encore disponible sort de l'offre pour travaux (sa fiche garde le retrait,
        et la coordination peut l'y remettre)."""
        logement = (
            LogementVacant.objects.filter(dispositif=self.dispositif, etat="disponible")
            .order_by("territoire__nom", "pk")
            .last()
        )
        if logement is not None:
            services.retirer_logement_vacant(
                self.coordinateur,
                logement,
                motif="travaux",
                precision="Remise en état de la salle de bains après dégât des eaux.",
                date_retrait=self.aujourd_hui - timedelta(days=12),
            )

    def _muter(self):
        """Quelques ménages logés depuis plus de six mois changent de logement dans le parc du
        bailleur (une famille qui s'agrandit, un étage devenu trop haut) : l'ancien logement et
        l'ancienne référence restent en historique."""
        anciens = [
            bail
            for bail in self.baux
            if bail.date_signature <= self.aujourd_hui - timedelta(days=180)
        ]
        for rang, bail in enumerate(anciens[: self.programme["mutations"]]):
            menage = bail.menage
            besoins = menage.besoins_logement.first()
            libres = [a.logement for a in classement_pour(menage, besoins) if not a.ecarte]
            libres = libres or list(
                LogementVacant.objects.filter(dispositif=self.dispositif, etat="disponible")
            )
            if not libres:
                return
            services.muter(
                self.coordinateur,
                menage,
                logement_vacant=libres[0],
                nouvelle_reference=f"{self.programme['prefixe']}-MUT-{rang + 1:02d}",
                date_mutation=self.aujourd_hui - timedelta(days=self.suivi.randint(10, 60)),
            )
