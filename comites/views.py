from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accompagnement.forms import personnes_de_l_equipe
from core import permissions
from core.exports import exporter, exporter_pdf
from core.models import Membre
from core.permissions import Action
from core.vues import Issue, appliquer, traiter_formulaire, traiter_formulaire_integre

from . import selectors, services
from .enums import TypeComite
from .forms import CorrectionDecisionForm, DecisionForm, PresencesForm, SeanceForm
from .models import Decision, Seance


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
    return render(
        request,
        "comites/accueil.html",
        {
            "comites": comites,
            "prochaines": selectors.calendrier(request.user)[:12],
            "passees": selectors.seances_passees(request.user),
            "form_seance": SeanceForm(),
            "dispositifs_animes": set(
                permissions.dispositifs_pour(request.user, Action.ANIMER_COMITE).values_list(
                    "pk", flat=True
                )
            ),
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
    seance = _seance(request, public_id)
    resumes = selectors.ordre_du_jour(request.user, seance)
    peut_decider = services.peut_decider(request.user, seance.comite)
    a_decider = peut_decider and any(not resume.decisions for resume in resumes)
    personnes = list(personnes_de_l_equipe(seance.comite.dispositif)) if a_decider else []
    return render(
        request,
        "comites/seance.html",
        {
            "seance": seance,
            "resumes": [
                (
                    resume,
                    # Un point décidé se lit ; il se corrige par « Corriger », pas par une
                    # seconde décision.
                    DecisionForm(point=resume.point, personnes=personnes)
                    if peut_decider and not resume.decisions
                    else None,
                )
                for resume in resumes
            ],
            "peut_animer": services.peut_animer(request.user, seance.comite),
            "peut_decider": peut_decider,
            "form_presences": PresencesForm(seance=seance)
            if services.peut_animer(request.user, seance.comite)
            else None,
            "peut_exporter": bool(resumes),
            "technique": seance.comite.type == TypeComite.TECHNIQUE,
            "reunion_equipe": seance.comite.type == TypeComite.EQUIPE,
            "a_discuter": selectors.menages_a_discuter(request.user, seance)
            if seance.comite.type == TypeComite.EQUIPE
            else [],
            "jours_sans_contact": settings.REUNION_EQUIPE_JOURS_SANS_CONTACT,
            # Au travers des permissions : le COPIL ne lit aucune décision sur un ménage. Les
            # décisions sur un ménage que la personne ne voit plus (la fenêtre de l'ordre du
            # jour est passée) restent lisibles comme archives du comité, sans son nom.
            "decisions": _archives(request.user, seance, resumes),
            "delai_ordre_du_jour": permissions.delai_ordre_du_jour().days,
        },
    )


def _archives(user, seance, resumes):
    decisions = selectors.decisions_de_la_seance(user, seance)
    if seance.comite.type != TypeComite.TECHNIQUE:
        return decisions
    montrees = {resume.point.menage_id for resume in resumes}
    return [d for d in decisions if d.menage is None or d.menage.pk not in montrees]


@require_POST
def presences(request, public_id):
    seance = _seance(request, public_id)
    if not services.peut_animer(request.user, seance.comite):
        raise PermissionDenied
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


@require_POST
def decider(request, public_id):
    point = get_object_or_404(
        selectors.points_visibles(request.user)
        .filter(seance__in=selectors.seances_visibles(request.user))
        .select_related("seance__comite__dispositif", "menage", "orientation", "accompagnement"),
        public_id=public_id,
    )
    if not services.peut_decider(request.user, point.seance.comite):
        raise PermissionDenied
    if point.decisions.exists():
        # Déjà décidé : la page ne propose plus le formulaire ; un second envoi est refusé.
        form, issue = (
            None,
            Issue(
                reussi=False,
                refus=ValidationError(
                    "Ce point est déjà décidé : utilisez « Corriger » pour rectifier la décision."
                ),
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
    else:
        erreur = "La décision n'est pas enregistrée : vérifiez les champs."
    resume = next(
        (r for r in selectors.ordre_du_jour(request.user, point.seance) if r.point.pk == point.pk),
        None,
    )
    contexte = {
        "resume": resume,
        "form": form if erreur else None,
        "erreur": erreur,
        "seance": point.seance,
        "peut_decider": True,
    }
    if request.htmx:
        return render(request, "comites/_point.html", contexte)
    if erreur:
        messages.error(request, erreur)
    else:
        messages.success(request, "Décision enregistrée.")
    return redirect("comites:seance", public_id=point.seance.public_id)


def corriger_decision(request, public_id):
    try:
        decision = selectors.decision_a_corriger(request.user, public_id)
    except Decision.DoesNotExist:
        raise Http404("Décision introuvable.") from None
    if not services.peut_corriger_decision(request.user, decision):
        raise PermissionDenied("Seuls les membres du comité et la coordination corrigent.")
    form = CorrectionDecisionForm(request.POST or None, initial={"motifs": decision.motifs})
    seance = decision.seance
    reponse = traiter_formulaire(
        request,
        form,
        lambda: services.corriger_decision(request.user, decision, **form.cleaned_data),
        succes="Décision corrigée ; la version précédente reste dans son historique.",
        redirection=_page(seance) + f"#point-{decision.point.public_id}",
    )
    return reponse or render(
        request,
        "comites/corriger_decision.html",
        {"form": form, "decision": decision, "seance": seance},
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
