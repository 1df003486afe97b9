from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import permissions
from core.enums import ROLES_SOIGNANTS
from core.listes import numero_de_page, page_sans_compte, suggestions
from core.permissions import Donnee, Ecriture
from core.vues import traiter_formulaire, traiter_formulaire_integre
from menages import selectors as selectors_menages

from . import selectors, services
from .enums import StatutObjectif, TypeBilan
from .forms import (
    AdhesionForm,
    AnnulationInterventionForm,
    BilanForm,
    ClotureForm,
    CorrectionInterventionForm,
    InformationPartageForm,
    InterventionForm,
    ObjectifForm,
    OuvrirAccompagnementForm,
    SuiviObjectifForm,
    ValidationPlanForm,
    VisiteSansReponseForm,
)
from .models import Accompagnement


def _accompagnement(request, public_id, donnee=Donnee.IDENTITE):
    """L'accompagnement si `donnee` est visible sur cette ligne-ci ; sinon 404."""
    try:
        return selectors.accompagnement_pour(request.user, public_id, donnee)
    except Accompagnement.DoesNotExist:
        raise Http404("Accompagnement introuvable.") from None


def _exiger(droit):
    """Refuse (403) l'écriture d'une ligne que la personne lit sans pouvoir l'écrire."""
    if not droit:
        raise PermissionDenied("Vous n'êtes pas dans l'équipe de ce ménage.")


def _page(accompagnement):
    return reverse("accompagnement:detail", args=[accompagnement.public_id])


def _menage_a_ouvrir(request, public_id):
    menage = get_object_or_404(
        selectors_menages.menages_visibles(request.user).select_related("dispositif"),
        public_id=public_id,
    )
    if not services.peut_ouvrir(request.user, menage):
        raise PermissionDenied
    return menage


def ouvrir(request, public_id):
    menage = _menage_a_ouvrir(request, public_id)
    form = OuvrirAccompagnementForm(request.POST or None, menage=menage)
    reponse = traiter_formulaire(
        request,
        form,
        lambda: services.ouvrir_accompagnement(
            request.user,
            menage,
            referent=form.cleaned_data["referent"],
            equipe=form.cleaned_data["equipe"],
            date_debut=form.cleaned_data["date_debut"],
        ),
        succes="Accompagnement ouvert ; les bilans sont planifiés.",
        redirection=_page,
    )
    return reponse or render(
        request, "accompagnement/ouvrir.html", {"form": form, "menage": menage}
    )


@require_GET
def personnes(request, public_id):
    """Les suggestions du référent·e et de l'équipe quand le dispositif compte trop de
    personnes pour les lister (`core.forms.choix_ou_recherche`) : pour qui peut ouvrir
    l'accompagnement de ce ménage, parmi ce que le formulaire propose."""
    menage = _menage_a_ouvrir(request, public_id)
    # Chaque liste se nomme elle-même (`forms.liste_de_personnes`).
    return suggestions(request, OuvrirAccompagnementForm.personnes_proposees(menage.dispositif))


def detail(request, public_id):
    accompagnement = _accompagnement(request, public_id)
    user = request.user
    interventions = page_sans_compte(
        selectors.interventions_de(user, accompagnement),
        numero_de_page(request.GET.get("interventions")),
        selectors.INTERVENTIONS_PAR_PAGE,
    )
    services.journaliser_lectures(user, interventions, request, accompagnement.menage)
    ouvert = accompagnement.est_ouvert
    ecrit_plan = accompagnement.ecrit_plan and ouvert
    cloture = selectors.cloture_vue(accompagnement)
    return render(
        request,
        "accompagnement/detail.html",
        {
            "accompagnement": accompagnement,
            "menage": accompagnement.menage,
            "interventions": interventions,
            # Rien de plus que ce que la ligne permet : le plan entier, son résumé, ou rien ;
            # l'équipe avec ses professions, ou le seul référent et sa structure.
            **selectors.plan_ou_resume(accompagnement),
            "equipe": selectors.equipe_vue(accompagnement),
            "cloture": cloture,
            # La fiche de clôture reprend le plan : pour qui le voit sur cette ligne.
            "fiche_cloture": cloture is not None and accompagnement.voit_plan,
            "peut_noter": accompagnement.ecrit_interventions and ouvert,
            "form_sans_reponse": VisiteSansReponseForm(),
            # Les interventions que la personne peut encore corriger ou annuler (les siennes).
            "corrigeables": services.corrigeables_parmi(
                user, interventions, accompagnement.ecrit_interventions and ouvert
            ),
            "peut_ecrire_plan": ecrit_plan,
            "peut_clore": ouvert and accompagnement.ecrit_cloture,
            "statuts_objectif": StatutObjectif.choices,
            "form_adhesion": AdhesionForm(initial={"adhesion": accompagnement.adhesion})
            if ecrit_plan
            else None,
            "form_objectif": ObjectifForm() if ecrit_plan else None,
        },
    )


def _form_plan(accompagnement):
    plan = getattr(accompagnement, "plan", None)
    if plan is None:
        return ValidationPlanForm()
    return ValidationPlanForm(
        initial={
            "duree_prevue_mois": plan.duree_prevue_mois,
            "structures_autour": plan.structures_autour,
        }
    )


def _est_soignant(user, accompagnement):
    return bool(permissions.roles(user, accompagnement.dispositif_id) & set(ROLES_SOIGNANTS))


def nouvelle_intervention(request, public_id):
    accompagnement = _accompagnement(request, public_id)
    _exiger(accompagnement.ecrit_interventions)
    soignant = _est_soignant(request.user, accompagnement)
    form = InterventionForm(request.POST or None, accompagnement=accompagnement, soignant=soignant)
    reponse = traiter_formulaire(
        request,
        form,
        lambda: services.enregistrer_intervention(
            request.user, accompagnement, **form.cleaned_data
        ),
        succes="Intervention enregistrée.",
        redirection=_page(accompagnement),
    )
    return reponse or render(
        request,
        "accompagnement/intervention.html",
        {"form": form, "accompagnement": accompagnement, "menage": accompagnement.menage},
    )


@require_POST
def visite_sans_reponse(request, public_id):
    accompagnement = _accompagnement(request, public_id)
    _exiger(accompagnement.ecrit_interventions)
    form = VisiteSansReponseForm(request.POST)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.noter_visite_sans_reponse(
            request.user, accompagnement, duree_minutes=form.cleaned_data["duree_minutes"]
        ),
        succes=lambda intervention: (
            f"Visite sans réponse enregistrée ({intervention.duree_minutes} min). Vous pouvez "
            "la corriger ou l'annuler jusqu'au "
            f"{timezone.localtime(services.corrigeable_jusqu_au(intervention)):%d/%m/%Y à %H:%M}."
        ),
        retour=_page(accompagnement),
        invalide="La visite n'est pas enregistrée : la durée se donne en minutes, de 1 à 1440.",
    )


def _intervention_a_corriger(request, public_id):
    """L'intervention que la personne peut lire ; 404 sinon, 403 si elle ne peut la corriger."""
    intervention = get_object_or_404(
        selectors.interventions_visibles(request.user).select_related(
            "accompagnement__menage", "accompagnement__dispositif"
        ),
        public_id=public_id,
    )
    if not services.peut_corriger_intervention(request.user, intervention):
        raise PermissionDenied(
            "Seul l'auteur corrige ou annule une intervention, et seulement dans le délai prévu."
        )
    return intervention


def corriger_intervention(request, public_id):
    intervention = _intervention_a_corriger(request, public_id)
    accompagnement = intervention.accompagnement
    form = CorrectionInterventionForm(
        request.POST or None,
        intervention=intervention,
        soignant=_est_soignant(request.user, accompagnement),
    )
    reponse = traiter_formulaire(
        request,
        form,
        lambda: services.corriger_intervention(request.user, intervention, **form.cleaned_data),
        succes="Intervention corrigée ; la version précédente est conservée.",
        redirection=_page(accompagnement),
    )
    return reponse or render(
        request,
        "accompagnement/intervention_corriger.html",
        {
            "form": form,
            "intervention": intervention,
            "accompagnement": accompagnement,
            "menage": accompagnement.menage,
            "jusqu_au": services.corrigeable_jusqu_au(intervention),
        },
    )


def annuler_intervention(request, public_id):
    intervention = _intervention_a_corriger(request, public_id)
    accompagnement = intervention.accompagnement
    form = AnnulationInterventionForm(request.POST or None)
    reponse = traiter_formulaire(
        request,
        form,
        lambda: services.annuler_intervention(
            request.user, intervention, form.cleaned_data["motif"]
        ),
        succes="Intervention annulée ; elle reste conservée dans l'historique.",
        redirection=_page(accompagnement),
    )
    return reponse or render(
        request,
        "accompagnement/intervention_annuler.html",
        {
            "form": form,
            "intervention": intervention,
            "accompagnement": accompagnement,
            "menage": accompagnement.menage,
        },
    )


@require_POST
def adhesion(request, public_id):
    accompagnement = _accompagnement(request, public_id)
    _exiger(accompagnement.ecrit_plan)
    form = AdhesionForm(request.POST)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.definir_adhesion(
            request.user, accompagnement, form.cleaned_data["adhesion"]
        ),
        succes="Adhésion enregistrée.",
        retour=_page(accompagnement),
    )


@require_POST
def ajouter_objectif(request, public_id):
    accompagnement = _accompagnement(request, public_id, Donnee.PLAN)
    _exiger(accompagnement.ecrit_plan)
    form = ObjectifForm(request.POST)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.ajouter_objectif(request.user, accompagnement, **form.cleaned_data),
        succes="Objectif ajouté au plan d'action.",
        retour=_page(accompagnement),
        invalide="L'objectif n'est pas ajouté : indiquez au moins l'axe et l'objectif.",
    )


@require_POST
def suivre_objectif(request, public_id):
    objectif = get_object_or_404(selectors.objectifs_visibles(request.user), public_id=public_id)
    _exiger(services.peut_ecrire(request.user, Ecriture.PLAN, objectif.accompagnement))
    form = SuiviObjectifForm(request.POST)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.suivre_objectif(request.user, objectif, **form.cleaned_data),
        succes="Objectif mis à jour.",
        retour=_page(objectif.accompagnement),
        invalide="Avancement entre 0 et 100 %.",
    )


@require_http_methods(["GET", "POST"])
def valider_plan(request, public_id):
    """La validation du plan avec le ménage, par qui écrit le plan.

    GET : le formulaire, qui reprend la durée prévue et les structures autour du ménage du
    plan ; avec htmx, seul le formulaire, posé dans la page de l'accompagnement à l'ouverture
    de son volet (la page ne le rend pas : ce qu'il reprend du plan ne se garde pas d'un
    affichage à l'autre) ; sans JavaScript, une page qui le porte. POST : la validation, puis
    retour à l'accompagnement."""
    accompagnement = _accompagnement(request, public_id, Donnee.PLAN)
    _exiger(accompagnement.ecrit_plan)
    if request.method == "GET":
        gabarit = (
            "accompagnement/_valider_plan.html"
            if request.htmx
            else "accompagnement/valider_plan.html"
        )
        contexte = {
            "accompagnement": accompagnement,
            "menage": accompagnement.menage,
            "form_plan": _form_plan(accompagnement),
        }
        return render(request, gabarit, contexte)
    form = ValidationPlanForm(request.POST)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.valider_plan(request.user, accompagnement, **form.cleaned_data),
        succes="Validation du plan avec le ménage enregistrée.",
        retour=_page(accompagnement),
        invalide="Indiquez la date de validation.",
    )


def bilan(request, public_id):
    bilan = get_object_or_404(
        selectors.bilans_visibles(request.user).select_related("accompagnement__menage"),
        public_id=public_id,
    )
    accompagnement = _accompagnement(request, bilan.accompagnement.public_id, Donnee.PLAN)
    voit_dette = accompagnement.voit_dette
    objectifs = accompagnement.objectifs.all()
    peut_ecrire = (
        accompagnement.ecrit_bilans and bilan.date_realisation is None and bilan.annule_le is None
    )
    # La dette à la date du bilan devient un relevé : seulement pour qui peut l'écrire.
    form = BilanForm(
        request.POST or None,
        objectifs=objectifs,
        voit_dette=accompagnement.ecrit_dette,
        post_cloture=bilan.type == TypeBilan.POST_CLOTURE,
    )
    # Le même bilan renvoyé par la file d'attente d'un appareil ramène au bilan réalisé.
    rejeu = (
        accompagnement.ecrit_bilans
        and bilan.uuid_client is not None
        and request.POST.get("uuid_client") == str(bilan.uuid_client)
    )
    if request.method == "POST" and not (peut_ecrire or rejeu):
        raise PermissionDenied
    reponse = traiter_formulaire(
        request,
        form,
        lambda: services.realiser_bilan(
            request.user,
            bilan,
            date_realisation=form.cleaned_data["date_realisation"],
            synthese=form.cleaned_data["synthese"],
            decision=form.cleaned_data["decision"],
            progressions=form.progressions(),
            dette=form.cleaned_data.get("dette"),
            stade_procedure=form.cleaned_data.get("stade_procedure", ""),
            uuid_client=form.cleaned_data["uuid_client"],
            loyer_paye_3_mois=form.cleaned_data.get("loyer_paye_3_mois"),
            dans_le_logement=form.cleaned_data.get("dans_le_logement"),
        ),
        succes=f"{bilan.get_type_display()} enregistré.",
        redirection=_page(accompagnement),
    )
    return reponse or render(
        request,
        "accompagnement/bilan.html",
        {
            "bilan": bilan,
            "accompagnement": accompagnement,
            "menage": accompagnement.menage,
            "form": form,
            "peut_ecrire": peut_ecrire,
            "voit_dette": voit_dette,
            "progressions": bilan.progressions.select_related("objectif"),
        },
    )


def cloturer(request, public_id):
    accompagnement = _accompagnement(request, public_id, Donnee.PLAN)
    if not accompagnement.ecrit_cloture:
        raise PermissionDenied
    form = ClotureForm(request.POST or None)
    if not accompagnement.ecrit_dette:
        del form.fields["dette"]
        del form.fields["plan_apurement_en_place"]
    reponse = traiter_formulaire(
        request,
        form,
        lambda: services.cloturer_accompagnement(request.user, accompagnement, **form.cleaned_data),
        succes="Accompagnement clos ; le bilan à 3 mois après la fin est planifié.",
        redirection=_page(accompagnement),
    )
    return reponse or render(
        request,
        "accompagnement/cloture.html",
        {"form": form, "accompagnement": accompagnement, "menage": accompagnement.menage},
    )


@require_POST
def information(request, public_id):
    menage = get_object_or_404(
        selectors_menages.menages_visibles(request.user), public_id=public_id
    )
    form = InformationPartageForm(request.POST)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.enregistrer_information(
            request.user,
            menage,
            form.cleaned_data["date_information"],
            form.cleaned_data["opposition"],
        ),
        succes="Information du ménage enregistrée.",
        retour=reverse("ecrans:menage", args=[menage.public_id]) + "#information",
    )
