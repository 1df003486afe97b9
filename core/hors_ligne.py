"""Sur le terrain, sans réseau : ce que le serveur fournit à `static/js/horsligne.js`.

- `cle` : le secret d'une personne sur un appareil, d'où le navigateur dérive (HKDF) la clé
  AES-GCM qui chiffre ses brouillons et ses envois en attente dans IndexedDB. Le secret vaut
  HMAC(SECRET_KEY, public_id de la personne + sel de l'appareil) : il n'est jamais écrit sur
  l'appareil, seules les pages d'une personne connectée peuvent le demander, et une autre
  personne sur le même appareil obtient un autre secret (ses saisies ne se lisent pas). Une
  étiquette, dérivée de la même façon, range les saisies par personne sans la nommer.
- `EnvoiDiffereMiddleware` : un envoi fait par le script (en-tête `X-Envoi-Differe`) reçoit sa
  réponse en JSON au lieu d'une redirection : « enregistre » (et la page où aller) ou
  « connexion » (la session a pris fin : la saisie reste sur l'appareil jusqu'à ce que la même
  personne se reconnecte). Une page rendue (formulaire refusé) passe telle quelle.
- `service_worker` et `manifeste` : l'application installable. Le service worker ne garde que
  les fichiers statiques ; aucune page ni donnée n'est mise en cache.
"""

import base64
import hashlib
import hmac
import json
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import resolve_url
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views.decorators.http import require_GET

EN_TETE_ENVOI = "X-Envoi-Differe"
# Le sel de l'appareil : 16 à 64 caractères base64url, tirés au hasard par le navigateur.
SEL_VALIDE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

# Les fichiers que le service worker garde d'avance : de quoi afficher proprement les pages
# et faire fonctionner les scripts, rien qui porte une donnée.
FICHIERS_STATIQUES = [
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/bootstrap-icons/bootstrap-icons.min.css",
    "vendor/bootstrap-icons/fonts/bootstrap-icons.woff2",
    "vendor/tom-select/tom-select.bootstrap5.min.css",
    "vendor/tom-select/tom-select.popular.min.js",
    "django_htmx/htmx-2.min.js",
    "css/app.css",
    "js/app.js",
    "js/session.js",
    "js/horsligne.js",
    "favicon.svg",
    "icones/icone-192.png",
    "icones/icone-512.png",
]


def _derive(usage, user, sel):
    message = f"hors-ligne:{usage}:{user.public_id}:{sel}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()


def secret_de(user, sel):
    """Le secret (32 octets, base64) de cette personne sur l'appareil qui a tiré `sel`."""
    return base64.b64encode(_derive("cle", user, sel)).decode()


def etiquette_de(user, sel):
    """L'étiquette qui range les saisies de cette personne sur cet appareil (sans la nommer)."""
    return _derive("etiquette", user, sel)[:16].hex()


@require_GET
def cle(request):
    sel = request.GET.get("sel", "")
    if not SEL_VALIDE.match(sel):
        return JsonResponse({"erreur": "Sel d'appareil invalide."}, status=400)
    return JsonResponse(
        {
            "secret": secret_de(request.user, sel),
            "etiquette": etiquette_de(request.user, sel),
            "conservation_heures": settings.HORS_LIGNE_CONSERVATION_HEURES,
            # Le jeton CSRF de la session en cours : celui d'une page d'avant une reconnexion
            # ne vaut plus.
            "csrf": get_token(request),
        }
    )


class EnvoiDiffereMiddleware:
    """Traduit en JSON la redirection qui suit un envoi fait par le script hors réseau.

    Placé avant la connexion obligatoire et la fin de session, il voit aussi la redirection vers
    la page de connexion : la saisie n'est alors pas enregistrée, et le script la garde.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.connexion = None

    def __call__(self, request):
        response = self.get_response(request)
        if request.method != "POST" or EN_TETE_ENVOI not in request.headers:
            return response
        if response.status_code not in (301, 302, 303):
            return response
        if self.connexion is None:
            self.connexion = resolve_url(settings.LOGIN_URL)
        destination = response["Location"]
        if urlsplit(destination).path == self.connexion:
            reponse_json = JsonResponse({"etat": "connexion"}, status=401)
        else:
            reponse_json = JsonResponse({"etat": "enregistre", "redirection": destination})
        # Les en-têtes de la réponse d'origine suivent (no-store, cookies de session et du
        # message de succès) ; seuls changent le corps et son type.
        for nom, valeur in response.items():
            if nom.lower() not in ("location", "content-type", "content-length"):
                reponse_json[nom] = valeur
        reponse_json.cookies = response.cookies
        reponse_json[EN_TETE_ENVOI] = "1"
        return reponse_json


@login_not_required
@require_GET
def service_worker(request):
    fichiers = [static(chemin) for chemin in FICHIERS_STATIQUES]
    version = hashlib.sha256("\n".join(fichiers).encode()).hexdigest()[:12]
    contenu = render_to_string(
        "core/service_worker.js",
        {
            "fichiers": json.dumps(fichiers),
            "version": json.dumps(version),
            "prefixe": json.dumps(settings.STATIC_URL),
        },
    )
    response = HttpResponse(contenu, content_type="text/javascript; charset=utf-8")
    # Servi à la racine, il peut veiller sur tout le site ; le navigateur le revérifie à chaque
    # visite (no-cache) pour qu'une nouvelle version soit prise sans attendre.
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
@require_GET
def manifeste(request):
    donnees = {
        "name": "Suivi des situations complexes",
        "short_name": "Suivi",
        "description": "Accompagnement des ménages : visites, bilans, comités.",
        "lang": "fr",
        "start_url": resolve_url("ecrans:accueil"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1f4e79",
        "icons": [
            {"src": static("icones/icone-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("icones/icone-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("icones/icone-masquable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    return JsonResponse(
        donnees,
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )
