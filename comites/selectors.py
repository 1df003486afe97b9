"""Lectures des comités pour une personne, toujours au travers de `core.permissions`.

La coordination voit toutes les séances de son dispositif ; un membre d'un comité voit les
séances de ce comité. L'ordre du jour ne montre que ce que le comité peut voir : identité,
orientation et problématiques, dette et procédure, plan et bilans en résumé, jamais une note.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from core import permissions
from core.enums import Role
from core.permissions import Chemins, Donnee
from menages.selectors import menages_visibles

from .models import Comite, Decision, PointOrdreDuJour, Seance

CHEMINS_DECISION = Chemins(
    dispositif="menage__dispositif",
    equipe="menage__accompagnements__equipe__user",
    orientes="menage__orientations__orientee_par",
    ordre_du_jour="seance__comite__membres",
)


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
    return Comite.objects.filter(
        Q(dispositif_id__in=coordonnes) | Q(dispositif_id__in=membres, membres=user)
    ).distinct()


def seances_visibles(user):
    return Seance.objects.filter(comite__in=comites_visibles(user))


def calendrier(user, depuis=None):
    """Les prochaines séances des comités de la personne."""
    depuis = depuis or timezone.now() - timedelta(hours=12)
    return (
        seances_visibles(user)
        .filter(date__gte=depuis)
        .select_related("comite", "comite__dispositif")
        .order_by("date")
    )


def seances_passees(user, limite=12):
    return (
        seances_visibles(user)
        .filter(date__lt=timezone.now())
        .select_related("comite", "comite__dispositif")
        .order_by("-date")[:limite]
    )


def seance_pour(user, public_id):
    return (
        seances_visibles(user)
        .select_related("comite", "comite__dispositif")
        .prefetch_related("presents", "organisations_presentes", "comite__membres")
        .get(public_id=public_id)
    )


def decisions_visibles(user):
    return permissions.filtrer(user, Decision.objects.all(), Donnee.DECISIONS, CHEMINS_DECISION)


def decisions_du_menage(user, menage):
    """Les décisions de comité sur le ménage que la personne peut lire, avec leur séance."""
    return (
        decisions_visibles(user)
        .filter(menage=menage)
        .select_related("seance", "seance__comite")
        .order_by("pk")
    )


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


def ordre_du_jour(user, seance):
    """Les points de la séance avec leur résumé ; vide pour qui ne voit pas les ménages."""
    if not permissions.peut_voir(user, Donnee.IDENTITE, seance.comite.dispositif_id):
        return []
    points = (
        PointOrdreDuJour.objects.filter(seance=seance)
        .filter(menage__in=menages_lisibles(user))
        .select_related("menage", "orientation", "accompagnement", "accompagnement__referent")
        .prefetch_related(
            "orientation__problematiques",
            "accompagnement__objectifs",
            "accompagnement__bilans",
            "menage__dettes",
            Prefetch("decisions", queryset=Decision.objects.order_by("pk")),
        )
        .order_by("rang", "pk")
    )
    voit_dette = permissions.peut_voir(user, Donnee.DETTE, seance.comite.dispositif_id)
    resumes = []
    for point in points:
        point.seance = seance  # déjà lue, avec son comité et son dispositif
        resumes.append(_resumer(point, voit_dette))
    return resumes


def menages_lisibles(user):
    return menages_visibles(user).values("pk")


def _resumer(point, voit_dette):
    dettes = sorted(point.menage.dettes.all(), key=lambda d: (d.date, d.pk))
    derniere = dettes[-1] if dettes else None
    suivi = point.accompagnement
    bilans_faits = (
        sorted(
            (b for b in suivi.bilans.all() if b.date_realisation), key=lambda b: b.date_realisation
        )
        if suivi
        else []
    )
    return Resume(
        point=point,
        problematiques=[p.get_code_display() for p in point.orientation.problematiques.all()]
        if point.orientation
        else [],
        dette=derniere.montant if voit_dette and derniere else None,
        stade_procedure=(
            derniere.get_stade_procedure_display()
            if derniere and derniere.stade_procedure
            else (point.orientation.get_stade_procedure_display() if point.orientation else "")
        )
        if voit_dette
        else "",
        statut_accompagnement=suivi.get_statut_display() if suivi else "",
        adhesion=suivi.get_adhesion_display() if suivi else "",
        objectifs=list(suivi.objectifs.all()) if suivi else [],
        dernier_bilan=bilans_faits[-1] if bilans_faits else None,
        decisions=list(point.decisions.all()),
    )
