"""Comités de démonstration : deux ans de COTECH mensuels avec leurs décisions, des COPIL
semestriels, la séance du mois avec son ordre du jour à traiter et les séances à venir.

L'historique reprend ce que les données disent déjà (orientations admises, refusées,
réorientées, bilans dus ou en retard, accompagnements clos) : les décisions passées sont
écrites telles qu'elles ont été prises, sans rejouer leurs effets. La séance du mois est
construite par le service, comme en vrai, pour que la démonstration montre un ordre du jour à
décider. Noms, lieux et motifs : `donnees/comites.toml`.
"""

import random
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accompagnement.enums import TypeBilan
from accompagnement.models import Accompagnement, Bilan, Cloture
from comites import services
from comites.enums import NaturePoint, TypeComite, TypeDecision
from comites.models import Comite, Decision, PointOrdreDuJour, Seance
from core.enums import Role
from core.models import Dispositif, Organisation, User
from menages.enums import StatutOrientation
from menages.models import Orientation
from rapports import documents
from rapports import services as services_rapports
from rapports.enums import StatutRapport
from rapports.models import RapportSemestriel

from .comptes import email_demo
from .lecture import lire
from .programmes import DISPOSITIFS

DONNEES = lire("comites")
NOMS = DONNEES["noms"]
LIEUX = DONNEES["lieux"]
MOTIFS_BILAN = DONNEES["motifs_bilan"]

DECISION_PAR_STATUT = {
    StatutOrientation.ADMISE: TypeDecision.ADMISSION,
    StatutOrientation.REFUSEE: TypeDecision.REFUS,
    StatutOrientation.REORIENTEE: TypeDecision.REORIENTATION,
}
BILANS_EXAMINES = [TypeBilan.DIAGNOSTIC, TypeBilan.TROIS_MOIS, TypeBilan.SIX_MOIS]


@transaction.atomic
def charger_comites():
    for donnees in DISPOSITIFS:
        dispositif = Dispositif.objects.filter(slug=donnees["slug"]).first()
        if dispositif is None or dispositif.comites.exists():
            continue
        _charger(dispositif, donnees)


def _a(jour, heure=14):
    return timezone.make_aware(datetime.combine(jour, time(heure, 0)))


def _charger(dispositif, donnees):
    hasard = random.Random(f"comites-{dispositif.slug}")
    coordinateur = User.objects.get(email=email_demo("coordinateur", dispositif.slug))
    cotech = User.objects.get(email=email_demo("cotech", dispositif.slug))
    copil = User.objects.get(email=email_demo("copil", dispositif.slug))
    bailleur = User.objects.get(email=email_demo("bailleur", dispositif.slug))
    organisations = list(Organisation.objects.filter(dispositifs=dispositif).distinct())
    lieu = LIEUX.get(dispositif.slug, "")

    technique = Comite.objects.create(
        dispositif=dispositif,
        type=TypeComite.TECHNIQUE,
        nom=NOMS["technique"].format(nom=dispositif.nom),
        lieu_habituel=lieu,
    )
    technique.membres.set([coordinateur, cotech, bailleur])
    technique.organisations.set(organisations[:6])
    pilotage = Comite.objects.create(
        dispositif=dispositif,
        type=TypeComite.PILOTAGE,
        nom=NOMS["pilotage"].format(nom=dispositif.nom),
        lieu_habituel=lieu,
    )
    pilotage.membres.set([coordinateur, copil])
    pilotage.organisations.set(organisations)
    equipe = Comite.objects.create(
        dispositif=dispositif,
        type=TypeComite.EQUIPE,
        nom=NOMS["equipe"].format(nom=dispositif.nom),
        lieu_habituel=lieu,
    )
    terrain = User.objects.filter(
        adhesions__dispositif=dispositif,
        adhesions__role__in=[Role.TRAVAILLEUR_SOCIAL, Role.INFIRMIER, Role.PSYCHOLOGUE],
    ).distinct()
    equipe.membres.set([coordinateur, *terrain])

    aujourd_hui = timezone.localdate()
    premier_du_mois = aujourd_hui.replace(day=1)
    # Deux ans de COTECH mensuels, le deuxième mardi du mois.
    dates = [_deuxieme_mardi(premier_du_mois - relativedelta(months=n)) for n in range(24, 0, -1)]
    precedente = dates[0] - relativedelta(months=1)
    for jour in dates:
        seance = Seance.objects.create(comite=technique, date=_a(jour), lieu=lieu)
        seance.presents.set([coordinateur, cotech, bailleur])
        seance.organisations_presentes.set(hasard.sample(organisations, min(4, len(organisations))))
        _historique(seance, dispositif, precedente, jour, coordinateur)
        precedente = jour

    # La séance du mois, aujourd'hui : ordre du jour construit par le service, à décider.
    du_mois = services.planifier_seance(None, technique, date=_a(aujourd_hui, 9), lieu=lieu)
    du_mois.presents.set([coordinateur, cotech])
    # Les séances à venir.
    for n in (1, 2):
        Seance.objects.create(
            comite=technique,
            date=_a(_deuxieme_mardi(premier_du_mois + relativedelta(months=n))),
            lieu=lieu,
        )
        Seance.objects.create(
            comite=equipe,
            date=_a(aujourd_hui + timedelta(days=7 * n - aujourd_hui.weekday()), 10),
            lieu=lieu,
        )
    # COPIL semestriels, fin janvier et fin juillet : deux ans passés et le prochain.
    semestres = [
        date(annee, mois, 28)
        for annee in range(aujourd_hui.year - 2, aujourd_hui.year + 2)
        for mois in (1, 7)
    ]
    passes = [
        jour for jour in semestres if aujourd_hui - relativedelta(years=2) <= jour < aujourd_hui
    ]
    for jour in passes + [jour for jour in semestres if jour >= aujourd_hui][:1]:
        seance = Seance.objects.create(comite=pilotage, date=_a(jour, 10), lieu=lieu)
        if jour < aujourd_hui:
            seance.presents.set([coordinateur, copil])
            seance.organisations_presentes.set(organisations)
            seance.cloturee = True
            seance.save(update_fields=["cloturee"])


def _deuxieme_mardi(premier):
    decalage = (1 - premier.weekday()) % 7
    return premier + timedelta(days=decalage + 7)


def _historique(seance, dispositif, depuis, jusqu_a, auteur):
    """Les points et décisions d'une séance passée, d'après ce qui s'est produit depuis."""
    rang = 0
    orientations = Orientation.objects.filter(
        menage__dispositif=dispositif,
        date_orientation__gt=depuis,
        date_orientation__lte=jusqu_a,
        statut__in=list(DECISION_PAR_STATUT),
    ).select_related("menage")
    for orientation in orientations:
        rang += 1
        point = PointOrdreDuJour.objects.create(
            seance=seance,
            menage=orientation.menage,
            nature=NaturePoint.NOUVELLE_ORIENTATION,
            orientation=orientation,
            rang=rang,
        )
        type_decision = DECISION_PAR_STATUT[StatutOrientation(orientation.statut)]
        suivi = (
            Accompagnement.objects.filter(orientation=orientation).first()
            if type_decision == TypeDecision.ADMISSION
            else None
        )
        Decision.objects.create(
            seance=seance,
            point=point,
            menage=orientation.menage,
            type=type_decision,
            motifs=orientation.motif_statut or DONNEES["motif_admission"],
            accompagnement=suivi,
            auteur=auteur,
            cree_le=seance.date,
            # L'équipe que la séance a nommée, comme l'écrit `services.decider`.
            equipe_nommee=services.equipe_nommee(suivi) if suivi else "",
        )
    # Les bilans que le service aurait inscrits ce jour-là : en retard, ou à faire d'ici cinq
    # semaines, dans un accompagnement alors ouvert. Les motifs ne disent rien de la situation :
    # l'agent du bailleur lit les décisions sur les ménages qu'il a orientés.
    bilans = (
        Bilan.objects.filter(
            accompagnement__dispositif=dispositif,
            accompagnement__date_debut__lte=jusqu_a,
            type__in=BILANS_EXAMINES,
            date_prevue__lte=jusqu_a + services.HORIZON_BILANS,
        )
        .filter(Q(date_realisation__isnull=True) | Q(date_realisation__gt=jusqu_a))
        .filter(Q(accompagnement__date_fin__isnull=True) | Q(accompagnement__date_fin__gt=jusqu_a))
        .select_related("accompagnement__menage")
        .order_by("date_prevue", "pk")
    )
    inscrits = set()
    for bilan in bilans:
        suivi = bilan.accompagnement
        nature = (
            NaturePoint.BILAN_EN_RETARD
            if bilan.date_prevue < jusqu_a
            else NaturePoint.BILAN_A_VENIR
        )
        if (suivi.menage_id, nature) in inscrits:
            continue
        inscrits.add((suivi.menage_id, nature))
        rang += 1
        point = PointOrdreDuJour.objects.create(
            seance=seance, menage=suivi.menage, nature=nature, accompagnement=suivi, rang=rang
        )
        Decision.objects.create(
            seance=seance,
            point=point,
            menage=suivi.menage,
            type=TypeDecision.STRATEGIE,
            motifs=f"{bilan.get_type_display()} : {MOTIFS_BILAN[nature]}",
            accompagnement=suivi,
            auteur=auteur,
            cree_le=seance.date,
        )
    clotures = Cloture.objects.filter(
        accompagnement__dispositif=dispositif, date__gt=depuis, date__lte=jusqu_a
    ).select_related("accompagnement__menage")
    for cloture in clotures:
        rang += 1
        suivi = cloture.accompagnement
        point = PointOrdreDuJour.objects.create(
            seance=seance,
            menage=suivi.menage,
            nature=NaturePoint.CLOTURE_PROPOSEE,
            accompagnement=suivi,
            rang=rang,
        )
        Decision.objects.create(
            seance=seance,
            point=point,
            menage=suivi.menage,
            type=TypeDecision.CLOTURE_VALIDEE,
            motifs=DONNEES["motif_cloture"].format(motif=cloture.get_motif_display().lower()),
            accompagnement=suivi,
            auteur=auteur,
            cree_le=seance.date,
        )


# Les semestres terminés dont chaque programme a son rapport : assez pour que les tendances
# (cibles et semestres précédents) se voient.
SEMESTRES_DE_RAPPORTS = 3


def charger_rapport():
    """Les rapports des derniers semestres terminés de chaque programme, du plus ancien au plus
    récent, produits comme en vrai : chacun se compare aux chiffres stockés des précédents."""
    aujourd_hui = timezone.localdate()
    annee, semestre = (aujourd_hui.year - 1, 2) if aujourd_hui.month <= 6 else (aujourd_hui.year, 1)
    semestres = []
    for _ in range(SEMESTRES_DE_RAPPORTS):
        semestres.insert(0, (annee, semestre))
        annee, semestre = (annee, 1) if semestre == 2 else (annee - 1, 2)
    for dispositif in Dispositif.objects.order_by("slug"):
        for annee, semestre in semestres:
            if (annee, 6 * semestre) < (dispositif.date_debut.year, dispositif.date_debut.month):
                continue
            existant = RapportSemestriel.objects.filter(
                dispositif=dispositif, annee=annee, semestre=semestre, statut=StatutRapport.PRET
            ).first()
            if existant is not None and documents.existe(existant.fichier_pdf):
                continue
            rapport = services_rapports.preparer(dispositif, annee, semestre)
            services_rapports.produire_rapport(rapport.pk)
