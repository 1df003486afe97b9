"""Lectures de l'accompagnement pour une personne, toujours au travers de `core.permissions`.

Les notes d'intervention suivent leur niveau de confidentialité (DESIGN.md §3) :
« équipe » pour l'équipe et la coordination, « soignants » pour l'infirmier·ère et le ou la
psychologue de l'équipe, « personnelle » pour son auteur seul. Quand le ménage s'oppose au
partage, une note ne sort pas de la profession de son auteur.
"""

from datetime import timedelta

from django.db.models import Prefetch, Q
from django.utils import timezone

from core import permissions
from core.models import Membre
from core.permissions import Chemins, Donnee
from menages.selectors import ORDRE_DU_JOUR

from .enums import Confidentialite
from .models import Accompagnement, Bilan, Intervention, MembreEquipe, Objectif

CHEMINS_ACCOMPAGNEMENT = Chemins(
    dispositif="dispositif",
    equipe="equipe__user",
    orientes="menage__orientations__orientee_par",
    ordre_du_jour=f"menage__{ORDRE_DU_JOUR}",
)
CHEMINS_PAR_ACCOMPAGNEMENT = Chemins(
    dispositif="accompagnement__dispositif",
    equipe="accompagnement__equipe__user",
    orientes="accompagnement__menage__orientations__orientee_par",
    ordre_du_jour=f"accompagnement__menage__{ORDRE_DU_JOUR}",
    auteur="auteur",
)


def accompagnements_visibles(user, donnee=Donnee.IDENTITE):
    return permissions.filtrer(user, Accompagnement.objects.all(), donnee, CHEMINS_ACCOMPAGNEMENT)


def bilans_visibles(user):
    return permissions.filtrer(user, Bilan.objects.all(), Donnee.PLAN, CHEMINS_PAR_ACCOMPAGNEMENT)


def objectifs_visibles(user, donnee=Donnee.PLAN):
    return permissions.filtrer(user, Objectif.objects.all(), donnee, CHEMINS_PAR_ACCOMPAGNEMENT)


def interventions_visibles(user):
    """Les interventions dont la personne peut lire la note, selon leur confidentialité."""
    par_niveau = {
        Confidentialite.EQUIPE: Donnee.NOTE_EQUIPE,
        Confidentialite.SOIGNANTS: Donnee.NOTE_SOIGNANTS,
        Confidentialite.PERSONNELLE: Donnee.NOTE_PERSONNELLE,
    }
    condition = Q(pk__in=[])
    for niveau, donnee in par_niveau.items():
        visibles = permissions.filtrer(
            user,
            Intervention.objects.filter(confidentialite=niveau),
            donnee,
            CHEMINS_PAR_ACCOMPAGNEMENT,
        )
        condition |= Q(pk__in=visibles.values("pk"))
    return Intervention.objects.filter(condition).exclude(_hors_de_ma_profession(user))


def _hors_de_ma_profession(user):
    """Notes d'un ménage opposé au partage, écrites par une autre profession que la mienne."""
    ma_profession = Q(pk__in=[])
    for dispositif_id, professions in _professions_par_dispositif(user).items():
        ma_profession |= Q(
            accompagnement__dispositif_id=dispositif_id, profession_auteur__in=professions
        )
    return Q(accompagnement__menage__opposition_partage=True) & ~Q(auteur=user) & ~ma_profession


def _professions_par_dispositif(user):
    professions = {}
    for dispositif_id, profession in (
        Membre.objects.actifs().filter(user=user).values_list("dispositif_id", "profession")
    ):
        professions.setdefault(dispositif_id, set()).add(profession)
    return professions


def accompagnement_pour(user, public_id):
    """L'accompagnement s'il est visible (identité), sinon `Accompagnement.DoesNotExist`."""
    return (
        accompagnements_visibles(user)
        .select_related("menage", "dispositif", "referent", "plan", "cloture")
        .prefetch_related(
            Prefetch("equipe", queryset=MembreEquipe.objects.select_related("user")),
        )
        .get(public_id=public_id)
    )


def accompagnements_du_menage(user, menage):
    return (
        accompagnements_visibles(user)
        .filter(menage=menage)
        .select_related("referent")
        .prefetch_related(Prefetch("equipe", queryset=MembreEquipe.objects.select_related("user")))
    )


def interventions_de(user, accompagnement):
    return (
        interventions_visibles(user)
        .filter(accompagnement=accompagnement)
        .select_related("auteur", "accompagnement")
        .prefetch_related("objectifs", "orientations_partenaires", "participants")
    )


def echeances(user, limite_jours=15):
    """Bilans à faire (prévus d'ici `limite_jours`) et en retard, que la personne doit voir.

    Le référent et l'équipe voient ceux de leurs accompagnements ; la coordination, tous ceux
    de son dispositif.
    """
    horizon = timezone.localdate() + timedelta(days=limite_jours)
    return (
        bilans_visibles(user)
        .a_faire()
        .filter(date_prevue__lte=horizon)
        .select_related("accompagnement__menage", "accompagnement__referent")
        .order_by("date_prevue")
    )


def mes_accompagnements(user):
    """Les accompagnements ouverts dont la personne est dans l'équipe."""
    return (
        Accompagnement.objects.ouverts()
        .filter(equipe__user=user)
        .filter(pk__in=accompagnements_visibles(user).values("pk"))
        .select_related("menage", "referent")
        .order_by("menage__nom")
    )


def interventions_du_menage(user, menage):
    """Les interventions du ménage dont la personne peut lire la note (chronologie du ménage)."""
    return (
        interventions_visibles(user)
        .filter(accompagnement__menage=menage)
        .select_related("auteur", "accompagnement")
        .prefetch_related("orientations_partenaires")
    )


def bilans_faits_du_menage(user, menage):
    """Les bilans réalisés du ménage, pour qui voit le plan."""
    return bilans_visibles(user).filter(
        accompagnement__menage=menage, date_realisation__isnull=False
    )


def episodes_du_menage(user, menage):
    """Les accompagnements du ménage pour qui voit le plan, avec leur clôture s'il y en a une."""
    return (
        accompagnements_visibles(user, Donnee.PLAN).filter(menage=menage).select_related("cloture")
    )
