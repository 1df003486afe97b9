"""Fin des sessions : après une période d'inactivité, et dans tous les cas après une durée maximale.

La session garde l'heure de la connexion et celle de la dernière activité (horodatages POSIX).
À chaque requête d'une personne connectée, le middleware :

- termine la session si la dernière activité date de plus de `SESSION_INACTIVITE_MINUTES`
  (30 par défaut) ou la connexion de plus de `SESSION_DUREE_MAX_HEURES` (12 par défaut) :
  déconnexion, message qui dit pourquoi, retour à la page de connexion (qui ramène ensuite à la
  page demandée) ; une requête htmx reçoit `HX-Redirect` pour que toute la page y aille ;
- sinon note l'activité (au plus une écriture par minute, pour ne pas réécrire la session à
  chaque requête) et indique le temps restant dans l'en-tête `X-Session-Reste`.

`static/js/session.js` prévient deux minutes avant la fin et propose de rester connecté·e
(`prolonger`), pour qu'un formulaire en cours de saisie ne soit pas perdu ; il interroge `etat`,
qui ne compte pas comme une activité.
"""

import time
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.http import JsonResponse
from django.shortcuts import redirect, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from .adresses_fixes import adresse_fixe

CLE_CONNEXION = "_connexion_le"
CLE_ACTIVITE = "_activite_le"
# Écart en deçà duquel une nouvelle requête ne réécrit pas l'heure de la dernière activité.
PRECISION_SECONDES = 60


def noter_connexion(sender, request, user, **kwargs):
    maintenant = time.time()
    request.session[CLE_CONNEXION] = maintenant
    request.session[CLE_ACTIVITE] = maintenant


user_logged_in.connect(noter_connexion, dispatch_uid="core.sessions.noter_connexion")


def echeances(session, maintenant):
    """(fin par inactivité, fin par durée maximale), en horodatages."""
    connexion = session.get(CLE_CONNEXION, maintenant)
    activite = session.get(CLE_ACTIVITE, connexion)
    return (
        activite + settings.SESSION_INACTIVITE_MINUTES * 60,
        connexion + settings.SESSION_DUREE_MAX_HEURES * 3600,
    )


def message_de_fin(motif):
    if motif == "duree":
        return (
            "Votre session a pris fin : une connexion dure au plus "
            f"{settings.SESSION_DUREE_MAX_HEURES} heures. Reconnectez-vous pour continuer."
        )
    return (
        f"Votre session a pris fin après {settings.SESSION_INACTIVITE_MINUTES} minutes sans "
        "activité, pour protéger les données des ménages. Reconnectez-vous pour continuer."
    )


class DureeDeSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.user.is_authenticated:
            return self.get_response(request)
        if request.path == adresse_fixe("core:session_etat"):
            # Consulter le temps restant n'est pas une activité, et ne termine rien. (L'adresse
            # et `request.path` portent toutes deux le préfixe sous lequel le site est servi.)
            return self.get_response(request)
        session = request.session
        maintenant = time.time()
        if CLE_CONNEXION not in session:  # session ouverte avant la mise en place de ce suivi
            session[CLE_CONNEXION] = session[CLE_ACTIVITE] = maintenant
        fin_inactivite, fin_duree = echeances(session, maintenant)
        if maintenant >= fin_duree:
            return self.terminer(request, "duree")
        if maintenant >= fin_inactivite:
            return self.terminer(request, "inactivite")
        if maintenant - session.get(CLE_ACTIVITE, 0) >= PRECISION_SECONDES:
            session[CLE_ACTIVITE] = maintenant
            fin_inactivite, fin_duree = echeances(session, maintenant)
        request.session_reste = int(min(fin_inactivite, fin_duree) - maintenant)
        response = self.get_response(request)
        if request.user.is_authenticated:
            response["X-Session-Reste"] = str(request.session_reste)
        return response

    def terminer(self, request, motif):
        page = _page_a_retrouver(request)
        logout(request)
        messages.warning(request, message_de_fin(motif))
        connexion = resolve_url(settings.LOGIN_URL)
        if page:
            connexion = f"{connexion}?{urlencode({'next': page})}"
        if request.htmx:
            return HttpResponseClientRedirect(connexion)
        return redirect(connexion)


def _page_a_retrouver(request):
    """La page où revenir après la reconnexion : celle affichée, jamais une adresse extérieure."""
    if request.htmx:
        page = request.htmx.current_url_abs_path
    elif request.method == "GET":
        page = request.get_full_path()
    else:
        page = request.headers.get("Referer")
    if not page or not url_has_allowed_host_and_scheme(
        page, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    adresse = urlsplit(page)
    return f"{adresse.path}?{adresse.query}" if adresse.query else adresse.path


def _etat(request):
    maintenant = time.time()
    fin_inactivite, fin_duree = echeances(request.session, maintenant)
    return JsonResponse(
        {
            "reste": int(min(fin_inactivite, fin_duree) - maintenant),
            # « Rester connecté » ne repousse que la fin par inactivité, jamais la durée maximale.
            "prolongeable": fin_duree > maintenant + settings.SESSION_INACTIVITE_MINUTES * 60,
        }
    )


@require_GET
def etat(request):
    """Le temps restant avant la fin de la session, en secondes (sans la prolonger)."""
    return _etat(request)


@require_POST
def prolonger(request):
    """« Rester connecté·e » : une activité, qui repousse la fin par inactivité."""
    request.session[CLE_ACTIVITE] = time.time()
    return _etat(request)
