"""Le site d'administration technique : il exige la double authentification.

Il remplace le site par défaut de Django (`core.apps.AdminTechniqueConfig`), si bien
que chaque `@admin.register` du produit s'y inscrit. Sa connexion est celle du produit : pas de
formulaire de mot de passe propre à l'administration, qui contournerait le second facteur.
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache


class AdminTechnique(admin.AdminSite):
    site_header = "Suivi des situations complexes – administration technique"
    site_title = "Administration technique"
    index_title = "Paramétrage"

    def has_permission(self, request):
        from .double_facteur import facteur_exige

        if not super().has_permission(request):
            return False
        return not facteur_exige(request.user) or request.user.is_verified()

    @method_decorator(never_cache)
    @login_not_required
    def login(self, request, extra_context=None):
        """La connexion du produit (mot de passe, puis second facteur), jamais un formulaire
        propre à l'administration."""
        index = reverse("admin:index", current_app=self.name)
        suite = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(
            suite, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            suite = index
        if not request.user.is_authenticated:
            return redirect_to_login(suite)
        if self.has_permission(request):
            return redirect(suite)
        raise PermissionDenied("Ce compte n'a pas accès à l'administration technique.")
