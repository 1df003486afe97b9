from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from accompagnement.forms import nom_et_profession
from core.exports import exporter
from core.listes import page_par_les_cles, parametres_sans_page, suggestions
from core.models import Dispositif, Membre
from core.vues import appliquer, traiter_formulaire, traiter_formulaire_integre

from . import selectors, services
from .filters import FiltresAdhesions
from .forms import (
    AcceptationCompteExistantForm,
    AcceptationForm,
    DepartForm,
    InvitationForm,
    ModificationForm,
    ReaffectationForm,
)
from .models import Invitation


def _dispositif(request, slug):
    try:
        return selectors.dispositif_gere(request.user, slug)
    except Dispositif.DoesNotExist:
        raise Http404("Dispositif introuvable.") from None


def _page_membres(dispositif):
    return reverse("equipes:membres", args=[dispositif.slug])


# Les adhésions se lisent par pages de cette taille (un programme national en compte des
# centaines) ; l'export de la revue des habilitations les donne toutes.
ADHESIONS_PAR_PAGE = 50


def membres(request, slug):
    """Qui tient quel rôle, depuis quand, jusqu'à quand, par pages, avec une recherche et des
    filtres ; les invitations en attente."""
    dispositif = _dispositif(request, slug)
    adhesions = selectors.requete_des_adhesions(dispositif)
    filtres = FiltresAdhesions(request.GET or None, queryset=adhesions)
    page = page_par_les_cles(
        filtres.qs,
        ADHESIONS_PAR_PAGE,
        request.GET.get("page"),
        lambda cles: selectors.avec_leur_etat(adhesions.filter(pk__in=cles)),
    )
    return render(
        request,
        "equipes/membres.html",
        {
            "dispositif": dispositif,
            "filtres": filtres,
            "page": page,
            "parametres": parametres_sans_page(request),
            "invitations": selectors.invitations_du_dispositif(dispositif),
            "conservation_invitations": settings.CONSERVATION_INVITATIONS_JOURS,
        },
    )


ENTETES_EXPORT = [
    "Nom",
    "Prénom",
    "Adresse électronique",
    "Rôle",
    "Profession",
    "Structure",
    "Territoire",
    "Depuis",
    "Jusqu'au",
    "État",
    "Confirmée par",
    "Terminée par",
]


def membres_export(request, slug):
    """La revue annuelle des habilitations (CNIL) : toutes les adhésions, en CSV ou XLSX."""
    dispositif = _dispositif(request, slug)
    format_ = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    lignes = [
        [
            membre.user.last_name,
            membre.user.first_name,
            membre.user.email,
            membre.get_role_display(),
            membre.get_profession_display(),
            membre.organisation.nom if membre.organisation else "",
            membre.territoire.nom if membre.territoire else "",
            membre.date_debut,
            membre.date_fin,
            membre.etat,
            membre.confirmee_par.email if membre.confirmee_par else "",
            membre.terminee_par.email if membre.terminee_par else "",
        ]
        for membre in selectors.adhesions_du_dispositif(dispositif)
    ]
    return exporter(
        request,
        format_,
        ENTETES_EXPORT,
        lignes,
        nom=f"membres-{dispositif.slug}",
        titre="Membres",
        quoi="liste des membres (revue des habilitations)",
        dispositifs=[dispositif],
    )


@never_cache
def inviter(request, slug):
    dispositif = _dispositif(request, slug)
    form = InvitationForm(request.POST or None, dispositif=dispositif)
    if request.method == "POST":
        issue = appliquer(
            form,
            lambda: services.inviter(
                request.user,
                dispositif,
                email=form.cleaned_data["email"],
                prenom=form.cleaned_data["prenom"],
                nom=form.cleaned_data["nom"],
                role=form.cleaned_data["role"],
                profession=form.cleaned_data["profession"],
                organisation=form.cleaned_data["organisation"],
                territoire=form.cleaned_data.get("territoire"),
                request=request,
            ),
        )
        if issue.refus is not None:
            form.add_error(None, issue.refus)
        if issue.reussi:
            invitation, lien = issue.resultat
            return _invitation_envoyee(request, dispositif, invitation, lien)
    return render(
        request,
        "equipes/inviter.html",
        {"dispositif": dispositif, "form": form, "duree": settings.INVITATION_DUREE_JOURS},
    )


def _invitation_envoyee(request, dispositif, invitation, lien):
    # Sans courriel configuré, le lien est rendu dans cette réponse-ci, une seule fois : il n'est
    # gardé nulle part (seule son empreinte l'est), un rechargement ne le remontre pas.
    return render(
        request,
        "equipes/invitation_envoyee.html",
        {
            "dispositif": dispositif,
            "invitation": invitation,
            "lien": None if services.courriel_configure() else lien,
        },
    )


def _invitation(dispositif, public_id):
    return get_object_or_404(
        Invitation.objects.filter(dispositif=dispositif).select_related("dispositif"),
        public_id=public_id,
    )


@require_POST
@never_cache
def renvoyer(request, slug, public_id):
    dispositif = _dispositif(request, slug)
    invitation = _invitation(dispositif, public_id)
    issue = appliquer(None, lambda: services.renvoyer(request.user, invitation, request=request))
    if not issue.reussi:
        messages.error(request, " ".join(issue.refus.messages))
        return redirect(_page_membres(dispositif))
    invitation, lien = issue.resultat
    return _invitation_envoyee(request, dispositif, invitation, lien)


@require_POST
def revoquer(request, slug, public_id):
    dispositif = _dispositif(request, slug)
    invitation = _invitation(dispositif, public_id)
    return traiter_formulaire_integre(
        request,
        None,
        lambda: services.revoquer(request.user, invitation, request=request),
        succes=f"L'invitation de {invitation.email} est révoquée : son lien ne vaut plus rien.",
        retour=_page_membres(dispositif),
    )


def _adhesion(dispositif, public_id):
    return get_object_or_404(
        Membre.objects.filter(dispositif=dispositif).select_related(
            "user", "organisation", "territoire"
        ),
        public_id=public_id,
    )


def modifier(request, slug, public_id):
    dispositif = _dispositif(request, slug)
    membre = _adhesion(dispositif, public_id)
    initial = {
        "role": membre.role,
        "profession": membre.profession,
        "organisation": membre.organisation_id,
        "territoire": membre.territoire_id,
    }
    form = ModificationForm(request.POST or None, initial=initial, dispositif=dispositif)
    reponse = traiter_formulaire(
        request,
        form,
        lambda: services.modifier_adhesion(
            request.user,
            membre,
            role=form.cleaned_data["role"],
            profession=form.cleaned_data["profession"],
            organisation=form.cleaned_data["organisation"],
            territoire=form.cleaned_data.get("territoire"),
            request=request,
        ),
        succes=lambda m: (
            f"L'adhésion de {m.user} est modifiée."
            + (
                " Le rôle de coordinateur attend la confirmation d'un second coordinateur ou de "
                "l'administration technique."
                if m.a_confirmer
                else ""
            )
        ),
        redirection=_page_membres(dispositif),
    )
    return reponse or render(
        request,
        "equipes/modifier.html",
        {"dispositif": dispositif, "membre": membre, "form": form},
    )


def terminer(request, slug, public_id):
    dispositif = _dispositif(request, slug)
    membre = _adhesion(dispositif, public_id)
    form = DepartForm(request.POST or None)
    reponse = traiter_formulaire(
        request,
        form,
        lambda: services.terminer_adhesion(
            request.user, membre, date_fin=form.cleaned_data["date_fin"], request=request
        ),
        succes=lambda resultat: (
            f"Départ de {resultat[0].user} enregistré au {resultat[0].date_fin:%d/%m/%Y} ; "
            f"{resultat[1]} équipe(s) quittée(s). Confiez maintenant ce que cette personne "
            "suivait."
        ),
        redirection=reverse("equipes:a_reaffecter", args=[dispositif.slug]),
    )
    return reponse or render(
        request,
        "equipes/terminer.html",
        {"dispositif": dispositif, "membre": membre, "form": form},
    )


def a_reaffecter(request, slug):
    """Un seul écran : les ménages et les orientations des personnes parties, à confier."""
    dispositif = _dispositif(request, slug)
    lot = selectors.a_reaffecter(request.user, dispositif, request.GET.get("page"))
    form = ReaffectationForm(request.POST if request.method == "POST" else None, a_reaffecter=lot)

    def confier():
        referents, orientations = form.choix()
        return services.reaffecter(
            request.user,
            dispositif,
            referents=referents,
            orientations=orientations,
            request=request,
        )

    reponse = traiter_formulaire(
        request,
        form,
        confier,
        succes=lambda faits: f"{faits} suivi(s) confié(s)." if faits else "Rien n'a changé.",
        # La même page : ses lignes confiées en sortent, les suivantes y montent.
        redirection=request.get_full_path(),
    )
    return reponse or render(
        request,
        "equipes/a_reaffecter.html",
        {
            "dispositif": dispositif,
            "lot": lot,
            "page": lot.page,
            "parametres": parametres_sans_page(request),
            "form": form,
            "lignes_accompagnements": _lignes(form, lot.accompagnements, form.champ_accompagnement),
            "lignes_orientations": _lignes(form, lot.orientations, form.champ_orientation),
            # Au-delà de `LISTE_ENTIERE_JUSQU_A` personnes, chaque ligne se remplit par une
            # recherche (la même pour toutes les lignes d'une sorte).
            "recherche_referents": _recherche_a_qui_confier(dispositif, form, "a"),
            "recherche_suiveurs": _recherche_a_qui_confier(dispositif, form, "o"),
        },
    )


def _lignes(form, objets, champ_de):
    """(objet, champ, options) de chaque ligne de « À réaffecter »."""
    lignes = []
    for objet in objets:
        champ = champ_de(objet)
        lignes.append((objet, champ, form.options(champ)))
    return lignes


def _recherche_a_qui_confier(dispositif, form, sorte):
    if not form.par_recherche(sorte):
        return None
    liste = ReaffectationForm.LISTES[sorte]
    return f"{reverse('equipes:personnes', args=[dispositif.slug])}?liste={liste}"


@require_GET
def personnes(request, slug):
    """Les suggestions de « À réaffecter » quand le dispositif compte trop de personnes pour
    les rendre sur chaque ligne : pour qui gère les membres du dispositif, parmi les personnes
    que la page propose."""
    dispositif = _dispositif(request, slug)
    return suggestions(request, selectors.personnes_a_qui_confier(dispositif), nom_et_profession)


@require_GET
def structures(request, slug):
    """Les suggestions de la structure d'un membre invité ou modifié, quand l'instance en
    compte trop pour les lister ; pour qui gère les membres de ce dispositif."""
    _dispositif(request, slug)
    return suggestions(request, InvitationForm.choix_proposes())


# --- La personne invitée -----------------------------------------------------------------------


@login_not_required
@never_cache
@sensitive_post_parameters("password1", "password2", "mot_de_passe_actuel")
def accepter(request, jeton):
    """Le lien de l'invitation : choisir son mot de passe (ou, pour qui a déjà un compte, donner
    le sien), puis la connexion ; la double authentification suit quand elle est exigée."""
    invitation = services.invitation_par_jeton(jeton)
    if invitation is None:
        return render(
            request,
            "equipes/invitation_invalide.html",
            {"message": services.LIEN_INVALIDE, "sans_menu": True},
            status=404,
        )
    existant = services.compte_existant(invitation)
    if existant is not None:
        form = AcceptationCompteExistantForm(request.POST or None)
    else:
        form = AcceptationForm(request.POST or None, invitation=invitation)
    if request.method == "POST":
        issue = appliquer(
            form,
            lambda: services.accepter(
                jeton,
                mot_de_passe=form.cleaned_data.get("password1", ""),
                prenom=form.cleaned_data.get("prenom", ""),
                nom=form.cleaned_data.get("nom", ""),
                mot_de_passe_actuel=form.cleaned_data.get("mot_de_passe_actuel", ""),
                request=request,
            ),
        )
        if issue.refus is not None:
            form.add_error(None, issue.refus)
        if issue.reussi:
            user, membre = issue.resultat
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            if membre.a_confirmer:
                messages.info(
                    request,
                    "Bienvenue. Votre rôle de coordinateur attend la confirmation d'un second "
                    "coordinateur du dispositif ou de l'administration technique.",
                )
            else:
                messages.success(
                    request,
                    f"Bienvenue dans le dispositif {membre.dispositif.nom}.",
                )
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "equipes/accepter.html",
        {
            "invitation": invitation,
            "form": form,
            "compte_existant": existant is not None,
            "otp_exige": settings.OTP_OBLIGATOIRE,
            "sans_menu": True,
        },
    )
