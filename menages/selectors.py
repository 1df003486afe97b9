"""Lectures des ménages pour une personne, toujours au travers de `core.permissions`."""

from dataclasses import replace
from datetime import timedelta

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone

from core import permissions
from core.listes import chercher_les_mots
from core.models import Organisation
from core.permissions import Chemins, Donnee, Ecriture, Lien

from .enums import StatutOrientation
from .models import (
    CHAMPS_DE_RECHERCHE,
    DetteLocative,
    InformationPartage,
    Logement,
    Menage,
    Orientation,
)

# Comment on atteint, depuis chaque modèle, le dispositif, le territoire et les personnes qui
# ouvrent l'accès : l'équipe d'un accompagnement du ménage, l'auteur d'une orientation, les
# membres d'un comité dont une séance récente a inscrit le ménage à son ordre du jour. Les
# tables des apps du dessus sont nommées (« app.Modele ») sans être importées.


def equipe_du_menage(cle="pk"):
    """Les équipes de tous les accompagnements du ménage dont `cle` est la clé."""
    return Lien("accompagnement.MembreEquipe", "accompagnement__menage", cle=cle, en_cours="")


def orientes_du_menage(cle="pk"):
    """Les personnes qui ont saisi une orientation du ménage."""
    return Lien(Orientation, "menage", cle=cle, personne="orientee_par")


def organisation_du_menage(cle="pk"):
    """Les structures qui ont orienté le ménage (portée « organisation » d'un prescripteur)."""
    return Lien(Orientation, "menage", cle=cle, personne="organisation")


def ordre_du_jour_du_menage(cle="pk"):
    """Les membres d'un comité dont une séance a inscrit le ménage, pendant la fenêtre."""
    return Lien(
        "comites.PointOrdreDuJour",
        "menage",
        cle=cle,
        personne="seance__comite__membres",
        fenetre="seance__date",
    )


def chemins_vers_menage(vers=None):
    """Les chemins d'une ligne qui appartient à un ménage par `vers` (None : le ménage même)."""
    prefixe = f"{vers}__" if vers else ""
    cle = vers or "pk"
    return Chemins(
        dispositif=f"{prefixe}dispositif",
        territoire=f"{prefixe}territoire",
        equipe=equipe_du_menage(cle),
        orientes=orientes_du_menage(cle),
        ordre_du_jour=ordre_du_jour_du_menage(cle),
        organisation=organisation_du_menage(cle),
    )


CHEMINS_MENAGE = chemins_vers_menage()
# Une orientation ouvre à son auteur (et à sa structure) cette orientation-là, pas les autres
# orientations du ménage.
CHEMINS_ORIENTATION = replace(
    chemins_vers_menage("menage"), orientes="orientee_par", organisation="organisation"
)
CHEMINS_DETTE = chemins_vers_menage("menage")

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


# Les droits d'une personne sur un ménage que sa page demande : lus avec le ménage par
# `menage_pour` (dans la même requête), demandés un par un sinon.
DROITS_SUR_LE_MENAGE = {
    "voit_dette": Donnee.DETTE,
    "ecrit_dette": Ecriture.DETTE,
    "ecrit_plan_apurement": Ecriture.PLAN_APUREMENT,
}


def droit_sur_le_menage(user, menage, nom):
    """Le droit `nom` (une clé de `DROITS_SUR_LE_MENAGE`) de la personne sur ce ménage : sans
    requête si le ménage a été lu pour elle par `menage_pour`, sinon une requête."""
    if getattr(menage, "droits_lus_pour", None) == user.pk:
        return getattr(menage, nom)
    return permissions.peut_voir_ligne(user, DROITS_SUR_LE_MENAGE[nom], menage, CHEMINS_MENAGE)


def peut_voir_dette(user, menage):
    """Vrai si la personne voit la dette de ce ménage-ci."""
    return droit_sur_le_menage(user, menage, "voit_dette")


def sans_dette(orientations):
    """Efface des orientations la dette et la procédure déclarées, pour qui ne voit pas la dette
    du ménage : le gabarit ne reçoit pas ce qu'il ne doit pas montrer."""
    for orientation in orientations:
        orientation.dette_locative = None
        orientation.stade_procedure = ""
    return orientations


def menage_pour(user, public_id):
    """Le ménage s'il est visible, avec ce que la page montre et les droits de la personne sur
    lui (`DROITS_SUR_LE_MENAGE`) ; sinon `Menage.DoesNotExist`."""
    menage = (
        permissions.annoter(
            user,
            menages_visibles(user),
            CHEMINS_MENAGE,
            filtre=Donnee.IDENTITE,
            **DROITS_SUR_LE_MENAGE,
        )
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
    menage.droits_lus_pour = user.pk
    return menage


def orientations_du_menage(user, menage):
    return (
        orientations_visibles(user)
        .filter(menage=menage)
        .select_related("prescripteur", "orientee_par", "rattachement_par")
        .prefetch_related("problematiques")
    )


def dettes_du_menage(user, menage):
    """Les relevés de dette, du plus ancien au plus récent ; None si la personne ne voit pas la
    dette de ce ménage."""
    if not peut_voir_dette(user, menage):
        return None
    return list(DetteLocative.objects.filter(menage=menage).order_by("date", "pk"))


def mes_structures(user):
    """Les structures que nomment les adhésions actives de prescripteur de la personne."""
    return Organisation.objects.filter(
        pk__in=permissions.structures_de_prescripteur(user)
    ).order_by("nom")


def mes_orientations(user):
    """Les orientations saisies par la personne (suivi de l'agent du bailleur) et, pour un
    prescripteur, celles de sa structure, avec leur statut. La visibilité reste celle de
    `orientations_visibles` : une structure ne s'ouvre que dans les dispositifs où la personne
    est son prescripteur."""
    # Sans structure (un agent du bailleur), la seule condition « saisie par la personne » se
    # lit par l'index de l'auteur, sans parcourir les orientations du dispositif.
    structures = permissions.structures_de_prescripteur(user)
    siennes = Q(orientee_par=user)
    if structures:
        siennes |= Q(organisation__in=structures)
    # Pour les listes (« Mes orientations », l'accueil) : ni la description de la situation,
    # qu'elles ne montrent pas et qui ne se déchiffre pas pour rien, ni le dispositif ou la
    # structure de chaque ligne.
    return (
        orientations_visibles(user)
        .filter(siennes)
        .select_related("menage", "orientee_par")
        .defer("description")
        .order_by("-date_orientation", "-cree_le", "-pk")
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


def limite_attente():
    """Une orientation « en attente » dont le statut date d'avant ce jour attend depuis trop
    longtemps (réglage `DELAI_ORIENTATION_EN_ATTENTE_JOURS`, 30 jours par défaut)."""
    return timezone.localdate() - timedelta(days=settings.DELAI_ORIENTATION_EN_ATTENTE_JOURS)


def orientations_en_attente_anciennes(user):
    """Les orientations « en attente » depuis plus que le délai, que la coordination traite (la
    plus ancienne d'abord)."""
    return (
        orientations_visibles(user)
        .filter(
            statut=StatutOrientation.EN_ATTENTE,
            date_statut__lt=limite_attente(),
            menage__dispositif__in=permissions.dispositifs_pour(
                user, permissions.Action.GERER_ORIENTATIONS
            ),
        )
        .select_related("menage")
        .order_by("date_statut", "pk")
    )


def chercher_des_menages(queryset, texte, chemin=""):
    """Les lignes de `queryset` dont le ménage (au bout de `chemin`, « menage__ » pour des
    orientations) contient chaque mot de `texte` dans son nom, son prénom ou sa référence
    (`CHAMPS_DE_RECHERCHE`), par leurs index par trigrammes (`core.listes.chercher_les_mots`)."""
    champs = [f"{chemin}{champ}" for champ in CHAMPS_DE_RECHERCHE]
    return chercher_les_mots(queryset, texte, champs, par_trigrammes=champs)
