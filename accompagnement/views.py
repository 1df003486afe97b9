from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import permissions
from core.enums import ROLES_SOIGNANTS
from core.permissions import Action, Donnee
from core.vues import traiter_formulaire, traiter_formulaire_integre
from menages import selectors as selectors_menages

from . import selectors, services
from .enums import StatutObjectif
from .forms import (
    AdhesionForm,
    BilanForm,
    ClotureForm,
    InformationPartageForm,
    InterventionForm,
    ObjectifForm,
    OuvrirAccompagnementForm,
    SuiviObjectifForm,
    ValidationPlanForm,
)
from .models import Accompagnement


def _accompagnement(request, public_id, donnee=Donnee.IDENTITE):
    try:
        accompagnement = selectors.accompagnement_pour(request.user, public_id)
    except Accompagnement.DoesNotExist:
        raise Http404("Accompagnement introuvable.") from None
    if not permissions.peut_voir(request.user, donnee, accompagnement.dispositif):
        raise Http404("Accompagnement introuvable.")
    return accompagnement


def _exiger_equipe(request, accompagnement):
    if not services.peut_accompagner(request.user, accompagnement):
        raise PermissionDenied("Vous n'êtes pas dans l'équipe de ce ménage.")


def _page(accompagnement):
    return reverse("accompagnement:detail", args=[accompagnement.public_id])


def ouvrir(request, public_id):
    menage = get_object_or_404(
        selectors_menages.menages_visibles(request.user), public_id=public_id
    )
    if not permissions.peut(request.user, Action.ORGANISER, menage.dispositif):
        raise PermissionDenied
    form = OuvrirAccompagnementForm(request.POST or None, dispositif=menage.dispositif)
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


def detail(request, public_id):
    accompagnement = _accompagnement(request, public_id)
    user = request.user
    voit_plan = permissions.peut_voir(user, Donnee.PLAN, accompagnement.dispositif)
    interventions = list(selectors.interventions_de(user, accompagnement)[:50])
    services.journaliser_lectures(user, interventions, request, accompagnement.menage)
    peut_ecrire = services.peut_accompagner(user, accompagnement)
    # Qui ne voit que le résumé du plan (l'agent du bailleur) lit l'axe, le statut et
    # l'avancement des objectifs, et l'état des bilans ; jamais leur libellé ni les synthèses.
    voit_resume = voit_plan or permissions.peut_voir(
        user, Donnee.PLAN_RESUME, accompagnement.dispositif
    )
    bilans = list(accompagnement.bilans.all()) if voit_resume else []
    objectifs = list(accompagnement.objectifs.all()) if voit_resume else []
    # « Expulsion évitée » révèle la procédure à l'entrée : une donnée de la dette.
    cloture = getattr(accompagnement, "cloture", None)
    voit_dette = cloture is not None and selectors_menages.peut_voir_dette(
        user, accompagnement.menage
    )
    return render(
        request,
        "accompagnement/detail.html",
        {
            "accompagnement": accompagnement,
            "menage": accompagnement.menage,
            "interventions": interventions,
            "bilans": bilans,
            "objectifs": objectifs,
            "voit_plan": voit_plan,
            "voit_resume": voit_resume,
            "voit_dette": voit_dette,
            "peut_ecrire": peut_ecrire and accompagnement.est_ouvert,
            "peut_clore": accompagnement.est_ouvert and services.peut_clore(user, accompagnement),
            "statuts_objectif": StatutObjectif.choices,
            "form_adhesion": AdhesionForm(initial={"adhesion": accompagnement.adhesion}),
            "form_objectif": ObjectifForm(),
            "form_plan": ValidationPlanForm(
                initial={
                    "duree_prevue_mois": accompagnement.plan.duree_prevue_mois,
                    "structures_autour": accompagnement.plan.structures_autour,
                }
            )
            if hasattr(accompagnement, "plan")
            else ValidationPlanForm(),
        },
    )


def _est_soignant(user, accompagnement):
    return bool(permissions.roles(user, accompagnement.dispositif_id) & set(ROLES_SOIGNANTS))


def nouvelle_intervention(request, public_id):
    accompagnement = _accompagnement(request, public_id)
    _exiger_equipe(request, accompagnement)
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
    _exiger_equipe(request, accompagnement)
    return traiter_formulaire_integre(
        request,
        None,
        lambda: services.noter_visite_sans_reponse(request.user, accompagnement),
        succes="Visite sans réponse enregistrée.",
        retour=_page(accompagnement),
    )


@require_POST
def adhesion(request, public_id):
    accompagnement = _accompagnement(request, public_id)
    _exiger_equipe(request, accompagnement)
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
    _exiger_equipe(request, accompagnement)
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
    _exiger_equipe(request, objectif.accompagnement)
    form = SuiviObjectifForm(request.POST)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.suivre_objectif(request.user, objectif, **form.cleaned_data),
        succes="Objectif mis à jour.",
        retour=_page(objectif.accompagnement),
        invalide="Avancement entre 0 et 100 %.",
    )


@require_POST
def valider_plan(request, public_id):
    accompagnement = _accompagnement(request, public_id, Donnee.PLAN)
    _exiger_equipe(request, accompagnement)
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
    accompagnement = bilan.accompagnement
    voit_dette = selectors_menages.peut_voir_dette(request.user, accompagnement.menage)
    objectifs = accompagnement.objectifs.all()
    peut_ecrire = services.peut_accompagner(request.user, accompagnement) and (
        bilan.date_realisation is None
    )
    form = BilanForm(request.POST or None, objectifs=objectifs, voit_dette=voit_dette)
    if request.method == "POST" and not peut_ecrire:
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
    if not services.peut_clore(request.user, accompagnement):
        raise PermissionDenied
    voit_dette = selectors_menages.peut_voir_dette(request.user, accompagnement.menage)
    form = ClotureForm(request.POST or None)
    if not voit_dette:
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
