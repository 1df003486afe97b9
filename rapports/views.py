"""Rapports semestriels et tableau de bord : listes, production, téléchargement, chiffres."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core import permissions
from core.exports import exporter_en_flux
from core.models import Dispositif, JournalAudit
from core.permissions import Action, Donnee
from core.services import journaliser

from . import chiffres_servis, documents, graphiques, indicateurs, national, pilotage, services
from . import extraits as extraits_pseudonymises
from .enums import StatutRapport
from .models import RapportNational
from .selectors import rapports_visibles


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
        "semestres": indicateurs.semestres_proposes(),
        "en_cours": en_cours,
    }
    gabarit = "rapports/_rapports.html" if request.htmx else "rapports/rapports.html"
    return render(request, gabarit, contexte)


@require_POST
def demander(request, slug):
    dispositif = get_object_or_404(
        permissions.dispositifs_pour(request.user, Action.DEMANDER_RAPPORT), slug=slug
    )
    try:
        annee, semestre = indicateurs.parse_semestre(request.POST.get("semestre", ""))
        _, lance = services.demander_rapport(request.user, dispositif, annee, semestre)
    except ValueError as erreur:
        messages.error(request, str(erreur))
    else:
        if lance:
            messages.success(request, "Production du rapport lancée.")
        else:
            messages.info(request, "Ce rapport est déjà en cours de production.")
    return redirect("rapports:liste")


def telecharger(request, public_id, format):
    rapport = get_object_or_404(
        rapports_visibles(request.user).select_related("dispositif"), public_id=public_id
    )
    return _servir(request, rapport, format, f"rapport {rapport.libelle_semestre}")


def _servir(request, rapport, format, libelle):
    """Le fichier d'un rapport prêt (semestriel ou national), lu dans le stockage privé, après
    l'écriture du téléchargement au journal d'audit ; jamais mis en cache."""
    nom = rapport.fichier_pdf if format == "pdf" else rapport.fichier_xlsx
    if rapport.statut != StatutRapport.PRET or not nom:
        raise Http404("Ce rapport n'est pas prêt.")
    if not documents.existe(nom):
        raise Http404("Le fichier du rapport est introuvable : relancez sa production.")
    journaliser(
        request.user,
        JournalAudit.Action.TELECHARGEMENT_RAPPORT,
        dispositif=getattr(rapport, "dispositif", None),
        objet=rapport,
        detail=f"{libelle} ({format.upper()})",
        request=request,
    )
    # FileResponse ferme le fichier une fois la réponse envoyée.
    reponse = FileResponse(documents.ouvrir(nom), as_attachment=format != "pdf", filename=nom)
    reponse["Cache-Control"] = "no-store"
    return reponse


def tableau_de_bord(request, slug):
    try:
        # Le financeur national voit aussi le tableau de bord de chaque dispositif (agrégé).
        dispositif = (
            permissions.dispositifs_ou(request.user, Donnee.TABLEAU_DE_BORD)
            | permissions.dispositifs_nationaux(request.user)
        ).get(slug=slug)
    except Dispositif.DoesNotExist:
        raise Http404("Tableau de bord introuvable.") from None
    semestres = indicateurs.semestres_proposes()
    choisi = request.GET.get("semestre") or semestres[0]
    try:
        annee, semestre = indicateurs.parse_semestre(choisi)
    except ValueError as erreur:
        messages.error(request, str(erreur))
        choisi = semestres[0]
        annee, semestre = indicateurs.parse_semestre(choisi)
    # Les droits sont décidés plus haut (le dispositif vu) : les chiffres, stockés ou en cache,
    # ne se lisent qu'après.
    servis = chiffres_servis.du_tableau_de_bord(dispositif, annee, semestre)
    chiffres = servis.chiffres
    return render(
        request,
        "rapports/tableau_de_bord.html",
        {
            "dispositif": dispositif,
            "provenance": servis.provenance,
            "graphiques": graphiques.graphiques_du_rapport(chiffres),
            **pilotage.contexte(
                chiffres, pilotage.semestres_precedents(dispositif, annee, semestre)
            ),
            "peut_regler": permissions.peut(request.user, Action.REGLER_DISPOSITIF, dispositif),
            "semestres": semestres,
            "choisi": choisi,
            # Sur la page même : le financeur national lit le tableau de bord sans les rapports.
            "definitions": documents.definitions_par_section(),
            "voit_les_rapports": permissions.peut_voir(request.user, Donnee.RAPPORT, dispositif),
        },
    )


# --- Extraits pseudonymisés pour l'évaluation ------------------------------------------------


def extraits(request):
    """La page « Extraits pour l'évaluation » : les fichiers de chaque dispositif et leur
    dictionnaire des variables."""
    dispositifs = permissions.dispositifs_ou(request.user, Donnee.EXTRAIT_PSEUDONYMISE).order_by(
        "nom"
    )
    if not dispositifs.exists():
        raise PermissionDenied
    return render(
        request,
        "rapports/extraits.html",
        {"dispositifs": dispositifs, "extraits": list(extraits_pseudonymises.EXTRAITS.values())},
    )


def extrait(request, slug, cle, format):
    try:
        dispositif = permissions.dispositifs_ou(request.user, Donnee.EXTRAIT_PSEUDONYMISE).get(
            slug=slug
        )
    except Dispositif.DoesNotExist:
        raise Http404("Extrait introuvable.") from None
    definition = extraits_pseudonymises.EXTRAITS.get(cle)
    if definition is None:
        raise Http404("Extrait introuvable.")
    nombre, lignes = extraits_pseudonymises.extraire(definition, request.user, dispositif)
    return exporter_en_flux(
        request,
        format,
        definition.entetes,
        lignes,
        nombre=nombre,
        nom=f"evaluation-{dispositif.slug}-{definition.cle}",
        titre=definition.titre,
        quoi=f"extrait pseudonymisé « {definition.titre} »",
        dispositifs=[dispositif],
    )


# --- Vue nationale (financeur) ------------------------------------------------------------------


def _exiger_habilitation_nationale(user):
    if not permissions.habilite_national(user):
        raise PermissionDenied


def vue_nationale(request):
    """Chaque dispositif côte à côte et l'ensemble consolidé, pour un semestre ; les rapports
    consolidés produits. Aucun nom, aucune ligne."""
    _exiger_habilitation_nationale(request.user)
    semestres = indicateurs.semestres_proposes()
    choisi = request.GET.get("semestre") or semestres[0]
    try:
        annee, semestre = indicateurs.parse_semestre(choisi)
    except ValueError as erreur:
        messages.error(request, str(erreur))
        choisi = semestres[0]
        annee, semestre = indicateurs.parse_semestre(choisi)
    servis = chiffres_servis.de_la_vue_nationale(annee, semestre)
    chiffres = servis.chiffres
    return render(
        request,
        "rapports/national.html",
        {
            "provenance": servis.provenance,
            "chiffres": chiffres["ensemble"],
            "dispositifs": chiffres["dispositifs"],
            "cote_a_cote": national.tableau_affiche(chiffres),
            "graphiques": graphiques.graphiques_du_rapport(chiffres["ensemble"]),
            "semestres": semestres,
            "choisi": choisi,
            "rapports": RapportNational.objects.all(),
        },
    )


@require_POST
def demander_national(request):
    _exiger_habilitation_nationale(request.user)
    try:
        annee, semestre = indicateurs.parse_semestre(request.POST.get("semestre", ""))
        _, lance = services.demander_rapport_national(request.user, annee, semestre)
    except ValueError as erreur:
        messages.error(request, str(erreur))
    else:
        if lance:
            messages.success(request, "Production du rapport consolidé lancée.")
        else:
            messages.info(request, "Ce rapport consolidé est déjà en cours de production.")
    return redirect("rapports:national")


def telecharger_national(request, public_id, format):
    _exiger_habilitation_nationale(request.user)
    rapport = get_object_or_404(RapportNational, public_id=public_id)
    return _servir(request, rapport, format, f"rapport national {rapport.libelle_semestre}")
