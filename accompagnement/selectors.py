"""Lectures de l'accompagnement pour une personne, toujours au travers de `core.permissions`.

Les notes d'intervention suivent leur niveau de confidentialité (DESIGN.md §3) :
« équipe » pour l'équipe et la coordination, « soignants » pour l'infirmier·ère et le ou la
psychologue de l'équipe, « personnelle » pour son auteur seul. Quand le ménage s'oppose au
partage, une note ne sort pas de la profession de son auteur.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from core import permissions
from core.models import Membre
from core.permissions import Chemins, Donnee, Ecriture, Lien
from menages.selectors import (
    chemins_vers_menage,
    ordre_du_jour_du_menage,
    organisation_du_menage,
    orientes_du_menage,
)

from .enums import Confidentialite
from .models import (
    Accompagnement,
    Bilan,
    Intervention,
    MembreEquipe,
    Objectif,
    OrientationPartenaire,
)

# L'équipe ouvre l'épisode dont elle est l'équipe (pas les autres épisodes du même ménage) ;
# l'orientation et l'ordre du jour ouvrent tous les épisodes du ménage.
CHEMINS_ACCOMPAGNEMENT = Chemins(
    dispositif="dispositif",
    territoire="menage__territoire",
    equipe=Lien(MembreEquipe, "accompagnement", en_cours=""),
    orientes=orientes_du_menage("menage"),
    ordre_du_jour=ordre_du_jour_du_menage("menage"),
    referent="referent",
    organisation=organisation_du_menage("menage"),
)
CHEMINS_PAR_ACCOMPAGNEMENT = Chemins(
    dispositif="accompagnement__dispositif",
    territoire="accompagnement__menage__territoire",
    equipe=Lien(MembreEquipe, "accompagnement", cle="accompagnement", en_cours=""),
    orientes=orientes_du_menage("accompagnement__menage"),
    ordre_du_jour=ordre_du_jour_du_menage("accompagnement__menage"),
    auteur="auteur",
    organisation=organisation_du_menage("accompagnement__menage"),
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
        condition |= Q(confidentialite=niveau) & permissions.condition(
            user, donnee, CHEMINS_PAR_ACCOMPAGNEMENT, Intervention
        )
    return Intervention.objects.filter(condition).exclude(_hors_de_ma_profession(user))


def _hors_de_ma_profession(user):
    """Notes d'un ménage opposé au partage, écrites par une autre profession que la mienne."""
    ma_profession = Q(pk__in=[])
    for dispositif_id, professions in permissions.professions_par_dispositif(user).items():
        ma_profession |= Q(
            accompagnement__dispositif_id=dispositif_id, profession_auteur__in=professions
        )
    return Q(accompagnement__menage__opposition_partage=True) & ~Q(auteur=user) & ~ma_profession


def structure_du_referent():
    """Le nom de la structure du ou de la référent·e dans le dispositif (annotation)."""
    return Subquery(
        Membre.objects.filter(
            user=OuterRef("referent"), dispositif=OuterRef("dispositif"), organisation__isnull=False
        )
        .order_by("role")
        .values("organisation__nom")[:1]
    )


def accompagnement_pour(user, public_id, donnee=Donnee.IDENTITE):
    """L'accompagnement si `donnee` y est visible, sinon `Accompagnement.DoesNotExist`.

    Chaque ligne sait ce que la personne y lit (`voit_plan`, `voit_resume`, `voit_dette`) et y
    écrit (`ecrit_*`), décidé sur cette ligne-ci, dans la même requête.
    """
    return (
        _avec_droits(user, accompagnements_visibles(user, donnee), donnee)
        .select_related("menage", "dispositif", "referent", "plan", "cloture")
        .annotate(structure_referent=structure_du_referent())
        .prefetch_related(
            Prefetch("equipe", queryset=MembreEquipe.objects.select_related("user")),
        )
        .get(public_id=public_id)
    )


def _avec_droits(user, accompagnements, filtre):
    """`filtre` : la donnée par laquelle `accompagnements_visibles` a filtré ces lignes."""
    accompagnements = permissions.annoter(
        user,
        accompagnements,
        CHEMINS_ACCOMPAGNEMENT,
        filtre=filtre,
        voit_plan=Donnee.PLAN,
        voit_resume=Donnee.PLAN_RESUME,
        ecrit_plan=Ecriture.PLAN,
        ecrit_interventions=Ecriture.INTERVENTIONS,
        ecrit_bilans=Ecriture.BILANS,
        ecrit_equipe=Ecriture.EQUIPE,
        ecrit_cloture=Ecriture.CLOTURE,
    )
    # La dette appartient au ménage : elle se décide sur le ménage de l'épisode.
    return permissions.annoter(
        user,
        accompagnements,
        chemins_vers_menage("menage"),
        voit_dette=Donnee.DETTE,
        ecrit_dette=Ecriture.DETTE,
    )


def accompagnements_du_menage(user, menage):
    """Les épisodes du ménage que la personne voit, chacun avec ce qu'elle voit de son équipe et
    sa clôture ; la chronologie du ménage montre le début et la clôture de ceux dont elle voit le
    plan (`voit_plan`)."""
    return (
        permissions.annoter(
            user,
            accompagnements_visibles(user).filter(menage=menage),
            CHEMINS_ACCOMPAGNEMENT,
            filtre=Donnee.IDENTITE,
            voit_plan=Donnee.PLAN,
        )
        .select_related("referent", "cloture")
        .annotate(structure_referent=structure_du_referent())
        .prefetch_related(Prefetch("equipe", queryset=MembreEquipe.objects.select_related("user")))
    )


@dataclass(frozen=True)
class EquipeVue:
    """Ce qu'une personne lit de l'équipe d'un épisode.

    `membres` (noms et professions) seulement pour qui voit le plan sur cette ligne ; les autres
    (l'agent du bailleur) lisent le nom et la structure du ou de la référent·e : la profession
    d'une infirmière ou d'une psychologue dirait déjà qu'il y a un problème de santé.
    `historique` : qui était dans l'équipe et n'y est plus, avec ses dates (même condition).
    """

    referent: str
    structure: str
    membres: tuple = ()  # (nom, profession, est_referent)
    historique: tuple = ()  # (nom, profession, depuis, jusqu'au)


def equipe_vue(accompagnement):
    """L'équipe réduite à ce que la ligne permet (`accompagnement` vient des sélecteurs
    ci-dessus, annoté de `voit_plan` et de `structure_referent`, avec toute son équipe, en cours
    et passée, déjà lue)."""
    membres = historique = ()
    if accompagnement.voit_plan:
        aujourd_hui = timezone.localdate()
        lignes = accompagnement.equipe.all()
        membres = tuple(
            (
                membre.user.get_full_name(),
                membre.get_profession_display(),
                membre.user_id == accompagnement.referent_id,
            )
            for membre in lignes
            if membre.date_fin is None or membre.date_fin > aujourd_hui
        )
        historique = tuple(
            (
                membre.user.get_full_name() or membre.user.email,
                membre.get_profession_display(),
                membre.depuis,
                membre.date_fin,
            )
            for membre in sorted(
                (m for m in lignes if m.date_fin is not None and m.date_fin <= aujourd_hui),
                key=lambda m: (m.date_fin, m.depuis),
            )
        )
    return EquipeVue(
        referent=accompagnement.referent.get_full_name(),
        structure=accompagnement.structure_referent or "",
        membres=membres,
        historique=historique,
    )


def _avec_destinations():
    """Les orientations vers des partenaires de chaque intervention, en liste (`destinations`) :
    une requête pour toutes, sans un gestionnaire lié par intervention."""
    return Prefetch(
        "orientations_partenaires",
        queryset=OrientationPartenaire.objects.order_by("destination"),
        to_attr="destinations",
    )


# Ce que les pages et la fiche de suivi montrent d'une intervention, et ce qu'il faut pour
# savoir si elle se corrige encore (son auteur, sa création) et journaliser sa lecture (le
# dispositif et le ménage de l'épisode) : ni le compte entier de l'auteur, ni l'épisode entier.
CHAMPS_D_UNE_INTERVENTION_LUE = (
    "public_id",
    "accompagnement__dispositif",
    "accompagnement__menage",
    "date_heure",
    "type",
    "duree_minutes",
    "note",
    "confidentialite",
    "profession_auteur",
    "cree_le",
    "corrigee_le",
    "auteur__first_name",
    "auteur__last_name",
)


# La page de l'accompagnement montre ses interventions par pages de cette taille, les plus
# récentes d'abord (liens « Interventions plus anciennes » et « plus récentes ») : comme la
# chronologie du ménage, une page suit sa taille, jamais l'ancienneté du suivi.
INTERVENTIONS_PAR_PAGE = 25


def interventions_de(user, accompagnement):
    """Les interventions de l'épisode dont la personne peut lire la note, chacune avec son
    auteur et ses `destinations` (page de l'accompagnement, fiche de suivi)."""
    return (
        interventions_visibles(user)
        .filter(accompagnement=accompagnement)
        .select_related("auteur", "accompagnement")
        .only(*CHAMPS_D_UNE_INTERVENTION_LUE)
        .prefetch_related(_avec_destinations())
    )


# L'accueil annonce les bilans à faire d'ici ce nombre de jours (et tous ceux en retard).
JOURS_D_AVANCE_DES_BILANS = 15


def echeances(user, limite_jours=JOURS_D_AVANCE_DES_BILANS):
    """Bilans à faire (prévus d'ici `limite_jours`) et en retard, que la personne doit voir.

    Le référent et l'équipe voient ceux de leurs accompagnements ; la coordination, tous ceux
    de son dispositif. Ce sont ceux que la personne peut faire (`Ecriture.BILANS`) : un membre
    du comité qui lit un ménage inscrit à son ordre du jour n'y voit pas un bilan à faire.
    """
    horizon = timezone.localdate() + timedelta(days=limite_jours)
    return (
        permissions.filtrer_ecriture(
            user, Bilan.objects.all(), Ecriture.BILANS, CHEMINS_PAR_ACCOMPAGNEMENT
        )
        .a_faire()
        .filter(date_prevue__lte=horizon)
        .select_related(
            "accompagnement__menage", "accompagnement__referent", "accompagnement__dispositif"
        )
        # Ce que l'accueil en montre, rien de plus : ni la synthèse chiffrée d'un bilan, ni le
        # compte entier du ou de la référent·e.
        .only(
            "public_id",
            "type",
            "date_prevue",
            "accompagnement__menage__nom",
            "accompagnement__menage__prenom",
            "accompagnement__referent__first_name",
            "accompagnement__referent__last_name",
            "accompagnement__dispositif__nom",
        )
        .order_by("date_prevue")
    )


def mes_accompagnements(user):
    """Les accompagnements ouverts dont la personne est dans l'équipe."""
    return (
        accompagnements_visibles(user)
        .ouverts()
        .filter(Lien(MembreEquipe, "accompagnement", en_cours="").existe(user))
        .select_related("menage", "dispositif")
        # Ce que l'accueil en montre, rien de plus.
        .only(
            "public_id",
            "statut",
            "referent_id",
            "menage__nom",
            "menage__prenom",
            "dispositif__nom",
            "dispositif__slug",
        )
        # Chaque ligne sous son dispositif, pour qui est membre de plusieurs.
        .order_by("dispositif__nom", "menage__nom")
    )


def interventions_du_menage(user, menage):
    """Les interventions du ménage dont la personne peut lire la note (chronologie du ménage)."""
    return (
        interventions_visibles(user)
        .filter(accompagnement__menage=menage)
        .select_related("auteur", "accompagnement")
        .only(*CHAMPS_D_UNE_INTERVENTION_LUE)
        .prefetch_related(_avec_destinations())
    )


def bilans_faits_du_menage(user, menage):
    """Les bilans réalisés du ménage, pour qui voit le plan."""
    return bilans_visibles(user).filter(
        accompagnement__menage=menage, date_realisation__isnull=False
    )


# --- Ce que les pages et les fiches reçoivent : déjà réduit à ce que la ligne permet ----------


@dataclass(frozen=True)
class PlanComplet:
    """Le plan d'action entier : pour qui voit le plan sur cette ligne."""

    date_validation: object
    duree_prevue_mois: object
    structures_autour: str
    objectifs: list
    bilans: list


@dataclass(frozen=True)
class ObjectifResume:
    axe: str
    statut: str
    avancement: int


@dataclass(frozen=True)
class BilanResume:
    type: str
    fait: bool
    en_retard: bool
    date_prevue: object
    annule: bool = False


@dataclass(frozen=True)
class PlanResume:
    """Le plan en résumé (DESIGN.md §3) : pour chaque objectif son axe, son statut et son
    avancement, et l'état des bilans ; jamais un libellé, une synthèse ni une note."""

    objectifs: list
    bilans: list


def plan_vu(accompagnement):
    """Le plan complet si le plan est ouvert sur cette ligne, sinon son résumé, sinon None."""
    if accompagnement.voit_plan:
        plan = getattr(accompagnement, "plan", None)
        return PlanComplet(
            date_validation=plan.date_validation if plan else None,
            duree_prevue_mois=plan.duree_prevue_mois if plan else None,
            structures_autour=plan.structures_autour if plan else "",
            objectifs=list(accompagnement.objectifs.all()),
            bilans=list(accompagnement.bilans.all()),
        )
    if accompagnement.voit_resume:
        return PlanResume(
            objectifs=[
                ObjectifResume(o.get_axe_display(), o.get_statut_display(), o.avancement)
                for o in accompagnement.objectifs.all()
            ],
            bilans=[
                BilanResume(
                    b.get_type_display(),
                    b.date_realisation is not None,
                    b.en_retard,
                    b.date_prevue,
                    b.annule_le is not None,
                )
                for b in accompagnement.bilans.all()
            ],
        )
    return None


def plan_ou_resume(accompagnement):
    """{"plan": PlanComplet | None, "resume": PlanResume | None}, pour un gabarit."""
    vu = plan_vu(accompagnement)
    return {
        "plan": vu if isinstance(vu, PlanComplet) else None,
        "resume": vu if isinstance(vu, PlanResume) else None,
    }


@dataclass(frozen=True)
class ClotureVue:
    """La clôture telle qu'une personne la lit : « expulsion évitée », la dette et le plan
    d'apurement (qui disent la procédure à l'entrée) seulement pour qui voit la dette ; le
    commentaire et la fiche seulement pour qui voit le plan."""

    date: object
    motif: str
    maintien_dans_logement: bool
    expulsion_evitee: bool | None
    procedure_entree: str | None
    dette: object
    plan_apurement_en_place: bool | None
    commentaire: str | None


def cloture_vue(accompagnement):
    cloture = getattr(accompagnement, "cloture", None)
    if cloture is None:
        return None
    dette = accompagnement.voit_dette
    return ClotureVue(
        date=cloture.date,
        motif=cloture.get_motif_display(),
        maintien_dans_logement=cloture.maintien_dans_logement,
        expulsion_evitee=cloture.expulsion_evitee if dette else None,
        procedure_entree=accompagnement.get_stade_procedure_entree_display() if dette else None,
        dette=cloture.dette if dette else None,
        plan_apurement_en_place=cloture.plan_apurement_en_place if dette else None,
        commentaire=cloture.commentaire if accompagnement.voit_plan else None,
    )
