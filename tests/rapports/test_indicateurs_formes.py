"""Les chiffres ne changent pas quand la forme d'une requête change.

Les requêtes des indicateurs ont été réécrites pour le programme national (docs/performance.md,
« Tableau de bord, vue nationale, rapport ») : chaque test ici recalcule un chiffre de la façon
d'avant, écrite en clair, et vérifie que le calcul d'aujourd'hui donne le même, pour un
dispositif seul et pour l'ensemble des dispositifs (vue nationale).
"""

from collections import Counter
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from accompagnement.enums import DestinationPartenaire, StatutAccompagnement, TypeIntervention
from accompagnement.factories import AccompagnementFactory, InterventionFactory
from accompagnement.models import Accompagnement, Intervention, OrientationPartenaire
from core.enums import Profession, Role
from core.factories import DispositifFactory, MembreFactory, TerritoireFactory, UserFactory
from core.pseudonymes import pseudonymiseur
from menages.factories import LogementFactory, MenageFactory, OrientationFactory
from menages.models import Logement, Orientation
from rapports import extraits, indicateurs
from rapports.indicateurs import Ensemble, chargements
from rapports.indicateurs.perimetre import du_perimetre
from rapports.indicateurs.periode import bornes_horaires

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
APRES_S1 = date(2026, 11, 24)


def a_paris(annee, mois, jour, heure=10, minute=0):
    return datetime(annee, mois, jour, heure, minute, tzinfo=PARIS)


def suivi(dispositif):
    return AccompagnementFactory(
        menage=MenageFactory(dispositif=dispositif),
        date_debut=date(2025, 9, 1),
        statut=StatutAccompagnement.EN_COURS,
    )


def peupler(dispositif, decalage):
    """Des interventions dans et hors de 2026-S1 (bornes à l'heure de Paris comprises), de
    types et professions variés, avec zéro, une ou plusieurs orientations vers un partenaire."""
    destinations = list(DestinationPartenaire)
    types = list(TypeIntervention)
    professions = list(Profession)
    moments = [
        a_paris(2025, 12, 31, 23, 30),  # hors période
        a_paris(2026, 1, 1, 0, 30),  # premier jour
        a_paris(2026, 3, 10),
        a_paris(2026, 6, 30, 23, 30),  # dernier jour
        a_paris(2026, 7, 1, 0, 10),  # hors période
    ]
    for rang in range(3):
        accompagnement = suivi(dispositif)
        for n, moment in enumerate(moments):
            i = rang * len(moments) + n + decalage
            intervention = InterventionFactory(
                accompagnement=accompagnement,
                date_heure=moment,
                type=types[i % len(types)],
                profession_auteur=professions[i % len(professions)],
                duree_minutes=15 * (i % 7),
            )
            for destination in destinations[i % 3 : i % 3 + i % 4]:
                OrientationPartenaire.objects.create(
                    intervention=intervention, destination=destination
                )


def interventions_comme_avant(perimetre, debut, fin):
    """La section « interventions » telle qu'elle se calculait avant la réécriture : les
    orientations vers un partenaire lues par `intervention__in=<interventions de la période>`."""
    debut_h, fin_h = bornes_horaires(debut, fin)
    de_la_periode = Intervention.objects.filter(
        **du_perimetre("accompagnement__dispositif", perimetre),
        date_heure__gte=debut_h,
        date_heure__lt=fin_h,
    )
    par_type = Counter(de_la_periode.values_list("type", flat=True))
    par_profession = Counter(de_la_periode.values_list("profession_auteur", flat=True))
    destinations = dict(
        OrientationPartenaire.objects.filter(intervention__in=de_la_periode)
        .values("destination")
        .annotate(nombre=Count("pk"))
        .order_by()
        .values_list("destination", "nombre")
    )
    return {
        "total": de_la_periode.count(),
        "par_type": {k: v for k, v in par_type.items() if v},
        "par_profession": {k: v for k, v in par_profession.items() if v},
        "minutes": sum(de_la_periode.values_list("duree_minutes", flat=True)),
        "destinations": {k: v for k, v in destinations.items() if v},
    }


def nombres(repartition):
    return {ligne["code"]: ligne["nombre"] for ligne in repartition if ligne["nombre"]}


@pytest.mark.parametrize("perimetre", ["un", "ensemble"])
def test_les_interventions_donnent_les_memes_chiffres_qu_avant(perimetre):
    premier, second = DispositifFactory(), DispositifFactory()
    peupler(premier, 0)
    peupler(second, 5)
    cible = premier if perimetre == "un" else Ensemble((premier, second))
    debut, fin = indicateurs.bornes_semestre(2026, 1)

    avant = interventions_comme_avant(cible, debut, fin)
    maintenant = indicateurs.calculer(cible, 2026, 1, aujourd_hui=APRES_S1)["interventions"]

    assert avant["total"] > 0 and avant["destinations"]  # le jeu exerce bien chaque chemin
    assert maintenant["total"] == avant["total"]
    assert nombres(maintenant["par_type"]) == avant["par_type"]
    assert nombres(maintenant["par_profession"]) == avant["par_profession"]
    heures = (Decimal(avant["minutes"]) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    assert maintenant["heures_total"] == float(heures)
    partenaires = maintenant["orientations_partenaires"]
    assert nombres(partenaires["par_destination"]) == avant["destinations"]
    assert partenaires["total"] == sum(avant["destinations"].values())


def test_un_autre_dispositif_ne_se_compte_jamais():
    premier, second = DispositifFactory(), DispositifFactory()
    peupler(second, 0)

    chiffres = indicateurs.calculer(premier, 2026, 1, aujourd_hui=APRES_S1)["interventions"]

    assert chiffres["total"] == 0
    assert chiffres["orientations_partenaires"]["total"] == 0


def territoires_comme_avant(perimetre, debut, fin):
    """{épisode: territoire} et {orientation reçue: territoire} lus comme avant la réécriture :
    une sous-requête par ligne sur le logement actuel du ménage."""

    def territoire(chemin):
        return Subquery(
            Logement.objects.filter(menage=OuterRef(chemin), actuel=True).values("territoire__nom")[
                :1
            ]
        )

    episodes = dict(
        Accompagnement.objects.filter(**du_perimetre("dispositif", perimetre))
        .annotate(nom=territoire("menage_id"))
        .values_list("pk", "nom")
    )
    orientations = dict(
        Orientation.objects.filter(
            **du_perimetre("menage__dispositif", perimetre),
            menage__provisoire=False,
            date_orientation__range=(debut, fin),
        )
        .annotate(nom=territoire("menage_id"))
        .values_list("pk", "nom")
    )
    return episodes, orientations


@pytest.mark.parametrize("perimetre", ["un", "ensemble"])
def test_le_territoire_actuel_est_le_meme_qu_avant(perimetre):
    premier, second = DispositifFactory(), DispositifFactory()
    for dispositif in (premier, second):
        nord = TerritoireFactory(dispositif=dispositif, nom=f"Nord {dispositif.pk}")
        sud = TerritoireFactory(dispositif=dispositif, nom=f"Sud {dispositif.pk}")
        for cas in range(5):
            menage = MenageFactory(dispositif=dispositif)
            OrientationFactory(menage=menage, date_orientation=date(2026, 2, 1 + cas))
            if cas == 0:  # ancien logement au nord, logement actuel au sud
                LogementFactory(menage=menage, territoire=nord, actuel=False)
                LogementFactory(menage=menage, territoire=sud)
            elif cas == 1:  # logement actuel sans territoire
                LogementFactory(menage=menage, territoire=None)
            elif cas == 2:  # plus de logement actuel
                LogementFactory(menage=menage, territoire=nord, actuel=False)
            elif cas == 3:  # logement actuel au nord
                LogementFactory(menage=menage, territoire=nord)
            # cas 4 : aucun logement
            AccompagnementFactory(
                menage=menage, date_debut=date(2026, 3, 1), statut=StatutAccompagnement.EN_COURS
            )
    cible = premier if perimetre == "un" else Ensemble((premier, second))
    debut, fin = indicateurs.bornes_semestre(2026, 1)

    episodes_avant, orientations_avant = territoires_comme_avant(cible, debut, fin)
    episodes = chargements.charger_episodes(cible, debut, fin, fin)
    orientations = dict(
        chargements.avec_territoire_actuel(
            Orientation.objects.filter(
                **du_perimetre("menage__dispositif", cible),
                menage__provisoire=False,
                date_orientation__range=(debut, fin),
            ),
            "menage__logements",
        ).values_list("pk", "territoire_nom")
    )

    assert {e.pk: e.territoire for e in episodes} == episodes_avant
    assert orientations == orientations_avant
    assert len(episodes_avant) == (5 if perimetre == "un" else 10)
    assert set(episodes_avant.values()) >= {None, f"Sud {premier.pk}", f"Nord {premier.pk}"}


def test_l_extrait_des_episodes_compte_comme_avant():
    """Extrait des épisodes : interventions comptées et sommées par la base, épisodes et ménages
    visibles en sous-requête ; chaque ligne garde les comptes relus un à un comme avant."""
    dispositif, autre = DispositifFactory(), DispositifFactory()
    evaluateur = UserFactory()
    MembreFactory(user=evaluateur, dispositif=dispositif, role=Role.EVALUATEUR)
    episodes = []
    for rang in range(3):
        episode = suivi(dispositif)
        episodes.append(episode)
        for n in range(rang * 2):  # 0, 2 et 4 interventions
            InterventionFactory(
                accompagnement=episode, date_heure=a_paris(2026, 3, 1 + n), duree_minutes=5 * n
            )
    InterventionFactory(accompagnement=suivi(autre), date_heure=a_paris(2026, 3, 1))

    lignes = extraits.lignes(extraits.EXTRAITS["episodes"], evaluateur, dispositif)

    noms = [variable.nom for variable in extraits.EXTRAITS["episodes"].variables]
    comptes = sorted(
        (int(ligne[noms.index("interventions")]), int(ligne[noms.index("interventions_minutes")]))
        for ligne in lignes
    )
    attendus = sorted(
        (
            Intervention.objects.filter(accompagnement=e).count(),
            sum(e.interventions.values_list("duree_minutes", flat=True)),
        )
        for e in episodes
    )
    assert comptes == attendus == [(0, 0), (2, 5), (4, 30)]


def interventions_de_l_extrait_comme_avant(evaluateur, dispositif):
    """{(pseudonyme, rang, semestre, type, profession): (nombre, minutes)} relus une à une,
    le semestre pris à l'heure de Paris par `timezone.localtime`, comme avant."""
    rangs = extraits._rangs(evaluateur, dispositif)
    pseudonyme = pseudonymiseur(evaluateur)
    comptes = Counter()
    minutes = Counter()
    for episode_id, menage_id, moment, type_, profession, duree in Intervention.objects.filter(
        accompagnement_id__in=list(rangs)
    ).values_list(
        "accompagnement_id",
        "accompagnement__menage_id",
        "date_heure",
        "type",
        "profession_auteur",
        "duree_minutes",
    ):
        local = timezone.localtime(moment)
        cle = (
            pseudonyme(menage_id),
            rangs[episode_id],
            f"{local.year}-S{1 if local.month <= 6 else 2}",
            extraits._libelle(Intervention, "type", type_),
            extraits._libelle(Intervention, "profession_auteur", profession),
        )
        comptes[cle] += 1
        minutes[cle] += duree or 0
    return {cle: (comptes[cle], minutes[cle]) for cle in comptes}


def test_l_extrait_des_interventions_compte_comme_avant():
    dispositif, autre = DispositifFactory(), DispositifFactory()
    evaluateur = UserFactory()
    MembreFactory(user=evaluateur, dispositif=dispositif, role=Role.EVALUATEUR)
    peupler(dispositif, 0)  # dont 31/12 23 h 30, 1er/01 0 h 30, 30/06 23 h 30, 1er/07 0 h 10
    peupler(autre, 5)

    lignes = extraits.lignes(extraits.EXTRAITS["interventions"], evaluateur, dispositif)

    avant = interventions_de_l_extrait_comme_avant(evaluateur, dispositif)
    maintenant = {tuple(ligne[:5]): (ligne[5], ligne[6]) for ligne in lignes}
    assert maintenant == avant
    assert len(lignes) == len(maintenant)  # une ligne par groupe
    assert {cle[2] for cle in avant} == {"2025-S2", "2026-S1", "2026-S2"}
