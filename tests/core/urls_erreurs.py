"""Les URL du produit, plus une page qui échoue, pour voir la page 500
(tests/core/test_pages_erreur.py)."""

from django.urls import path

from logisens_suivi.urls import handler403
from logisens_suivi.urls import urlpatterns as urls_du_produit


def page_qui_echoue(request):
    raise RuntimeError("Panne simulée")


urlpatterns = [*urls_du_produit, path("erreur-simulee/", page_qui_echoue)]
__all__ = ["handler403", "urlpatterns"]
