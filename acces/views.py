"""Les pages du parcours accès : minces, elles lisent au travers de `acces.selectors` (404 hors
de portée) et écrivent au travers de `acces.services` (qui revérifie le droit)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accompagnement import services as accompagnement_services
from core import permissions
from core.listes import page_par_les_cles, parametres_sans_page, suggestions
from core.models import Dispositif
from core.permissions import Action, Donnee
from core.vues import traiter_formulaire, traiter_formulaire_integre
from menages import selectors as selectors_menages
from menages.importation import ImportRefuse

from . import importation, selectors, services
from .enums import ISSUES_FAVORABLES, EtatVacant, ReponseMenage, TypeBail
from .filters import FiltresLogementsVacants
from .forms import (
    AideForm,
    BailForm,
    BesoinsForm,
    DateForm,
    DecisionCALForm,
    ImportLogementsForm,
    LogementVacantForm,
    MutationForm,
    OrganisationAutourForm,
    OuvrirSuiviForm,
    PieceForm,
    ProposerForm,
    ReponseForm,
    RetraitForm,
)
from .models import EtapeRelais, LogementVacant, Proposition

# La liste des logements vacants se lit par pages de cette taille : elle garde chaque logement
# proposé, attribué ou retiré depuis le début du programme.
LOGEMENTS_PAR_PAGE = 50


def _menage(request, public_id):
    return get_object_or_404(
        selectors_menages.menages_visibles(request.user, Donnee.ACCES).select_related("dispositif"),
        public_id=public_id,
    )


def _exiger_ecriture(request, menage):
    if not selectors.peut_ecrire(request.user, menage):
        raise PermissionDenied("Vous ne pouvez pas faire avancer le parcours accès de ce ménage.")


def _proposition(request, public_id, ecrire=False):
    try:
        proposition = selectors.proposition_pour(request.user, public_id)
    except Proposition.DoesNotExist:
        raise Http404("Proposition introuvable.") from None
    if ecrire:
        _exiger_ecriture(request, proposition.menage)
    return proposition


def _page_menage(menage):
    return reverse("acces:menage", args=[menage.public_id])


def _page_proposition(proposition):
    return reverse("acces:proposition", args=[proposition.public_id])


# --- Le ménage : besoins, classement, propositions ---------------------------------------------


def menage(request, public_id):
    menage = _menage(request, public_id)
    user = request.user
    historique = selectors.besoins_du_menage(user, menage)
    besoins = historique[0] if historique else None
    ecrit = selectors.peut_ecrire(user, menage)
    propositions = selectors.propositions_du_menage(user, menage)
    attend = any(
        not hasattr(p, "decision") and p.reponse_menage != ReponseMenage.REFUSEE
        for p in propositions
    )
    classement = selectors.classement_pour(menage, besoins) if ecrit else []
    return render(
        request,
        "acces/menage.html",
        {
            "menage": menage,
            "besoins": besoins,
            "historique": historique[1:],
            "propositions": propositions,
            "classement": classement[:15],
            "nombre_vacants": len(classement),
            "ecrit": ecrit,
            "peut_proposer": ecrit and not attend and not menage.provisoire,
            "aujourd_hui": timezone.localdate(),
            "mutation": MutationForm(menage=menage) if ecrit else None,
            "gere_logements": permissions.peut(user, Action.GERER_LOGEMENTS, menage.dispositif),
            "organisations": list(menage.organisations_autour.select_related("organisation")),
            "mutations": list(
                menage.mutations.select_related("ancien_logement", "nouveau_logement")
            ),
            "form_organisation": OrganisationAutourForm(menage=menage) if ecrit else None,
        },
    )


def besoins(request, public_id):
    menage = _menage(request, public_id)
    _exiger_ecriture(request, menage)
    historique = selectors.besoins_du_menage(request.user, menage)
    form = BesoinsForm(
        request.POST or None,
        menage=menage,
        initial=BesoinsForm.initial_de(historique[0] if historique else None),
    )
    reponse = traiter_formulaire(
        request,
        form,
        lambda: services.enregistrer_besoins(request.user, menage, **form.champs_du_service()),
        succes="Besoins en logement enregistrés.",
        redirection=_page_menage(menage),
    )
    return reponse or render(request, "acces/besoins.html", {"form": form, "menage": menage})


@require_POST
def proposer(request, public_id):
    menage = _menage(request, public_id)
    _exiger_ecriture(request, menage)
    form = ProposerForm(request.POST, dispositif=menage.dispositif)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.proposer_logement(
            request.user,
            menage,
            form.cleaned_data["logement"],
            form.cleaned_data["date_proposition"],
        ),
        succes="Logement proposé : informez le prescripteur, puis recueillez la réponse.",
        retour=_page_menage(menage),
        redirection=_page_proposition,
    )


@require_POST
def mutation(request, public_id):
    menage = _menage(request, public_id)
    _exiger_ecriture(request, menage)
    form = MutationForm(request.POST, menage=menage)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.muter(
            request.user,
            menage,
            logement_vacant=form.cleaned_data["logement"],
            nouvelle_reference=form.cleaned_data["nouvelle_reference"],
            date_mutation=form.cleaned_data["date_mutation"],
        ),
        succes="Mutation enregistrée : l'ancien logement reste dans l'historique.",
        retour=_page_menage(menage),
    )


@require_POST
def organisation(request, public_id):
    menage = _menage(request, public_id)
    _exiger_ecriture(request, menage)
    form = OrganisationAutourForm(request.POST, menage=menage)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.ajouter_organisation(
            request.user,
            menage,
            organisation=form.cleaned_data["organisation"],
            role=form.cleaned_data["role"],
        ),
        succes="Structure ajoutée autour du ménage.",
        retour=_page_menage(menage),
    )


@require_GET
def choix_du_menage(request, public_id):
    """Les suggestions des listes trop longues pour être rendues sur la page du ménage et ses
    besoins (`core.forms.choix_ou_recherche`) : logements vacants de la mutation, structures
    autour du ménage, communes ; pour qui écrit le parcours de ce ménage."""
    menage = _menage(request, public_id)
    _exiger_ecriture(request, menage)
    dispositif = menage.dispositif
    return suggestions(
        request,
        {
            **MutationForm.choix_proposes(dispositif),
            **OrganisationAutourForm.choix_proposes(),
            **BesoinsForm.choix_proposes(dispositif),
        },
    )


# --- La proposition : prescripteur, réponse, dossier, CAL, bail ---------------------------------


def proposition(request, public_id):
    proposition = _proposition(request, public_id)
    menage = proposition.menage
    ecrit = selectors.peut_ecrire(request.user, menage)
    decision = getattr(proposition, "decision", None)
    bail = getattr(proposition, "bail", None)
    formulaires = {}
    if ecrit:
        if decision is None and proposition.reponse_menage != ReponseMenage.REFUSEE:
            formulaires["informer"] = DateForm(prefix="informer")
            formulaires["informer"].fields["date"].label = "Prescripteur informé le"
            # Deux formulaires de la page ont un champ « motif » : chacun ses identifiants.
            formulaires["reponse"] = ReponseForm(auto_id="id_reponse_%s")
            formulaires["decision"] = DecisionCALForm(proposition=proposition, auto_id="id_cal_%s")
        if decision is not None and decision.issue in ISSUES_FAVORABLES and bail is None:
            formulaires["bail"] = BailForm(proposition=proposition)
        if bail is not None and bail.type == TypeBail.GLISSANT:
            formulaires["aide"] = AideForm()
            if bail.glissement_fait_le is None:
                formulaires["glissement"] = DateForm(prefix="glissement")
                formulaires["glissement"].fields["date"].label = "Glissement au ménage fait le"
        if (
            bail is not None
            and not menage.accompagnements.ouverts().exists()
            and accompagnement_services.peut_ouvrir(request.user, menage)
        ):
            formulaires["suivi"] = OuvrirSuiviForm(proposition=proposition)
    aides = {}
    if bail is not None and bail.type == TypeBail.GLISSANT:
        annee = timezone.localdate().year
        aides = {
            "annee": annee,
            "versees": services.aides_versees(menage, annee),
            "plafond": services.PLAFOND_AIDE_BAIL_GLISSANT,
            "ligne": bail.ligne_budgetaire,
            "consommation_ligne": services.consommation_ligne(bail.ligne_budgetaire, annee)
            if bail.ligne_budgetaire
            else None,
        }
    return render(
        request,
        "acces/proposition.html",
        {
            "proposition": proposition,
            "menage": menage,
            "decision": decision,
            "bail": bail,
            "ecrit": ecrit,
            "formulaires": formulaires,
            "aides": aides,
            "aujourd_hui": timezone.localdate(),
        },
    )


def _geste(request, proposition, form, action, succes):
    return traiter_formulaire_integre(
        request, form, action, succes=succes, retour=_page_proposition(proposition)
    )


@require_POST
def informer_prescripteur(request, public_id):
    proposition = _proposition(request, public_id, ecrire=True)
    form = DateForm(request.POST, prefix="informer")
    return _geste(
        request,
        proposition,
        form,
        lambda: services.informer_prescripteur(
            request.user, proposition, form.cleaned_data["date"]
        ),
        "Information du prescripteur notée.",
    )


@require_POST
def reponse(request, public_id):
    proposition = _proposition(request, public_id, ecrire=True)
    form = ReponseForm(request.POST)
    return _geste(
        request,
        proposition,
        form,
        lambda: services.enregistrer_reponse(
            request.user,
            proposition,
            reponse=form.cleaned_data["reponse"],
            date_reponse=form.cleaned_data["date_reponse"],
            visite_le=form.cleaned_data["visite_le"],
            motif=form.cleaned_data["motif"],
        ),
        "Réponse du ménage enregistrée.",
    )


@require_POST
def piece(request, public_id, ordre):
    proposition = _proposition(request, public_id, ecrire=True)
    piece = get_object_or_404(proposition.pieces.all(), ordre=ordre)
    form = PieceForm(request.POST)
    return _geste(
        request,
        proposition,
        form,
        lambda: services.noter_piece(request.user, piece, form.cleaned_data["recue_le"]),
        "Pièce du dossier notée.",
    )


@require_POST
def decision(request, public_id):
    proposition = _proposition(request, public_id, ecrire=True)
    form = DecisionCALForm(request.POST, proposition=proposition)
    return _geste(
        request,
        proposition,
        form,
        lambda: services.decider_cal(
            request.user,
            proposition,
            date_seance=form.cleaned_data["date_seance"],
            bailleur=form.cleaned_data["bailleur"],
            issue=form.cleaned_data["issue"],
            motif=form.cleaned_data["motif"],
            explication=form.cleaned_data["explication"],
        ),
        "Décision de la CAL enregistrée.",
    )


@require_POST
def bail(request, public_id):
    proposition = _proposition(request, public_id, ecrire=True)
    form = BailForm(request.POST, proposition=proposition)
    return _geste(
        request,
        proposition,
        form,
        lambda: services.signer_bail(
            request.user,
            proposition,
            date_signature=form.cleaned_data["date_signature"],
            type_bail=form.cleaned_data["type_bail"],
            reference_locataire=form.cleaned_data["reference_locataire"],
            association_preneuse=form.cleaned_data["association_preneuse"],
            glissement_prevu_le=form.cleaned_data["glissement_prevu_le"],
            referent_bailleur=form.cleaned_data["referent_bailleur"],
            ligne_budgetaire=form.cleaned_data["ligne_budgetaire"],
        ),
        "Bail enregistré : le relais du lien est planifié sur un an.",
    )


def _bail(proposition):
    bail = getattr(proposition, "bail", None)
    if bail is None:
        raise Http404("Aucun bail pour cette proposition.")
    return bail


@require_POST
def glissement(request, public_id):
    proposition = _proposition(request, public_id, ecrire=True)
    bail = _bail(proposition)
    form = DateForm(request.POST, prefix="glissement")
    return _geste(
        request,
        proposition,
        form,
        lambda: services.constater_glissement(request.user, bail, form.cleaned_data["date"]),
        "Glissement du bail noté : le ménage est locataire en titre.",
    )


@require_POST
def aide(request, public_id):
    proposition = _proposition(request, public_id, ecrire=True)
    bail = _bail(proposition)
    form = AideForm(request.POST)
    return _geste(
        request,
        proposition,
        form,
        lambda: services.verser_aide_bail_glissant(
            request.user,
            bail,
            date_versement=form.cleaned_data["date_versement"],
            montant=form.cleaned_data["montant"],
        ),
        "Versement de l'aide bail glissant noté.",
    )


@require_GET
def personnes(request, public_id):
    """Les suggestions du travailleur social qui ouvrira le suivi après le bail, quand le
    dispositif en compte trop pour les lister (`core.forms.choix_ou_recherche`) : pour qui
    écrit le parcours de ce ménage et peut y ouvrir un accompagnement."""
    proposition = _proposition(request, public_id, ecrire=True)
    if not accompagnement_services.peut_ouvrir(request.user, proposition.menage):
        raise PermissionDenied
    return suggestions(request, OuvrirSuiviForm.personnes_proposees(proposition.menage.dispositif))


@require_GET
def choix_de_la_proposition(request, public_id):
    """Les suggestions des listes trop longues de la décision de la CAL et du bail (bailleurs,
    associations preneuses, référents du bailleur) ; pour qui écrit le parcours du ménage."""
    proposition = _proposition(request, public_id, ecrire=True)
    return suggestions(
        request,
        {
            **DecisionCALForm.choix_proposes(),
            **BailForm.choix_proposes(proposition.menage.dispositif),
        },
    )


@require_POST
def ouvrir_suivi(request, public_id):
    proposition = _proposition(request, public_id, ecrire=True)
    bail = _bail(proposition)
    form = OuvrirSuiviForm(request.POST, proposition=proposition)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.ouvrir_suivi_apres_bail(
            request.user,
            bail,
            travailleur_social=form.cleaned_data["travailleur_social"],
            date_debut=form.cleaned_data["date_debut"],
        ),
        succes="Accompagnement ouvert avec le travailleur social et le référent du bailleur.",
        retour=_page_proposition(proposition),
        redirection=lambda accompagnement: reverse(
            "accompagnement:detail", args=[accompagnement.public_id]
        ),
    )


@require_POST
def etape(request, public_id):
    etape = get_object_or_404(EtapeRelais.objects.select_related("bail"), public_id=public_id)
    proposition = _proposition(request, etape.bail.proposition.public_id, ecrire=True)
    form = DateForm(request.POST, prefix=f"etape-{etape.pk}")
    return _geste(
        request,
        proposition,
        form,
        lambda: services.faire_etape(request.user, etape, form.cleaned_data["date"]),
        "Étape du relais notée.",
    )


# --- Les logements vacants du dispositif -------------------------------------------------------


def _dispositif_des_logements(request, slug):
    dispositif = get_object_or_404(Dispositif, slug=slug)
    if not permissions.peut(request.user, Action.GERER_LOGEMENTS, dispositif):
        raise Http404("Dispositif introuvable.")
    return dispositif


@require_GET
def logements_choix(request):
    """Les logements vacants, depuis la barre : le dispositif de la personne, ou le choix."""
    dispositifs = permissions.dispositifs_pour(request.user, Action.GERER_LOGEMENTS)
    if not dispositifs.exists():
        raise PermissionDenied
    if dispositifs.count() == 1:
        return logements(request, dispositifs.get().slug)
    return render(
        request,
        "menages/choisir_dispositif.html",
        {"dispositifs": dispositifs, "url_name": "acces:logements"},
    )


def logements(request, slug):
    """Les logements vacants du dispositif, par pages, avec une recherche et des filtres.

    Le formulaire de saisie se charge à l'ouverture de son volet (`saisir_logement`) et
    s'envoie ici : la liste ne lit pas les secteurs du dispositif et ne rend pas ses seize
    champs à chaque affichage. Un envoi refusé rend la liste avec le volet ouvert, la saisie
    gardée et ses erreurs."""
    dispositif = _dispositif_des_logements(request, slug)
    form = (
        LogementVacantForm(request.POST, dispositif=dispositif)
        if request.method == "POST"
        else None
    )
    reponse = traiter_formulaire(
        request,
        form,
        lambda: services.saisir_logement_vacant(request.user, dispositif, **form.cleaned_data),
        succes=lambda logement: f"Logement {logement.reference} enregistré.",
        redirection=request.path,
    )
    vacants = selectors.vacants_du_dispositif(dispositif, etats=list(EtatVacant))
    filtres = FiltresLogementsVacants(request.GET or None, queryset=vacants)
    page = page_par_les_cles(filtres.qs, LOGEMENTS_PAR_PAGE, request.GET.get("page"))
    return reponse or render(
        request,
        "acces/logements.html",
        {
            "dispositif": dispositif,
            "form": form,
            "filtres": filtres,
            "page": page,
            "parametres": parametres_sans_page(request),
        },
    )


@require_GET
def saisir_logement(request, slug):
    """Le formulaire de saisie d'un logement vacant : avec htmx, seul le formulaire, posé dans
    la liste à l'ouverture de son volet ; sans JavaScript, une page qui le porte. Il s'envoie
    à la liste (`logements`)."""
    dispositif = _dispositif_des_logements(request, slug)
    gabarit = "acces/_saisir_logement.html" if request.htmx else "acces/saisir_logement.html"
    return render(
        request,
        gabarit,
        {"dispositif": dispositif, "form": LogementVacantForm(dispositif=dispositif)},
    )


def importer(request, slug):
    dispositif = _dispositif_des_logements(request, slug)
    form = ImportLogementsForm(request.POST or None, request.FILES or None)
    refus = None
    if request.method == "POST" and form.is_valid():
        try:
            rapport = importation.importer_logements(
                form.cleaned_data["fichier"].read(), dispositif, request.user, request=request
            )
        except ImportRefuse as erreur:
            refus = erreur
        else:
            messages.success(request, f"Import terminé : {rapport}")
            return redirect("acces:logements", slug=dispositif.slug)
    return render(
        request,
        "acces/importer.html",
        {"dispositif": dispositif, "form": form, "refus": refus},
    )


def _logement_vacant(request, public_id):
    try:
        return selectors.logement_vacant_pour(request.user, public_id)
    except LogementVacant.DoesNotExist:
        raise Http404("Logement introuvable.") from None


def _page_logement(logement):
    return reverse("acces:logement_vacant", args=[logement.public_id])


@require_GET
def logement_vacant(request, public_id):
    """Un logement vacant : ses caractéristiques et son historique (propositions, CAL,
    retraits de l'offre et remises)."""
    logement = _logement_vacant(request, public_id)
    return render(
        request,
        "acces/logement.html",
        {
            "logement": logement,
            "historique": selectors.historique_du_logement(logement),
            "peut_retirer": logement.etat == EtatVacant.DISPONIBLE,
            "peut_remettre": logement.etat == EtatVacant.RETIRE,
        },
    )


def retirer(request, public_id):
    logement = _logement_vacant(request, public_id)
    form = RetraitForm(request.POST or None)
    reponse = traiter_formulaire(
        request,
        form,
        lambda: services.retirer_logement_vacant(
            request.user,
            logement,
            motif=form.cleaned_data["motif"],
            precision=form.cleaned_data["precision"],
            date_retrait=form.cleaned_data["date_retrait"],
        ),
        succes=f"Logement {logement.reference} retiré de l'offre.",
        redirection=_page_logement(logement),
    )
    return reponse or render(request, "acces/retirer.html", {"form": form, "logement": logement})


@require_POST
def remettre(request, public_id):
    logement = _logement_vacant(request, public_id)
    return traiter_formulaire_integre(
        request,
        None,
        lambda: services.remettre_logement_vacant(request.user, logement),
        succes=f"Logement {logement.reference} remis dans l'offre.",
        retour=_page_logement(logement),
    )
