"""Rapports semestriels et tableau de bord : listes, production, téléchargement, chiffres."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import permissions
from core.models import Dispositif, JournalAudit
from core.permissions import Action, Donnee
from core.services import journaliser

from . import indicateurs, rapports
from .enums import StatutRapport
from .models import RapportSemestriel


def semestres_proposes(aujourd_hui=None, nombre=6):
    """Les derniers semestres terminés ou en cours, du plus récent au plus ancien."""
    aujourd_hui = aujourd_hui or timezone.localdate()
    annee, semestre = aujourd_hui.year, 1 if aujourd_hui.month <= 6 else 2
    resultat = []
    for _ in range(nombre):
        resultat.append(f"{annee}-S{semestre}")
        annee, semestre = (annee, 1) if semestre == 2 else (annee - 1, 2)
    return resultat


def rapports_visibles(user):
    return RapportSemestriel.objects.filter(
        dispositif__in=permissions.dispositifs_ou(user, Donnee.RAPPORT)
    )


def liste(request):
    dispositifs = permissions.dispositifs_ou(request.user, Donnee.RAPPORT).order_by("nom")
    if not dispositifs.exists():
        raise PermissionDenied
    tous = (
        rapports_visibles(request.user)
        .select_related("dispositif")
        .order_by("dispositif__nom", "-annee", "-semestre")
    )
    en_cours = any(r.statut in (StatutRapport.EN_ATTENTE, StatutRapport.EN_COURS) for r in tous)
    contexte = {
        "lignes": [
            (
                dispositif,
                [r for r in tous if r.dispositif_id == dispositif.pk],
                permissions.peut(request.user, Action.DEMANDER_RAPPORT, dispositif),
                permissions.peut_voir(request.user, Donnee.TABLEAU_DE_BORD, dispositif),
            )
            for dispositif in dispositifs
        ],
        "semestres": semestres_proposes(),
        "en_cours": en_cours,
    }
    gabarit = "comites/_rapports.html" if request.htmx else "comites/rapports.html"
    return render(request, gabarit, contexte)


@require_POST
def demander(request, slug):
    dispositif = get_object_or_404(
        permissions.dispositifs_pour(request.user, Action.DEMANDER_RAPPORT), slug=slug
    )
    try:
        annee, semestre = indicateurs.parse_semestre(request.POST.get("semestre", ""))
        _, lance = rapports.demander_rapport(request.user, dispositif, annee, semestre)
    except ValueError as erreur:
        messages.error(request, str(erreur))
    else:
        if lance:
            messages.success(request, "Production du rapport lancée.")
        else:
            messages.info(request, "Ce rapport est déjà en cours de production.")
    return redirect("comites:rapports")


def telecharger(request, public_id, format):
    rapport = get_object_or_404(
        rapports_visibles(request.user).select_related("dispositif"), public_id=public_id
    )
    nom = rapport.fichier_pdf if format == "pdf" else rapport.fichier_xlsx
    if rapport.statut != StatutRapport.PRET or not nom:
        raise Http404("Ce rapport n'est pas prêt.")
    fichier = rapports.chemin(nom)
    if not fichier.exists():
        raise Http404("Le fichier du rapport est introuvable : relancez sa production.")
    journaliser(
        request.user,
        JournalAudit.Action.TELECHARGEMENT_RAPPORT,
        dispositif=rapport.dispositif,
        objet=rapport,
        detail=f"rapport {rapport.libelle_semestre} ({format.upper()})",
        request=request,
    )
    # FileResponse ferme le fichier une fois la réponse envoyée.
    flux = open(fichier, "rb")  # noqa: SIM115
    reponse = FileResponse(flux, as_attachment=format != "pdf", filename=nom)
    reponse["Cache-Control"] = "no-store"
    return reponse


def tableau_de_bord(request, slug):
    try:
        dispositif = permissions.dispositifs_ou(request.user, Donnee.TABLEAU_DE_BORD).get(slug=slug)
    except Dispositif.DoesNotExist:
        raise Http404("Tableau de bord introuvable.") from None
    semestres = semestres_proposes()
    choisi = request.GET.get("semestre") or semestres[0]
    try:
        annee, semestre = indicateurs.parse_semestre(choisi)
    except ValueError as erreur:
        messages.error(request, str(erreur))
        choisi = semestres[0]
        annee, semestre = indicateurs.parse_semestre(choisi)
    chiffres = indicateurs.calculer(dispositif, annee, semestre)
    return render(
        request,
        "comites/tableau_de_bord.html",
        {
            "dispositif": dispositif,
            "chiffres": chiffres,
            "graphiques": rapports.graphiques_du_rapport(chiffres),
            "semestres": semestres,
            "choisi": choisi,
            "definitions": indicateurs.DEFINITIONS,
        },
    )
