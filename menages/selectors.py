"""Lectures des ménages pour une personne, toujours au travers de `core.permissions`."""

from datetime import timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from core import permissions
from core.permissions import Chemins, Donnee

from .enums import STATUTS_EN_COURS_D_EXAMEN
from .models import DetteLocative, Logement, Menage, Orientation, ProblematiqueOrientation

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
# La file active est la liste de travail des équipes et des comités : l'agent du bailleur suit
# ses propres orientations ailleurs (« Mes orientations »).
CHEMINS_FILE_ACTIVE = Chemins(
    dispositif="dispositif",
    equipe="accompagnements__equipe__user",
    ordre_du_jour=ORDRE_DU_JOUR,
)

DELAI_EXAMEN = timedelta(days=30)


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


def _derniere_orientation(champ):
    return Subquery(
        Orientation.objects.filter(menage=OuterRef("pk"))
        .order_by("-date_orientation", "-cree_le")
        .values(champ)[:1]
    )


def _logement_actuel(champ):
    return Subquery(Logement.objects.filter(menage=OuterRef("pk"), actuel=True).values(champ)[:1])


def file_active(user):
    """Les ménages de la file active que la personne peut voir, avec leur situation du jour.

    Chaque ligne porte sa dernière orientation (date, parcours, statut, procédure), son
    territoire et sa dernière dette connue. Le nombre de requêtes ne dépend pas du nombre de
    ménages.
    """
    menages = permissions.filtrer(user, Menage.objects.all(), Donnee.IDENTITE, CHEMINS_FILE_ACTIVE)
    return menages.select_related("dispositif").annotate(
        date_orientation=_derniere_orientation("date_orientation"),
        parcours=_derniere_orientation("parcours"),
        statut=_derniere_orientation("statut"),
        stade_procedure=_derniere_orientation("stade_procedure"),
        territoire_id=_logement_actuel("territoire_id"),
        territoire_nom=_logement_actuel("territoire__nom"),
        commune=_logement_actuel("commune"),
        dette=Subquery(
            DetteLocative.objects.filter(menage=OuterRef("pk"))
            .order_by("-date", "-pk")
            .values("montant")[:1]
        ),
    )


def filtrer_par_problematique(menages, code):
    problematiques = ProblematiqueOrientation.objects.filter(
        orientation__menage=OuterRef("pk"), code=code
    )
    return menages.filter(Exists(problematiques))


def filtrer_par_referent(menages, referent):
    """Les ménages dont un accompagnement ouvert a ce ou cette référent·e."""
    from accompagnement.models import Accompagnement

    suivis = Accompagnement.objects.ouverts().filter(menage=OuterRef("pk"), referent=referent)
    return menages.filter(Exists(suivis))


def filtrer_echeances(menages, echeance):
    """Ce qui est dû ou en retard.

    - « à examiner » : la dernière orientation attend l'examen du comité ; « en retard » : depuis
      plus de 30 jours ;
    - « bilan à venir » : un bilan non fait prévu d'ici 15 jours ; « bilan en retard » : un
      bilan non fait dont la date est passée (accompagnements ouverts ou en suivi post-clôture).
    """
    en_examen = Q(statut__in=STATUTS_EN_COURS_D_EXAMEN)
    aujourd_hui = timezone.localdate()
    if echeance == "a_examiner":
        return menages.filter(en_examen)
    if echeance == "en_retard":
        return menages.filter(en_examen, date_orientation__lt=aujourd_hui - DELAI_EXAMEN)
    if echeance in ("bilan_a_venir", "bilan_en_retard"):
        from accompagnement.models import Bilan

        bilans = Bilan.objects.a_faire().filter(accompagnement__menage=OuterRef("pk"))
        if echeance == "bilan_en_retard":
            bilans = bilans.filter(date_prevue__lt=aujourd_hui)
        else:
            bilans = bilans.filter(
                date_prevue__gte=aujourd_hui, date_prevue__lte=aujourd_hui + timedelta(days=15)
            )
        return menages.filter(Exists(bilans))
    return menages


def preparer_lignes(user, menages):
    """Efface de chaque ligne ce que la personne ne peut pas voir dans son dispositif.

    Un champ masqué vaut None : le gabarit ne peut pas le montrer par erreur.
    """
    dette_par_dispositif = {}
    for menage in menages:
        if menage.dispositif_id not in dette_par_dispositif:
            dette_par_dispositif[menage.dispositif_id] = permissions.peut_voir(
                user, Donnee.DETTE, menage.dispositif_id
            )
        menage.dette_visible = dette_par_dispositif[menage.dispositif_id]
        if not menage.dette_visible:
            menage.dette = None
            menage.stade_procedure = None
    return menages


def avec_problematiques(menages):
    """Ajoute à chaque ménage les problématiques de ses orientations (une requête)."""
    ids = [menage.pk for menage in menages]
    codes = {}
    for menage_id, code in ProblematiqueOrientation.objects.filter(
        orientation__menage_id__in=ids
    ).values_list("orientation__menage_id", "code"):
        codes.setdefault(menage_id, set()).add(code)
    for menage in menages:
        menage.codes_problematiques = sorted(codes.get(menage.pk, ()))
    return menages


def menage_pour(user, public_id):
    """Le ménage s'il est visible, avec ce que la page montre ; sinon `Menage.DoesNotExist`."""
    return (
        menages_visibles(user)
        .select_related("dispositif", "cree_par")
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
        .select_related("prescripteur", "orientee_par")
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
