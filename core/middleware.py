"""Intergiciels du socle : la requête en cours (pour le journal d'audit) et la double
authentification."""

from contextvars import ContextVar
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import double_facteur

_requete = ContextVar("requete_courante", default=None)


def requete_courante():
    """La requête que ce fil traite, ou None (commande, tâche, shell).

    Seul usage : savoir qui agit quand un compte change hors d'un service (l'administration
    technique enregistre un `User` elle-même), pour l'écrire au journal (core.signals).
    """
    return _requete.get()


class RequeteCouranteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        jeton = _requete.set(request)
        try:
            return self.get_response(request)
        finally:
            _requete.reset(jeton)


# Ce qu'une session connectée mais pas encore vérifiée peut ouvrir : l'étape elle-même, la
# connexion, la déconnexion et la sonde. Les pages publiques (`login_not_required`) le restent.
PAGES_LIBRES = {"login", "logout", "sante", double_facteur.VERIFIER, double_facteur.ACTIVER}


class DoubleFacteurMiddleware:
    """Conduit une session connectée par mot de passe seul à l'étape qui lui manque.

    Tant que la personne n'a pas saisi son code (ou activé le second facteur qui lui est
    exigé), toute autre page, l'administration technique comprise, renvoie vers cette étape.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        administration = match is not None and match.app_name == "admin"
        if not getattr(view_func, "login_required", True) and not administration:
            return None
        if match is not None and match.view_name in PAGES_LIBRES:
            return None
        etape = double_facteur.etape_requise(request)
        if etape is None:
            return None
        adresse = f"{reverse(etape)}?{urlencode({'next': request.get_full_path()})}"
        if getattr(request, "htmx", False):
            return HttpResponse(status=204, headers={"HX-Redirect": adresse})
        return redirect(adresse)
