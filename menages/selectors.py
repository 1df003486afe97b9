"""Lectures des ménages pour une personne, toujours au travers de `core.permissions`."""

from django.db.models import Prefetch

from core import permissions
from core.permissions import Chemins, Donnee

from .enums import StatutOrientation
from .models import DetteLocative, InformationPartage, Logement, Menage, Orientation

# Comment on atteint, depuis chaque modèle, le dispositif et les personnes qui ouvrent l'accès :
# l'équipe de l'accompagnement, l'auteur de l'orientation, les membres du comité dont la séance a
# inscrit le ménage à son ordre du jour.
ORDRE_DU_JOUR = "points_ordre_du_jour__seance__comite__membres"
CHEMINS_MENAGE = Chemins(
    dispositif="dispositif",
    equipe="accompagnements__equipe__user",
    orientes="orientations__orientee_par",
    ordre_du_jour=ORDRE_DU_JOUR,
)
CHEMINS_ORIENTATION = Chemins(
    dispositif="menage__dispositif",
    equipe="menage__accompagnements__equipe__user",
    orientes="orientee_par",
    ordre_du_jour=f"menage__{ORDRE_DU_JOUR}",
)
CHEMINS_DETTE = Chemins(
    dispositif="menage__dispositif",
    equipe="menage__accompagnements__equipe__user",
    orientes="menage__orientations__orientee_par",
    ordre_du_jour=f"menage__{ORDRE_DU_JOUR}",
)

# L'historique de l'information du ménage se lit comme son identité, par les mêmes chemins.
CHEMINS_INFORMATION = CHEMINS_DETTE


def menages_visibles(user, donnee=Donnee.IDENTITE):
    return permissions.filtrer(user, Menage.objects.all(), donnee, CHEMINS_MENAGE)


def orientations_visibles(user):
    return permissions.filtrer(
        user, Orientation.objects.all(), Donnee.ORIENTATION, CHEMINS_ORIENTATION
    )


def dettes_visibles(user):
    return permissions.filtrer(user, DetteLocative.objects.all(), Donnee.DETTE, CHEMINS_DETTE)


def peut_voir_dette(user, menage):
    return menages_visibles(user, Donnee.DETTE).filter(pk=menage.pk).exists()


def menage_pour(user, public_id):
    """Le ménage s'il est visible, avec ce que la page montre ; sinon `Menage.DoesNotExist`."""
    return (
        menages_visibles(user)
        .select_related("dispositif", "cree_par", "informe_par")
        .prefetch_related(
            "personnes",
            "ressources",
            Prefetch(
                "logements",
                queryset=Logement.objects.select_related("territoire").order_by("-actuel", "-pk"),
            ),
        )
        .get(public_id=public_id)
    )


def orientations_du_menage(user, menage):
    return (
        orientations_visibles(user)
        .filter(menage=menage)
        .select_related("prescripteur", "orientee_par", "rattachement_par")
        .prefetch_related("problematiques")
    )


def dettes_du_menage(user, menage):
    """Les relevés de dette, du plus ancien au plus récent ; None si la personne ne les voit pas."""
    if not peut_voir_dette(user, menage):
        return None
    return list(dettes_visibles(user).filter(menage=menage).order_by("date", "pk"))


def mes_orientations(user):
    """Les orientations saisies par la personne, avec leur statut (suivi de l'agent bailleur)."""
    return (
        orientations_visibles(user)
        .filter(orientee_par=user)
        .select_related("menage", "menage__dispositif")
        .prefetch_related("problematiques")
        .order_by("-date_orientation", "-cree_le")
    )


def orientations_a_rattacher(user):
    """Les orientations « à rattacher » que la coordination peut traiter, les plus anciennes
    d'abord, avec le ménage provisoire et le ménage connu (qu'elle doit voir l'un et l'autre)."""
    return (
        orientations_visibles(user)
        .filter(
            statut=StatutOrientation.A_RATTACHER,
            menage__provisoire=True,
            menage__dispositif__in=permissions.dispositifs_pour(
                user, permissions.Action.GERER_ORIENTATIONS
            ),
            menage__doublon_possible_de__in=menages_visibles(user).values("pk"),
        )
        .select_related(
            "menage__dispositif", "menage__doublon_possible_de", "orientee_par", "prescripteur"
        )
        .prefetch_related("problematiques")
        .order_by("date_orientation", "cree_le")
    )


def comparaison_pour(user, public_id):
    """L'orientation à rattacher, le ménage provisoire et le ménage connu, côte à côte.

    Lève `ObjectDoesNotExist` si la personne ne peut pas traiter cette orientation.
    """
    orientation = orientations_a_rattacher(user).get(public_id=public_id)
    provisoire = menage_pour(user, orientation.menage.public_id)
    connu = menage_pour(user, orientation.menage.doublon_possible_de.public_id)
    return orientation, provisoire, connu


def informations_du_menage(user, menage):
    """L'historique daté de l'information du ménage (plus récent d'abord), pour qui le voit."""
    return permissions.filtrer(
        user,
        InformationPartage.objects.filter(menage=menage),
        Donnee.IDENTITE,
        CHEMINS_INFORMATION,
    ).select_related("enregistree_par")
