"""Construit le jeu national du banc, par les modèles du produit.

Deux dispositifs : « banc-national » (10 000 ménages, environ 40 interventions chacun) et
« banc-second » (le dixième). Tout passe par les modèles (`bulk_create` par lots) : les textes
libres (notes, synthèses, objectifs, motifs) sont chiffrés par leur champ comme dans le produit.

Deux ménages sont repérables pour la mesure, dans le dispositif national :
- référence locataire `BANC-500` : 500 interventions ;
- référence locataire `BANC-30` : 30 interventions.
Le compte `ts.repere@<dispositif>.test` (travailleur social) est dans l'équipe des deux.

Les comptes du banc (un par rôle, voir `COMPTES`) partagent le mot de passe `MOT_DE_PASSE`.
Le tirage est déterministe (`--graine`) : deux constructions donnent les mêmes formes.
"""

import random
import time
from datetime import datetime, timedelta
from datetime import time as heure
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from acces import models as acces
from acces.enums import EtatVacant, IssueCAL, ReponseMenage
from accompagnement import models as accompagnement
from accompagnement.enums import (
    Adhesion,
    Axe,
    Confidentialite,
    DecisionBilan,
    DestinationPartenaire,
    MotifCloture,
    StatutAccompagnement,
    StatutObjectif,
    TypeBilan,
    TypeIntervention,
)
from comites import models as comites
from comites.enums import NaturePoint, TypeComite, TypeDecision
from core import models as core
from core.enums import Parcours, Profession, Role, RolePartenaire, TypeOrganisation
from equipes import models as equipes
from menages import models as menages
from menages import services as services_menages
from menages.enums import (
    Composition,
    LienPersonne,
    NatureRessource,
    OrigineDette,
    Problematique,
    Source,
    StadeProcedure,
    StatutOccupation,
    StatutOrientation,
    Typologie,
)

MOT_DE_PASSE = "banc-de-mesure-2026"
NATIONAL = "banc-national"
SECOND = "banc-second"
REFERENCE_500 = "BANC-500"
REFERENCE_30 = "BANC-30"
LOT = 5000
# Le journal d'accès : environ 120 lignes par ménage sur les deux ans (lectures de notes
# « soignants » surtout, connexions, exports), 1,2 million pour le programme national.
JOURNAL_PAR_MENAGE = 120

# Un compte par rôle mesuré : (préfixe de l'adresse, rôle, profession).
COMPTES = [
    ("coordination", Role.COORDINATEUR, Profession.COORDINATEUR),
    ("ts.repere", Role.TRAVAILLEUR_SOCIAL, Profession.TRAVAILLEUR_SOCIAL),
    ("infirmier.repere", Role.INFIRMIER, Profession.INFIRMIER),
    ("psychologue.repere", Role.PSYCHOLOGUE, Profession.PSYCHOLOGUE),
    ("agent.bailleur", Role.AGENT_BAILLEUR, Profession.AGENT_BAILLEUR),
    ("prescripteur", Role.PRESCRIPTEUR, Profession.PARTENAIRE),
    ("cotech", Role.MEMBRE_COTECH, Profession.PARTENAIRE),
    ("copil", Role.MEMBRE_COPIL, Profession.PARTENAIRE),
    ("evaluation", Role.EVALUATEUR, Profession.PARTENAIRE),
]

NOMS = [
    "Martin",
    "Bernard",
    "Thomas",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Lefevre",
    "Faure",
    "Andre",
    "Mercier",
    "Blanc",
    "Guerin",
    "Boyer",
    "Garnier",
    "Chevalier",
    "Francois",
    "Legrand",
    "Gauthier",
    "Garcia",
    "Perrin",
    "Robin",
    "Clement",
    "Morin",
    "Nicolas",
    "Henry",
    "Roussel",
    "Mathieu",
]
PRENOMS = [
    "Marie",
    "Jean",
    "Nathalie",
    "Pierre",
    "Isabelle",
    "Michel",
    "Sylvie",
    "Philippe",
    "Catherine",
    "Alain",
    "Sandrine",
    "Nicolas",
    "Christine",
    "Patrick",
    "Valérie",
    "Christophe",
    "Céline",
    "Éric",
    "Karima",
    "Mohamed",
    "Fatima",
    "Sébastien",
    "Aurélie",
    "Léa",
]
PHRASES = [
    "Visite réalisée avec le ménage, le logement est tenu, le courrier en retard a été trié.",
    "Point sur le budget : les factures d'énergie sont à jour, le loyer de ce mois reste dû.",
    "Madame évoque une fatigue importante ; un rendez-vous chez le médecin traitant est pris.",
    "Entretien téléphonique : le dossier FSL est complet et part à la commission.",
    "Le ménage n'a pas répondu ; un avis de passage est laissé dans la boîte aux lettres.",
    "Accompagnement physique à la CAF pour la révision des droits à l'APL.",
    "Synthèse avec le CCAS et le bailleur : plan d'apurement proposé à 50 € par mois.",
    "Monsieur accepte un suivi au CMP ; première consultation fixée la semaine prochaine.",
]


def _maintenant():
    return timezone.now().replace(microsecond=0)


class Constructeur:
    """Construit un dispositif du banc ; `construire()` renvoie un résumé des lignes écrites."""

    def __init__(self, slug, nom, menages_voulus, interventions_par_menage, graine, sortie):
        self.slug = slug
        self.nom = nom
        self.n = menages_voulus
        self.par_menage = interventions_par_menage
        self.hasard = random.Random(f"{graine}-{slug}")
        self.sortie = sortie
        self.maintenant = _maintenant()
        self.aujourd_hui = timezone.localdate()
        self.debut = self.aujourd_hui - timedelta(days=730)
        self.comptes = {}
        self.resume = {}

    # --- petits outils ---------------------------------------------------------------------

    def _ecrire(self, modele, lignes):
        """`bulk_create` par lots ; renvoie les lignes avec leur clé."""
        faites = []
        for i in range(0, len(lignes), LOT):
            faites.extend(modele.objects.bulk_create(lignes[i : i + LOT]))
        nom = modele._meta.label
        self.resume[nom] = self.resume.get(nom, 0) + len(lignes)
        return faites

    def _jour(self, depuis, jusqu_a):
        ecart = max((jusqu_a - depuis).days, 0)
        return depuis + timedelta(days=self.hasard.randint(0, ecart))

    def _instant(self, jour):
        moment = datetime.combine(
            jour, heure(self.hasard.randint(8, 17), self.hasard.randint(0, 59))
        )
        return timezone.make_aware(moment)

    def _dire(self, etape):
        if self.sortie:
            self.sortie(f"[{self.slug}] {etape}")

    # --- construction ----------------------------------------------------------------------

    @transaction.atomic
    def _invitations(self, domaine):
        """Les invitations d'un programme en régime : une pour 80 ménages, acceptées (40 %),
        révoquées (10 %), en attente (20 %) ou expirées depuis moins de la durée de
        conservation (30 %) ; la page des membres en montre une partie et compte les autres."""
        maintenant = _maintenant()
        invitations = []
        for i in range(max(self.n // 80, 4)):
            cree_le = maintenant - timedelta(days=self.hasard.randint(1, 80))
            tirage = self.hasard.random()
            invitation = equipes.Invitation(
                dispositif=self.dispositif,
                email=f"invitee{i}@{domaine}",
                prenom=self.hasard.choice(PRENOMS),
                nom=self.hasard.choice(NOMS),
                role=Role.TRAVAILLEUR_SOCIAL,
                profession=Profession.TRAVAILLEUR_SOCIAL,
                organisation=self.associations[i % 3],
                jeton_empreinte=equipes.empreinte(f"banc-{self.slug}-{i}"),
                cree_par=self.comptes["coordination"],
                cree_le=cree_le,
                envoyee_le=cree_le,
                expire_le=cree_le + timedelta(days=7),
            )
            if tirage < 0.4:
                invitation.acceptee_le = cree_le + timedelta(days=1)
            elif tirage < 0.5:
                invitation.revoquee_le = cree_le + timedelta(days=2)
                invitation.revoquee_par = self.comptes["coordination"]
            elif tirage < 0.7:
                invitation.cree_le = invitation.envoyee_le = maintenant - timedelta(days=1)
                invitation.expire_le = maintenant + timedelta(days=6)
            invitations.append(invitation)
        self._ecrire(equipes.Invitation, invitations)

    def construire(self):
        depart = time.monotonic()
        self._structures()
        self._personnes()
        self._menages()
        self._accompagnements()
        self._interventions()
        self._bilans_et_dettes()
        self._comites()
        self._acces()
        self._situations()
        self._journal()
        self._historique()
        self.resume["secondes"] = round(time.monotonic() - depart, 1)
        return self.resume

    def _journal(self):
        """Le journal d'accès de deux ans de travail : des lectures de notes « soignants » par
        les infirmier·ères et psychologues, les connexions des membres (sans dispositif, comme
        le produit les écrit), des exports de la coordination. Écrit par lots au fil du tirage,
        sans tenir le million de lignes en mémoire."""
        self._dire("journal d'accès")
        h = self.hasard
        soignants = self.infirmiers + self.psychologues
        membres = self.ts + soignants + self.agents + [self.comptes["coordination"]]
        menages_ = list(
            menages.Menage.objects.filter(dispositif=self.dispositif).values_list(
                "public_id", flat=True
            )
        )
        total = self.n * JOURNAL_PAR_MENAGE
        secondes = int((self.maintenant - self._instant(self.debut)).total_seconds())
        Action = core.JournalAudit.Action
        lot = []
        for rang in range(total):
            tirage = h.random()
            if tirage < 0.80:
                qui, champs = (
                    h.choice(soignants),
                    {
                        "roles": Role.INFIRMIER,
                        "action": Action.LECTURE_NOTE_SOIGNANTS,
                        "dispositif": self.dispositif,
                        "objet_type": "accompagnement.Intervention",
                        "objet_id": str(h.randint(1, 400_000)),
                        "menage_public_id": h.choice(menages_),
                    },
                )
            elif tirage < 0.97:
                qui, champs = h.choice(membres), {"action": Action.CONNEXION}
            else:
                qui, champs = (
                    self.comptes["coordination"],
                    {
                        "roles": Role.COORDINATEUR,
                        "action": Action.EXPORT,
                        "dispositif": self.dispositif,
                        "detail": "file active CSV, 25 lignes",
                    },
                )
            ligne = core.JournalAudit(
                date=self.maintenant - timedelta(seconds=h.randint(0, secondes)),
                user=qui,
                email=qui.email,
                adresse_ip="10.0.0.1",
                **champs,
            )
            lot.append(ligne)
            if len(lot) == LOT or rang == total - 1:
                core.JournalAudit.objects.bulk_create(lot)
                lot = []
        self.resume["core.JournalAudit"] = self.resume.get("core.JournalAudit", 0) + total

    def _historique(self):
        """L'historique des modifications des deux ménages mesurés (la page « Historique » de
        la coordination ; les autres ménages, écrits en groupe, n'en ont pas) : la création de
        chaque enregistrement à sa date, par la coordination, puis une rectification d'une
        intervention sur cinq le lendemain et dix changements de téléphone du ménage."""
        self._dire("historique des deux ménages mesurés")
        auteur = self.comptes["coordination"]
        for reference in (REFERENCE_500, REFERENCE_30):
            menage = menages.Menage.objects.get(
                dispositif=self.dispositif, reference_locataire=reference
            )
            episodes = list(accompagnement.Accompagnement.objects.filter(menage=menage))
            lignes = {
                menages.Menage: ([menage], lambda m: self.debut),
                menages.Logement: (list(menage.logements.all()), lambda o: self.debut),
                menages.Orientation: (
                    list(menage.orientations.all()),
                    lambda o: o.date_orientation,
                ),
                accompagnement.Accompagnement: (episodes, lambda a: a.date_debut),
                accompagnement.Objectif: (
                    list(accompagnement.Objectif.objects.filter(accompagnement__in=episodes)),
                    lambda o: o.accompagnement.date_debut,
                ),
                accompagnement.Intervention: (
                    list(accompagnement.Intervention.objects.filter(accompagnement__in=episodes)),
                    lambda i: i.date_heure,
                ),
            }
            nombre = 0
            for modele, (objets, quand) in lignes.items():
                for objet in objets:
                    moment = quand(objet)
                    objet._history_date = (
                        moment if isinstance(moment, datetime) else self._instant(moment)
                    )
                    objet._history_user = auteur
                modele.historique.bulk_history_create(objets)
                nombre += len(objets)
            rectifiees = lignes[accompagnement.Intervention][0][::5]
            for intervention in rectifiees:
                intervention.duree_minutes = (intervention.duree_minutes or 30) + 15
                intervention._history_date += timedelta(days=1)
            accompagnement.Intervention.historique.bulk_history_create(rectifiees, update=True)
            changements = []
            for rang in range(10):
                menage.telephone = f"06 00 00 10 {rang:02d}"
                menage._history_date = self.maintenant - timedelta(days=30 * (10 - rang))
                changements.append(
                    menages.Menage(
                        **{
                            champ.attname: getattr(menage, champ.attname)
                            for champ in menages.Menage._meta.concrete_fields
                        }
                    )
                )
                changements[-1]._history_date = menage._history_date
                changements[-1]._history_user = auteur
            menages.Menage.historique.bulk_history_create(changements, update=True)
            nombre += len(rectifiees) + len(changements)
            self.resume[f"historique {reference}"] = nombre

    def _situations(self):
        # Orientations et relevés s'écrivent en groupe : la situation du jour que porte chaque
        # ménage (file active) se recalcule à la fin, par le service du produit.
        self._dire("situation du jour des ménages")
        services_menages.actualiser_situation(
            menages.Menage.objects.filter(dispositif=self.dispositif).values_list("pk", flat=True)
        )

    def _structures(self):
        self._dire("structures, dispositif, territoires")
        slug = self.slug
        self.bailleur = core.Organisation.objects.create(
            nom=f"Bailleur {slug}", sigle="BAIL", type=TypeOrganisation.BAILLEUR
        )
        self.associations = [
            core.Organisation.objects.create(
                nom=f"Association {i} {slug}", type=TypeOrganisation.ASSOCIATION
            )
            for i in range(1, 4)
        ]
        self.siao = core.Organisation.objects.create(
            nom=f"SIAO {slug}", sigle="SIAO", type=TypeOrganisation.SIAO
        )
        self.ccas = core.Organisation.objects.create(
            nom=f"CCAS {slug}", type=TypeOrganisation.CCAS_COMMUNE
        )
        # Les autres structures de l'instance (bailleurs, associations, services d'ailleurs),
        # que les listes de structures proposent : des centaines dans un programme national.
        types = [
            TypeOrganisation.BAILLEUR,
            TypeOrganisation.ASSOCIATION,
            TypeOrganisation.CCAS_COMMUNE,
        ]
        core.Organisation.objects.bulk_create(
            core.Organisation(nom=f"Structure {i} {slug}", type=types[i % len(types)])
            for i in range(1, self.n // 25 + 1)
        )
        self.dispositif = core.Dispositif.objects.create(
            slug=slug,
            nom=self.nom,
            porteur=self.bailleur,
            departement="75",
            parcours_acces=True,
            parcours_maintien=True,
            capacite_acces=self.n // 5,
            capacite_maintien=self.n - self.n // 5,
            date_debut=self.debut,
            cout_menage_prevu=Decimal("4833.00"),
        )
        core.Partenariat.objects.bulk_create(
            [
                core.Partenariat(
                    dispositif=self.dispositif, organisation=self.bailleur, role="porteur"
                )
            ]
            + [
                core.Partenariat(
                    dispositif=self.dispositif, organisation=o, role=RolePartenaire.ACCOMPAGNEMENT
                )
                for o in self.associations
            ]
            + [
                core.Partenariat(
                    dispositif=self.dispositif, organisation=o, role=RolePartenaire.ORIENTATION
                )
                for o in (self.siao, self.ccas)
            ]
        )
        core.LigneBudgetaire.objects.bulk_create(
            [
                core.LigneBudgetaire(
                    dispositif=self.dispositif,
                    poste=poste,
                    nature="salaire",
                    montant_annuel=Decimal(montant) * max(self.n // 30, 1),
                )
                for poste, montant in (
                    (Profession.TRAVAILLEUR_SOCIAL, "38000"),
                    (Profession.INFIRMIER, "12000"),
                    (Profession.PSYCHOLOGUE, "9000"),
                    (Profession.COORDINATEUR, "15000"),
                )
            ]
        )
        self.territoires = [
            core.Territoire.objects.create(dispositif=self.dispositif, nom=f"Secteur {i}")
            for i in range(1, 6)
        ]
        self.communes = {}
        for t, territoire in enumerate(self.territoires):
            self.communes[territoire.pk] = [
                core.Commune.objects.create(
                    territoire=territoire,
                    nom=f"Commune {t + 1}-{c}",
                    code_postal=f"75{t + 1}{c:02d}",
                )
                for c in range(1, 5)
            ]

    def _personnes(self):
        self._dire("comptes et adhésions")
        motdepasse = make_password(MOT_DE_PASSE)
        domaine = f"{self.slug}.test"
        utilisateurs = []
        adhesions = []

        def compte(email, prenom, nom, role, profession, organisation=None, territoire=None):
            user = core.User(email=email, first_name=prenom, last_name=nom, password=motdepasse)
            utilisateurs.append(user)
            adhesions.append((user, role, profession, organisation, territoire))
            return user

        for prefixe, role, profession in COMPTES:
            organisation = {
                Role.AGENT_BAILLEUR: self.bailleur,
                Role.PRESCRIPTEUR: self.siao,
                Role.MEMBRE_COTECH: self.ccas,
                Role.MEMBRE_COPIL: self.ccas,
            }.get(role, self.associations[0])
            self.comptes[prefixe] = compte(
                f"{prefixe}@{domaine}", "Banc", prefixe, role, profession, organisation
            )
        # Les professionnels de terrain : une file d'environ 25 ménages par travailleur social.
        self.ts = [self.comptes["ts.repere"]] + [
            compte(
                f"ts{i}@{domaine}",
                self.hasard.choice(PRENOMS),
                self.hasard.choice(NOMS),
                Role.TRAVAILLEUR_SOCIAL,
                Profession.TRAVAILLEUR_SOCIAL,
                self.associations[i % 3],
            )
            for i in range(1, max(self.n // 25, 2))
        ]
        self.infirmiers = [self.comptes["infirmier.repere"]] + [
            compte(
                f"infirmier{i}@{domaine}",
                self.hasard.choice(PRENOMS),
                self.hasard.choice(NOMS),
                Role.INFIRMIER,
                Profession.INFIRMIER,
                self.associations[i % 3],
            )
            for i in range(1, max(self.n // 100, 2))
        ]
        self.psychologues = [self.comptes["psychologue.repere"]] + [
            compte(
                f"psychologue{i}@{domaine}",
                self.hasard.choice(PRENOMS),
                self.hasard.choice(NOMS),
                Role.PSYCHOLOGUE,
                Profession.PSYCHOLOGUE,
                self.associations[i % 3],
            )
            for i in range(1, max(self.n // 150, 2))
        ]
        self.agents = [self.comptes["agent.bailleur"]] + [
            compte(
                f"agent{i}@{domaine}",
                self.hasard.choice(PRENOMS),
                self.hasard.choice(NOMS),
                Role.AGENT_BAILLEUR,
                Profession.AGENT_BAILLEUR,
                self.bailleur,
            )
            for i in range(1, max(self.n // 500, 2))
        ]
        self.membres_cotech = [self.comptes["cotech"]] + [
            compte(
                f"cotech{i}@{domaine}",
                self.hasard.choice(PRENOMS),
                self.hasard.choice(NOMS),
                Role.MEMBRE_COTECH,
                Profession.PARTENAIRE,
                self.ccas,
            )
            for i in range(1, 6)
        ]
        self._ecrire(core.User, utilisateurs)
        self._ecrire(
            core.Membre,
            [
                core.Membre(
                    user=user,
                    dispositif=self.dispositif,
                    organisation=organisation,
                    profession=profession,
                    role=role,
                    territoire=territoire,
                    date_debut=self.debut,
                )
                for user, role, profession, organisation, territoire in adhesions
            ],
        )
        self._invitations(domaine)
        if self.slug == NATIONAL:
            financeur, _ = core.User.objects.get_or_create(
                email="financeur@banc.test",
                defaults={"first_name": "Banc", "last_name": "financeur", "password": motdepasse},
            )
            core.HabilitationNationale.objects.get_or_create(
                user=financeur, defaults={"a_confirmer": False}
            )

    def _menages(self):
        self._dire(f"{self.n} ménages, logements, orientations")
        h = self.hasard
        lignes = []
        # Les deux ménages repérables d'abord, dans le premier secteur.
        for i in range(self.n):
            if i == 0:
                reference, nom = REFERENCE_500, "Banc-Cinq-Cents"
            elif i == 1:
                reference, nom = REFERENCE_30, "Banc-Trente"
            else:
                reference, nom = f"L{i:06d}", h.choice(NOMS)
            territoire = self.territoires[0] if i < 2 else h.choice(self.territoires)
            lignes.append(
                menages.Menage(
                    dispositif=self.dispositif,
                    reference_locataire=reference,
                    nom=nom,
                    prenom=h.choice(PRENOMS),
                    composition=h.choice(Composition.values),
                    nb_adultes=h.randint(1, 2),
                    nb_enfants=h.randint(0, 3),
                    telephone=f"06{h.randint(0, 99999999):08d}",
                    territoire=territoire,
                    cree_le=self._instant(self._jour(self.debut, self.aujourd_hui)),
                    cree_par=self.comptes["coordination"],
                    date_information_partage=self.debut,
                )
            )
        self.menages = self._ecrire(menages.Menage, lignes)
        # Un cinquième des ménages en parcours accès (sans logement : hébergés ou en attente).
        self.parcours = {
            m.pk: Parcours.MAINTIEN if i < 2 or h.random() > 0.2 else Parcours.ACCES
            for i, m in enumerate(self.menages)
        }
        personnes, ressources, logements, orientations = [], [], [], []
        for m in self.menages:
            personnes.append(
                menages.Personne(
                    menage=m,
                    prenom=m.prenom,
                    nom=m.nom,
                    annee_naissance=h.randint(1950, 2000),
                    lien=LienPersonne.TITULAIRE,
                )
            )
            for _ in range(m.nb_enfants):
                personnes.append(
                    menages.Personne(
                        menage=m,
                        prenom=h.choice(PRENOMS),
                        annee_naissance=h.randint(2008, 2024),
                        adulte=False,
                        lien=LienPersonne.ENFANT,
                    )
                )
            ressources.append(
                menages.Ressource(
                    menage=m,
                    nature=h.choice(
                        (NatureRessource.RSA, NatureRessource.AAH, NatureRessource.SALAIRE)
                    ),
                    montant_mensuel=Decimal(h.randint(450, 1600)),
                )
            )
            acces_ = self.parcours[m.pk] == Parcours.ACCES
            commune = h.choice(self.communes[m.territoire_id])
            logements.append(
                menages.Logement(
                    menage=m,
                    adresse=f"{h.randint(1, 200)} rue des Lilas",
                    code_postal=commune.code_postal,
                    commune=commune.nom,
                    commune_du_dispositif=commune,
                    territoire_id=m.territoire_id,
                    typologie=h.choice(Typologie.values),
                    etage=h.randint(0, 8),
                    loyer=None if acces_ else Decimal(h.randint(300, 750)),
                    charges=None if acces_ else Decimal(h.randint(40, 150)),
                    apl=None if acces_ else Decimal(h.randint(0, 300)),
                    statut_occupation=(
                        h.choice((StatutOccupation.HEBERGE, StatutOccupation.EN_ATTENTE))
                        if acces_
                        else StatutOccupation.LOCATAIRE_EN_TITRE
                    ),
                    date_entree=None
                    if acces_
                    else self.debut - timedelta(days=h.randint(100, 5000)),
                )
            )
            date_orientation = min(m.cree_le.date(), self.aujourd_hui)
            orientations.append(
                menages.Orientation(
                    menage=m,
                    date_orientation=date_orientation,
                    parcours=self.parcours[m.pk],
                    source=Source.SIAO
                    if acces_
                    else h.choice((Source.RECOUVREMENT, Source.PROXIMITE)),
                    prescripteur=self.siao if acces_ else None,
                    organisation=self.siao if acces_ else self.bailleur,
                    orientee_par=(
                        self.comptes["prescripteur"] if acces_ else h.choice(self.agents)
                    ),
                    description=h.choice(PHRASES),
                    dette_locative=None if acces_ else Decimal(h.randint(0, 4000)),
                    stade_procedure=(
                        StadeProcedure.AUCUNE if acces_ else h.choice(StadeProcedure.values[:4])
                    ),
                    territoire_id=m.territoire_id,
                    statut=StatutOrientation.ADMISE,
                    date_statut=date_orientation,
                    cree_le=m.cree_le,
                )
            )
        self._ecrire(menages.Personne, personnes)
        self._ecrire(menages.Ressource, ressources)
        self._ecrire(menages.Logement, logements)
        self.orientations = {
            o.menage_id: o for o in self._ecrire(menages.Orientation, orientations)
        }
        codes = Problematique.values
        problematiques = []
        for o in self.orientations.values():
            for code in h.sample(codes, h.randint(1, 3)):
                problematiques.append(menages.ProblematiqueOrientation(orientation=o, code=code))
        self._ecrire(menages.ProblematiqueOrientation, problematiques)

    def _accompagnements(self):
        self._dire("accompagnements, équipes, plans d'action")
        h = self.hasard
        # Les 4 % de ménages les plus récents attendent encore leur COTECH : pas d'accompagnement.
        tries = sorted(self.menages[2:], key=lambda m: m.cree_le)
        attente = max(len(tries) // 25, 1) if len(tries) > 4 else 0
        self.en_attente = tries[len(tries) - attente :] if attente else []
        for m in self.en_attente:
            orientation = self.orientations[m.pk]
            orientation.statut = h.choice((StatutOrientation.RECUE, StatutOrientation.A_EXAMINER))
        menages.Orientation.objects.bulk_update(
            [self.orientations[m.pk] for m in self.en_attente], ["statut"]
        )
        attente_ids = {m.pk for m in self.en_attente}
        suivis = [m for m in self.menages if m.pk not in attente_ids]
        lignes = []
        for i, m in enumerate(suivis):
            debut = max(m.cree_le.date() + timedelta(days=h.randint(7, 40)), self.debut)
            debut = min(debut, self.aujourd_hui - timedelta(days=1))
            tirage = h.random()
            if i < 2 or tirage < 0.70:
                statut = StatutAccompagnement.EN_COURS
            elif tirage < 0.80:
                statut = StatutAccompagnement.DIAGNOSTIC
            elif tirage < 0.85:
                statut = StatutAccompagnement.SUSPENDU
            elif tirage < 0.95:
                statut = StatutAccompagnement.CLOS
            else:
                statut = StatutAccompagnement.SUIVI_POST_CLOTURE
            fin = None
            if statut in (StatutAccompagnement.CLOS, StatutAccompagnement.SUIVI_POST_CLOTURE):
                fin = self._jour(debut + timedelta(days=1), self.aujourd_hui)
            referent = self.comptes["ts.repere"] if i < 2 else self.ts[i % len(self.ts)]
            lignes.append(
                accompagnement.Accompagnement(
                    menage=m,
                    dispositif=self.dispositif,
                    orientation=self.orientations[m.pk],
                    date_debut=debut,
                    date_fin=fin,
                    referent=referent,
                    statut=statut,
                    adhesion=h.choice((Adhesion.ACCEPTEE, Adhesion.ACCEPTEE, Adhesion.DE_PRINCIPE)),
                    date_premier_contact=debut,
                    stade_procedure_entree=self.orientations[m.pk].stade_procedure,
                    cree_le=self._instant(debut),
                    ouvert_par=self.comptes["coordination"],
                )
            )
        self.accompagnements = self._ecrire(accompagnement.Accompagnement, lignes)
        equipe, plans, objectifs = [], [], []
        for i, a in enumerate(self.accompagnements):
            equipe.append(
                accompagnement.MembreEquipe(
                    accompagnement=a,
                    user_id=a.referent_id,
                    profession=Profession.TRAVAILLEUR_SOCIAL,
                    depuis=a.date_debut,
                )
            )
            if i < 2 or h.random() < 0.4:
                equipe.append(
                    accompagnement.MembreEquipe(
                        accompagnement=a,
                        user=self.infirmiers[0] if i < 2 else h.choice(self.infirmiers),
                        profession=Profession.INFIRMIER,
                        depuis=a.date_debut,
                    )
                )
            if i < 2 or h.random() < 0.25:
                equipe.append(
                    accompagnement.MembreEquipe(
                        accompagnement=a,
                        user=self.psychologues[0] if i < 2 else h.choice(self.psychologues),
                        profession=Profession.PSYCHOLOGUE,
                        depuis=a.date_debut,
                    )
                )
            plans.append(
                accompagnement.PlanAction(
                    accompagnement=a,
                    date_validation=a.date_debut + timedelta(days=30),
                    duree_prevue_mois=12,
                    structures_autour="CCAS, médecin traitant",
                )
            )
            for axe in h.sample(Axe.values, h.randint(2, 4)):
                objectifs.append(
                    accompagnement.Objectif(
                        accompagnement=a,
                        axe=axe,
                        libelle=f"Objectif {Axe(axe).label.lower()}",
                        indicateur="Constaté au bilan",
                        avancement=h.choice((0, 25, 50, 75, 100)),
                        echeance=a.date_debut + timedelta(days=h.randint(60, 365)),
                        statut=h.choice(StatutObjectif.values),
                    )
                )
        self.equipes = {}
        for membre in self._ecrire(accompagnement.MembreEquipe, equipe):
            self.equipes.setdefault(membre.accompagnement_id, []).append(membre)
        self._ecrire(accompagnement.PlanAction, plans)
        self.objectifs = {}
        for objectif in self._ecrire(accompagnement.Objectif, objectifs):
            self.objectifs.setdefault(objectif.accompagnement_id, []).append(objectif)

    def _nombre_d_interventions(self):
        """{id de l'accompagnement: nombre}, environ `par_menage` × ménages en tout."""
        h = self.hasard
        total = self.par_menage * self.n
        nombres = {}
        autres = self.accompagnements[2:]
        reste = max(total - 530, 0)
        moyenne = reste / max(len(autres), 1)
        for a in autres:
            nombres[a.pk] = max(int(h.triangular(0, 2 * moyenne, moyenne)), 1)
        if self.accompagnements:
            nombres[self.accompagnements[0].pk] = 500
        if len(self.accompagnements) > 1:
            nombres[self.accompagnements[1].pk] = 30
        return nombres

    def _interventions(self):
        h = self.hasard
        nombres = self._nombre_d_interventions()
        self._dire(f"{sum(nombres.values())} interventions (par lots de {LOT})")
        professions = {
            Profession.INFIRMIER: Confidentialite.SOIGNANTS,
            Profession.PSYCHOLOGUE: Confidentialite.SOIGNANTS,
        }
        lot, liens_objectifs, orientations_partenaires = [], [], []
        types = TypeIntervention.values
        destinations = DestinationPartenaire.values
        ecrites = 0

        def vider():
            nonlocal lot, liens_objectifs, orientations_partenaires, ecrites
            faites = accompagnement.Intervention.objects.bulk_create(lot)
            ecrites += len(faites)
            lien = accompagnement.Intervention.objectifs.through
            lignes = []
            for intervention, objectif in liens_objectifs:
                lignes.append(lien(intervention_id=intervention.pk, objectif_id=objectif.pk))
            lien.objects.bulk_create(lignes)
            accompagnement.OrientationPartenaire.objects.bulk_create(
                [
                    accompagnement.OrientationPartenaire(intervention_id=i.pk, destination=d)
                    for i, d in orientations_partenaires
                ]
            )
            lot, liens_objectifs, orientations_partenaires = [], [], []
            if ecrites % (LOT * 20) == 0:
                self._dire(f"  {ecrites} interventions écrites")

        for a in self.accompagnements:
            fin = a.date_fin or self.aujourd_hui
            equipe = self.equipes[a.pk]
            objectifs = self.objectifs.get(a.pk, [])
            for _ in range(nombres[a.pk]):
                auteur = equipe[0] if h.random() < 0.75 else h.choice(equipe)
                confidentialite = professions.get(auteur.profession, Confidentialite.EQUIPE)
                if confidentialite == Confidentialite.SOIGNANTS and h.random() < 0.5:
                    confidentialite = Confidentialite.EQUIPE
                elif h.random() < 0.03:
                    confidentialite = Confidentialite.PERSONNELLE
                moment = self._instant(self._jour(a.date_debut, fin))
                intervention = accompagnement.Intervention(
                    accompagnement=a,
                    date_heure=moment,
                    duree_minutes=h.choice((15, 30, 45, 60, 90)),
                    type=h.choice(types),
                    auteur_id=auteur.user_id,
                    profession_auteur=auteur.profession,
                    note=h.choice(PHRASES),
                    confidentialite=confidentialite,
                    cree_le=moment,
                )
                lot.append(intervention)
                if objectifs and h.random() < 0.3:
                    liens_objectifs.append((intervention, h.choice(objectifs)))
                if h.random() < 0.1:
                    orientations_partenaires.append((intervention, h.choice(destinations)))
                if len(lot) >= LOT:
                    vider()
        if lot:
            vider()
        self.resume["accompagnement.Intervention"] = ecrites

    def _bilans_et_dettes(self):
        self._dire("bilans, clôtures, dettes, plans d'apurement")
        h = self.hasard
        bilans, clotures, dettes, plans = [], [], [], []
        for a in self.accompagnements:
            clos = a.statut in (StatutAccompagnement.CLOS, StatutAccompagnement.SUIVI_POST_CLOTURE)
            echeances = [
                (TypeBilan.DIAGNOSTIC, 30),
                (TypeBilan.TROIS_MOIS, 90),
                (TypeBilan.SIX_MOIS, 180),
            ]
            for type_, jours in echeances:
                prevue = a.date_debut + timedelta(days=jours)
                if clos and a.date_fin < prevue:
                    continue
                fait = prevue < self.aujourd_hui and h.random() < 0.85
                bilans.append(
                    accompagnement.Bilan(
                        accompagnement=a,
                        type=type_,
                        date_prevue=prevue,
                        date_realisation=prevue + timedelta(days=h.randint(-5, 10))
                        if fait
                        else None,
                        synthese="Situation revue avec le ménage." if fait else "",
                        decision=DecisionBilan.POURSUITE if fait else "",
                        auteur_id=a.referent_id if fait else None,
                    )
                )
            if clos:
                bilans.append(
                    accompagnement.Bilan(
                        accompagnement=a,
                        type=TypeBilan.CLOTURE,
                        date_prevue=a.date_fin,
                        date_realisation=a.date_fin,
                        synthese="Bilan de clôture.",
                        decision=DecisionBilan.CLOTURE,
                        auteur_id=a.referent_id,
                    )
                )
                maintien = h.random() < 0.8
                clotures.append(
                    accompagnement.Cloture(
                        accompagnement=a,
                        date=a.date_fin,
                        motif=h.choice(MotifCloture.values),
                        maintien_dans_logement=maintien,
                        expulsion_evitee=maintien
                        and a.stade_procedure_entree not in ("", "aucune"),
                        dette=Decimal(h.randint(0, 1500)),
                        commentaire="Clôture validée en COTECH.",
                        auteur_id=a.referent_id,
                    )
                )
            if self.parcours[a.menage_id] == Parcours.MAINTIEN and h.random() < 0.6:
                montant = Decimal(h.randint(300, 5000))
                for k, origine in enumerate(
                    (OrigineDette.ORIENTATION, OrigineDette.RELEVE, OrigineDette.BILAN)
                ):
                    dettes.append(
                        menages.DetteLocative(
                            menage_id=a.menage_id,
                            date=a.date_debut + timedelta(days=60 * k),
                            montant=max(montant - 400 * k, Decimal(0)),
                            origine=origine,
                            stade_procedure=a.stade_procedure_entree,
                            loyer_paye_3_mois=None if k == 0 else h.random() < 0.6,
                        )
                    )
                if h.random() < 0.5:
                    plans.append(
                        menages.PlanApurement(
                            menage_id=a.menage_id,
                            date_debut=a.date_debut + timedelta(days=45),
                            montant_mensuel=Decimal(h.choice((30, 50, 80, 100))),
                            respecte=h.choice((True, False, None)),
                            aide_fsl=Decimal(h.choice((0, 300, 800))),
                        )
                    )
        self._ecrire(accompagnement.Bilan, bilans)
        self._ecrire(accompagnement.Cloture, clotures)
        self._ecrire(menages.DetteLocative, dettes)
        self._ecrire(menages.PlanApurement, plans)

    def _comites(self):
        """Deux ans de COTECH mensuels par secteur, les COPIL semestriels, les décisions."""
        self._dire("comités, séances, ordres du jour, décisions")
        h = self.hasard
        coordination = self.comptes["coordination"]
        cotechs = []
        for territoire in self.territoires:
            comite = comites.Comite.objects.create(
                dispositif=self.dispositif,
                type=TypeComite.TECHNIQUE,
                nom=f"COTECH {territoire.nom}",
                lieu_habituel="Siège du bailleur",
            )
            comite.organisations.set([self.bailleur, self.ccas, self.associations[0]])
            comite.membres.set([coordination, *self.membres_cotech])
            cotechs.append((territoire, comite))
        copil = comites.Comite.objects.create(
            dispositif=self.dispositif, type=TypeComite.PILOTAGE, nom="COPIL"
        )
        copil.membres.set([coordination, self.comptes["copil"]])
        # Séances : le premier mardi de chaque mois, des 24 derniers mois jusqu'au mois prochain.
        seances = []
        for territoire, comite in cotechs:
            for mois in range(-24, 2):
                jour = self.aujourd_hui.replace(day=1) + timedelta(days=31 * mois)
                jour = jour.replace(day=min(5 + territoire.pk % 5, 28))
                seances.append(
                    comites.Seance(
                        comite=comite,
                        date=timezone.make_aware(datetime.combine(jour, heure(14, 0))),
                        lieu="Siège du bailleur",
                        cloturee=jour < self.aujourd_hui,
                    )
                )
        for semestre in range(4):
            jour = self.aujourd_hui - timedelta(days=182 * semestre + 20)
            seances.append(
                comites.Seance(
                    comite=copil,
                    date=timezone.make_aware(datetime.combine(jour, heure(10, 0))),
                    lieu="Préfecture",
                    cloturee=True,
                )
            )
        seances = self._ecrire(comites.Seance, seances)
        presents = comites.Seance.presents.through
        self._ecrire(
            presents,
            [
                presents(seance_id=s.pk, user_id=u.pk)
                for s in seances
                if s.cloturee
                for u in (coordination, *self.membres_cotech[:3])
            ],
        )
        # Chaque accompagnement est admis à la séance de son secteur qui précède son début ;
        # chaque orientation en attente est inscrite à la prochaine séance.
        par_comite = {}
        for s in seances:
            par_comite.setdefault(s.comite_id, []).append(s)
        comite_du_territoire = {t.pk: c for t, c in cotechs}
        points, decisions = [], []
        menages_par_pk = {m.pk: m for m in self.menages}

        def seance_avant(territoire_id, jour):
            candidates = par_comite[comite_du_territoire[territoire_id].pk]
            passees = [s for s in candidates if s.date.date() <= jour]
            return passees[-1] if passees else candidates[0]

        maintenant = _maintenant()

        def seance_apres(territoire_id):
            # Encore à venir à l'heure près : construit le soir d'une séance, ses orientations
            # en attente vont à la suivante, pas à celle de l'après-midi.
            candidates = par_comite[comite_du_territoire[territoire_id].pk]
            a_venir = [s for s in candidates if s.date > maintenant]
            return a_venir[0] if a_venir else candidates[-1]

        deja = set()
        for a in self.accompagnements:
            m = menages_par_pk[a.menage_id]
            seance = seance_avant(m.territoire_id, a.date_debut)
            if (seance.pk, m.pk) in deja:
                continue
            deja.add((seance.pk, m.pk))
            point = comites.PointOrdreDuJour(
                seance=seance,
                menage=m,
                nature=NaturePoint.NOUVELLE_ORIENTATION,
                orientation=self.orientations[m.pk],
                rang=len(points) % 200,
            )
            points.append(point)
            decisions.append((point, a, TypeDecision.ADMISSION))
            if h.random() < 0.5:
                decisions.append((point, a, TypeDecision.EQUIPE))
        for m in self.en_attente:
            seance = seance_apres(m.territoire_id)
            points.append(
                comites.PointOrdreDuJour(
                    seance=seance,
                    menage=m,
                    nature=NaturePoint.NOUVELLE_ORIENTATION,
                    orientation=self.orientations[m.pk],
                    rang=len(points) % 200,
                )
            )
        # À la prochaine séance aussi : des bilans à venir et des clôtures proposées.
        for a in self.accompagnements[2:]:
            if a.statut == StatutAccompagnement.EN_COURS and h.random() < 0.03:
                m = menages_par_pk[a.menage_id]
                points.append(
                    comites.PointOrdreDuJour(
                        seance=seance_apres(m.territoire_id),
                        menage=m,
                        nature=h.choice((NaturePoint.BILAN_A_VENIR, NaturePoint.CLOTURE_PROPOSEE)),
                        accompagnement=a,
                        rang=len(points) % 200,
                    )
                )
        points = self._ecrire(comites.PointOrdreDuJour, points)
        self._ecrire(
            comites.Decision,
            [
                comites.Decision(
                    seance_id=point.seance_id,
                    point=point,
                    menage_id=point.menage_id,
                    type=type_,
                    motifs="Situation examinée, admission dans le dispositif.",
                    accompagnement=a,
                    auteur=coordination,
                    cree_le=point.seance.date,
                    equipe_nommee="Référent travailleur social"
                    if type_ == TypeDecision.EQUIPE
                    else "",
                )
                for point, a, type_ in decisions
            ],
        )

    def _acces(self):
        """Parcours accès : besoins, logements vacants, propositions, CAL."""
        self._dire("parcours accès : besoins, logements vacants, propositions, CAL")
        h = self.hasard
        menages_acces = [m for m in self.menages if self.parcours[m.pk] == Parcours.ACCES]
        besoins = self._ecrire(
            acces.BesoinsLogement,
            [
                acces.BesoinsLogement(
                    menage=m,
                    date=m.cree_le.date(),
                    typologie_min=Typologie.T1,
                    typologie_max=h.choice((Typologie.T2, Typologie.T3, Typologie.T4)),
                    etage_max=h.choice((None, 2, 4)),
                    proximite_transports=h.random() < 0.5,
                    saisi_par=self.comptes["coordination"],
                )
                for m in menages_acces
            ],
        )
        souhaites = acces.BesoinsLogement.secteurs_souhaites.through
        self._ecrire(
            souhaites,
            [
                souhaites(besoinslogement_id=b.pk, territoire_id=b.menage.territoire_id)
                for b in besoins
            ],
        )
        vacants = []
        for i in range(max(len(menages_acces) // 4, 2)):
            territoire = h.choice(self.territoires)
            commune = h.choice(self.communes[territoire.pk])
            vacants.append(
                acces.LogementVacant(
                    dispositif=self.dispositif,
                    reference=f"V{i:05d}",
                    bailleur=self.bailleur,
                    adresse=f"{h.randint(1, 90)} avenue des Tilleuls",
                    code_postal=commune.code_postal,
                    commune=commune.nom,
                    commune_du_dispositif=commune,
                    territoire=territoire,
                    typologie=h.choice(Typologie.values[:4]),
                    etage=h.randint(0, 6),
                    loyer=Decimal(h.randint(300, 700)),
                    charges=Decimal(60),
                    apl_estimee=Decimal(h.randint(0, 250)),
                    disponible_le=self._jour(self.debut, self.aujourd_hui + timedelta(days=60)),
                    cree_par=self.comptes["coordination"],
                )
            )
        vacants = self._ecrire(acces.LogementVacant, vacants)
        cal = acces.SeanceCAL.objects.create(
            dispositif=self.dispositif,
            date=self.aujourd_hui - timedelta(days=15),
            bailleur=self.bailleur,
        )
        propositions = []
        for logement, m in zip(vacants, menages_acces, strict=False):
            if h.random() < 0.5:
                continue
            propositions.append(
                acces.Proposition(
                    menage=m,
                    logement=logement,
                    date_proposition=self._jour(
                        logement.disponible_le - timedelta(days=30), self.aujourd_hui
                    ),
                    taux_effort=Decimal("22.5"),
                    reponse_menage=h.choice(ReponseMenage.values),
                    proposee_par=self.comptes["coordination"],
                )
            )
        propositions = self._ecrire(acces.Proposition, propositions)
        favorables = [p for p in propositions if p.reponse_menage == ReponseMenage.ACCEPTEE]
        self._ecrire(
            acces.DecisionCAL,
            [
                acces.DecisionCAL(
                    proposition=p,
                    seance=cal,
                    issue=h.choice((IssueCAL.ATTRIBUTION, IssueCAL.NON_ATTRIBUTION)),
                    decidee_par=self.comptes["coordination"],
                )
                for p in favorables[: len(favorables) // 2]
            ],
        )
        acces.LogementVacant.objects.filter(pk__in=[p.logement_id for p in propositions]).update(
            etat=EtatVacant.PROPOSE
        )


def construire(menages=10_000, second=None, interventions=40, graine=2026, sortie=print):
    """Construit les deux dispositifs du banc ; refuse si l'un existe déjà."""
    second = menages // 10 if second is None else second
    voulus = [(NATIONAL, "Banc national", menages)]
    if second:
        voulus.append((SECOND, "Banc second", second))
    deja = list(
        core.Dispositif.objects.filter(slug__in=[s for s, _, _ in voulus]).values_list(
            "slug", flat=True
        )
    )
    if deja:
        raise ValueError(
            f"Le jeu du banc existe déjà dans cette base ({', '.join(deja)}) : "
            "construisez-le dans une base neuve (dropdb, createdb, migrate)."
        )
    resumes = {}
    for slug, nom, nombre in voulus:
        resumes[slug] = Constructeur(slug, nom, nombre, interventions, graine, sortie).construire()
    return resumes
