"""Accompagnements de démonstration : équipes, adhésion, plans d'action, suivi, bilans, clôtures.

Chaque ménage dont la dernière orientation est admise reçoit un accompagnement ouvert à la date
d'admission, puis deux ans d'histoire rejouée dans l'ordre des dates au travers des services
(`accompagnement.services`), qui appliquent leurs règles : visites et entretiens, notes
« soignants » de l'infirmière et de la psychologue, objectifs qui avancent, bilans faits ou en
retard, clôtures et bilans après la fin, plans d'apurement. Le hasard est tiré d'une graine fixe
par programme ; un programme qui a déjà des accompagnements n'est pas rechargé. Profils,
objectifs, notes et phrases : `donnees/accompagnements.toml` et `donnees/notes.toml`.
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

from accompagnement import services
from accompagnement.enums import (
    Adhesion,
    Axe,
    Confidentialite,
    DecisionBilan,
    MotifCloture,
    StatutObjectif,
    TypeBilan,
    TypeIntervention,
)
from accompagnement.models import Accompagnement, Cloture
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

from .comptes import compte, email_demo
from .lecture import lire
from .programmes import DISPOSITIFS

P = Problematique
T = TypeIntervention
S = StatutObjectif
M = MotifCloture
A = Adhesion


def _objectif(objectif):
    """(axe, objectif, indicateur de progression) d'un objectif de plan d'action."""
    return (objectif["axe"], objectif["libelle"], objectif["indicateur"])


DONNEES = lire("accompagnements")
MOIS = DONNEES["mois"]
JOURS = DONNEES["jours"]
FERIES = {tuple(jour) for jour in DONNEES["feries"]}
AUTRES_PARTICIPANTS = DONNEES["autres_participants"]
# Les intervenants que chaque programme ajoute aux comptes de démonstration.
RENFORTS = DONNEES["renforts"]
# Ce que chaque programme a de propre : partenaires nommés, rythme, adhésion attendue.
PROFILS = DONNEES["profils"]
OBJECTIFS = {
    code: [_objectif(objectif) for objectif in objectifs]
    for code, objectifs in DONNEES["objectifs"].items()
}
OBJECTIFS_COMMUNS = [_objectif(objectif) for objectif in DONNEES["objectifs_communs"]]
OBJECTIF_ENFANTS = _objectif(DONNEES["objectif_enfants"])
OBJECTIF_CONTACT = _objectif(DONNEES["objectif_contact"])
OBJECTIF_DETTE = _objectif(DONNEES["objectif_dette"])
ISSUES = DONNEES["issues"]
TYPES_D_INTERVENTION = DONNEES["types_d_intervention"]
DUREES = DONNEES["durees"]
PREMIER_CONTACT = DONNEES["premier_contact"]
PHRASES_PROGRESSION = DONNEES["phrases_progression"]
SYNTHESE = DONNEES["synthese"]
APRES_LA_FIN = DONNEES["apres_la_fin"]
MOTIFS_APRES_ADHESION = DONNEES["clotures"]["motifs_apres_adhesion"]
STADES_GRAVES = DONNEES["clotures"]["stades_graves"]
COMMENTAIRES_CLOTURE = DONNEES["clotures"]["commentaires"]
MAINTIEN = DONNEES["clotures"]["maintien"]
AUTRES_AIDES = DONNEES["plans_apurement"]["autres_aides"]

# Les notes des fiches de suivi, et la condition qui dit à quel ménage chacune convient : voir
# l'en-tête de donnees/notes.toml.
NOTES = lire("notes")
NOTES_SOCIALES = NOTES["sociales"]
NOTES_INFIRMIER = NOTES["infirmier"]
NOTES_PSYCHOLOGUE = NOTES["psychologue"]
NOTES_SOIGNANT_EQUIPE = NOTES["soignant_equipe"]
NOTES_PERSONNELLES = NOTES["personnelles"]
NOTES_TENTATIVE = NOTES["tentatives"]
NOTES_TENTATIVE_PARTENAIRE = NOTES["tentatives_partenaire"]


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
        for renfort in RENFORTS[self.slug]:
            role, profession = renfort["role"], renfort["profession"]
            feminin = profession != Profession.PSYCHOLOGUE or faux.boolean()
            prenom = faux.first_name_female() if feminin else faux.first_name_male()
            nom = faux.last_name()
            email = f"{_ascii(prenom)}.{_ascii(nom)}@{self.slug}.demo.test"
            user = compte(email, prenom, nom)
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
            description=DONNEES["reouverture"]["description"],
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
            "a_bailleur": self.p.profil["a_bailleur"],
            "de_bailleur": self.p.profil["de_bailleur"],
            "cmp": self.p.profil["cmp"],
            "dette": _euros(dette or 0),
            "mensualite": hasard.choice([30, 40, 50, 60, 80, 100]),
            "reste": hasard.randint(12, 40) * 10,
            "de_mois": _de(MOIS[(jour.month - 2) % 12]),
            "jour": hasard.choice(JOURS),
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
        if isinstance(condition, list):
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
        court_min, court_max = self.p.profil["rythme_premiers_mois"]
        long_min, long_max = self.p.profil["rythme_ensuite"]
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
            note = PREMIER_CONTACT["reouverture"]
        elif cas.adhesion == A.REFUSEE:
            note = PREMIER_CONTACT["refus"]
        elif cas.injoignable_d_abord:
            note = PREMIER_CONTACT["injoignable"]
        elif self.acces:
            note = PREMIER_CONTACT["acces"]
        else:
            note = PREMIER_CONTACT["maintien"]
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
        issues = ISSUES.get(cas.adhesion, ISSUES["sans_adhesion"])
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
            axe, texte, destinations, types = self._choisir(
                [n for n in notes if self._convient(n.get("condition"), conditions)]
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
            groupes = self.p.profil["groupes_de_parole"]
            types = {
                type_: poids if groupes or type_ != T.GROUPE_DE_PAROLE else 0
                for type_, poids in TYPES_D_INTERVENTION.items()
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
        notes = [n for n in NOTES_SOCIALES[type_] if self._convient(n.get("condition"), conditions)]
        axe, texte, destinations, _ = self._choisir(notes)
        return axe, texte, destinations

    def _choisir(self, notes):
        """Une note pas encore écrite dans ce dossier, tant qu'il en reste : (axe, texte,
        orientations, types d'intervention)."""
        nouvelles = [n for n in notes if n["texte"] not in self.deja_ecrit] or notes
        note = self.hasard.choice(nouvelles)
        self.deja_ecrit.add(note["texte"])
        return note.get("axe"), note["texte"], note.get("orientations", []), note.get("types")

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
            loyer_paye_3_mois=self._loyer_paye(dette),
            dans_le_logement=self._dans_le_logement(type_bilan),
        )
        if dette is not None:
            self.dettes.append((jour, 10**9 + self.ordre, dette, stade))
            self.dettes.sort(key=lambda d: (d[0], d[1]))

    def _loyer_paye(self, dette):
        """Le loyer courant payé 3 mois de suite : un ménage qui adhère et dont la dette ne
        dépasse pas celle de l'entrée (sans tirage : l'histoire rejouée ne change pas)."""
        if dette is None:
            return None
        entree = self._dette_au(self.cas.date_debut)[0]
        return (
            self.cas.adhesion == A.ACCEPTEE
            and self.cas.motif != M.EXPULSION
            and (entree is None or dette <= entree)
        )

    def _dans_le_logement(self, type_bilan):
        """Au bilan 3 mois après la fin : ce que la clôture a noté du maintien."""
        if type_bilan != TypeBilan.POST_CLOTURE:
            return None
        cloture = Cloture.objects.filter(accompagnement=self.accompagnement).first()
        return cloture.maintien_dans_logement if cloture else None

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
            libelles = ", ".join(Problematique(code).label for code in self.problematiques)
            phrases.append(SYNTHESE["diagnostic"].format(qui=qui, problematiques=libelles))
            if cas.adhesion in (A.INJOIGNABLE,) or (
                cas.injoignable_d_abord and self.accompagnement.date_premier_contact is None
            ):
                phrases.append(SYNTHESE["toujours_injoignable"])
            else:
                priorites = "; ".join(_minuscule(o.objet.libelle) for o in self.objectifs[:3])
                if priorites:
                    phrases.append(SYNTHESE["priorites"].format(priorites=priorites))
                phrases.append(SYNTHESE["rythme"])
        elif type_bilan == TypeBilan.POST_CLOTURE:
            phrases.append(self._apres_la_fin(qui, dette, contexte))
        else:
            phrases.append(SYNTHESE["adhesion"][self.accompagnement.adhesion])
            if progressions:
                phrases.append(
                    SYNTHESE["objectifs"].format(
                        atteints=_pluriel(atteints, "atteint", "atteints"),
                        en_cours=en_cours,
                        total=len(progressions),
                    )
                )
            if type_bilan == TypeBilan.CLOTURE:
                phrases.append(COMMENTAIRES_CLOTURE[cas.motif])
        if dette is not None and entree is not None and type_bilan != TypeBilan.POST_CLOTURE:
            montants = {"entree": _euros(entree), "dette": _euros(dette)}
            if dette < entree:
                phrases.append(SYNTHESE["dette_en_baisse"].format(**montants))
            elif dette > entree:
                phrases.append(SYNTHESE["dette_en_hausse"].format(**montants))
            else:
                phrases.append(SYNTHESE["dette_stable"].format(**montants))
        return " ".join(phrases)

    def _apres_la_fin(self, qui, dette, contexte):
        valeurs = {**contexte, "qui": qui}
        par_motif = APRES_LA_FIN["par_motif"]
        if self.cas.motif in par_motif:
            return par_motif[self.cas.motif].format(**valeurs)
        if dette:
            suivi = APRES_LA_FIN["suivi_plan" if self.debut_plan_apurement else "suivi_echeancier"]
            valeurs.update(dette=_euros(dette), suivi=suivi)
            return APRES_LA_FIN["avec_dette"].format(**valeurs)
        return APRES_LA_FIN["sans_dette"].format(**valeurs)

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
            autres_aides=hasard.choice(AUTRES_AIDES),
            actif=not fin and (respecte is not False or hasard.random() < 0.5),
            saisi_par=hasard.choice([cas.referent, self.p.agent]),
        )


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
