from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from acces import selectors as selectors_acces
from accompagnement import selectors as selectors_accompagnement
from accompagnement.forms import InformationPartageForm
from accompagnement.services import (
    journaliser_lectures,
    peut_enregistrer_information,
    peut_ouvrir,
)
from comites import selectors as selectors_comites
from core import permissions
from core import selectors as selectors_core
from core import services as services_core
from core.enums import ROLES_TERRAIN, Role
from core.exports import exporter_en_flux
from core.listes import (
    PaginatorBorne,
    les_premieres,
    numero_de_page,
    page_par_les_cles,
    parametres_sans_page,
    premiers,
    suggestions,
)
from core.models import Dispositif
from core.navigation import voit_la_file_active
from core.permissions import Action, Donnee
from menages import selectors as selectors_menages
from menages import services as menage_services
from menages.forms import (
    CompleterDetteForm,
    PlanApurementForm,
    ReleveDetteForm,
    StatutOrientationForm,
)
from menages.models import Menage

from . import exports, filters, selectors
from .filters import FiltresFileActive, FiltresJournal

PAR_PAGE = 25
ORIENTATIONS_ACCUEIL = 15
# « Mes ménages » sur l'accueil : les premiers par dispositif et par nom ; la file active les
# retrouve tous. Une charge de terrain en compte 30 à 40.
MENAGES_ACCUEIL = 50
# Un statut d'orientation changé depuis moins de ce nombre de jours est signalé à l'agent.
STATUT_RECENT_JOURS = 15
LIGNES_DU_JOURNAL_PAR_PAGE = 50
# Le journal d'un programme national compte des millions de lignes : on parcourt les 10 000 plus
# récentes de ce que les filtres retiennent (200 pages), et la période ou la personne choisies
# retrouvent les plus anciennes. Le décompte ne lit jamais plus que ces lignes-là.
LIGNES_DU_JOURNAL_PARCOURUES = 10_000


def accueil(request):
    """Ce qui est à faire pour la personne, selon ses rôles : ses bilans et ses ménages (équipes,
    coordination), les orientations en attente depuis trop longtemps (coordination), ses
    orientations et leurs statuts (agent du bailleur), les étapes du relais du lien à faire ou en
    retard (parcours accès), ses prochaines séances et leur ordre du
    jour (membre d'un comité)."""
    user = request.user
    mes_dispositifs = selectors_core.mes_dispositifs(user)
    mes_accompagnements, autres_menages = premiers(
        selectors_accompagnement.mes_accompagnements(user), MENAGES_ACCUEIL
    )
    return render(
        request,
        "ecrans/accueil.html",
        {
            "mes_dispositifs": mes_dispositifs,
            "echeances": les_premieres(selectors_accompagnement.echeances(user), 30),
            # Le relais du lien n'existe que dans un programme qui offre le parcours accès.
            "etapes_du_relais": les_premieres(selectors_acces.etapes_du_relais_a_faire(user), 30)
            if any(le_mien.dispositif.parcours_acces for le_mien in mes_dispositifs)
            else [],
            "mes_accompagnements": mes_accompagnements,
            "autres_menages": autres_menages,
            "attentes_longues": list(selectors_menages.orientations_en_attente_anciennes(user)[:20])
            if permissions.a_le_role(user, Role.COORDINATEUR)
            else [],
            "delai_attente": settings.DELAI_ORIENTATION_EN_ATTENTE_JOURS,
            "mes_orientations": list(
                selectors_menages.mes_orientations(user)[:ORIENTATIONS_ACCUEIL]
            )
            if permissions.a_le_role(user, Role.AGENT_BAILLEUR)
            else [],
            "mes_seances": selectors_comites.mes_seances_a_venir(user)
            if permissions.a_le_role(user, Role.MEMBRE_COTECH, Role.MEMBRE_COPIL, *ROLES_TERRAIN)
            else [],
            "decisions_prescripteur": _decisions_pour_le_prescripteur(user),
            "decisions_cal_prescripteur": list(
                selectors_acces.decisions_cal_pour_mes_structures(user)
            )
            if permissions.a_le_role(user, Role.PRESCRIPTEUR)
            else [],
            "aujourd_hui": timezone.localdate(),
            "recemment": timezone.localdate() - timedelta(days=STATUT_RECENT_JOURS),
        },
    )


def _decisions_pour_le_prescripteur(user):
    """Les décisions sur les orientations de la structure du prescripteur ; celles arrivées
    depuis sa visite précédente sont signalées « nouveau », puis notées lues."""
    if not permissions.a_le_role(user, Role.PRESCRIPTEUR):
        return []
    vues_le = services_core.marquer_decisions_vues(user)
    return selectors.decisions_pour_le_prescripteur(user, vues_le)


def _filtres(request):
    filtres = FiltresFileActive(
        request.GET or None, queryset=selectors.file_active(request.user), user=request.user
    )
    return filtres, selectors.dans_l_ordre(filtres.qs)


def file_active(request):
    if not permissions.ids_des_dispositifs_ou(request.user, Donnee.IDENTITE):
        raise PermissionDenied
    filtres, menages = _filtres(request)
    # On pagine les clés seules, puis on lit la page entière : le décompte et les lignes sautées
    # d'une page profonde ne calculent pas la situation du jour de chaque ménage.
    page = page_par_les_cles(
        menages,
        PAR_PAGE,
        request.GET.get("page"),
        lambda ids: selectors.lignes_de_la_file_active(request.user, ids),
    )
    contexte = {
        "filtres": filtres,
        "page": page,
        "parametres": parametres_sans_page(request),
        "peut_exporter": permissions.peut_quelque_part(request.user, Action.EXPORTER),
    }
    gabarit = "ecrans/_resultats.html" if request.htmx else "ecrans/file_active.html"
    return render(request, gabarit, contexte)


@require_GET
def referents(request):
    """Les suggestions du filtre « Référent·e » de la file active, quand la liste est trop
    longue pour être rendue : parmi les référent·es que ce filtre propose à la personne."""
    if not permissions.ids_des_dispositifs_ou(request.user, Donnee.IDENTITE):
        raise PermissionDenied
    return suggestions(
        request, {"referent": selectors.referents_proposes(request.user)}, filters.nom_du_referent
    )


def export_file_active(request, format):
    if not permissions.peut_quelque_part(request.user, Action.EXPORTER):
        raise PermissionDenied
    _, menages = _filtres(request)
    menages = menages.filter(
        dispositif__in=permissions.dispositifs_pour(request.user, Action.EXPORTER)
    )
    nombre, dispositifs = selectors.decompte_par_dispositif(menages)
    return exporter_en_flux(
        request,
        format,
        exports.ENTETES_FILE_ACTIVE,
        exports.lignes_file_active(menages),
        nombre=nombre,
        nom="file-active",
        titre="File active",
        quoi="file active",
        dispositifs=dispositifs,
        precisions=f"filtres : {_filtres_pour_le_journal(request)}",
    )


def menage(request, public_id):
    try:
        menage = selectors_menages.menage_pour(request.user, public_id)
    except Menage.DoesNotExist:
        raise Http404("Ménage introuvable.") from None
    user = request.user
    orientations = list(selectors_menages.orientations_du_menage(user, menage))
    peut_gerer = permissions.peut(user, Action.GERER_ORIENTATIONS, menage.dispositif)
    dettes = selectors_menages.dettes_du_menage(user, menage)
    peut_saisir_dette = dettes is not None and menage_services.peut_saisir_dette(user, menage)
    if dettes is None:
        selectors_menages.sans_dette(orientations)
    logement = next((logement for logement in menage.logements.all() if logement.actuel), None)
    accompagnements = [
        (accompagnement, selectors_accompagnement.equipe_vue(accompagnement))
        for accompagnement in selectors_accompagnement.accompagnements_du_menage(user, menage)
    ]
    chronologie = selectors.chronologie(
        user,
        menage,
        orientations=orientations,
        dettes=dettes,
        # Les épisodes dont la personne voit le plan, déjà lus avec leur clôture.
        episodes=[
            accompagnement for accompagnement, _ in accompagnements if accompagnement.voit_plan
        ],
        page=numero_de_page(request.GET.get("chronologie")),
    )
    journaliser_lectures(
        user, [e.objet for e in chronologie if e.nature == "intervention"], request, menage
    )
    for orientation in orientations:
        # La dette d'une orientation qui n'en déclarait pas (celle d'un prescripteur) : un
        # formulaire par orientation, aux identifiants propres (aucun ne répète ceux du relevé
        # de dette de la même page ni ceux d'une autre orientation).
        orientation.form_completer_dette = (
            CompleterDetteForm(auto_id=f"id_completer_{orientation.public_id.hex}_%s")
            if peut_saisir_dette and orientation.dette_locative is None
            else None
        )
    return render(
        request,
        "ecrans/menage.html",
        {
            "menage": menage,
            "voit_la_file_active": voit_la_file_active(user),
            "logement": logement,
            "taux_effort": logement.taux_effort(menage.ressources_mensuelles) if logement else None,
            "orientations": [
                (orientation, _form_statut(orientation) if peut_gerer else None)
                for orientation in orientations
            ],
            "dettes": dettes,
            # Lire la dette ne donne pas le droit de l'écrire (un membre du COTECH la lit).
            "form_dette": ReleveDetteForm() if peut_saisir_dette else None,
            "plans_apurement": list(menage.plans_apurement.all()) if dettes is not None else None,
            "form_plan_apurement": PlanApurementForm()
            if dettes is not None and menage_services.peut_saisir_plan_apurement(user, menage)
            else None,
            "accompagnements": accompagnements,
            "peut_ouvrir": not menage.provisoire
            and not any(a.est_ouvert for a, _ in accompagnements)
            and peut_ouvrir(user, menage),
            "chronologie": chronologie,
            "a_rattacher": menage.provisoire and peut_gerer,
            # Sans requête : l'identité et le parcours accès ont les mêmes portées par rôle, la
            # page du parcours revérifie la ligne.
            "voit_acces": menage.dispositif.parcours_acces
            and permissions.peut_voir(user, Donnee.ACCES, menage.dispositif),
            "form_information": InformationPartageForm()
            if peut_enregistrer_information(
                user, menage, episodes=[accompagnement for accompagnement, _ in accompagnements]
            )
            else None,
            # Historique des modifications et droit d'accès (rgpd) : la coordination.
            "peut_historique": permissions.peut(
                user, Action.CONSULTER_HISTORIQUE, menage.dispositif
            ),
            "peut_droit_d_acces": permissions.peut(user, Action.DROIT_D_ACCES, menage.dispositif),
        },
    )


def journaux(request):
    """L'entrée « Journal d'accès » du menu : le journal du dispositif, ou le choix du dispositif
    quand la personne en coordonne plusieurs."""
    dispositifs = list(permissions.dispositifs_pour(request.user, Action.CONSULTER_JOURNAL))
    if not dispositifs:
        raise PermissionDenied
    if len(dispositifs) == 1:
        return redirect("ecrans:journal", slug=dispositifs[0].slug)
    return render(request, "ecrans/journaux.html", {"dispositifs": dispositifs})


def _dispositif_du_journal(request, slug):
    try:
        dispositif = permissions.dispositifs_visibles(request.user).get(slug=slug)
    except Dispositif.DoesNotExist:
        raise Http404("Dispositif introuvable.") from None
    if not permissions.peut(request.user, Action.CONSULTER_JOURNAL, dispositif):
        raise PermissionDenied
    return dispositif


@require_GET
def personnes_du_journal(request, slug):
    """Les suggestions du filtre « Personne » du journal, quand la liste est trop longue pour
    être rendue : les membres du dispositif, d'hier et d'aujourd'hui, par nom ou adresse."""
    dispositif = _dispositif_du_journal(request, slug)
    return suggestions(
        request,
        {"personne": selectors.personnes_du_journal(dispositif)},
        filters.personne_du_journal,
        champs=("last_name", "first_name", "email"),
        valeur="public_id",
    )


def journal(request, slug):
    """Le journal d'accès d'un dispositif, pour sa coordination : qui a lu, exporté, téléchargé,
    importé, et quand ; jamais ce qui a été lu."""
    dispositif = _dispositif_du_journal(request, slug)
    filtres = FiltresJournal(
        request.GET or None,
        queryset=selectors.journal_du_dispositif(request.user, dispositif),
        user=request.user,
        dispositif=dispositif,
    )
    page = PaginatorBorne(
        filtres.qs, LIGNES_DU_JOURNAL_PAR_PAGE, limite=LIGNES_DU_JOURNAL_PARCOURUES
    ).get_page(request.GET.get("page"))
    selectors.nommer_les_menages(request.user, page.object_list)
    return render(
        request,
        "ecrans/journal.html",
        {
            "dispositif": dispositif,
            "filtres": filtres,
            "page": page,
            "parametres": parametres_sans_page(request),
        },
    )


def _form_statut(orientation):
    possibles = menage_services.TRANSITIONS[orientation.statut]
    return StatutOrientationForm(statuts_possibles=possibles) if possibles else None


def _filtres_pour_le_journal(request):
    """Les filtres d'un export, sans le texte cherché : c'est souvent un nom ou une référence."""
    parametres = request.GET.copy()
    parametres.pop("page", None)
    recherche = any(valeur.strip() for valeur in parametres.pop("q", []))
    filtres = [parametres.urlencode()] if parametres else []
    if recherche:
        filtres.append("recherche par nom ou référence")
    return ", ".join(filtres) or "aucun"
