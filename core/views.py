from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from . import double_facteur, formulaires_reglages, permissions, reglages, selectors, services
from .filters import FiltresPersonnes
from .forms import ActivationForm, CodeForm
from .listes import page_par_les_cles, parametres_sans_page
from .models import Dispositif, Membre, User
from .notice import notice_information
from .pdf import rendre_pdf, reponse_pdf
from .permissions import Action
from .vues import traiter_formulaire, traiter_formulaire_integre


def dispositifs(request):
    return render(
        request,
        "core/dispositifs.html",
        {"mes_dispositifs": selectors.mes_dispositifs(request.user)},
    )


def dispositif(request, slug):
    try:
        dispositif = selectors.dispositif_pour(request.user, slug)
    except Dispositif.DoesNotExist:
        raise Http404("Dispositif introuvable.") from None
    return render(
        request,
        "core/dispositif.html",
        {
            "dispositif": dispositif,
            "budget": selectors.budget_du_dispositif(request.user, dispositif),
            "equipe": selectors.equipe_du_dispositif(request.user, dispositif),
            "peut_consulter_journal": permissions.peut(
                request.user, Action.CONSULTER_JOURNAL, dispositif
            ),
            "peut_gerer_acces": selectors.coordonne(request.user, dispositif),
            "peut_gerer_membres": permissions.peut(request.user, Action.GERER_MEMBRES, dispositif),
            "peut_regler": permissions.peut(request.user, Action.REGLER_DISPOSITIF, dispositif),
        },
    )


def _notice(request, slug):
    try:
        return notice_information(selectors.dispositif_pour(request.user, slug))
    except Dispositif.DoesNotExist:
        raise Http404("Dispositif introuvable.") from None


def notice(request, slug):
    """La notice d'information du ménage, à lire ou à imprimer (aucune donnée nominative)."""
    return render(request, "core/notice_information.html", {"notice": _notice(request, slug)})


def notice_pdf(request, slug):
    notice = _notice(request, slug)
    contenu = rendre_pdf("pdf/notice_information.html", {"notice": notice})
    return reponse_pdf(contenu, f"notice-information-{notice.dispositif.slug}.pdf")


@login_not_required
@require_GET
def accessibilite(request):
    """La déclaration d'accessibilité (RGAA), publique comme l'exige la loi."""
    return render(request, "core/accessibilite.html")


@login_not_required
@require_GET
@never_cache
def sante(request):
    """Sonde de supervision : répond 200 si la base répond. Ne dit rien d'autre."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


# --- Accès au dispositif (coordination) --------------------------------------------------------


def _dispositif_coordonne(request, slug):
    try:
        return selectors.dispositif_coordonne(request.user, slug)
    except Dispositif.DoesNotExist:
        raise Http404("Dispositif introuvable.") from None


PERSONNES_PAR_PAGE = 50


def acces(request, slug):
    """Adhésions à confirmer et double authentification des personnes, pour la coordination :
    les personnes par pages, avec une recherche et des filtres."""
    dispositif = _dispositif_coordonne(request, slug)
    personnes = selectors.personnes_du_dispositif(dispositif)
    filtres = FiltresPersonnes(request.GET or None, queryset=personnes, dispositif=dispositif)
    page = page_par_les_cles(
        filtres.qs,
        PERSONNES_PAR_PAGE,
        request.GET.get("page"),
        lambda cles: selectors.avec_leurs_adhesions(personnes.filter(pk__in=cles), dispositif),
    )
    return render(
        request,
        "core/acces.html",
        {
            "dispositif": dispositif,
            "a_confirmer": selectors.adhesions_a_confirmer(dispositif),
            "filtres": filtres,
            "page": page,
            "parametres": parametres_sans_page(request),
        },
    )


@require_POST
def confirmer_adhesion(request, slug, public_id):
    dispositif = _dispositif_coordonne(request, slug)
    membre = get_object_or_404(
        Membre.objects.a_confirmer().filter(dispositif=dispositif).select_related("user"),
        public_id=public_id,
    )
    return traiter_formulaire_integre(
        request,
        None,
        lambda: services.confirmer_adhesion(request.user, membre, request=request),
        succes=f"L'adhésion de {membre.user} ({membre.get_role_display()}) est confirmée.",
        retour=reverse("core:acces", args=[dispositif.slug]),
    )


@require_POST
def reinitialiser_facteur(request, slug, public_id):
    dispositif = _dispositif_coordonne(request, slug)
    cible = get_object_or_404(
        User.objects.filter(
            pk__in=Membre.objects.actifs().filter(dispositif=dispositif).values("user_id")
        ),
        public_id=public_id,
    )
    return traiter_formulaire_integre(
        request,
        None,
        lambda: double_facteur.reinitialiser_facteur(request.user, cible, request=request),
        succes=(
            f"La double authentification de {cible} est réinitialisée : à sa prochaine "
            "connexion, cette personne en activera une nouvelle."
        ),
        retour=reverse("core:acces", args=[dispositif.slug]),
    )


# --- Double authentification de la personne ----------------------------------------------------


def _suite(request):
    """Où aller après l'étape : l'adresse demandée si elle est de ce site, sinon l'accueil."""
    suite = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        suite, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return suite
    return reverse(settings.LOGIN_REDIRECT_URL)


def _avec_suite(nom, suite):
    return f"{reverse(nom)}?{urlencode({'next': suite})}"


def _session_verifiee(request, appareil):
    # Nouvelle clé de session au passage du second facteur, comme au mot de passe.
    request.session.cycle_key()
    otp_login(request, appareil)
    request.session.pop(double_facteur.CLE_SESSION, None)


@never_cache
def facteur_etat(request):
    """La double authentification de la personne : activée ou non, codes de secours restants."""
    user = request.user
    actif = double_facteur.a_un_facteur(user)
    return render(
        request,
        "registration/double_facteur.html",
        {
            "actif": actif,
            "exige": double_facteur.facteur_exige(user),
            "restants": double_facteur.codes_de_secours_restants(user) if actif else None,
        },
    )


@never_cache
def facteur_verifier(request):
    """Deuxième étape de la connexion : le code de l'application ou un code de secours."""
    user = request.user
    suite = _suite(request)
    if user.is_verified():
        return redirect(suite)
    if not double_facteur.a_un_facteur(user):
        etape = double_facteur.etape_requise(request)
        return redirect(_avec_suite(etape, suite) if etape else suite)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Pendant l'attente qui suit un échec, même un code juste est refusé : on le dit.
        en_attente = double_facteur.attente_en_cours(user)
        appareil = double_facteur.verifier_code(user, form.cleaned_data["code"], request=request)
        if appareil is not None:
            _session_verifiee(request, appareil)
            if isinstance(appareil, StaticDevice):
                restants = double_facteur.codes_de_secours_restants(user)
                messages.warning(
                    request,
                    f"Code de secours utilisé : il ne servira plus. Il vous en reste {restants}.",
                )
            return redirect(suite)
        if en_attente:
            form.add_error("code", "Trop d'essais : attendez quelques secondes avant de réessayer.")
        else:
            form.add_error("code", "Ce code est incorrect ou a déjà servi.")
    return render(
        request,
        "registration/double_facteur_verifier.html",
        {"form": form, "next": suite, "sans_menu": True},
    )


@never_cache
def facteur_activer(request):
    """Activation : QR code et clé en clair, vérification d'un code, puis codes de secours."""
    user = request.user
    suite = _suite(request)
    if double_facteur.a_un_facteur(user):
        if user.is_verified():
            return redirect("double_facteur")
        return redirect(_avec_suite(double_facteur.VERIFIER, suite))
    appareil = double_facteur.appareil_a_activer(user)
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = double_facteur.activer_facteur(
                user, appareil, form.cleaned_data["code"], request=request
            )
        except ValidationError as refus:
            form.add_error("code", refus)
        else:
            appareil.refresh_from_db()
            _session_verifiee(request, appareil)
            return _codes_de_secours(request, codes, suite, activation=True)
    return render(
        request,
        "registration/double_facteur_activer.html",
        {
            "form": form,
            "next": suite,
            "qr_code": double_facteur.qr_code_svg(appareil),
            "cle": double_facteur.cle_en_clair(appareil),
            "exige": double_facteur.facteur_exige(user),
            # Pendant la connexion, le menu ne mène nulle part : on ne l'affiche pas.
            "sans_menu": not user.is_verified(),
        },
    )


@require_POST
@never_cache
def facteur_codes(request):
    """De nouveaux codes de secours (les anciens ne valent plus rien), montrés une fois."""
    if not request.user.is_verified():
        return redirect(_avec_suite(double_facteur.VERIFIER, reverse("double_facteur")))
    codes = double_facteur.renouveler_codes_de_secours(request.user, request=request)
    return _codes_de_secours(request, codes, reverse("double_facteur"), activation=False)


def _codes_de_secours(request, codes, suite, *, activation):
    # Rendus dans la réponse même, jamais gardés : un rechargement ne les remontre pas.
    return render(
        request,
        "registration/double_facteur_codes.html",
        {"codes": codes, "next": suite, "activation": activation},
    )


def refus(request, exception=None):
    """La page 403 du produit (`handler403`), avec la raison du refus quand le code en donne une
    (les refus du produit sont écrits en français pour la personne qui les lit)."""
    motif = str(exception or "").strip()
    return render(request, "403.html", {"motif": motif}, status=403)


# --- Réglages du programme ----------------------------------------------------------------


def _formulaires_reglages(dispositif, action=None, data=None):
    """Les formulaires de la page ; celui de l'envoi (`action`) lié aux données postées."""
    cibles = dict(dispositif.cibles.values_list("indicateur", "valeur"))

    def lie(nom):
        return data if action == nom else None

    return {
        "reglages": formulaires_reglages.ReglagesForm.pour(dispositif, lie("reglages")),
        "cibles": formulaires_reglages.CiblesForm(lie("cibles"), cibles=cibles, prefix="cibles"),
        "ajouter_ligne": formulaires_reglages.LigneBudgetaireForm(
            lie("ajouter_ligne"), prefix="ligne"
        ),
        "modifier_ligne": formulaires_reglages.ModifierLigneForm(
            lie("modifier_ligne"), dispositif=dispositif
        ),
        "supprimer_ligne": formulaires_reglages.SupprimerLigneForm(
            lie("supprimer_ligne"), dispositif=dispositif
        ),
        "ajouter_territoire": formulaires_reglages.TerritoireForm(
            lie("ajouter_territoire"), prefix="territoire"
        ),
        "renommer_territoire": formulaires_reglages.RenommerTerritoireForm(
            lie("renommer_territoire"), dispositif=dispositif
        ),
        "ajouter_commune": formulaires_reglages.CommuneForm(
            lie("ajouter_commune"), dispositif=dispositif, prefix="commune"
        ),
        "retirer_commune": formulaires_reglages.RetirerCommuneForm(
            lie("retirer_commune"), dispositif=dispositif
        ),
    }


def _service_de_reglage(user, dispositif, action, form):
    """Le service qu'appelle un envoi de la page des réglages."""
    donnees = form.cleaned_data
    services_par_action = {
        "reglages": lambda: reglages.modifier_reglages(user, dispositif, donnees),
        "cibles": lambda: reglages.fixer_cibles(user, dispositif, form.valeurs()),
        "ajouter_ligne": lambda: reglages.ajouter_ligne_budgetaire(user, dispositif, **donnees),
        "modifier_ligne": lambda: reglages.modifier_ligne_budgetaire(
            user, donnees["ligne"], donnees["montant_annuel"]
        ),
        "supprimer_ligne": lambda: reglages.supprimer_ligne_budgetaire(user, donnees["ligne"]),
        "ajouter_territoire": lambda: reglages.ajouter_territoire(user, dispositif, donnees["nom"]),
        "renommer_territoire": lambda: reglages.modifier_territoire(
            user, donnees["territoire"], donnees["nom"], donnees.get("capacite")
        ),
        "ajouter_commune": lambda: reglages.ajouter_commune(
            user, donnees["territoire"], donnees["nom"], donnees["code_postal"]
        ),
        "retirer_commune": lambda: reglages.retirer_commune(user, donnees["commune"]),
    }
    return services_par_action[action]()


MESSAGES_REGLAGES = {
    "reglages": "Réglages enregistrés.",
    "cibles": "Cibles enregistrées.",
    "ajouter_ligne": "Ligne budgétaire ajoutée.",
    "modifier_ligne": "Ligne budgétaire modifiée.",
    "supprimer_ligne": "Ligne budgétaire supprimée.",
    "ajouter_territoire": "Territoire ajouté.",
    "renommer_territoire": "Territoire enregistré.",
    "ajouter_commune": "Commune ajoutée.",
    "retirer_commune": "Commune retirée.",
}


def reglages_du_dispositif(request, slug):
    """Capacité, coûts, financement, budget, territoires et cibles, pour la coordination du
    dispositif (hors coordination territoriale) ; l'historique des changements."""
    dispositif = get_object_or_404(
        permissions.dispositifs_pour(request.user, Action.REGLER_DISPOSITIF), slug=slug
    )
    action = request.POST.get("action") if request.method == "POST" else None
    if request.method == "POST" and action not in MESSAGES_REGLAGES:
        messages.error(request, "Envoi inconnu : rechargez la page.")
        return redirect("core:reglages", slug=dispositif.slug)
    formulaires = _formulaires_reglages(dispositif, action, request.POST or None)
    if action:
        form = formulaires[action]
        reponse = traiter_formulaire(
            request,
            form,
            lambda: _service_de_reglage(request.user, dispositif, action, form),
            succes=MESSAGES_REGLAGES[action],
            redirection=reverse("core:reglages", args=[dispositif.slug]),
        )
        if reponse:
            return reponse
    return render(
        request,
        "core/reglages.html",
        {
            "dispositif": dispositif,
            "formulaires": formulaires,
            "envoi_refuse": action,
            "lignes": dispositif.lignes_budgetaires.order_by("poste", "nature", "libelle"),
            "territoires": dispositif.territoires.prefetch_related("communes"),
            "historique": dispositif.historique_reglages.all()[:50],
        },
        status=200,
    )
