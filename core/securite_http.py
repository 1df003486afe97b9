"""En-têtes de sécurité HTTP que Django ne pose pas lui-même.

La Content-Security-Policy est posée par django-csp (`CONTENT_SECURITY_POLICY` dans les
réglages) ; ce middleware ajoute :

- `Cache-Control: no-store` (et ses compagnons) sur toute réponse à une personne connectée,
  pages, fragments htmx, PDF et exports compris : rien de ce qu'elle a vu ne reste dans le cache
  d'un ordinateur partagé ou d'un téléphone après sa déconnexion ;
- `Permissions-Policy`, qui refuse aux pages caméra, micro, géolocalisation, paiement, USB et
  autres capteurs dont le produit n'a jamais besoin.
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class EntetesDeSecuriteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{fonction}=()" for fonction in settings.PERMISSIONS_POLICY_INTERDITES
        )

    def __call__(self, request):
        # Connectée avant la vue (déconnexion comprise) ou après (connexion) : sans cache.
        connectee = request.user.is_authenticated
        response = self.get_response(request)
        if connectee or request.user.is_authenticated:
            add_never_cache_headers(response)
        response.setdefault("Permissions-Policy", self.permissions_policy)
        return response
