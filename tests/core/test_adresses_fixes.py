"""Les adresses sans argument et celles des fichiers statiques, calculées une fois par processus
(`core.adresses_fixes`), sont celles de `reverse` et `static` : au préfixe du site, à la table
d'adresses et au réglage des fichiers statiques près."""

import pytest
from django.http import HttpResponse
from django.template import Context, Template
from django.templatetags.static import static
from django.test import RequestFactory, override_settings
from django.urls import NoReverseMatch, path, reverse, set_script_prefix

from core import adresses_fixes
from core.adresses_fixes import adresse_fixe, statique
from core.factories import MembreFactory

# Une seconde table d'adresses : la même vue nommée, à un autre chemin.
urlpatterns = [
    path("ailleurs/accessibilite/", lambda request: HttpResponse(), name="accessibilite")
]

NOMS = ["ecrans:accueil", "ecrans:file_active", "core:session_etat", "logout", "admin:index"]
CHEMINS = ["css/app.css", "js/app.js", "vendor/bootstrap/bootstrap.min.css", "favicon.svg"]


@pytest.fixture(autouse=True)
def sans_memoire():
    adresses_fixes._adresses.clear()
    adresses_fixes._statiques.clear()
    yield
    set_script_prefix("/")


@pytest.mark.parametrize("nom", NOMS)
def test_la_meme_adresse_que_reverse_et_gardee(nom):
    assert adresse_fixe(nom) == reverse(nom)
    assert adresse_fixe(nom) == reverse(nom)
    assert len(adresses_fixes._adresses) == 1


@pytest.mark.parametrize("chemin", CHEMINS)
def test_le_meme_fichier_que_static_et_garde(chemin):
    assert statique(chemin) == static(chemin)
    assert statique(chemin) == static(chemin)
    assert len(adresses_fixes._statiques) == 1


def test_le_prefixe_du_site_est_suivi():
    a_la_racine = adresse_fixe("ecrans:file_active"), statique("css/app.css")
    set_script_prefix("/suivi/")
    sous_prefixe = adresse_fixe("ecrans:file_active"), statique("css/app.css")
    # Django préfixe un STATIC_URL relatif une fois, à sa première lecture : `static` donne
    # sous le préfixe ce qu'il donnait à la racine, et l'adresse gardée aussi.
    assert sous_prefixe[1] == static("css/app.css")
    set_script_prefix("/")

    assert a_la_racine == ("/menages/", "/static/css/app.css")
    assert sous_prefixe[0] == "/suivi/menages/"
    assert (adresse_fixe("ecrans:file_active"), statique("css/app.css")) == a_la_racine


def test_un_reglage_change_les_fait_oublier():
    avant = adresse_fixe("accessibilite"), statique("css/app.css")
    with override_settings(ROOT_URLCONF=__name__, STATIC_URL="/fichiers/"):
        pendant = adresse_fixe("accessibilite"), statique("css/app.css")
    apres = adresse_fixe("accessibilite"), statique("css/app.css")

    assert avant == ("/accessibilite/", "/static/css/app.css")
    assert pendant == ("/ailleurs/accessibilite/", "/fichiers/css/app.css")
    assert apres == avant


def test_un_nom_inconnu_echoue_comme_reverse_et_ne_se_garde_pas():
    with pytest.raises(NoReverseMatch):
        adresse_fixe("ecrans:inconnue")
    # Une vue qui demande un argument n'a pas d'adresse sans lui.
    with pytest.raises(NoReverseMatch):
        adresse_fixe("ecrans:menage")
    assert adresses_fixes._adresses == {}


def test_dans_un_gabarit_comme_url_et_static():
    requete = RequestFactory().get("/")
    rendu = Template(
        "{% load adresses static %}"
        "{% adresse 'ecrans:accueil' %}|{% url 'ecrans:accueil' %}|"
        "{% statique 'js/app.js' %}|{% static 'js/app.js' %}"
    ).render(Context({"request": requete}))

    adresse, url, fichier, fichier_static = rendu.split("|")
    assert adresse == url == "/"
    assert fichier == fichier_static == "/static/js/app.js"


@pytest.mark.django_db
def test_une_page_servie_sous_un_prefixe_puis_a_la_racine(client):
    """La barre, le menu et le pied de page d'une page suivent le préfixe sous lequel le site
    est servi, d'une requête à l'autre du même processus."""
    membre = MembreFactory(role="coordinateur")
    client.force_login(membre.user)

    a_la_racine = client.get("/menages/").content.decode()
    # Le préfixe que pose le serveur WSGI devant chaque requête (le client de test ne le
    # pose pas).
    set_script_prefix("/suivi/")
    sous_prefixe = client.get("/menages/").content.decode()
    set_script_prefix("/")
    de_nouveau_a_la_racine = client.get("/menages/").content.decode()

    for lien in ("menages/", "orientations/nouvelle/", "comites/", "accessibilite/"):
        assert f'href="/{lien}"' in a_la_racine
        assert f'href="/suivi/{lien}"' in sous_prefixe
    assert 'action="/suivi/compte/deconnexion/"' in sous_prefixe
    assert 'href="/static/css/app.css"' in a_la_racine
    assert "/suivi/" not in a_la_racine
    assert 'href="/comites/"' in de_nouveau_a_la_racine
    assert "/suivi/" not in de_nouveau_a_la_racine
