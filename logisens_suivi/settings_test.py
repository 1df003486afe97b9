"""Réglages des tests : ceux de production, moins HTTPS et le hachage lent des mots de passe ;
plus stricts sur les variables des gabarits."""

import copy
import os
import sys
import tempfile
from pathlib import Path

from django.template.base import FilterExpression, Node
from django.template.defaultfilters import default

os.environ.setdefault("SECRET_KEY", "tests-uniquement-" + "x" * 40)
# Une clé de chiffrement fixe, propre aux tests (jamais utilisée ailleurs).
os.environ.setdefault("CLES_CHIFFREMENT", "dGVzdHMtdW5pcXVlbWVudC1jbGUtZGUtY2hpZmZyZW0=")
# Les fichiers privés des tests (rapports) vont dans un dossier jetable, pas dans var/ ; chaque
# processus de pytest-xdist a le sien, pour qu'aucun test ne voie les fichiers d'un autre.
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="logisens-tests-"))
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["VAR_DIR"] = str(Path(os.environ["VAR_DIR"]) / os.environ["PYTEST_XDIST_WORKER"])
os.environ.setdefault("STATIC_SANS_MANIFESTE", "1")

from .settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Les tests unitaires exécutent les tâches sur place ; le test du worker réel (Redis) configure
# lui-même son application Celery.
CELERY_TASK_ALWAYS_EAGER = True


class VariableDeGabaritInconnue(Exception):
    """Un gabarit du produit affiche une variable que sa vue ne lui donne pas."""


class VariableInconnue(str):
    """`string_if_invalid` des tests : une variable absente d'un gabarit du produit (templates/)
    fait échouer le test qui le rend.

    Django appelle `string_if_invalid % variable` quand une variable ne se résout pas, sauf dans
    `{% if %}`, `{% for %}` et `{% firstof %}`, qui tolèrent l'absence ; `|default:` dit aussi
    qu'elle peut manquer. Les gabarits des bibliothèques (admin, crispy-forms) comptent sur des
    variables absentes : pour eux, le rendu reste celui de la production (la chaîne vide, puis
    les filtres). Ailleurs (relation absente, méthode qui demande des arguments), la valeur
    reste la chaîne vide, comme en production.
    """

    GABARITS_DU_PRODUIT = BASE_DIR / "templates"  # noqa: F405

    def __new__(cls):
        return super().__new__(cls, "")

    def __bool__(self):
        # Vraie seulement pour la question que pose FilterExpression.resolve (« string_if_invalid
        # est-il défini ? ») : Django passe alors par __mod__. Fausse ailleurs, comme "".
        return sys._getframe(1).f_code is FilterExpression.resolve.__code__

    def __contains__(self, motif):
        return motif == "%s"

    def __mod__(self, variable):
        appelant = sys._getframe(1)
        expression = appelant.f_locals.get("self")
        if not isinstance(expression, FilterExpression):
            expression = None
        # `|default:` dit que la variable peut manquer : c'est permis.
        prevue = expression is not None and any(f is default for f, _ in expression.filters)
        origine = self._origine(appelant)
        if (
            not prevue
            and origine is not None
            and Path(origine).is_relative_to(self.GABARITS_DU_PRODUIT)
        ):
            raise VariableDeGabaritInconnue(
                f"Variable absente du contexte : {{{{ {variable} }}}} dans {origine}"
            )
        if expression is None:
            return ""
        # Le rendu de la production : la chaîne vide, puis les filtres.
        vide = copy.copy(expression)
        vide.var, vide.is_var = "", False
        return vide.resolve(appelant.f_locals["context"])

    @staticmethod
    def _origine(frame):
        """Le fichier du gabarit dont le nœud en cours de rendu a été lu."""
        while frame is not None:
            noeud = frame.f_locals.get("self")
            if isinstance(noeud, Node):
                origine = getattr(noeud, "origin", None)
                return getattr(origine, "name", None)
            frame = frame.f_back
        return None


TEMPLATES = [
    {
        **TEMPLATES[0],  # noqa: F405
        "OPTIONS": {**TEMPLATES[0]["OPTIONS"], "string_if_invalid": VariableInconnue()},  # noqa: F405
    }
]
# La double authentification est exigée en production ; les tests qui la vérifient l'activent
# eux-mêmes (override_settings), les autres se connectent avec le mot de passe seul.
OTP_OBLIGATOIRE = False
