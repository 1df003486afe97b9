"""Lectures du socle pour une personne, toujours au travers de `core.permissions`."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Sum
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import permissions
from .enums import Role
from .listes import premiers
from .models import Commune, Dispositif, Membre, Partenariat, Territoire, User
from .permissions import Donnee


@dataclass
class DispositifDeLaPersonne:
    dispositif: Dispositif
    roles: list
    chiffres: dict | None = field(default=None)


def mes_dispositifs(user):
    """Les dispositifs de la personne avec ses rôles ; les chiffres pour qui peut les voir.

    Nombre de requêtes constant, quel que soit le nombre de dispositifs.
    """
    roles_par_dispositif = permissions.roles_par_dispositif(user)
    dispositifs = (
        Dispositif.objects.filter(pk__in=list(roles_par_dispositif))
        .select_related("porteur")
        .annotate(budget=Sum("lignes_budgetaires__montant_annuel"))
        .order_by("nom")
    )
    # Les effectifs ne se lisent que pour les dispositifs dont la personne voit les chiffres.
    avec_chiffres = [
        dispositif_id
        for dispositif_id in roles_par_dispositif
        if permissions.peut_voir(user, Donnee.TABLEAU_DE_BORD, dispositif_id)
    ]
    effectifs = _effectifs_par_role(avec_chiffres) if avec_chiffres else {}
    resultat = []
    for dispositif in dispositifs:
        roles = sorted(roles_par_dispositif[dispositif.pk], key=list(Role).index)
        chiffres = None
        if dispositif.pk in avec_chiffres:
            chiffres = _chiffres(dispositif, effectifs.get(dispositif.pk, {}))
        resultat.append(DispositifDeLaPersonne(dispositif, [Role(r) for r in roles], chiffres))
    return resultat


def _effectifs_par_role(dispositif_ids):
    effectifs = {}
    lignes = (
        Membre.objects.actifs()
        .filter(dispositif_id__in=dispositif_ids)
        .values("dispositif_id", "role")
        .annotate(nombre=Count("user", distinct=True))
    )
    for ligne in lignes:
        effectifs.setdefault(ligne["dispositif_id"], {})[Role(ligne["role"])] = ligne["nombre"]
    return effectifs


def _chiffres(dispositif, effectifs):
    budget = dispositif.budget or Decimal(0)
    capacite = dispositif.capacite_cible
    return {
        "capacite": capacite,
        "budget": budget,
        "cout_par_menage_budget": (budget / capacite).quantize(Decimal("1")) if capacite else None,
        "cout_menage_prevu": dispositif.cout_menage_prevu,
        "equipe_terrain": sum(
            effectifs.get(role, 0)
            for role in (Role.TRAVAILLEUR_SOCIAL, Role.INFIRMIER, Role.PSYCHOLOGUE)
        ),
        "effectifs": [(role, effectifs[role]) for role in Role if effectifs.get(role)],
    }


def dispositif_pour(user, slug):
    """Le dispositif de ce slug si la personne en est membre, sinon `Dispositif.DoesNotExist`."""
    return (
        permissions.dispositifs_visibles(user)
        .select_related("porteur")
        .prefetch_related(
            Prefetch(
                "territoires",
                queryset=Territoire.objects.prefetch_related(
                    Prefetch("communes", queryset=Commune.objects.order_by("nom"))
                ),
            ),
            Prefetch(
                "partenariat_set",
                queryset=Partenariat.objects.select_related("organisation").order_by(
                    "role", "organisation__nom"
                ),
            ),
        )
        .get(slug=slug)
    )


def budget_du_dispositif(user, dispositif):
    """Les lignes budgétaires, pour qui voit les chiffres du dispositif ; sinon rien."""
    if not permissions.peut_voir(user, Donnee.TABLEAU_DE_BORD, dispositif):
        return None
    return dispositif.lignes_budgetaires.order_by("poste", "nature")


# Au-delà, la page du dispositif donne le nombre de membres par rôle et renvoie à « Membres »
# (par pages, avec recherche) plutôt que de les lister tous.
MEMBRES_SUR_LA_PAGE = 50


@dataclass
class EquipeDuDispositif:
    """Les membres actifs du dispositif tels que sa page les montre : tous (`membres`) s'ils
    sont au plus `MEMBRES_SUR_LA_PAGE`, sinon leur nombre par rôle (`par_role` : (libellé,
    nombre))."""

    membres: list = field(default_factory=list)
    par_role: list = field(default_factory=list)
    total: int = 0


def equipe_du_dispositif(user, dispositif):
    """Les membres du dispositif, pour ses coordinateurs seulement (sinon None)."""
    if Role.COORDINATEUR not in permissions.roles(user, dispositif):
        return None
    actifs = Membre.objects.actifs().filter(dispositif=dispositif)
    membres, trop = premiers(
        actifs.select_related("user", "organisation", "territoire").order_by(
            "role", "user__last_name"
        ),
        MEMBRES_SUR_LA_PAGE,
    )
    if not trop:
        return EquipeDuDispositif(membres=membres, total=len(membres))
    nombres = dict(
        actifs.order_by().values_list("role").annotate(nombre=Count("user", distinct=True))
    )
    par_role = [(role.label, nombres[role]) for role in Role if nombres.get(role)]
    total = actifs.values("user").distinct().count()
    return EquipeDuDispositif(par_role=par_role, total=total)


def coordonne(user, dispositif):
    """Vrai si la personne coordonne ce dispositif (sans requête : droits en cache)."""
    return Role.COORDINATEUR in permissions.roles(user, dispositif)


def dispositif_coordonne(user, slug):
    """Le dispositif de ce slug si la personne le coordonne, sinon `Dispositif.DoesNotExist`."""
    dispositif = permissions.dispositifs_visibles(user).get(slug=slug)
    if not coordonne(user, dispositif):
        raise Dispositif.DoesNotExist
    return dispositif


def adhesions_a_confirmer(dispositif):
    """Les adhésions que l'administration technique a demandées et que la coordination n'a pas
    encore confirmées (quelques-unes à la fois : elles attendent un geste)."""
    return (
        Membre.objects.a_confirmer()
        .filter(dispositif=dispositif)
        .select_related("user", "demandee_par", "organisation")
        .order_by("user__last_name", "user__first_name", "role")
    )


def personnes_du_dispositif(dispositif):
    """Les personnes qui tiennent au moins une adhésion active dans le dispositif, triées par nom,
    avec `double_facteur` : vrai si elles ont activé une application d'authentification. Une
    requête filtrable et paginable (un programme national en compte des centaines) ; leurs
    adhésions se lisent page par page (`avec_leurs_adhesions`)."""
    return (
        User.objects.filter(
            Exists(Membre.objects.actifs().filter(dispositif=dispositif, user=OuterRef("pk")))
        )
        .annotate(
            double_facteur=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
        )
        .order_by("last_name", "first_name", "pk")
    )


def avec_leurs_adhesions(personnes, dispositif):
    """`personnes` avec `adhesions_actives` : leurs adhésions actives dans le dispositif (une
    requête pour toute la page)."""
    return personnes.prefetch_related(
        Prefetch(
            "adhesions",
            queryset=Membre.objects.actifs().filter(dispositif=dispositif).order_by("role"),
            to_attr="adhesions_actives",
        )
    )
