from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import permissions
from core.exports import nom_horodate, reponse_csv, reponse_xlsx
from core.models import Dispositif, JournalAudit
from core.permissions import Action, Donnee
from core.services import journaliser
from core.vues import traiter_formulaire, traiter_formulaire_integre

from . import exports, selectors, services
from .filters import FiltresFileActive
from .forms import (
    FicheOrientationForm,
    ImportOrientationsForm,
    PlanApurementForm,
    ReleveDetteForm,
    StatutOrientationForm,
)
from .importation import ImportRefuse, importer_orientations
from .models import Menage

PAR_PAGE = 25


def _filtres(request):
    filtres = FiltresFileActive(
        request.GET or None, queryset=selectors.file_active(request.user), user=request.user
    )
    return filtres, filtres.qs.order_by(*(filtres.qs.query.order_by or ["nom", "prenom"]), "pk")


def file_active(request):
    if not permissions.dispositifs_ou(request.user, Donnee.IDENTITE).exists():
        raise PermissionDenied
    filtres, menages = _filtres(request)
    page = Paginator(menages, PAR_PAGE).get_page(request.GET.get("page"))
    selectors.preparer_lignes(request.user, page.object_list)
    selectors.avec_problematiques(page.object_list)
    contexte = {
        "filtres": filtres,
        "page": page,
        "parametres": _parametres_sans_page(request),
        "peut_exporter": permissions.peut_quelque_part(request.user, Action.EXPORTER),
    }
    gabarit = "menages/_resultats.html" if request.htmx else "menages/file_active.html"
    return render(request, gabarit, contexte)


def export_file_active(request, format):
    if not permissions.peut_quelque_part(request.user, Action.EXPORTER):
        raise PermissionDenied
    _, menages = _filtres(request)
    menages = menages.filter(
        dispositif__in=permissions.dispositifs_pour(request.user, Action.EXPORTER)
    )
    menages = selectors.avec_problematiques(selectors.preparer_lignes(request.user, list(menages)))
    entetes, lignes = exports.file_active(menages)
    for dispositif in {menage.dispositif for menage in menages} or [None]:
        journaliser(
            request.user,
            JournalAudit.Action.EXPORT,
            dispositif=dispositif,
            detail=f"file active {format.upper()}, {len(lignes)} lignes, filtres : "
            f"{_filtres_pour_le_journal(request)}",
            request=request,
        )
    nom = nom_horodate("file-active")
    if format == "xlsx":
        return reponse_xlsx(nom, "File active", entetes, lignes)
    return reponse_csv(nom, entetes, lignes)


def menage(request, public_id):
    try:
        menage = selectors.menage_pour(request.user, public_id)
    except Menage.DoesNotExist:
        raise Http404("Ménage introuvable.") from None
    from accompagnement import selectors as accompagnement
    from accompagnement.services import journaliser_lectures

    user = request.user
    orientations = list(selectors.orientations_du_menage(user, menage))
    peut_gerer = permissions.peut(user, Action.GERER_ORIENTATIONS, menage.dispositif)
    dettes = selectors.dettes_du_menage(user, menage)
    logement = next((logement for logement in menage.logements.all() if logement.actuel), None)
    accompagnements = list(accompagnement.accompagnements_du_menage(user, menage))
    chronologie = accompagnement.chronologie(user, menage, orientations=orientations, dettes=dettes)
    journaliser_lectures(
        user, [e.objet for e in chronologie if e.nature == "intervention"], request
    )
    return render(
        request,
        "menages/menage.html",
        {
            "menage": menage,
            "logement": logement,
            "taux_effort": logement.taux_effort(menage.ressources_mensuelles) if logement else None,
            "orientations": [
                (orientation, _form_statut(orientation) if peut_gerer else None)
                for orientation in orientations
            ],
            "dettes": dettes,
            "form_dette": ReleveDetteForm() if dettes is not None else None,
            "plans_apurement": list(menage.plans_apurement.all()) if dettes is not None else None,
            "form_plan_apurement": PlanApurementForm() if dettes is not None else None,
            "accompagnements": accompagnements,
            "peut_ouvrir": permissions.peut(user, Action.ORGANISER, menage.dispositif)
            and not any(a.est_ouvert for a in accompagnements),
            "chronologie": chronologie,
        },
    )


def _form_statut(orientation):
    possibles = services.TRANSITIONS[orientation.statut]
    return StatutOrientationForm(statuts_possibles=possibles) if possibles else None


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
        retour=reverse("menages:menage", args=[orientation.menage.public_id]),
        invalide="Choisissez un statut proposé.",
    )


def _section_dette(menage):
    return reverse("menages:menage", args=[menage.public_id]) + "#dette"


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
    form = FicheOrientationForm(request.POST or None, dispositif=dispositif)
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


def _apres_orientation(user, orientation):
    """La page du ménage si la personne la voit ; sinon le suivi de ses orientations."""
    if selectors.menages_visibles(user).filter(pk=orientation.menage_id).exists():
        return reverse("menages:menage", args=[orientation.menage.public_id])
    return reverse("menages:mes_orientations")


def mes_orientations(request):
    return render(
        request,
        "menages/mes_orientations.html",
        {
            "orientations": selectors.mes_orientations(request.user),
            "peut_orienter": permissions.peut_quelque_part(request.user, Action.ORIENTER),
        },
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
    erreurs = None
    if request.method == "POST" and form.is_valid():
        try:
            rapport = importer_orientations(
                form.cleaned_data["fichier"].read(), dispositif, request.user
            )
        except ImportRefuse as refus:
            erreurs = refus.erreurs
        else:
            messages.success(request, f"Import terminé. {rapport}")
            return redirect("menages:importer_dans", slug=dispositif.slug)
    return render(
        request,
        "menages/importer.html",
        {"form": form, "dispositif": dispositif, "erreurs": erreurs},
    )


def _parametres_sans_page(request):
    parametres = request.GET.copy()
    parametres.pop("page", None)
    return parametres.urlencode()


def _filtres_pour_le_journal(request):
    """Les filtres d'un export, sans le texte cherché : c'est souvent un nom ou une référence."""
    parametres = request.GET.copy()
    parametres.pop("page", None)
    recherche = any(valeur.strip() for valeur in parametres.pop("q", []))
    filtres = [parametres.urlencode()] if parametres else []
    if recherche:
        filtres.append("recherche par nom ou référence")
    return ", ".join(filtres) or "aucun"
