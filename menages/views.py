from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core import permissions
from core.enums import Role
from core.listes import page_par_les_cles, parametres_sans_page, suggestions
from core.models import Dispositif
from core.permissions import Action, Donnee
from core.reseau import adresse_client
from core.vues import traiter_formulaire, traiter_formulaire_integre

from . import importation, selectors, services
from .filters import FiltresMesOrientations
from .forms import (
    CompleterDetteForm,
    FicheOrientationForm,
    ImportOrientationsForm,
    PlanApurementForm,
    ReleveDetteForm,
    StatutOrientationForm,
)
from .models import Import

# « Mes orientations » se lit par pages de cette taille : une structure qui oriente pour tout un
# département en a des milliers. De même les orientations « à rattacher » après un gros import.
ORIENTATIONS_PAR_PAGE = 50


@require_POST
def changer_statut(request, public_id):
    orientation = get_object_or_404(
        selectors.orientations_visibles(request.user), public_id=public_id
    )
    possibles = services.TRANSITIONS[orientation.statut]
    form = StatutOrientationForm(request.POST, statuts_possibles=possibles)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.changer_statut_orientation(
            request.user, orientation, form.cleaned_data["statut"], form.cleaned_data["motif"]
        ),
        succes=lambda modifiee: f"Orientation passée à « {modifiee.get_statut_display()} ».",
        retour=reverse("ecrans:menage", args=[orientation.menage.public_id]),
        invalide="Choisissez un statut proposé.",
    )


def a_rattacher(request):
    if not permissions.peut_quelque_part(request.user, Action.GERER_ORIENTATIONS):
        raise PermissionDenied
    page = page_par_les_cles(
        selectors.orientations_a_rattacher(request.user),
        ORIENTATIONS_PAR_PAGE,
        request.GET.get("page"),
    )
    return render(
        request,
        "menages/a_rattacher.html",
        {"page": page, "parametres": parametres_sans_page(request)},
    )


def rattachement(request, public_id):
    try:
        orientation, provisoire, connu = selectors.comparaison_pour(request.user, public_id)
    except ObjectDoesNotExist:
        raise Http404("Orientation introuvable ou déjà traitée.") from None
    return render(
        request,
        "menages/rattachement.html",
        {
            "orientation": orientation,
            "fiches": [
                ("Saisi avec l'orientation (ménage provisoire)", provisoire, [orientation]),
                (
                    "Ménage déjà connu",
                    connu,
                    list(selectors.orientations_du_menage(request.user, connu)),
                ),
            ],
        },
    )


def _geste_de_rattachement(request, public_id, service, succes):
    orientation = get_object_or_404(
        selectors.orientations_a_rattacher(request.user), public_id=public_id
    )
    return traiter_formulaire_integre(
        request,
        None,
        lambda: service(request.user, orientation),
        succes=succes,
        retour=reverse("menages:rattachement", args=[orientation.public_id]),
        redirection=lambda traitee: reverse("ecrans:menage", args=[traitee.menage.public_id]),
    )


@require_POST
def rattacher(request, public_id):
    return _geste_de_rattachement(
        request,
        public_id,
        services.rattacher_orientation,
        "Orientation rattachée au ménage déjà connu.",
    )


@require_POST
def garder_a_part(request, public_id):
    return _geste_de_rattachement(
        request, public_id, services.garder_a_part, "Orientation gardée à part : nouveau ménage."
    )


def _section_dette(menage):
    return reverse("ecrans:menage", args=[menage.public_id]) + "#dette"


@require_POST
def plan_apurement(request, public_id):
    menage = get_object_or_404(
        selectors.menages_visibles(request.user, Donnee.DETTE), public_id=public_id
    )
    form = PlanApurementForm(request.POST)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.enregistrer_plan_apurement(request.user, menage, **form.cleaned_data),
        succes="Plan d'apurement enregistré.",
        retour=_section_dette(menage),
    )


@require_POST
def relever_dette(request, public_id):
    menage = get_object_or_404(
        selectors.menages_visibles(request.user, Donnee.DETTE), public_id=public_id
    )
    form = ReleveDetteForm(request.POST)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.relever_dette(
            request.user,
            menage,
            form.cleaned_data["date"],
            form.cleaned_data["montant"],
            form.cleaned_data["stade_procedure"],
            loyer_paye_3_mois=form.cleaned_data["loyer_paye_3_mois"],
        ),
        succes="Relevé de dette enregistré.",
        retour=_section_dette(menage),
    )


def _dispositif_pour(request, slug, action):
    dispositifs = permissions.dispositifs_pour(request.user, action)
    if slug is None:
        if dispositifs.count() == 1:
            return dispositifs.get(), None
        if not dispositifs.exists():
            raise PermissionDenied
        return None, dispositifs
    try:
        return dispositifs.get(slug=slug), None
    except Dispositif.DoesNotExist:
        # Membre du dispositif sans ce droit : refus ; hors du dispositif : introuvable.
        if permissions.dispositifs_visibles(request.user).filter(slug=slug).exists():
            raise PermissionDenied from None
        raise Http404("Dispositif introuvable.") from None


def nouvelle_orientation(request, slug=None):
    dispositif, choix = _dispositif_pour(request, slug, Action.ORIENTER)
    if dispositif is None:
        return render(
            request,
            "menages/choisir_dispositif.html",
            {"dispositifs": choix, "url_name": "menages:nouvelle_orientation_dans"},
        )
    structure = (
        services.structure_qui_oriente(request.user, dispositif)
        if services.oriente_comme_prescripteur(request.user, dispositif)
        else None
    )
    form = FicheOrientationForm(request.POST or None, dispositif=dispositif, structure=structure)
    reponse = traiter_formulaire(
        request,
        form,
        lambda: services.orienter_menage(request.user, dispositif, form.fiche()),
        succes=lambda resultat: (
            "Orientation envoyée à la coordination."
            if resultat.orientation_creee
            else (messages.INFO, "Cette orientation était déjà enregistrée.")
        ),
        redirection=lambda resultat: _apres_orientation(request.user, resultat.orientation),
    )
    return reponse or render(
        request, "menages/nouvelle_orientation.html", {"form": form, "dispositif": dispositif}
    )


@require_GET
def structures_qui_orientent(request, slug):
    """Les suggestions de « Structure qui oriente » de la fiche d'orientation, quand le
    dispositif a trop de partenaires pour les lister ; pour qui oriente dans ce dispositif, sauf
    le prescripteur (sa fiche n'a pas ce champ : c'est sa structure qui oriente)."""
    dispositif, _ = _dispositif_pour(request, slug, Action.ORIENTER)
    listes = (
        {}
        if services.oriente_comme_prescripteur(request.user, dispositif)
        else FicheOrientationForm.choix_proposes(dispositif)
    )
    return suggestions(request, listes)


def _apres_orientation(user, orientation):
    """La page du ménage si la personne la voit ; sinon le suivi de ses orientations."""
    if selectors.menages_visibles(user).filter(pk=orientation.menage_id).exists():
        return reverse("ecrans:menage", args=[orientation.menage.public_id])
    return reverse("menages:mes_orientations")


def mes_orientations(request):
    """Ce que la personne a orienté (l'agent du bailleur) ou ce que sa structure a orienté (le
    prescripteur), et où en est chaque orientation, par pages, avec une recherche et des filtres
    (une structure nationale en a orienté des milliers). Les décisions du comité et leur
    explication sont sur l'accueil et sur la page du ménage."""
    filtres = FiltresMesOrientations(
        request.GET or None, queryset=selectors.mes_orientations(request.user)
    )
    page = page_par_les_cles(filtres.qs, ORIENTATIONS_PAR_PAGE, request.GET.get("page"))
    return render(
        request,
        "menages/mes_orientations.html",
        {
            "filtres": filtres,
            "page": page,
            "parametres": parametres_sans_page(request),
            # Sans requête pour qui n'est prescripteur nulle part.
            "structures": list(selectors.mes_structures(request.user))
            if permissions.a_le_role(request.user, Role.PRESCRIPTEUR)
            else [],
            "peut_orienter": permissions.peut_quelque_part(request.user, Action.ORIENTER),
        },
    )


@require_POST
def completer_dette(request, public_id):
    orientation = get_object_or_404(
        selectors.orientations_visibles(request.user).select_related("menage"),
        public_id=public_id,
    )
    form = CompleterDetteForm(request.POST)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.completer_dette_orientation(
            request.user,
            orientation,
            dette_locative=form.cleaned_data["dette_locative"],
            stade_procedure=form.cleaned_data["stade_procedure"],
        ),
        succes="Dette et procédure de l'orientation complétées.",
        retour=reverse("ecrans:menage", args=[orientation.menage.public_id]),
    )


def importer(request, slug=None):
    dispositif, choix = _dispositif_pour(request, slug, Action.IMPORTER)
    if dispositif is None:
        return render(
            request,
            "menages/choisir_dispositif.html",
            {"dispositifs": choix, "url_name": "menages:importer_dans"},
        )
    form = ImportOrientationsForm(request.POST or None, request.FILES or None)
    reponse = traiter_formulaire(
        request,
        form,
        lambda: importation.demander_import(
            request.user, dispositif, form.cleaned_data["fichier"], adresse_client(request)
        ),
        succes="",
        redirection=lambda demande: reverse("menages:import_etat", args=[demande.public_id]),
    )
    return reponse or render(
        request,
        "menages/importer.html",
        {
            "form": form,
            "dispositif": dispositif,
            "imports": Import.objects.filter(demande_par=request.user, dispositif=dispositif)[:5],
            "plafonds": importation.Plafonds.du_reglage(),
        },
    )


def import_etat(request, public_id):
    """L'état d'un import : la page entière, ou (htmx) le bloc qui se met à jour seul tant que
    l'import est en cours. Seule la personne qui a importé le voit."""
    demande = get_object_or_404(
        Import.objects.filter(demande_par=request.user).select_related("dispositif"),
        public_id=public_id,
    )
    gabarit = "menages/_etat_import.html" if request.htmx else "menages/import_etat.html"
    return render(request, gabarit, {"demande": demande})
