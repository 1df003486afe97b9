"""Lectures des comités pour une personne, toujours au travers de `core.permissions`.

La coordination voit toutes les séances de son dispositif ; un membre d'un comité voit les
séances de ce comité. L'ordre du jour ne montre, ligne par ligne, que ce que la personne voit
du ménage inscrit : identité, orientation et problématiques, dette et procédure là où elle voit
la dette, objectifs et dernier bilan là où elle voit le plan (sinon leur résumé), jamais une
note. Un ménage n'est visible du comité que pendant la fenêtre de l'ordre du jour (jusqu'à
`DELAI_ORDRE_DU_JOUR_JOURS` jours après la séance) ; ensuite, les décisions de la séance restent
lisibles comme archives du comité (type, date, motifs), sans le nom du ménage.
"""

from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Window,
    prefetch_related_objects,
)
from django.utils import timezone

from accompagnement import selectors as selectors_accompagnement
from accompagnement.enums import TYPES_CONTACT
from accompagnement.models import Bilan, Intervention, Objectif
from core import permissions
from core.bornes import debut_du_jour
from core.enums import ROLES_TERRAIN, Role
from core.listes import lire
from core.permissions import Donnee, Lien
from menages.enums import StadeProcedure
from menages.models import DetteLocative
from menages.selectors import chemins_vers_menage

from .enums import TypeComite
from .models import Comite, Decision, DecisionCorrection, PointOrdreDuJour, Seance

# Une décision est lisible par les membres du comité qui l'a prise, pour toujours (archives du
# comité) ; son ménage, lui, ne l'est que tant que la personne le voit. Un prescripteur lit les
# décisions prises sur les orientations de sa structure, pas les autres décisions du ménage.
CHEMINS_DECISION = replace(
    chemins_vers_menage("menage"),
    ordre_du_jour=Lien(Seance, "pk", cle="seance", personne="comite__membres"),
    organisation="point__orientation__organisation",
)
CHEMINS_POINT = chemins_vers_menage("menage")

# L'ordre du jour et les archives du comité se lisent par pages : la page d'une séance rend et
# résume au plus ce nombre de points (et de décisions archivées), quelle que soit la séance.
POINTS_PAR_PAGE = 25
DECISIONS_PAR_PAGE = 25
# La réunion d'équipe de la coordination regarde tout le dispositif : ses ménages à discuter se
# lisent par pages.
MENAGES_A_DISCUTER_PAR_PAGE = 25


def comites_visibles(user):
    """Les comités dont la personne est membre, et tous ceux des dispositifs qu'elle coordonne."""
    coordonnes = [
        dispositif_id
        for dispositif_id, roles in permissions.roles_par_dispositif(user).items()
        if Role.COORDINATEUR in roles
    ]
    membres = [
        dispositif_id
        for dispositif_id, roles in permissions.roles_par_dispositif(user).items()
        if roles & {Role.MEMBRE_COTECH, Role.MEMBRE_COPIL}
    ]
    # La réunion d'équipe réunit la coordination et les intervenants de terrain qui y siègent.
    terrain = [
        dispositif_id
        for dispositif_id, roles in permissions.roles_par_dispositif(user).items()
        if roles & set(ROLES_TERRAIN)
    ]
    return Comite.objects.filter(
        Q(dispositif_id__in=coordonnes)
        | Q(dispositif_id__in=membres, membres=user)
        | Q(dispositif_id__in=terrain, type=TypeComite.EQUIPE, membres=user)
    ).distinct()


def seances_visibles(user):
    return Seance.objects.filter(comite__in=comites_visibles(user))


def calendrier(user, depuis=None):
    """Les prochaines séances des comités de la personne, celles du jour comprises : la séance
    du jour reste « à venir » jusqu'au soir, quelle que soit son heure (on y enregistre encore
    des décisions après la réunion)."""
    depuis = depuis or debut_du_jour(timezone.localdate())
    return (
        seances_visibles(user)
        .filter(date__gte=depuis)
        .select_related("comite", "comite__dispositif")
        .order_by("date")
    )


# L'accueil nomme au plus ces points de l'ordre du jour de chaque séance (les premiers, dans
# l'ordre de la séance) et dit combien il en reste : un COTECH national en compte des centaines,
# que la page de la séance présente.
POINTS_A_L_ACCUEIL = 8


def mes_seances_a_venir(user, limite=5, points=POINTS_A_L_ACCUEIL):
    """Les prochaines séances des comités où la personne siège (celles du jour comprises),
    chacune avec les premiers points de son ordre du jour dont elle voit le ménage
    (`mes_points`, au plus `points`) et le nombre de ceux qui restent (`autres_points`) : ce
    qu'elle a à préparer. Deux requêtes, quelle que soit la taille des ordres du jour ; une
    seule pour qui ne siège à aucune séance à venir (la plupart des intervenants de terrain),
    sans construire le filtre de visibilité des points."""
    seances = list(
        Seance.objects.filter(comite__membres=user, date__gte=debut_du_jour(timezone.localdate()))
        .select_related("comite", "comite__dispositif")
        .order_by("date")[:limite]
    )
    if not seances:
        return seances
    prefetch_related_objects(
        seances,
        Prefetch(
            "points",
            # L'accueil n'en montre que le nom du ménage et la nature du point : le filtre de
            # visibilité seul, sans ce que la personne voit de chaque ligne. Chaque point lu
            # porte le nombre de ceux de sa séance que la personne voit (compté avant que les
            # premiers soient retenus).
            queryset=points_aux_menages_visibles(user)
            .select_related("menage")
            .annotate(points_visibles=Window(Count("pk"), partition_by=F("seance")))
            .order_by("rang", "pk")[:points],
            to_attr="mes_points",
        ),
    )
    for seance in seances:
        visibles = seance.mes_points[0].points_visibles if seance.mes_points else 0
        seance.autres_points = visibles - len(seance.mes_points)
    return seances


def seances_passees(user, limite=12):
    """Les séances d'avant aujourd'hui : celle du jour est encore dans le calendrier
    (`calendrier`), jamais dans les deux listes."""
    return (
        seances_visibles(user)
        .filter(date__lt=debut_du_jour(timezone.localdate()))
        .select_related("comite", "comite__dispositif")
        .order_by("-date")[:limite]
    )


def seance_pour(user, public_id):
    """La séance, son comité et son dispositif, et si la personne siège au comité
    (`personne_siege`, pour `services.peut_decider`). Ses présents et ses structures
    représentées se lisent là où une page les montre (une requête chacun) : la page de la séance
    ne montre pas les structures, le compte rendu relit les présents avec leurs structures,
    l'export et la construction de l'ordre du jour n'en montrent aucun."""
    return (
        seances_visibles(user)
        .select_related("comite", "comite__dispositif")
        .annotate(
            personne_siege=Exists(
                Comite.membres.through.objects.filter(
                    comite_id=OuterRef("comite_id"), user_id=user.pk
                )
            )
        )
        .get(public_id=public_id)
    )


def decisions_visibles(user):
    return permissions.filtrer(user, Decision.objects.all(), Donnee.DECISIONS, CHEMINS_DECISION)


@dataclass(frozen=True)
class DecisionArchivee:
    """Une décision de séance telle que la personne la lit : le ménage nommé seulement s'il lui
    est encore visible."""

    type: str
    date: object
    motifs: str
    menage: object  # None quand le ménage n'est plus visible
    equipe: str = ""  # l'équipe nommée par une admission ou une désignation


def _decisions_annotees(user, seance):
    return permissions.annoter(
        user,
        decisions_visibles(user).filter(seance=seance).select_related("menage"),
        CHEMINS_POINT,
        voit_menage=Donnee.IDENTITE,
    ).order_by("pk")


def _archivee(decision, seance):
    return DecisionArchivee(
        type=decision.get_type_display(),
        date=seance.date,
        motifs=decision.motifs,
        menage=decision.menage if decision.voit_menage else None,
        equipe=decision.equipe_nommee,
    )


def decisions_de_la_seance(user, seance):
    """Les décisions de la séance que la personne peut lire, dans l'ordre où elles ont été prises,
    avec le ménage seulement là où son identité est encore visible (une requête)."""
    return [_archivee(decision, seance) for decision in _decisions_annotees(user, seance)]


def page_des_archives(user, seance, numero, cles=None):
    """Une page des décisions de la séance telles que la page de la séance les archive (deux
    requêtes : le décompte, puis la page). Pour un COTECH, l'ordre du jour montre déjà, sur son
    point, la décision d'un ménage que la personne voit : les archives ne gardent que les autres,
    filtrées dans la requête (jamais toutes lues pour en écarter la plupart). `cles` : celles de
    l'ordre du jour déjà lues pour la même personne (`cles_de_l_ordre_du_jour`) ; sans elles, les
    ménages montrés se relisent dans la requête, au travers des mêmes droits."""
    decisions = _decisions_annotees(user, seance)
    if seance.comite.type == TypeComite.TECHNIQUE:
        if cles is None:
            montres = points_aux_menages_visibles(user, seance).values("menage_id")
        else:
            montres = {menage for _point, menage in cles}
        decisions = decisions.exclude(menage__in=montres)
    page = Paginator(decisions, DECISIONS_PAR_PAGE).get_page(numero)
    page.object_list = [_archivee(decision, seance) for decision in lire(page.object_list)]
    return page


def decisions_pour_mes_structures(user, limite=30):
    """Les décisions prises sur les orientations des structures dont la personne est
    prescripteur, les plus récentes d'abord (son accueil), avec l'explication à transmettre.
    De l'orientation, l'accueil ne montre que la date : ni sa description ni son motif ne sont
    lus (ni déchiffrés)."""
    return (
        decisions_visibles(user)
        .filter(point__orientation__organisation__in=permissions.structures_de_prescripteur(user))
        .select_related("seance", "menage", "point__orientation")
        .defer("point__orientation__description", "point__orientation__motif_statut")
        .order_by("-seance__date", "-pk")[:limite]
    )


def decisions_du_menage(user, menage):
    """Les décisions de comité sur le ménage que la personne peut lire, avec leur séance."""
    return (
        decisions_visibles(user)
        .filter(menage=menage)
        .select_related("seance", "seance__comite")
        .order_by("pk")
    )


@dataclass(frozen=True)
class ObjectifVu:
    """Un objectif tel que le comité le lit : son libellé seulement pour qui voit le plan sur
    cette ligne, sinon son axe (le résumé)."""

    titre: str
    statut: str
    avancement: int


@dataclass
class Resume:
    """Ce que le comité lit d'un ménage inscrit : pas de note, pas d'intervention."""

    point: PointOrdreDuJour
    problematiques: list
    dette: object
    stade_procedure: str
    statut_accompagnement: str
    adhesion: str
    objectifs: list
    dernier_bilan: object
    decisions: list


def points_aux_menages_visibles(user, seance=None):
    """Les points d'ordre du jour (de `seance`, sinon de toutes) dont la personne voit le
    ménage, sans rien annoter : pour les listes et les clés."""
    points = PointOrdreDuJour.objects.all()
    if seance is not None:
        points = points.filter(seance=seance)
    return permissions.filtrer(user, points, Donnee.IDENTITE, CHEMINS_POINT)


def points_visibles(user):
    """Les points d'ordre du jour dont la personne voit le ménage, chacun annoté de ce qu'elle
    en voit sur cette ligne (`voit_dette`, `voit_plan`, `voit_resume`)."""
    return permissions.annoter(
        user,
        points_aux_menages_visibles(user),
        CHEMINS_POINT,
        filtre=Donnee.IDENTITE,
        voit_dette=Donnee.DETTE,
        voit_plan=Donnee.PLAN,
        voit_resume=Donnee.PLAN_RESUME,
    )


def cles_de_l_ordre_du_jour(user, seance):
    """Les points de la séance dont la personne voit le ménage, dans l'ordre du jour : la clé de
    chaque point et celle de son ménage (une requête)."""
    return list(
        points_aux_menages_visibles(user, seance)
        .order_by("rang", "pk")
        .values_list("pk", "menage_id")
    )


def _points(cles):
    return [point for point, _menage in cles]


def page_de_l_ordre_du_jour(user, seance, numero, cles):
    """Une page de l'ordre du jour (`POINTS_PAR_PAGE` points) avec leur résumé : sur les clés des
    points visibles (`cles_de_l_ordre_du_jour`, que la page lit une fois pour l'ordre du jour et
    les archives), les seuls points de la page et leur résumé.
    Un numéro absent, hors des bornes ou qui n'est pas un nombre donne la première ou la dernière
    page, jamais une erreur."""
    page = Paginator(_points(cles), POINTS_PAR_PAGE).get_page(numero)
    page.object_list = ordre_du_jour(user, seance, points=list(page.object_list))
    return page


def page_du_point(user, seance, point):
    """Le numéro de la page de l'ordre du jour de la séance qui porte ce point, pour la personne
    (1 si elle ne le voit pas) : une requête."""
    ids = _points(cles_de_l_ordre_du_jour(user, seance))
    return ids.index(point.pk) // POINTS_PAR_PAGE + 1 if point.pk in ids else 1


# Ce que le résumé d'un point lit avec lui : ses liens (une jointure chacun) et ses listes.
LIENS_DU_RESUME = ("menage", "orientation", "accompagnement", "accompagnement__referent")


def avec_le_dernier_releve(points):
    """Les points avec le dernier relevé de dette de leur ménage, lus dans leur requête (deux
    sous-requêtes corrélées par ligne, sur l'index du ménage et de la date) : son montant
    (`dette_du_releve`) et sa procédure (`stade_du_releve`) ; le ménage ne porte que le
    montant. Le résumé ne les montre qu'à qui voit la dette sur la ligne (`voit_dette`)."""
    dernier = DetteLocative.objects.filter(menage=OuterRef("menage")).order_by("-date", "-pk")
    return points.annotate(
        dette_du_releve=Subquery(dernier.values("montant")[:1]),
        stade_du_releve=Subquery(dernier.values("stade_procedure")[:1]),
    )


# Le libellé d'une procédure lue par une sous-requête (une valeur inconnue se montre telle
# quelle, comme `get_stade_procedure_display`).
_LIBELLES_DES_STADES = dict(StadeProcedure.choices)


# SQLite rend le montant lu par une sous-requête sans ses zéros (875,5) : les décimales du
# champ, comme PostgreSQL et comme une colonne lue directement.
_CENTIMES = Decimal(1).scaleb(-DetteLocative._meta.get_field("montant").decimal_places)


def _en_centimes(montant):
    return None if montant is None else Decimal(montant).quantize(_CENTIMES)


def lectures_du_resume():
    """Les listes que lit le résumé d'un point (`prefetch_related`) : seul le dernier bilan fait
    (une sous-requête corrélée par ligne), pas tout l'historique ; des objectifs, ni
    l'indicateur (un texte chiffré que le comité ne lit pas ici). La dernière dette se lit avec
    le point (`avec_le_dernier_releve`)."""
    return (
        "orientation__problematiques",
        Prefetch("accompagnement__objectifs", Objectif.objects.defer("indicateur")),
        Prefetch(
            "accompagnement__bilans",
            queryset=Bilan.objects.filter(
                pk=Subquery(
                    Bilan.objects.filter(
                        accompagnement=OuterRef("accompagnement"),
                        date_realisation__isnull=False,
                    )
                    .order_by("-date_realisation", "-date_prevue", "-pk")
                    .values("pk")[:1]
                )
            ),
            to_attr="dernier_bilan_fait",
        ),
        # L'historique des décisions se lit ensuite, pour les seules décisions corrigées
        # (`lire_les_historiques`).
        Prefetch("decisions", queryset=Decision.objects.order_by("pk")),
    )


def lire_les_historiques(points):
    """L'historique de chaque décision des `points` (lus avec `lectures_du_resume`), en liste
    (`historique`), avec qui a corrigé : une requête pour les seules décisions corrigées, aucune
    s'il n'y en a pas. Une décision n'a de correction que si elle a été corrigée : la correction
    et `corrigee_le` s'écrivent dans la même transaction (`services.corriger_decision`)."""
    corrigees = []
    for point in points:
        for decision in point.decisions.all():
            if decision.corrigee_le is None:
                decision.historique = []
            else:
                corrigees.append(decision)
    if corrigees:
        prefetch_related_objects(
            corrigees,
            Prefetch(
                "corrections",
                queryset=DecisionCorrection.objects.select_related("corrigee_par"),
                to_attr="historique",
            ),
        )


def ordre_du_jour(user, seance, points=None):
    """Les points de la séance avec leur résumé, réduit ligne par ligne à ce que la personne en
    voit ; vide pour qui ne voit aucun de ces ménages. `points` : des clés de points pour n'en
    résumer que ceux-là (une page de l'ordre du jour). Ce que lit chaque résumé :
    `LIENS_DU_RESUME` et `lectures_du_resume`."""
    visibles = points_visibles(user).filter(seance=seance)
    if points is not None:
        if not points:
            return []
        visibles = visibles.filter(pk__in=points)
    points = (
        avec_le_dernier_releve(visibles)
        .select_related(*LIENS_DU_RESUME)
        .prefetch_related(*lectures_du_resume())
        .order_by("rang", "pk")
    )
    points = list(points)
    lire_les_historiques(points)
    resumes = []
    for point in points:
        point.seance = seance  # déjà lue, avec son comité et son dispositif
        resumes.append(_resumer(point))
    return resumes


def points_a_decider(user):
    """Les points des séances que la personne voit, tels que leur page de décision les lit en
    une requête : ce que la personne en voit (`points_visibles`), leur séance et son comité,
    ce que leur résumé montre (`LIENS_DU_RESUME`, le dernier relevé de dette du ménage), et
    s'ils sont déjà décidés (`deja_decide`). Le droit de décider se vérifie à part, sur le
    comité."""
    return (
        avec_le_dernier_releve(points_visibles(user).filter(seance__in=seances_visibles(user)))
        .select_related("seance__comite__dispositif", *LIENS_DU_RESUME)
        .annotate(deja_decide=Exists(Decision.objects.filter(point=OuterRef("pk"))))
    )


def resume_du_point(point):
    """Le résumé d'un seul point déjà lu par `points_visibles` (ses annotations disent ce que
    la personne en voit) avec sa séance et `LIENS_DU_RESUME` (`points_a_decider`) : la page de
    décision du point.
    Ses listes seules sont lues ; le point ne l'est pas une seconde fois."""
    prefetch_related_objects([point], *lectures_du_resume())
    lire_les_historiques([point])
    return _resumer(point)


def _resumer(point):
    voit_dette = point.voit_dette
    suivi = point.accompagnement
    dernier_bilan = None
    if suivi and point.voit_plan and suivi.dernier_bilan_fait:
        dernier_bilan = suivi.dernier_bilan_fait[0]
    objectifs = []
    if suivi and (point.voit_plan or point.voit_resume):
        objectifs = [
            ObjectifVu(
                o.libelle if point.voit_plan else o.get_axe_display(),
                o.get_statut_display(),
                o.avancement,
            )
            for o in suivi.objectifs.all()
        ]
    return Resume(
        point=point,
        problematiques=[p.get_code_display() for p in point.orientation.problematiques.all()]
        if point.orientation
        else [],
        dette=_en_centimes(point.dette_du_releve) if voit_dette else None,
        stade_procedure=(
            _LIBELLES_DES_STADES.get(point.stade_du_releve, point.stade_du_releve)
            if point.stade_du_releve
            else (point.orientation.get_stade_procedure_display() if point.orientation else "")
        )
        if voit_dette
        else "",
        statut_accompagnement=suivi.get_statut_display() if suivi else "",
        adhesion=suivi.get_adhesion_display() if suivi else "",
        objectifs=objectifs,
        dernier_bilan=dernier_bilan,
        decisions=list(point.decisions.all()),
    )


def decision_a_corriger(user, public_id):
    """Une décision sur un point de l'ordre du jour que la personne voit (sinon
    `Decision.DoesNotExist`) ; qu'elle puisse la corriger se vérifie à part."""
    return (
        Decision.objects.filter(point__in=points_visibles(user), seance__in=seances_visibles(user))
        .select_related("seance__comite__dispositif", "menage", "point", "auteur")
        .prefetch_related("corrections__corrigee_par")
        .get(public_id=public_id)
    )


@dataclass(frozen=True)
class MenageADiscuter:
    """Un ménage que la réunion d'équipe doit regarder, et pourquoi."""

    accompagnement: object
    raisons: list


def page_des_menages_a_discuter(user, seance, numero=None, jours_sans_contact=None):
    """Une page (`MENAGES_A_DISCUTER_PAR_PAGE`) des ménages suivis par l'équipe à regarder en
    réunion d'équipe : un bilan en retard ou dû d'ici la semaine suivant la séance, ou aucun
    contact depuis `jours_sans_contact` jours (réglage `REUNION_EQUIPE_JOURS_SANS_CONTACT`, 30
    par défaut). Seulement les accompagnements ouverts du dispositif que la personne voit : ceux
    de ses équipes pour le terrain, tout le dispositif pour la coordination (des milliers à
    l'échelle du programme national). Le tri se fait dans la base, qui ne rend que la page ;
    chaque ligne de la page porte ses raisons (`MenageADiscuter`). Deux requêtes, quel que soit
    le nombre de ménages."""
    jours_sans_contact = jours_sans_contact or settings.REUNION_EQUIPE_JOURS_SANS_CONTACT
    jour = timezone.localtime(seance.date).date()
    horizon = jour + timedelta(days=7)
    limite_contact = jour - timedelta(days=jours_sans_contact)
    suivis = (
        selectors_accompagnement.accompagnements_visibles(user)
        .ouverts()
        .filter(dispositif=seance.comite.dispositif_id)
        .annotate(
            prochain_bilan=Subquery(
                Bilan.objects.a_faire()
                .filter(accompagnement=OuterRef("pk"))
                .order_by("date_prevue")
                .values("date_prevue")[:1]
            ),
            dernier_contact=Subquery(
                Intervention.objects.filter(accompagnement=OuterRef("pk"), type__in=TYPES_CONTACT)
                .order_by("-date_heure")
                .values("date_heure")[:1]
            ),
        )
        .filter(
            Q(prochain_bilan__lte=horizon)
            | Q(dernier_contact__isnull=True)
            | Q(dernier_contact__lt=debut_du_jour(limite_contact))
        )
        .select_related("menage", "referent")
        .order_by("menage__nom", "menage__prenom", "pk")
    )
    page = Paginator(suivis, MENAGES_A_DISCUTER_PAR_PAGE).get_page(numero)
    page.object_list = [
        MenageADiscuter(suivi, _raisons_d_en_discuter(suivi, jour, horizon, limite_contact))
        for suivi in page.object_list
    ]
    return page


def _raisons_d_en_discuter(suivi, jour, horizon, limite_contact):
    raisons = []
    if suivi.prochain_bilan and suivi.prochain_bilan < jour:
        raisons.append(f"bilan en retard (prévu le {suivi.prochain_bilan:%d/%m/%Y})")
    elif suivi.prochain_bilan and suivi.prochain_bilan <= horizon:
        raisons.append(f"bilan dû le {suivi.prochain_bilan:%d/%m/%Y}")
    contact = timezone.localtime(suivi.dernier_contact).date() if suivi.dernier_contact else None
    if contact is None:
        raisons.append("aucun contact enregistré")
    elif contact < limite_contact:
        raisons.append(f"sans contact depuis le {contact:%d/%m/%Y}")
    return raisons
