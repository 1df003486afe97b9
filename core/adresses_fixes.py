"""Les adresses qui ne changent pas d'une requête à l'autre : celles d'une vue sans argument (la
barre de navigation, le menu de la personne, le pied de page) et celles des fichiers statiques.

`reverse` refait à chaque appel tout le chemin de Django (la langue, le préfixe du site, la table
des noms : environ 15 µs) et `static` interroge le stockage (7 µs, davantage avec le manifeste de
production) ; toute page en demandait une trentaine, toujours les mêmes. Chacune se calcule une
fois par processus et par ce dont elle dépend : la table d'adresses, le préfixe du site,
l'application courante et la langue pour une vue ; le préfixe du site pour un fichier statique.
Un réglage changé (les tests) les fait toutes oublier. Une adresse qui ne se trouve pas lève la
même erreur que `reverse` ou `static`, et ne se garde pas.
"""

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

_adresses = {}
_statiques = {}


def adresse_fixe(nom, application=None):
    """`reverse(nom, current_app=application)` pour une vue sans argument."""
    cle = (
        nom,
        application,
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
    )
    adresse = _adresses.get(cle)
    if adresse is None:
        adresse = _adresses[cle] = reverse(nom, current_app=application)
    return adresse


def statique(chemin):
    """`static(chemin)` : l'adresse publique d'un fichier statique."""
    cle = (chemin, get_script_prefix())
    adresse = _statiques.get(cle)
    if adresse is None:
        adresse = _statiques[cle] = static(chemin)
    return adresse


@receiver(setting_changed)
def _oublier(**kwargs):
    _adresses.clear()
    _statiques.clear()
