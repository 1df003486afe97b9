"""`{% adresse %}` : le `{% url %}` des lignes d'une liste.

Chaque `{% url %}` refait tout le chemin de Django (la langue, le préfixe du site, la table des
noms : environ 40 µs) ; une page de 50 lignes à deux liens chacune y passait 2 à 4 ms. Une
adresse de ligne ne change que par son dernier argument, l'identifiant public (UUID) de la
ligne : son modèle se cherche une fois par requête avec un identifiant témoin, puis chaque ligne
y pose le sien. L'adresse est la même que celle de `{% url %}` (tests).

Sans argument (la barre, le pied de page, l'action d'un formulaire), `{% adresse 'app:vue' %}`
est calculée une fois par processus (`core.adresses_fixes`) ; `{% statique 'chemin' %}` fait de
même pour `{% static %}`.
"""

import uuid

from django import template
from django.urls import reverse

from core.adresses_fixes import adresse_fixe
from core.adresses_fixes import statique as adresse_statique

register = template.Library()

# Un UUID que rien d'autre dans une adresse ne contient (ni un slug, ni un autre identifiant).
TEMOIN = uuid.UUID("00000000-0000-4000-8000-00000000a0a0")
_TEMOIN = str(TEMOIN)
# Les arguments qui peuvent précéder l'identifiant (le slug d'un dispositif, une clé).
_DEBUTS_ADMIS = (str, int, uuid.UUID)


@register.simple_tag(takes_context=True)
def adresse(context, nom, *args):
    """`{% adresse 'app:vue' arg… ligne.public_id %}` : comme `{% url %}`, pour une adresse dont
    le dernier argument est un UUID. Sans requête dans le contexte (un PDF, un courriel), ou si
    le dernier argument n'est pas un UUID, c'est `{% url %}` tel quel."""
    requete = getattr(context, "request", None) or context.get("request")
    application = _application_courante(requete)
    if not args:
        return adresse_fixe(nom, application)
    *debut, identifiant = args
    if (
        requete is None
        or not isinstance(identifiant, uuid.UUID)
        or not all(isinstance(valeur, _DEBUTS_ADMIS) for valeur in debut)
    ):
        return reverse(nom, args=args, current_app=application)
    modeles = requete.__dict__.setdefault("_modeles_d_adresse", {})
    cle = (nom, application, *debut)
    modele = modeles.get(cle)
    if modele is None:
        morceaux = reverse(nom, args=[*debut, TEMOIN], current_app=application).split(_TEMOIN)
        # Le témoin se lit une seule fois dans l'adresse, sinon on ne sait pas où poser
        # l'identifiant : `reverse` à chaque ligne.
        modele = tuple(morceaux) if len(morceaux) == 2 else ()
        modeles[cle] = modele
    if not modele:
        return reverse(nom, args=args, current_app=application)
    avant, apres = modele
    return f"{avant}{identifiant}{apres}"


@register.simple_tag
def statique(chemin):
    """`{% statique 'css/app.css' %}` : comme `{% static %}`, calculée une fois par processus."""
    return adresse_statique(chemin)


def _application_courante(requete):
    """L'application courante que `{% url %}` donne à `reverse` : celle que la vue a posée sur la
    requête, sinon l'espace de noms de l'adresse demandée."""
    if requete is None:
        return None
    if hasattr(requete, "current_app"):
        return requete.current_app
    return getattr(getattr(requete, "resolver_match", None), "namespace", None)
