"""Mesure, dans un même passage, chaque page où vivent les utilisateurs à côté de sa base.

Pour chaque cas : la page demandée par le client de test de Django, connecté en tant que le
compte du rôle, sur la base du banc (jamais une base de test) ; et sa BASE, mesurée en
alternance avec elle (page, base, page, base…) pour qu'elles partagent le même bruit :

- une page HTML : un queryset simple qui liste les mêmes lignes (même table, même nombre de
  lignes, même profondeur), sans contrôle de visibilité ni annotation ;
- une fiche PDF : WeasyPrint seul sur le HTML même que la vue a rendu (mêmes options) ;
- un export : un `csv.writer` simple sur le même queryset (la file active exportée : mêmes
  lignes, mêmes colonnes, même ordre), ou, pour un extrait de l'évaluation, sur un queryset
  des mêmes lignes ;
- le rapport semestriel : WeasyPrint seul sur son HTML, et le pic de mémoire du processus qui
  le produit (un sous-processus neuf : `python -m bench rapport`).

Le nombre de requêtes SQL est compté sur un passage à part (le compter ralentit). Le rapport
imprime, par cas : médiane, p95, requêtes, ratio à la base (médiane / médiane) et le budget
« tenu / non tenu » (docs/performance.md). Aucune durée n'est jamais une assertion de test.
"""

import csv
import gc
import io
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

import core.pdf as module_pdf
from acces.enums import EtatVacant
from acces.models import BesoinsLogement, DecisionCAL, EtapeRelais, LogementVacant, Proposition
from acces.selectors import JOURS_D_AVANCE_DU_RELAIS
from acces.views import LOGEMENTS_PAR_PAGE
from accompagnement.models import Accompagnement, Bilan, Intervention, Objectif
from accompagnement.selectors import JOURS_D_AVANCE_DES_BILANS
from comites.models import Decision, PointOrdreDuJour, Seance
from comites.selectors import DECISIONS_PAR_PAGE, POINTS_A_L_ACCUEIL, POINTS_PAR_PAGE
from core import permissions
from core.bornes import debut_du_jour
from core.enums import ROLES_TERRAIN, Role
from core.listes import SUGGESTIONS
from core.models import Dispositif, JournalAudit, Membre, User
from core.permissions import Donnee, structures_de_prescripteur
from core.views import PERSONNES_PAR_PAGE
from core.widgets import LISTE_ENTIERE_JUSQU_A
from ecrans import selectors as ecrans_selectors
from ecrans.exports import COLONNES_FILE_ACTIVE
from ecrans.views import (
    LIGNES_DU_JOURNAL_PAR_PAGE,
    LIGNES_DU_JOURNAL_PARCOURUES,
    MENAGES_ACCUEIL,
    ORIENTATIONS_ACCUEIL,
)
from equipes.models import Invitation
from equipes.selectors import INVITATIONS_AFFICHEES
from equipes.views import ADHESIONS_PAR_PAGE
from menages.models import DetteLocative, Logement, Menage, Orientation, PlanApurement
from menages.views import ORIENTATIONS_PAR_PAGE
from rapports import extraits
from rgpd.historique import VERSIONS_PAR_PAGE

from .construire import NATIONAL, REFERENCE_30, REFERENCE_500
from .etalon import etalon_ms
from .memoire import pic_de_memoire_mio

PAR_PAGE = 25
PAGE_PROFONDE = 200
SEUIL_P95_MS = 150
SEUIL_MEMOIRE_MIO = 256
REPETITIONS_DOCUMENTS = 5
# Au-delà (échauffement), un cas n'est mesuré qu'une fois de plus.
SEUIL_CAS_LENT_MS = 10_000

# Budgets par catégorie : ratio maximal à la base, et p95 maximal pour les pages HTML.
BUDGETS = {
    "page": {"ratio": 3.0, "p95_ms": SEUIL_P95_MS},
    "pdf": {"ratio": 2.0},
    "export": {"ratio": 2.0},
    # XLSX : ≤ 2× openpyxl seul sur les mêmes lignes, comme une fiche PDF face à WeasyPrint
    # seul ; face à un csv.writer (le budget des exports CSV), montré, hors budget.
    "classeur": {"ratio": 2.0},
    "classeur_csv": {},
    "rapport": {"ratio": 2.0, "memoire_mio": SEUIL_MEMOIRE_MIO},
}


@dataclass
class Resultat:
    nom: str
    categorie: str
    role: str
    url: str
    mediane_ms: float = 0.0
    p95_ms: float = 0.0
    requetes: int | None = None
    base_mediane_ms: float = 0.0
    base_p95_ms: float = 0.0
    base_requetes: int | None = None
    ratio: float | None = None
    octets: int = 0
    memoire_mio: float | None = None
    budget: str = ""
    tenu: bool | None = None
    erreur: str = ""
    mesures_ms: list = field(default_factory=list)
    # Ce qui dépasse le budget (`juger`) : « 3.4× sa base », « p95 180 ms »…
    depasse: list = field(default_factory=list)
    # L'échauffement : le premier appel, cache de Django vidé juste avant (« à froid »).
    premier_appel_ms: float | None = None


@dataclass
class Cas:
    nom: str
    categorie: str
    role: str
    url: str
    base: object  # une fonction sans argument ; None pour un PDF (WeasyPrint sur le HTML capté)


def _p95(valeurs):
    rangees = sorted(valeurs)
    return rangees[max(math.ceil(0.95 * len(rangees)) - 1, 0)]


def _lire(reponse):
    if getattr(reponse, "streaming", False):
        return b"".join(reponse.streaming_content)
    return reponse.content


# --- Le jeu mesuré --------------------------------------------------------------------------


class Jeu:
    """Les comptes, ménages et séances du banc que la mesure utilise."""

    def __init__(self, slug=NATIONAL):
        self.dispositif = Dispositif.objects.get(slug=slug)
        domaine = f"{slug}.test"
        self.comptes = {
            role: User.objects.get(email=f"{role}@{domaine}")
            for role in (
                "coordination",
                "ts.repere",
                "infirmier.repere",
                "psychologue.repere",
                "agent.bailleur",
                "prescripteur",
                "cotech",
                "copil",
                "evaluation",
            )
        }
        financeur = User.objects.filter(email="financeur@banc.test").first()
        if financeur:
            self.comptes["financeur"] = financeur
        self.menages = {
            nombre: Menage.objects.get(dispositif=self.dispositif, reference_locataire=reference)
            for nombre, reference in ((500, REFERENCE_500), (30, REFERENCE_30))
        }
        self.accompagnements = {
            nombre: Accompagnement.objects.filter(menage=menage).order_by("-date_debut").first()
            for nombre, menage in self.menages.items()
        }
        maintenant = timezone.now()
        cotech = Seance.objects.filter(
            comite__dispositif=self.dispositif, comite__type="technique"
        ).annotate(nombre_de_points=Count("points"))
        # Les comités des territoires siègent souvent le même jour : la clé départage, pour que
        # deux passages sur le même jeu mesurent la même séance.
        self.seance_a_venir = (
            cotech.filter(date__gte=maintenant).order_by("date", "-nombre_de_points", "pk").first()
        )
        # La dernière séance qui a siégé : un soir de comité, celle de l'après-midi d'un secteur
        # peut n'avoir rien examiné (ses orientations en attente vont à la séance suivante,
        # `bench.construire`) ; la mesurer, ce serait mesurer une page vide.
        self.seance_passee = (
            cotech.filter(date__lt=maintenant, nombre_de_points__gt=0)
            .order_by("-date", "pk")
            .first()
        )
        # Un point à décider d'une séance à venir : celle mesurée d'abord, sinon la suivante
        # (un petit jeu n'en inscrit pas à chaque comité).
        self.point_a_decider = (
            PointOrdreDuJour.objects.filter(
                seance__in=cotech.filter(date__gte=maintenant).values("pk"), decisions=None
            )
            .annotate(de_la_seance_mesuree=Q(seance=self.seance_a_venir))
            .order_by("-de_la_seance_mesuree", "seance__date", "seance", "rang", "pk")
            .first()
        )
        self.menage_sans_accompagnement = (
            Menage.objects.filter(dispositif=self.dispositif, accompagnements=None)
            .order_by("pk")
            .first()
        )
        self.menage_a_loger = (
            Menage.objects.filter(dispositif=self.dispositif, besoins_logement__isnull=False)
            .order_by("pk")
            .first()
        )
        bilans_faits = Bilan.objects.filter(date_realisation__isnull=False).order_by("pk")
        self.bilan = (
            bilans_faits.filter(accompagnement=self.accompagnements[30]).first()
            or bilans_faits.filter(accompagnement__dispositif=self.dispositif).first()
        )
        self.cloture = (
            Accompagnement.objects.filter(dispositif=self.dispositif, cloture__isnull=False)
            .order_by("pk")
            .first()
        )
        self.clients = {}

    def client(self, role):
        if role not in self.clients:
            client = Client()
            client.force_login(self.comptes[role])
            self.clients[role] = client
        return self.clients[role]


# --- Les bases ------------------------------------------------------------------------------


def _base_liste(dispositif, tri="nom", filtres=None, page=1):
    """La base d'une page de la file active : les mêmes 25 ménages, à la même profondeur, triés
    sur une colonne simple, avec le total que la pagination affiche, puis ce que chaque ligne
    montre (dispositif, dernière orientation, territoire) lu par ses clés (`prefetch_related` :
    le tri et le `DISTINCT` ne portent que sur la table des ménages)."""

    def base():
        menages = Menage.objects.filter(dispositif=dispositif, **(filtres or {})).distinct()
        total = menages.count()
        debut = min((page - 1) * PAR_PAGE, max(total - PAR_PAGE, 0))
        return list(
            menages.prefetch_related("dispositif", "derniere_orientation", "territoire").order_by(
                tri, "pk"
            )[debut : debut + PAR_PAGE]
        ), total

    return base


def _base_menage(menage):
    """La base de la page d'un ménage : chaque ligne que la page montre, en requêtes simples
    sans droit : le ménage et ce qu'il porte (personnes, ressources, logements, dettes, plans
    d'apurement, informations sur le partage), ses orientations et leurs problématiques, ses
    accompagnements avec leur référent·e et leur équipe, ses bilans faits, les décisions de
    comité avec leur séance, et toutes ses interventions (la base de l'issue, que la page, elle,
    borne à une page de chronologie) avec leurs orientations vers un partenaire."""

    def base():
        return (
            Menage.objects.prefetch_related(
                "personnes", "ressources", "logements", "dettes", "plans_apurement", "informations"
            ).get(pk=menage.pk),
            list(Orientation.objects.filter(menage=menage).prefetch_related("problematiques")),
            list(
                Accompagnement.objects.filter(menage=menage)
                .select_related("referent")
                .prefetch_related("equipe__user")
            ),
            list(
                Bilan.objects.filter(accompagnement__menage=menage, date_realisation__isnull=False)
            ),
            list(Decision.objects.filter(menage=menage).select_related("seance")),
            list(
                Intervention.objects.filter(accompagnement__menage=menage)
                .prefetch_related("orientations_partenaires")
                .order_by("-date_heure")
            ),
        )

    return base


def _base_accompagnement(accompagnement):
    """La base de la page d'un accompagnement : l'accompagnement avec son ménage, son
    dispositif, son référent·e, son plan et sa clôture, son équipe et leurs comptes, ses
    objectifs, ses bilans, et toutes ses interventions (la base de l'issue ; la page en montre
    une page) avec leurs orientations vers un partenaire."""

    def base():
        return (
            Accompagnement.objects.select_related(
                "menage", "dispositif", "referent", "plan", "cloture"
            ).get(pk=accompagnement.pk),
            list(accompagnement.equipe.select_related("user")),
            list(Objectif.objects.filter(accompagnement=accompagnement)),
            list(Bilan.objects.filter(accompagnement=accompagnement)),
            list(
                Intervention.objects.filter(accompagnement=accompagnement)
                .prefetch_related("orientations_partenaires")
                .order_by("-date_heure")
            ),
        )

    return base


def _base_accueil(jeu, role):
    """La base de l'accueil : chaque liste que la page montre à ce rôle, en requêtes simples sur
    les mêmes tables, aux mêmes bornes et dans le même ordre, filtrées par la personne sans droit
    ni annotation. Les listes que la page montre à ce rôle se décident une fois, hors mesure,
    par les conditions de la vue (`ecrans.views.accueil`)."""
    user = jeu.comptes[role]
    d = jeu.dispositif
    coordination = permissions.a_le_role(user, Role.COORDINATEUR)
    terrain = permissions.a_le_role(user, *ROLES_TERRAIN)
    agent = permissions.a_le_role(user, Role.AGENT_BAILLEUR)
    chiffres = permissions.peut_voir(user, Donnee.TABLEAU_DE_BORD, d)
    comites = permissions.a_le_role(user, Role.MEMBRE_COTECH, Role.MEMBRE_COPIL, *ROLES_TERRAIN)
    structures = list(structures_de_prescripteur(user))
    aujourd_hui = timezone.localdate()
    horizon_des_bilans = aujourd_hui + timedelta(days=JOURS_D_AVANCE_DES_BILANS)
    horizon_du_relais = aujourd_hui + timedelta(days=JOURS_D_AVANCE_DU_RELAIS)

    def base():
        lignes = list(Dispositif.objects.filter(pk=d.pk).select_related("porteur"))
        if chiffres:
            lignes += list(
                Membre.objects.filter(dispositif=d).values("role").annotate(nombre=Count("user"))
            )
        bilans = (
            Bilan.objects.a_faire()
            .filter(accompagnement__dispositif=d, date_prevue__lte=horizon_des_bilans)
            .select_related("accompagnement__menage", "accompagnement__referent")
        )
        if not coordination:
            bilans = bilans.filter(accompagnement__referent=user)
        lignes += list(bilans.order_by("date_prevue")[:30])
        if d.parcours_acces and (coordination or terrain or agent):
            etapes = EtapeRelais.objects.filter(
                bail__menage__dispositif=d,
                date_faite__isnull=True,
                date_prevue__lte=horizon_du_relais,
            )
            if not coordination:
                siens = Menage.objects.filter(
                    Q(accompagnements__equipe__user=user) | Q(orientations__orientee_par=user)
                )
                etapes = etapes.filter(bail__menage__in=siens)
            lignes += list(
                etapes.select_related("bail__menage", "bail__proposition").order_by(
                    "date_prevue", "pk"
                )[:30]
            )
        lignes += list(
            Accompagnement.objects.filter(referent=user)
            .select_related("menage")
            .order_by("menage__nom")[: MENAGES_ACCUEIL + 1]
        )
        if coordination:
            lignes += list(
                Orientation.objects.filter(
                    ecrans_selectors.attente_trop_longue(), menage__dispositif=d
                )
                .select_related("menage")
                .order_by("date_statut", "pk")[:20]
            )
        if agent:
            lignes += list(_orientations_de(user).select_related("menage")[:ORIENTATIONS_ACCUEIL])
        if comites:
            # Les premiers points de chaque séance, en une requête (une tranche par séance).
            lignes += list(
                Seance.objects.filter(comite__membres=user, date__gte=debut_du_jour(aujourd_hui))
                .select_related("comite")
                .annotate(points_=Count("points"))
                .prefetch_related(
                    Prefetch(
                        "points",
                        queryset=PointOrdreDuJour.objects.select_related("menage").order_by(
                            "rang", "pk"
                        )[:POINTS_A_L_ACCUEIL],
                        to_attr="premiers_points",
                    )
                )
                .order_by("date")[:5]
            )
        if structures:
            lignes += list(
                Decision.objects.filter(point__orientation__organisation__in=structures)
                .select_related("seance", "menage", "point__orientation")
                .order_by("-seance__date", "-pk")[:30]
            )
            lignes += list(
                DecisionCAL.objects.filter(
                    proposition__menage__orientations__organisation__in=structures
                )
                .select_related("seance", "proposition__menage", "proposition__logement")
                .order_by("-seance__date", "-pk")[:30]
            )
        return lignes

    return base


def _base_seance(seance):
    """La base de la page d'une séance : la séance, la première page de son ordre du jour (ses
    points avec leur ménage, leur orientation et ses problématiques, leur accompagnement avec
    son référent·e, ses objectifs et ses bilans faits, les dettes du ménage, et leurs décisions)
    et la première page de ses décisions, comme la page les montre (25 points, 25 décisions
    archivées au plus). Le dernier bilan et la dernière dette de chaque point se prennent parmi
    tous ceux des lignes de la page (la page, elle, ne lit que le dernier)."""

    def base():
        points = list(
            PointOrdreDuJour.objects.filter(seance=seance)
            .select_related("menage", "orientation", "accompagnement__referent")
            .prefetch_related(
                "orientation__problematiques",
                "accompagnement__objectifs",
                "menage__dettes",
                "decisions",
            )
            .order_by("rang", "pk")[:POINTS_PAR_PAGE]
        )
        return (
            Seance.objects.select_related("comite").get(pk=seance.pk),
            points,
            list(
                Bilan.objects.filter(
                    accompagnement__in=[p.accompagnement_id for p in points if p.accompagnement_id],
                    date_realisation__isnull=False,
                )
            ),
            list(Decision.objects.filter(seance=seance).order_by("pk")[:DECISIONS_PAR_PAGE]),
        )

    return base


def _base_choix_de_personnes(dispositif, *objets):
    """La base d'un formulaire qui choisit un référent·e et une équipe (décision d'un point,
    ouverture d'un accompagnement) : l'objet de la page, et pour chacun des deux champs les
    personnes du dispositif qu'il lit pour savoir s'il les montre (`LISTE_ENTIERE_JUSQU_A` + 1
    lignes). La page ne les lit qu'à son premier affichage par processus et par moment
    (`core.widgets.sue_longue`) ; la base les lit à chaque fois, comme un petit dispositif
    dont les listes se montrent entières."""
    personnes = User.objects.filter(adhesions__dispositif=dispositif).order_by("last_name", "pk")

    def base():
        return (
            [type(objet).objects.get(pk=objet.pk) for objet in objets],
            list(personnes[: LISTE_ENTIERE_JUSQU_A + 1]),
            list(personnes[: LISTE_ENTIERE_JUSQU_A + 1]),
        )

    return base


def _base_decision(dispositif, point):
    """La base de la page de décision d'un point : le point avec sa séance, son ménage, son
    orientation et ses problématiques, son accompagnement et son référent·e, les dettes du
    ménage et les décisions déjà prises sur le point, puis les deux listes de personnes du
    formulaire (`_base_choix_de_personnes`)."""
    personnes = _base_choix_de_personnes(dispositif)

    def base():
        return (
            PointOrdreDuJour.objects.select_related(
                "seance__comite__dispositif", "menage", "orientation", "accompagnement__referent"
            )
            .prefetch_related("orientation__problematiques", "menage__dettes", "decisions")
            .get(pk=point.pk),
            personnes(),
        )

    return base


def _base_recherche_de_personnes(dispositif, texte):
    """La base de la recherche d'une personne : les `SUGGESTIONS` premières personnes du
    dispositif dont le nom contient le texte."""

    def base():
        return list(
            User.objects.filter(adhesions__dispositif=dispositif, last_name__icontains=texte)
            .distinct()
            .order_by("last_name", "pk")[:SUGGESTIONS]
        )

    return base


def _base_parcours_acces(menage):
    """La base de la page « parcours accès » d'un ménage : le ménage avec les structures autour
    de lui et ses mutations, ses besoins et leurs secteurs et communes, ses propositions avec
    leur logement, leur décision, leur bail et leurs pièces, et les logements vacants
    disponibles de son dispositif, que la page classe tous pour ses besoins (sans classement,
    sans droit)."""

    def base():
        return (
            Menage.objects.prefetch_related("organisations_autour__organisation", "mutations").get(
                pk=menage.pk
            ),
            list(
                BesoinsLogement.objects.filter(menage=menage).prefetch_related(
                    "secteurs_souhaites",
                    "secteurs_evites",
                    "communes_souhaitees",
                    "communes_evitees",
                )
            ),
            list(
                Proposition.objects.filter(menage=menage)
                .select_related("logement", "decision", "bail")
                .prefetch_related("pieces")
            ),
            list(
                LogementVacant.objects.filter(
                    dispositif_id=menage.dispositif_id, etat=EtatVacant.DISPONIBLE
                ).select_related("commune_du_dispositif", "territoire")
            ),
        )

    return base


def _base_historique(menage):
    """La base de l'historique d'un ménage : pour chaque sorte d'enregistrement que la page
    parcourt (le ménage, ses logements, orientations, dettes, plans d'apurement,
    accompagnements, objectifs, bilans et interventions), ses `VERSIONS_PAR_PAGE` versions les
    plus récentes avec leur auteur, lues d'une requête simple par sorte (sans droit, sans
    fusion des sortes, sans les versions antérieures qui disent ce qui a changé)."""
    accompagnements = Accompagnement.objects.filter(menage=menage).values("pk")
    sources = [
        Menage.historique.filter(id=menage.pk),
        Logement.historique.filter(menage_id=menage.pk),
        Orientation.historique.filter(menage_id=menage.pk),
        DetteLocative.historique.filter(menage_id=menage.pk),
        PlanApurement.historique.filter(menage_id=menage.pk),
        Accompagnement.historique.filter(menage_id=menage.pk),
        Objectif.historique.filter(accompagnement_id__in=accompagnements),
        Bilan.historique.filter(accompagnement_id__in=accompagnements),
        Intervention.historique.filter(accompagnement_id__in=accompagnements),
    ]

    def base():
        return [
            list(
                versions.select_related("history_user").order_by("-history_date")[
                    :VERSIONS_PAR_PAGE
                ]
            )
            for versions in sources
        ]

    return base


def _base_page_de_liste(queryset, par_page, page=1, autres=()):
    """La base d'une liste paginée (mes orientations, membres, logements vacants) : le total et
    la même page de lignes de la même table avec ce que chaque ligne montre (`queryset` porte
    ses `select_related` et `prefetch_related`), sans droit ; `autres` : les autres listes de
    la page (les invitations ouvertes, au plus autant que la page en montre ; les adhésions à
    confirmer), lues comme la page les lit."""

    def base():
        total = queryset.count()
        debut = min((page - 1) * par_page, max(total - par_page, 0))
        return list(queryset[debut : debut + par_page]), total, [list(q) for q in autres]

    return base


def _base_journal(dispositif, page):
    """La base d'une page du journal d'accès : la même page de lignes du dispositif, triées par
    date, avec le même décompte borné (`LIGNES_DU_JOURNAL_PARCOURUES`), sans tri comme celui
    de la page (`core.listes.PaginatorBorne`)."""
    lignes = (
        JournalAudit.objects.filter(dispositif=dispositif)
        .select_related("user")
        .order_by("-date", "-pk")
    )

    def base():
        total = lignes.order_by()[: LIGNES_DU_JOURNAL_PARCOURUES + 1].count()
        debut = (page - 1) * LIGNES_DU_JOURNAL_PAR_PAGE
        return list(lignes[debut : debut + LIGNES_DU_JOURNAL_PAR_PAGE]), total

    return base


def _orientations_de(user):
    structures = structures_de_prescripteur(user)
    siennes = Orientation.objects.filter(orientee_par=user)
    if structures:
        siennes = Orientation.objects.filter(orientee_par=user) | Orientation.objects.filter(
            organisation__in=structures
        )
    return siennes.order_by("-date_orientation", "-pk")


def _base_tableau(dispositifs):
    def base():
        return (
            list(
                Accompagnement.objects.filter(dispositif__in=dispositifs)
                .values("dispositif", "statut")
                .annotate(n=Count("pk"))
            ),
            list(
                Orientation.objects.filter(menage__dispositif__in=dispositifs)
                .values("statut")
                .annotate(n=Count("pk"))
            ),
        )

    return base


def _lignes_brutes(queryset, champs):
    """Les lignes d'une base d'export : l'en-tête (les noms des champs), puis les colonnes de
    `queryset` telles que la base les rend, lues en flux."""
    yield champs
    yield from queryset.values_list(*champs).iterator(chunk_size=2000)


def _base_csv(queryset, champs):
    def base():
        tampon = io.StringIO()
        csv.writer(tampon, delimiter=";").writerows(_lignes_brutes(queryset, champs))
        return tampon.getvalue()

    return base


def _base_xlsx(queryset, champs):
    """La base d'un export XLSX : openpyxl seul (écriture seule, comme l'export) sur le même
    queryset, ses colonnes écrites telles que la base les rend, dans un fichier temporaire."""

    def base():
        classeur = Workbook(write_only=True)
        feuille = classeur.create_sheet("base")
        for ligne in _lignes_brutes(queryset, champs):
            feuille.append(ligne)
        with tempfile.TemporaryFile(suffix=".xlsx") as fichier:
            classeur.save(fichier)

    return base


def _base_extrait_des_episodes(user, dispositif):
    """La base de l'extrait des épisodes : un csv.writer simple sur les mêmes requêtes (celle
    des épisodes et les comptes groupés par épisode et par ménage), leurs valeurs écrites
    telles que la base les rend (ni pseudonyme, ni libellé, ni mois, ni tranche)."""

    def base():
        tampon = io.StringIO()
        ecrivain = csv.writer(tampon, delimiter=";")
        ecrivain.writerow([variable.nom for variable in extraits.EPISODES.variables])
        comptes, decisions = extraits.comptes_des_episodes(user, dispositif)
        for ligne in extraits.requete_des_episodes(user, dispositif).iterator(chunk_size=2000):
            # Les colonnes de l'extrait, une à une : le ménage (sa clé, au lieu du pseudonyme),
            # puis le reste de la requête, les comptes (des zéros pour un épisode sans rien,
            # par le dictionnaire même) et les décisions.
            pk, menage_id, *reste = ligne
            ecrivain.writerow((menage_id, *reste, *comptes[pk], decisions.get(menage_id, 0)))
        return tampon.getvalue()

    return base


# --- Les cas --------------------------------------------------------------------------------


TRIS = ["nom", "-nom", "date", "-date", "statut", "territoire", "-dette"]
TRIS_BASE = {
    "nom": "nom",
    "-nom": "-nom",
    "date": "cree_le",
    "-date": "-cree_le",
    "statut": "nom",
    "territoire": "territoire__nom",
    "-dette": "nom",
}


def cas_a_mesurer(jeu):
    d = jeu.dispositif
    file_active = reverse("ecrans:file_active")
    cas = []
    for role in jeu.comptes:
        url = "/"
        if role == "financeur":
            url = reverse("rapports:national")
            base = _base_tableau(list(Dispositif.objects.all()))
        else:
            base = _base_accueil(jeu, role)
        cas.append(Cas(f"accueil ({role})", "page", role, url, base))
    for tri in TRIS:
        for page in (1, PAGE_PROFONDE):
            cas.append(
                Cas(
                    f"file active tri={tri} page {page}",
                    "page",
                    "coordination",
                    f"{file_active}?tri={tri}&page={page}",
                    _base_liste(d, TRIS_BASE[tri], page=page),
                )
            )
    for role in ("prescripteur", "agent.bailleur"):
        cas.append(
            Cas(
                f"mes orientations ({role})",
                "page",
                role,
                reverse("menages:mes_orientations"),
                _base_page_de_liste(
                    _orientations_de(jeu.comptes[role]).select_related(
                        "menage", "menage__dispositif", "organisation", "orientee_par"
                    ),
                    ORIENTATIONS_PAR_PAGE,
                ),
            )
        )
    membres = (
        Membre.objects.filter(dispositif=d)
        .select_related("user", "organisation", "territoire")
        .order_by("pk")
    )
    invitations = (
        Invitation.objects.ouvertes()
        .filter(dispositif=d)
        .select_related("organisation", "territoire")
        .order_by("-expire_le")[: INVITATIONS_AFFICHEES + 1]
    )
    personnes = (
        User.objects.filter(adhesions__dispositif=d)
        .prefetch_related(Prefetch("adhesions", queryset=Membre.objects.filter(dispositif=d)))
        .order_by("pk")
    )
    a_confirmer = Membre.objects.a_confirmer().filter(dispositif=d).select_related("user")
    logements = (
        LogementVacant.objects.filter(dispositif=d)
        .select_related("commune_du_dispositif", "territoire")
        .order_by("disponible_le", "pk")
    )
    for page in (1, 10):
        cas.append(
            Cas(
                f"membres du dispositif page {page}",
                "page",
                "coordination",
                f"{reverse('equipes:membres', args=[d.slug])}?page={page}",
                _base_page_de_liste(membres, ADHESIONS_PAR_PAGE, page, autres=[invitations]),
            )
        )
        cas.append(
            Cas(
                f"accès et comptes page {page}",
                "page",
                "coordination",
                f"{reverse('core:acces', args=[d.slug])}?page={page}",
                _base_page_de_liste(personnes, PERSONNES_PAR_PAGE, page, autres=[a_confirmer]),
            )
        )
        cas.append(
            Cas(
                f"logements vacants page {page}",
                "page",
                "coordination",
                f"{reverse('acces:logements', args=[d.slug])}?page={page}",
                _base_page_de_liste(logements, LOGEMENTS_PAR_PAGE, page),
            )
        )
    for page in (1, 200):
        cas.append(
            Cas(
                f"journal d'accès page {page}",
                "page",
                "coordination",
                f"{reverse('ecrans:journal', args=[d.slug])}?page={page}",
                _base_journal(d, page),
            )
        )
    territoire = d.territoires.order_by("nom").first()
    referent = jeu.comptes["ts.repere"]
    filtres = [
        ("statut=a_examiner", {"orientations__statut": "a_examiner"}),
        ("parcours=acces", {"orientations__parcours": "acces"}),
        ("problematique=impayes", {"orientations__problematiques__code": "impayes"}),
        ("procedure=assignation", {"orientations__stade_procedure": "assignation"}),
        ("echeance=bilan_en_retard", {"accompagnements__bilans__date_realisation__isnull": True}),
        (f"territoire={territoire.pk}", {"territoire": territoire}),
        (f"referent={referent.pk}", {"accompagnements__referent": referent}),
        ("q=Martin", {"nom__icontains": "Martin"}),
    ]
    for parametre, filtre in filtres:
        pages = (1, 40) if not parametre.startswith(("referent", "statut", "q=")) else (1,)
        for page in pages:
            cas.append(
                Cas(
                    f"file active {parametre} page {page}",
                    "page",
                    "coordination",
                    f"{file_active}?{parametre}&page={page}",
                    _base_liste(d, filtres=filtre, page=page),
                )
            )
    cas.append(
        Cas(
            "file active page 1 (travailleur social)",
            "page",
            "ts.repere",
            file_active,
            _base_liste(d, filtres={"accompagnements__equipe__user": jeu.comptes["ts.repere"]}),
        )
    )
    for nombre, menage in jeu.menages.items():
        accompagnement = jeu.accompagnements[nombre]
        for role in ("coordination", "ts.repere"):
            cas.append(
                Cas(
                    f"ménage à {nombre} interventions ({role})",
                    "page",
                    role,
                    reverse("ecrans:menage", args=[menage.public_id]),
                    _base_menage(menage),
                )
            )
            cas.append(
                Cas(
                    f"accompagnement à {nombre} interventions ({role})",
                    "page",
                    role,
                    reverse("accompagnement:detail", args=[accompagnement.public_id]),
                    _base_accompagnement(accompagnement),
                )
            )
    for nom, seance in (("à venir", jeu.seance_a_venir), ("passée", jeu.seance_passee)):
        if seance is None:
            continue
        for role in ("coordination", "cotech"):
            cas.append(
                Cas(
                    f"séance COTECH {nom} ({role})",
                    "page",
                    role,
                    reverse("comites:seance", args=[seance.public_id]),
                    _base_seance(seance),
                )
            )
    # Les formulaires qui choisissent un référent·e et une équipe parmi les personnes du
    # programme, et la recherche qui les propose.
    if jeu.point_a_decider:
        cas.append(
            Cas(
                "décision d'un point (coordination)",
                "page",
                "coordination",
                reverse("comites:decider", args=[jeu.point_a_decider.public_id]),
                _base_decision(d, jeu.point_a_decider),
            )
        )
    if jeu.menage_sans_accompagnement:
        cas.append(
            Cas(
                "ouverture d'un accompagnement (coordination)",
                "page",
                "coordination",
                reverse("accompagnement:ouvrir", args=[jeu.menage_sans_accompagnement.public_id]),
                _base_choix_de_personnes(d, jeu.menage_sans_accompagnement),
            )
        )
        cas.append(
            Cas(
                "recherche d'une personne (coordination)",
                "page",
                "coordination",
                reverse("accompagnement:personnes", args=[jeu.menage_sans_accompagnement.public_id])
                + "?liste=equipe&q=ma",
                _base_recherche_de_personnes(d, "ma"),
            )
        )
    cas.append(
        Cas(
            "historique d'un ménage à 500 interventions (coordination)",
            "page",
            "coordination",
            reverse("rgpd:historique", args=[jeu.menages[500].public_id]),
            _base_historique(jeu.menages[500]),
        )
    )
    if jeu.menage_a_loger:
        cas.append(
            Cas(
                "parcours accès d'un ménage (coordination)",
                "page",
                "coordination",
                reverse("acces:menage", args=[jeu.menage_a_loger.public_id]),
                _base_parcours_acces(jeu.menage_a_loger),
            )
        )
    for role in ("coordination", "copil"):
        cas.append(
            Cas(
                f"tableau de bord ({role})",
                "page",
                role,
                reverse("rapports:tableau_de_bord", args=[d.slug]),
                _base_tableau([d]),
            )
        )
    # Fiches PDF : la base est WeasyPrint seul sur le HTML capté.
    for nombre, accompagnement in jeu.accompagnements.items():
        cas.append(
            Cas(
                f"fiche de suivi PDF à {nombre} interventions",
                "pdf",
                "coordination",
                reverse("accompagnement:fiche_suivi", args=[accompagnement.public_id]),
                None,
            )
        )
    # Le dossier du droit d'accès (RGPD art. 15) : tout ce que le produit détient sur le ménage.
    for nombre, accompagnement in jeu.accompagnements.items():
        cas.append(
            Cas(
                f"dossier du droit d'accès PDF à {nombre} interventions",
                "pdf",
                "coordination",
                reverse("rgpd:droit_d_acces_pdf", args=[accompagnement.menage.public_id]),
                None,
            )
        )
    if jeu.bilan:
        cas.append(
            Cas(
                "fiche de bilan PDF",
                "pdf",
                "coordination",
                reverse("accompagnement:fiche_bilan", args=[jeu.bilan.public_id]),
                None,
            )
        )
    if jeu.cloture:
        cas.append(
            Cas(
                "fiche de clôture PDF",
                "pdf",
                "coordination",
                reverse("accompagnement:fiche_cloture", args=[jeu.cloture.public_id]),
                None,
            )
        )
    if jeu.seance_passee:
        cas.append(
            Cas(
                "compte rendu de séance PDF",
                "pdf",
                "coordination",
                reverse("comites:compte_rendu", args=[jeu.seance_passee.public_id]),
                None,
            )
        )
    # Exports : la base est un csv.writer simple sur le même queryset (ses colonnes écrites
    # telles que la base les rend : ni libellé, ni date ou montant à la française, ni formule
    # neutralisée).
    file_active_exportee = ecrans_selectors.avec_commune(
        ecrans_selectors.dans_l_ordre(ecrans_selectors.file_active(jeu.comptes["coordination"]))
    )
    colonnes = list(COLONNES_FILE_ACTIVE)
    for nom, categorie, url, base in (
        ("export CSV de la file active", "export", "ecrans:export_csv", _base_csv),
        ("export XLSX de la file active", "classeur", "ecrans:export_xlsx", _base_xlsx),
        (
            "export XLSX de la file active (face au CSV)",
            "classeur_csv",
            "ecrans:export_xlsx",
            _base_csv,
        ),
    ):
        cas.append(
            Cas(nom, categorie, "coordination", reverse(url), base(file_active_exportee, colonnes))
        )
    cas.append(
        Cas(
            "extrait CSV des épisodes (évaluation)",
            "export",
            "evaluation",
            reverse("rapports:extrait_csv", args=[d.slug, "episodes"]),
            _base_extrait_des_episodes(jeu.comptes["evaluation"], d),
        )
    )
    cas.append(
        Cas(
            "extrait CSV des interventions (évaluation)",
            "export",
            "evaluation",
            reverse("rapports:extrait_csv", args=[d.slug, "interventions"]),
            _base_csv(
                Intervention.objects.filter(accompagnement__dispositif=d).order_by("pk"),
                ["pk", "accompagnement_id", "date_heure", "duree_minutes", "type"],
            ),
        )
    )
    return cas


# --- La mesure ------------------------------------------------------------------------------


class HTMLCapte(module_pdf.HTML):
    """Le HTML que la vue donne à WeasyPrint, gardé pour la base d'une fiche PDF."""

    captes = []

    def __init__(self, *args, string=None, **kwargs):
        HTMLCapte.captes.append(string)
        super().__init__(*args, string=string, **kwargs)


def _capter_le_html(client, url):
    HTMLCapte.captes = []
    d_origine = module_pdf.HTML
    module_pdf.HTML = HTMLCapte
    try:
        reponse = client.get(url)
        _lire(reponse)
    finally:
        module_pdf.HTML = d_origine
    if reponse.status_code != 200 or not HTMLCapte.captes:
        return None, reponse.status_code
    html = HTMLCapte.captes[-1]

    def base():
        return module_pdf.HTML(
            string=html, base_url="http://localhost/", url_fetcher=module_pdf.RessourcesLocales()
        ).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)

    return base, 200


def _chrono(fonction):
    debut = time.perf_counter()
    fonction()
    return (time.perf_counter() - debut) * 1000


def _compter(fonction):
    with CaptureQueriesContext(connection) as requetes:
        fonction()
    return len(requetes.captured_queries)


def mesurer_cas(jeu, cas, repetitions):
    resultat = Resultat(cas.nom, cas.categorie, cas.role, cas.url)
    client = jeu.client(cas.role)
    base = cas.base
    if cas.categorie == "pdf":
        base, statut = _capter_le_html(client, cas.url)
        if base is None:
            resultat.erreur = f"HTTP {statut}"
            return resultat

    etat = {}

    def page():
        reponse = client.get(cas.url)
        contenu = _lire(reponse)
        etat["statut"] = reponse.status_code
        etat["octets"] = len(contenu)

    # Échauffement (gabarits, connexions, caches du processus). Le cache de Django est vidé
    # avant : chaque cas part à froid, quel que soit l'ordre des cas (la vue nationale remplit
    # celui des tableaux de bord), et son premier appel le mesure.
    cache.clear()
    duree_echauffement = _chrono(page)
    resultat.premier_appel_ms = round(duree_echauffement, 1)
    if etat["statut"] != 200:
        resultat.erreur = f"HTTP {etat['statut']}"
        return resultat
    base()
    _geler_comme_un_worker()
    resultat.octets = etat["octets"]
    mesures, mesures_base = [], []
    lent = duree_echauffement > SEUIL_CAS_LENT_MS
    if lent:
        # Une page de plusieurs secondes : une seule mesure de plus, pour que le passage
        # entier reste borné ; la ligne le dit (`mesures_ms` n'a qu'une valeur).
        repetitions = 1
    if cas.categorie in ("pdf", "classeur", "classeur_csv", "export"):
        # Une fiche ou un export complet dure des secondes : moins de répétitions suffisent.
        repetitions = min(repetitions, REPETITIONS_DOCUMENTS)
    for _ in range(repetitions):
        if lent:
            # Ses requêtes se comptent sur la mesure même, jamais sur l'échauffement : celui-ci
            # peut noter l'activité de la session (une écriture par minute au plus,
            # core.sessions), qui n'est pas une requête de la page.
            with CaptureQueriesContext(connection) as requetes:
                mesures.append(_chrono(page))
            resultat.requetes = len(requetes.captured_queries)
        else:
            mesures.append(_chrono(page))
        mesures_base.append(_chrono(base))
    if resultat.requetes is None:
        resultat.requetes = _compter(page)
    resultat.base_requetes = _compter(base)
    resultat.mesures_ms = [round(m, 1) for m in mesures]
    resultat.mediane_ms = round(statistics.median(mesures), 1)
    resultat.p95_ms = round(_p95(mesures), 1)
    resultat.base_mediane_ms = round(statistics.median(mesures_base), 1)
    resultat.base_p95_ms = round(_p95(mesures_base), 1)
    resultat.ratio = round(resultat.mediane_ms / max(resultat.base_mediane_ms, 0.01), 2)
    juger(resultat)
    return resultat


def _geler_comme_un_worker():
    """Ce que l'échauffement a chargé est gelé (`gc.freeze`), comme dans un worker de production
    après sa première page (`deploy/gunicorn.conf.py`) : une collecte complète ne parcourt plus
    que ce que les mesures créent. Sans cela, une collecte complète sur tout le tas du banc
    (le jeu, les cas déjà mesurés : 173 ms en médiane sur un passage complet) tombait au
    hasard dans une mesure et faisait son p95, qu'aucun worker ne voit."""
    gc.collect()
    gc.freeze()


def juger(resultat):
    budget = BUDGETS[resultat.categorie]
    termes, depasse = [], []
    if "ratio" in budget:
        termes.append(f"≤ {budget['ratio']:g}× base")
        if resultat.ratio is None:
            depasse.append("sans base")
        elif resultat.ratio > budget["ratio"]:
            depasse.append(f"{resultat.ratio:.1f}× sa base")
    if "p95_ms" in budget:
        termes.append(f"p95 ≤ {budget['p95_ms']} ms")
        if resultat.p95_ms > budget["p95_ms"]:
            depasse.append(f"p95 {_ms(resultat.p95_ms)}")
    if "memoire_mio" in budget:
        termes.append(f"≤ {budget['memoire_mio']} Mio")
        if resultat.memoire_mio is None:
            depasse.append("mémoire non mesurée")
        elif resultat.memoire_mio > budget["memoire_mio"]:
            depasse.append(f"{resultat.memoire_mio:.0f} Mio")
    resultat.budget = ", ".join(termes) or "hors budget"
    resultat.depasse = depasse
    resultat.tenu = not depasse if termes else None


def bilan_des_budgets(resultats):
    """Les lignes de fin d'un passage : combien de budgets tiennent, puis chaque budget non tenu
    avec ce qui le dépasse (`juger`), pour qui lit le passage sans parcourir tout le tableau."""
    mesures = [r for r in resultats if r.tenu is not None]
    lignes = [
        f"Budgets tenus : {sum(r.tenu for r in mesures)} / {len(mesures)} ; "
        f"erreurs : {sum(bool(r.erreur) for r in resultats)}."
    ]
    for r in mesures:
        if not r.tenu:
            qui = r.nom if r.role in r.nom else f"{r.nom} ({r.role})"
            lignes.append(f"  non tenu : {qui} : {', '.join(r.depasse)} ; budget {r.budget}")
    return lignes


def mesurer_rapport(slug, repetitions):
    """Le rapport semestriel, produit dans un sous-processus neuf (pic de mémoire honnête)."""
    commande = [
        sys.executable,
        "-m",
        "bench",
        "rapport",
        "--dispositif",
        slug,
        "--repetitions",
        str(repetitions),
    ]
    sortie = subprocess.run(
        commande, capture_output=True, text=True, env=os.environ.copy(), check=False
    )
    resultat = Resultat(f"rapport semestriel ({slug})", "rapport", "tâche", "(tâche Celery)")
    if sortie.returncode != 0:
        resultat.erreur = (sortie.stderr.strip().splitlines() or ["échec"])[-1][:200]
        return resultat
    chiffres = json.loads(sortie.stdout.strip().splitlines()[-1])
    resultat.mesures_ms = chiffres["mesures_ms"]
    resultat.mediane_ms = round(statistics.median(chiffres["mesures_ms"]), 1)
    resultat.p95_ms = round(_p95(chiffres["mesures_ms"]), 1)
    resultat.base_mediane_ms = round(statistics.median(chiffres["base_ms"]), 1)
    resultat.base_p95_ms = round(_p95(chiffres["base_ms"]), 1)
    resultat.ratio = round(resultat.mediane_ms / max(resultat.base_mediane_ms, 0.01), 2)
    resultat.memoire_mio = chiffres["memoire_mio"]
    resultat.requetes = chiffres["requetes"]
    resultat.octets = chiffres["octets"]
    juger(resultat)
    return resultat


def produire_le_rapport(slug, repetitions):
    """Appelé dans le sous-processus : produit le rapport du dernier semestre écoulé par la
    même fonction que la tâche Celery, puis WeasyPrint seul sur son HTML ; imprime du JSON."""
    from django.template.loader import render_to_string

    from rapports import documents, pilotage
    from rapports import indicateurs as indicateurs_
    from rapports.enums import StatutRapport
    from rapports.services import preparer, produire_rapport

    dispositif = Dispositif.objects.get(slug=slug)
    aujourd_hui = timezone.localdate()
    annee, semestre = (aujourd_hui.year, 1) if aujourd_hui.month > 6 else (aujourd_hui.year - 1, 2)
    mesures, requetes = [], None
    for i in range(repetitions):
        rapport = preparer(dispositif, annee, semestre)
        if i == 0:
            with CaptureQueriesContext(connection) as capte:
                debut = time.perf_counter()
                statut = produire_rapport(rapport.pk)
                mesures.append((time.perf_counter() - debut) * 1000)
            requetes = len(capte.captured_queries)
        else:
            debut = time.perf_counter()
            statut = produire_rapport(rapport.pk)
            mesures.append((time.perf_counter() - debut) * 1000)
        if statut != StatutRapport.PRET:
            rapport.refresh_from_db()
            raise SystemExit(f"Le rapport n'est pas prêt : {rapport.erreur}")
    # Pic de mémoire du processus après les productions, avant la base.
    memoire = pic_de_memoire_mio()
    rapport.refresh_from_db()
    chiffres = pilotage.avec_cibles(indicateurs_.calculer(dispositif, annee, semestre), dispositif)
    html = render_to_string(documents.GABARIT_PDF, documents.contexte_pdf(rapport, chiffres))
    base, octets = [], 0
    for _ in range(repetitions):
        debut = time.perf_counter()
        contenu = module_pdf.HTML(
            string=html, base_url="http://localhost/", url_fetcher=module_pdf.RessourcesLocales()
        ).write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)
        base.append((time.perf_counter() - debut) * 1000)
        octets = len(contenu)
    print(
        json.dumps(
            {
                "mesures_ms": [round(m, 1) for m in mesures],
                "base_ms": [round(m, 1) for m in base],
                "memoire_mio": round(memoire, 1),
                "requetes": requetes,
                "octets": octets,
            }
        )
    )


# --- La sortie ------------------------------------------------------------------------------


COLONNES = [
    ("cas", 50),
    ("rôle", 18),
    ("médiane", 9),
    ("p95", 9),
    ("req.", 5),
    ("base", 9),
    ("req.b", 5),
    ("ratio", 7),
    ("budget", 30),
    ("verdict", 9),
]


def _ms(valeur):
    return f"{valeur:.0f} ms" if valeur >= 10 else f"{valeur:.1f} ms"


def ligne_lisible(r):
    if r.erreur:
        valeurs = [r.nom, r.role, "", "", "", "", "", "", "", f"erreur : {r.erreur}"]
    else:
        verdict = {True: "tenu", False: "NON TENU", None: "—"}[r.tenu]
        if len(r.mesures_ms) == 1:
            verdict += " (1 mesure)"
        requetes = "" if r.requetes is None else str(r.requetes)
        valeurs = [
            r.nom,
            r.role,
            _ms(r.mediane_ms),
            _ms(r.p95_ms),
            requetes,
            _ms(r.base_mediane_ms),
            "" if r.base_requetes is None else str(r.base_requetes),
            f"{r.ratio:.1f}×",
            r.budget + (f" ({r.memoire_mio:.0f} Mio)" if r.memoire_mio else ""),
            verdict,
        ]
    return "  ".join(
        str(v)[:largeur].ljust(largeur) if i < len(COLONNES) - 1 else str(v)
        for i, (v, (_, largeur)) in enumerate(zip(valeurs, COLONNES, strict=True))
    ).rstrip()


def entete():
    return "  ".join(nom.ljust(largeur) for nom, largeur in COLONNES).rstrip()


def _git_commit():
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
            cwd=settings.BASE_DIR,
        ).stdout.strip()
    except OSError:
        return ""


def main(arguments):
    if arguments.commande == "rapport":
        produire_le_rapport(arguments.dispositif, arguments.repetitions)
        return 0
    jeu = Jeu()
    volume = {
        "menages": Menage.objects.filter(dispositif=jeu.dispositif).count(),
        "interventions": Intervention.objects.filter(
            accompagnement__dispositif=jeu.dispositif
        ).count(),
        "menages_instance": Menage.objects.count(),
        "interventions_instance": Intervention.objects.count(),
    }
    etalon = round(etalon_ms(), 1)
    print(
        f"Banc sur « {jeu.dispositif.nom} » : {volume['menages']} ménages, "
        f"{volume['interventions']} interventions (instance : {volume['menages_instance']} / "
        f"{volume['interventions_instance']}) ; base {connection.vendor}, "
        f"{arguments.repetitions} répétitions, commit {_git_commit() or '?'}, "
        f"charge {os.getloadavg()[0]:.1f}, étalon de la machine {etalon} ms."
    )
    print(entete())
    filtres = [f.strip() for f in (arguments.filtre or "").split(",") if f.strip()]

    def retenu(nom):
        return not filtres or any(f in nom for f in filtres)

    resultats = []
    for cas in cas_a_mesurer(jeu):
        if not retenu(cas.nom):
            continue
        try:
            resultat = mesurer_cas(jeu, cas, arguments.repetitions)
        except Exception as erreur:  # un cas qui casse n'arrête pas le passage
            resultat = Resultat(cas.nom, cas.categorie, cas.role, cas.url)
            resultat.erreur = f"{type(erreur).__name__} : {erreur}"[:200]
        resultats.append(resultat)
        print(ligne_lisible(resultat), flush=True)
        if resultat.premier_appel_ms and resultat.premier_appel_ms > 2 * resultat.mediane_ms:
            print(f"    premier appel (cache vide) : {_ms(resultat.premier_appel_ms)}", flush=True)
        # Écrit au fil du passage : un passage interrompu garde ce qu'il a mesuré.
        ecrire_json(arguments, jeu, volume, resultats, etalon)
    if not arguments.sans_rapport and retenu("rapport semestriel"):
        resultat = mesurer_rapport(jeu.dispositif.slug, max(min(arguments.repetitions, 3), 1))
        resultats.append(resultat)
        print(ligne_lisible(resultat), flush=True)
    for ligne in bilan_des_budgets(resultats):
        print(ligne)
    if arguments.json:
        ecrire_json(arguments, jeu, volume, resultats, etalon)
        print(f"Résultats écrits dans {arguments.json}.")
    return 0


def ecrire_json(arguments, jeu, volume, resultats, etalon):
    if arguments.json:
        with open(arguments.json, "w", encoding="utf-8") as fichier:
            json.dump(
                {
                    "date": timezone.now().isoformat(),
                    "commit": _git_commit(),
                    "machine": {
                        "processeurs": os.cpu_count(),
                        "charge": os.getloadavg(),
                        "python": platform.python_version(),
                        "base": connection.vendor,
                        "etalon_ms": etalon,
                    },
                    "dispositif": jeu.dispositif.slug,
                    "volume": volume,
                    "repetitions": arguments.repetitions,
                    "resultats": [asdict(r) for r in resultats],
                },
                fichier,
                ensure_ascii=False,
                indent=1,
            )


def tableau_markdown(chemin):
    """Le tableau Markdown d'un passage enregistré (`--json`), pour docs/performance.md."""
    with open(chemin, encoding="utf-8") as fichier:
        passage = json.load(fichier)
    lignes = [
        "| cas | rôle | médiane | p95 | requêtes | base | ratio | budget | verdict |",
        "|---|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in passage["resultats"]:
        if r["erreur"]:
            lignes.append(f"| {r['nom']} | {r['role']} | | | | | | | erreur : {r['erreur']} |")
            continue
        verdict = {True: "tenu", False: "**non tenu**", None: "—"}[r["tenu"]]
        if len(r["mesures_ms"]) == 1:
            verdict += " (1 mesure)"
        memoire = f" ({r['memoire_mio']:.0f} Mio)" if r.get("memoire_mio") else ""
        lignes.append(
            f"| {r['nom']} | {r['role']} | {_ms(r['mediane_ms'])} | {_ms(r['p95_ms'])} | "
            f"{'' if r['requetes'] is None else r['requetes']} | {_ms(r['base_mediane_ms'])} | "
            f"{r['ratio']:.1f}× | {r['budget']}{memoire} | {verdict} |"
        )
    return "\n".join(lignes)
