"""Lectures de la page « Membres » et de l'écran « à réaffecter », pour la coordination."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from accompagnement import services as accompagnement_services
from accompagnement.selectors import accompagnements_visibles
from core import permissions
from core.models import Dispositif, Membre, User
from core.permissions import Action
from menages.selectors import orientations_visibles

from .models import Invitation
from .services import orientations_suivies, peut_gerer


def dispositif_gere(user, slug):
    """Le dispositif de ce slug si la personne en gère les membres, sinon
    `Dispositif.DoesNotExist` (une page introuvable, jamais celle d'un autre dispositif)."""
    dispositif = permissions.dispositifs_visibles(user).get(slug=slug)
    if not peut_gerer(user, dispositif):
        raise Dispositif.DoesNotExist
    return dispositif


def etat_adhesion(membre, aujourd_hui=None):
    aujourd_hui = aujourd_hui or timezone.localdate()
    if membre.date_fin is not None and membre.date_fin <= aujourd_hui:
        return "terminée"
    if not membre.actif:
        return "suspendue"
    if membre.a_confirmer:
        return "à confirmer"
    if membre.date_fin is not None:
        return "départ prévu"
    return "active"


def requete_des_adhesions(dispositif):
    """Les adhésions du dispositif, en cours d'abord, puis les terminées (les plus récentes
    d'abord), par nom : la page des membres en filtre et en pagine les clés."""
    aujourd_hui = timezone.localdate()
    return (
        Membre.objects.filter(dispositif=dispositif)
        .select_related("user", "organisation", "territoire")
        .annotate(
            terminee=Case(
                When(Q(date_fin__lte=aujourd_hui), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .order_by("terminee", "-date_fin", "user__last_name", "user__first_name", "role", "pk")
    )


def avec_leur_etat(adhesions):
    """Les adhésions, chacune avec son état du jour (`etat`)."""
    aujourd_hui = timezone.localdate()
    adhesions = list(adhesions)
    for membre in adhesions:
        membre.etat = etat_adhesion(membre, aujourd_hui)
    return adhesions


def adhesions_du_dispositif(dispositif):
    """Toutes les adhésions du dispositif avec leur état : la revue annuelle des habilitations
    (l'export) les lit toutes, avec qui a confirmé ou terminé chacune (la page ne les montre
    pas). Une requête."""
    return avec_leur_etat(
        requete_des_adhesions(dispositif).select_related("terminee_par", "confirmee_par")
    )


INVITATIONS_AFFICHEES = 50


@dataclass
class Invitations:
    """Les invitations montrées sur la page des membres, et combien d'autres restent ouvertes."""

    montrees: list
    autres: int = 0


def invitations_du_dispositif(dispositif):
    """Les invitations pas encore acceptées ni révoquées (en attente ou expirées), l'échéance la
    plus lointaine d'abord (celles qui attendent encore, puis les dernières expirées) : au plus
    `INVITATIONS_AFFICHEES`. Les autres, aux échéances les plus anciennes, sont seulement
    comptées ; une expirée s'efface `CONSERVATION_INVITATIONS_JOURS` jours après son échéance
    (`services.invitations_closes`).
    Une requête ; une seconde pour compter, s'il y en a plus."""
    ouvertes = Invitation.objects.ouvertes().filter(dispositif=dispositif)
    montrees = list(
        ouvertes.select_related("cree_par", "organisation", "territoire").order_by(
            "-expire_le", "-pk"
        )[: INVITATIONS_AFFICHEES + 1]
    )
    if len(montrees) <= INVITATIONS_AFFICHEES:
        return Invitations(montrees)
    return Invitations(montrees[:INVITATIONS_AFFICHEES], ouvertes.count() - INVITATIONS_AFFICHEES)


def partants(dispositif):
    """Les personnes dont une adhésion au dispositif est terminée ou a un départ daté, et qui
    n'y gardent aucune adhésion sans fin."""
    restent = Membre.objects.filter(
        dispositif=dispositif, date_fin__isnull=True, actif=True
    ).values("user_id")
    return (
        Membre.objects.filter(dispositif=dispositif, date_fin__isnull=False)
        .exclude(user_id__in=restent)
        .values("user_id")
    )


@dataclass
class AReaffecter:
    accompagnements: list
    orientations: list
    referents_possibles: list
    suiveurs_possibles: list
    # La page commune aux deux listes (celle de la plus longue) : `A_REAFFECTER_PAR_PAGE`
    # lignes de chaque sorte au plus par écran.
    page: object = None

    @property
    def vide(self):
        return not (self.accompagnements or self.orientations)


A_REAFFECTER_PAR_PAGE = 50


def a_reaffecter(user, dispositif, page=None):
    """Les accompagnements ouverts dont le ou la référent·e est parti·e (ou part), et les
    orientations qu'une personne partie suivait ; avec les personnes à qui les confier. Ce que la
    coordination voit seulement (un coordinateur territorial, son territoire).

    Par pages de `A_REAFFECTER_PAR_PAGE` lignes de chaque sorte (la page `page`, la dernière
    au-delà) : le départ de la personne qui a importé les orientations en laisse des milliers à
    confier, et une page ne rend jamais plus de cent lignes."""
    qui_part = partants(dispositif)
    listes = [
        Paginator(queryset, A_REAFFECTER_PAR_PAGE)
        for queryset in (
            accompagnements_visibles(user)
            .ouverts()
            .filter(dispositif=dispositif, referent_id__in=qui_part)
            .select_related("menage", "referent")
            .order_by("menage__nom", "pk"),
            orientations_visibles(user)
            .filter(pk__in=orientations_suivies(dispositif, qui_part).values("pk"))
            .select_related("menage", "orientee_par")
            .order_by("-date_orientation", "-pk"),
        )
    ]
    la_plus_longue = max(listes, key=lambda paginator: paginator.num_pages)
    page = la_plus_longue.get_page(page)
    accompagnements, orientations = (
        list(paginator.page(page.number)) if page.number <= paginator.num_pages else []
        for paginator in listes
    )
    possibles = personnes_a_qui_confier(dispositif, qui_part)
    return AReaffecter(
        accompagnements,
        orientations,
        list(possibles["referent"]),
        list(possibles["suiveur"]),
        page,
    )


def personnes_a_qui_confier(dispositif, qui_part=None):
    """Les personnes à qui confier ce qu'une personne partie suivait, par nom : un
    accompagnement à un membre d'équipe (`referent`), une orientation à qui peut orienter
    (`suiveur`) ; aucune de celles qui partent. La page « À réaffecter » et sa recherche
    lisent les mêmes."""
    qui_part = partants(dispositif) if qui_part is None else qui_part
    actifs = Membre.objects.actifs().filter(dispositif=dispositif).exclude(user_id__in=qui_part)

    def ayant_un_role_parmi(roles):
        return User.objects.filter(pk__in=actifs.filter(role__in=roles).values("user_id")).order_by(
            "last_name", "first_name"
        )

    return {
        "referent": ayant_un_role_parmi(accompagnement_services.ROLES_EQUIPE),
        "suiveur": ayant_un_role_parmi(permissions.ACTIONS[Action.ORIENTER]),
    }
