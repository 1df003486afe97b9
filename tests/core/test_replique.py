"""La réplique en lecture : quelles lectures y vont, lesquelles jamais."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve

from accompagnement.models import Accompagnement
from core import replique
from core.models import Membre
from menages.models import Menage


@pytest.fixture
def avec_replique(monkeypatch):
    """Comme si `DATABASE_REPLICA_URL` était défini (aucune requête n'ouvre l'alias ici)."""
    monkeypatch.setattr(replique, "replique_configuree", lambda: True)


def _passer(chemin, methode="get"):
    """Fait passer une requête par le middleware ; rend ce que le routeur choisit pendant la vue."""
    routeur = replique.RouteurReplique()
    vu = {}

    def vue(request):
        vu["menage"] = routeur.db_for_read(Menage)
        vu["accompagnement"] = routeur.db_for_read(Accompagnement)
        vu["membre"] = routeur.db_for_read(Membre)
        return HttpResponse("ok")

    request = getattr(RequestFactory(), methode)(chemin)
    request.resolver_match = resolve(chemin)
    middleware = replique.LectureSurRepliqueMiddleware(lambda r: middleware_vue(r))

    def middleware_vue(r):
        middleware.process_view(r, vue, (), {})
        return vue(r)

    middleware(request)
    vu["apres"] = routeur.db_for_read(Menage)
    return vu


def test_une_page_listee_lit_le_domaine_sur_la_replique(avec_replique):
    vu = _passer("/tableau-de-bord/cantal/")
    assert vu["menage"] == vu["accompagnement"] == replique.ALIAS
    # Les adhésions (les droits) et les comptes restent lus sur la principale.
    assert vu["membre"] is None
    # Après la réponse, plus rien ne va sur la réplique.
    assert vu["apres"] is None


def test_une_ecriture_et_une_page_non_listee_restent_sur_la_principale(avec_replique):
    assert _passer("/tableau-de-bord/cantal/", "post")["menage"] is None
    assert _passer("/menages/")["menage"] is None


def test_sans_replique_rien_ne_change(settings):
    assert "replique" not in settings.DATABASES
    assert _passer("/tableau-de-bord/cantal/")["menage"] is None


def test_on_n_ecrit_ni_ne_migre_jamais_sur_la_replique():
    routeur = replique.RouteurReplique()
    assert routeur.db_for_write(Menage) == "default"
    assert routeur.allow_migrate(replique.ALIAS, "menages") is False
    assert routeur.allow_migrate("default", "menages") is True
