from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from core import permissions
from core.exports import exporter, exporter_pdf
from core.listes import suggestions
from core.models import Membre
from core.permissions import Action
from core.vues import Issue, appliquer, traiter_formulaire, traiter_formulaire_integre

from . import selectors, services
from .enums import TypeComite
from .forms import CorrectionDecisionForm, DecisionForm, PresencesForm, SeanceForm
from .models import Decision, Seance

DEJA_DECIDE = "Ce point est déjà décidé : utilisez « Corriger » pour rectifier la décision."


def _page(seance):
    return reverse("comites:seance", args=[seance.public_id])


def _seance(request, public_id):
    try:
        return selectors.seance_pour(request.user, public_id)
    except Seance.DoesNotExist:
        raise Http404("Séance introuvable.") from None


def accueil(request):
    comites = selectors.comites_visibles(request.user).select_related("dispositif")
    if not comites.exists() and not permissions.peut_quelque_part(
        request.user, Action.ANIMER_COMITE
    ):
        raise PermissionDenied
    animes = set(
        permissions.dispositifs_pour(request.user, Action.ANIMER_COMITE).values_list(
            "pk", flat=True
        )
    )
    # Un formulaire de séance par comité animé, aux identifiants propres à ce comité : les
    # étiquettes et les messages d'aide désignent chacune son champ, jamais celui d'un autre.
    formulaires = [
        (comite, SeanceForm(auto_id=f"id_seance_{comite.public_id.hex}_%s"))
        if comite.dispositif_id in animes
        else (comite, None)
        for comite in comites
    ]
    return render(
        request,
        "comites/accueil.html",
        {
            "comites": formulaires,
            "prochaines": selectors.calendrier(request.user)[:12],
            "passees": selectors.seances_passees(request.user),
        },
    )


@require_POST
def planifier(request, public_id):
    comite = get_object_or_404(selectors.comites_visibles(request.user), public_id=public_id)
    form = SeanceForm(request.POST)
    if not services.peut_animer(request.user, comite):
        raise PermissionDenied
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.planifier_seance(request.user, comite, **form.cleaned_data),
        succes="Séance planifiée ; l'ordre du jour est construit.",
        retour=reverse("comites:accueil"),
        redirection=_page,
        invalide="Indiquez la date et l'heure de la séance.",
    )


def seance(request, public_id):
    """La page de la séance. L'ordre du jour et les archives du comité se lisent par pages
    (`?page=`, `?archives=` : de vrais liens, que htmx charge à la place de la seule liste). Un
    point à décider n'y porte qu'un lien vers son formulaire de décision (chargé à la demande, ou
    sa propre page sans JavaScript) : la page ne rend ni ne lit les listes de personnes des
    équipes, et son nombre de requêtes ne dépend ni du nombre de points ni du nombre de
    décisions."""
    seance = _seance(request, public_id)
    technique = seance.comite.type == TypeComite.TECHNIQUE
    cible = request.htmx.target if request.htmx else None
    contexte = {"seance": seance, "technique": technique}
    # Les points visibles de l'ordre du jour, lus une fois : la page de l'ordre du jour en
    # découle, et les archives écartent les décisions que ces points montrent déjà.
    cles = None
    if technique and cible != "archives":
        cles = selectors.cles_de_l_ordre_du_jour(request.user, seance)
        page = selectors.page_de_l_ordre_du_jour(
            request.user, seance, request.GET.get("page"), cles
        )
        contexte.update(
            page=page,
            resumes=page.object_list,
            liens_pages=_liens(request, page, "page"),
            peut_animer=services.peut_animer(request.user, seance.comite),
            # Un point décidé se lit ; il se corrige par « Corriger », pas par une seconde
            # décision.
            peut_decider=services.peut_decider(
                request.user, seance.comite, siege=seance.personne_siege
            ),
        )
        if cible == "ordre-du-jour":
            return render(request, "comites/_ordre_du_jour.html", contexte)
    if cible != "ordre-du-jour":
        # Au travers des permissions : le COPIL ne lit aucune décision sur un ménage. Les
        # décisions sur un ménage que la personne ne voit plus (la fenêtre de l'ordre du jour
        # est passée) restent lisibles comme archives du comité, sans son nom.
        archives = selectors.page_des_archives(
            request.user, seance, request.GET.get("archives"), cles=cles
        )
        contexte.update(
            archives=archives,
            decisions=archives.object_list,
            liens_archives=_liens(request, archives, "archives"),
            delai_ordre_du_jour=permissions.delai_ordre_du_jour().days,
        )
        if cible == "archives":
            return render(request, "comites/_archives.html", contexte)
    if "peut_animer" not in contexte:
        contexte["peut_animer"] = services.peut_animer(request.user, seance.comite)
    contexte.update(
        peut_exporter=technique and bool(contexte["page"].paginator.count),
        reunion_equipe=seance.comite.type == TypeComite.EQUIPE,
        a_discuter=selectors.page_des_menages_a_discuter(
            request.user, seance, request.GET.get("page")
        )
        if seance.comite.type == TypeComite.EQUIPE
        else None,
        jours_sans_contact=settings.REUNION_EQUIPE_JOURS_SANS_CONTACT,
    )
    return render(request, "comites/seance.html", contexte)


def _liens(request, page, parametre):
    """Les adresses des pages précédente et suivante, les autres paramètres gardés."""

    def adresse(numero):
        parametres = request.GET.copy()
        parametres[parametre] = numero
        return f"?{parametres.urlencode()}"

    return {
        "precedente": adresse(page.previous_page_number()) if page.has_previous() else None,
        "suivante": adresse(page.next_page_number()) if page.has_next() else None,
    }


def _page_du_point(user, seance, point):
    """L'adresse de la séance, à la page de l'ordre du jour qui porte le point, sur ce point."""
    numero = selectors.page_du_point(user, seance, point)
    page = f"?page={numero}" if numero > 1 else ""
    return f"{_page(seance)}{page}#point-{point.public_id}"


@require_http_methods(["GET", "POST"])
def presences(request, public_id):
    """La feuille de présence d'une séance, tenue par qui l'anime.

    GET : le formulaire ; avec htmx, seul le formulaire, posé dans la page de la séance à
    l'ouverture de son volet (la page de la séance ne lit ni les membres ni les structures du
    comité) ; sans JavaScript, une page qui le porte. POST : les présences, puis retour à la
    séance."""
    seance = _seance(request, public_id)
    if not services.peut_animer(request.user, seance.comite):
        raise PermissionDenied
    if request.method == "GET":
        gabarit = "comites/_presences.html" if request.htmx else "comites/presences.html"
        return render(
            request, gabarit, {"seance": seance, "form_presences": PresencesForm(seance=seance)}
        )
    form = PresencesForm(request.POST, seance=seance)
    return traiter_formulaire_integre(
        request,
        form,
        lambda: services.enregistrer_presences(
            request.user,
            seance,
            presents=form.cleaned_data["presents"],
            organisations=form.cleaned_data["organisations"],
        ),
        succes="Présences enregistrées.",
        retour=_page(seance),
        invalide="Les présences ne sont pas enregistrées : cochez des membres.",
    )


@require_POST
def construire(request, public_id):
    seance = _seance(request, public_id)
    if not services.peut_animer(request.user, seance.comite):
        raise PermissionDenied
    return traiter_formulaire_integre(
        request,
        None,
        lambda: services.construire_ordre_du_jour(request.user, seance),
        succes=lambda ajoutes: f"Ordre du jour mis à jour : {ajoutes} point(s) ajouté(s).",
        retour=_page(seance),
    )


def _point_a_decider(request, public_id):
    point = get_object_or_404(selectors.points_a_decider(request.user), public_id=public_id)
    if not services.peut_decider(request.user, point.seance.comite):
        raise PermissionDenied
    return point


@require_GET
def personnes(request, public_id):
    """Les suggestions du référent·e et de l'équipe d'une décision quand le dispositif compte
    trop de personnes pour les lister (`core.forms.choix_ou_recherche`) : pour qui peut décider
    ce point, parmi ce que le formulaire propose."""
    point = _point_a_decider(request, public_id)
    # Chaque liste se nomme elle-même (`accompagnement.forms.liste_de_personnes`).
    return suggestions(request, DecisionForm.personnes_proposees(point))


def decider(request, public_id):
    """La décision sur un point de l'ordre du jour.

    GET : le formulaire ; avec htmx, seul le formulaire, posé dans la page de la séance à la
    place du lien « Enregistrer une décision » ; sans JavaScript, la page de décision du point
    (son résumé et le formulaire). POST : la décision ; avec htmx, le point redessiné (la
    décision, ou le formulaire avec sa saisie et ses erreurs) ; sans JavaScript, retour à la
    séance après un succès, la page de décision avec la saisie après un refus."""
    point = _point_a_decider(request, public_id)

    def retour():
        # La séance, à la page de l'ordre du jour qui porte le point.
        return _page_du_point(request.user, point.seance, point)

    deja_decide = point.deja_decide
    if request.method == "GET":
        if deja_decide:
            messages.info(request, DEJA_DECIDE)
            if request.htmx:
                return HttpResponseClientRedirect(retour())
            return redirect(retour())
        form = DecisionForm(point=point)
        # Le focus va au premier champ quand htmx pose le formulaire dans la page.
        form.fields["type"].widget.attrs["autofocus"] = True
        if request.htmx:
            return render(request, "comites/_decision.html", {"point": point, "form": form})
        return _page_de_decision(request, point, form, erreur=None, retour=retour())
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "POST"])
    if deja_decide:
        # Déjà décidé : la page ne propose plus le formulaire ; un second envoi est refusé.
        form, issue = (
            None,
            Issue(
                reussi=False,
                refus=ValidationError(DEJA_DECIDE),
            ),
        )
    else:
        form = DecisionForm(request.POST, point=point)
        issue = appliquer(
            form,
            lambda: services.decider(
                request.user,
                point,
                form.cleaned_data["type"],
                **{k: v for k, v in form.cleaned_data.items() if k != "type"},
            ),
        )
    if issue.reussi:
        erreur = None
    elif issue.refus is not None:
        erreur = " ".join(issue.refus.messages)
        _signaler_les_champs(form, issue.refus, point)
    else:
        erreur = "La décision n'est pas enregistrée : vérifiez les champs."
    if request.htmx:
        return render(
            request,
            "comites/_point.html",
            {
                "resume": _resume_relu(request.user, point),
                "form": form if erreur else None,
                "erreur": erreur,
                "seance": point.seance,
                "peut_decider": True,
            },
        )
    if erreur and form is not None:
        # Sans JavaScript : la page de décision, avec la saisie et ce qui l'a fait refuser.
        return _page_de_decision(request, point, form, erreur=erreur, retour=retour())
    if erreur:
        messages.error(request, erreur)
    else:
        messages.success(request, "Décision enregistrée.")
    return redirect(retour())


def _resume_relu(user, point):
    """Le résumé du point relu après un envoi : la décision prise a pu ouvrir un accompagnement
    et changer ce que la personne voit de la ligne."""
    return next(iter(selectors.ordre_du_jour(user, point.seance, points=[point.pk])), None)


def _page_de_decision(request, point, form, *, erreur, retour):
    return render(
        request,
        "comites/decision.html",
        {
            "resume": selectors.resume_du_point(point),
            "form": form,
            "erreur": erreur,
            "seance": point.seance,
            "peut_decider": True,
            "page_de_decision": True,
            "retour": retour,
        },
    )


def _signaler_les_champs(form, refus, point):
    """Le refus du service désigne ses champs (motifs, référent·e, motif de clôture) : ils sont
    marqués invalides et décrits par le message, que le résumé des erreurs relie à eux."""
    if form is None:
        return
    for nom in getattr(refus, "error_dict", {}):
        if nom in form.fields:
            form.fields[nom].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": _id_erreur(point)}
            )


def _id_erreur(point):
    return f"erreur-{point.public_id.hex}"


def corriger_decision(request, public_id):
    try:
        decision = selectors.decision_a_corriger(request.user, public_id)
    except Decision.DoesNotExist:
        raise Http404("Décision introuvable.") from None
    if not services.peut_corriger_decision(request.user, decision):
        raise PermissionDenied("Seuls les membres du comité et la coordination corrigent.")
    form = CorrectionDecisionForm(request.POST or None, initial={"motifs": decision.motifs})
    seance = decision.seance
    retour = _page_du_point(request.user, seance, decision.point)
    reponse = traiter_formulaire(
        request,
        form,
        lambda: services.corriger_decision(request.user, decision, **form.cleaned_data),
        succes="Décision corrigée ; la version précédente reste dans son historique.",
        redirection=retour,
    )
    return reponse or render(
        request,
        "comites/corriger_decision.html",
        {"form": form, "decision": decision, "seance": seance, "retour": retour},
    )


def export(request, public_id, format):
    seance = _seance(request, public_id)
    resumes = selectors.ordre_du_jour(request.user, seance)
    if not resumes:
        raise PermissionDenied
    entetes = [
        "Ménage",
        "Référence locataire",
        "Motif d'inscription",
        "Problématiques",
        "Dette (€)",
        "Procédure",
        "Accompagnement",
        "Adhésion",
        "Décisions",
    ]
    lignes = [
        [
            f"{r.point.menage.nom} {r.point.menage.prenom}",
            r.point.menage.reference_locataire,
            r.point.get_nature_display(),
            " | ".join(r.problematiques),
            r.dette,
            r.stade_procedure,
            r.statut_accompagnement,
            r.adhesion,
            " | ".join(f"{d.get_type_display()} : {d.motifs}".strip(" :") for d in r.decisions),
        ]
        for r in resumes
    ]
    return exporter(
        request,
        format,
        entetes,
        lignes,
        nom="ordre-du-jour",
        titre="Ordre du jour",
        quoi="ordre du jour",
        dispositifs=[seance.comite.dispositif],
        objet=seance,
    )


def compte_rendu(request, public_id):
    seance = _seance(request, public_id)
    presents = list(
        seance.presents.prefetch_related(
            Prefetch(
                "adhesions",
                queryset=Membre.objects.filter(dispositif=seance.comite.dispositif_id)
                .exclude(organisation=None)
                .select_related("organisation"),
                to_attr="adhesions_du_dispositif",
            )
        )
    )
    decisions = selectors.decisions_de_la_seance(request.user, seance)
    prochaine = (
        Seance.objects.filter(comite=seance.comite, date__gt=seance.date).order_by("date").first()
    )
    return exporter_pdf(
        request,
        "pdf/compte_rendu.html",
        {
            "seance": seance,
            "presents": presents,
            "decisions": decisions,
            "prochaine": prochaine,
            "editeur": request.user,
        },
        f"compte-rendu-{seance.date:%Y-%m-%d}.pdf",
        quoi="compte rendu de séance",
        dispositif=seance.comite.dispositif,
        objet=seance,
    )
