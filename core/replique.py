"""Lecture sur une réplique PostgreSQL pour quelques pages en lecture seule (désactivé par défaut).

Avec `DATABASE_REPLICA_URL`, un second alias de base « replique » existe et les pages nommées
dans `PAGES_SUR_REPLIQUE` (tableaux de bord, exports : des lectures lourdes où une seconde de
retard de la réplique ne trompe personne) lisent les données du domaine sur la réplique. Tout le
reste lit et écrit sur la base principale, et ces pages aussi pour ce qui ne supporte aucun retard
(sessions, comptes, second facteur, limitation des connexions) ; toute écriture (le journal
d'audit d'un export, par exemple) va à la base principale. Sans réplique, rien ne change.
"""

from contextvars import ContextVar

from django.conf import settings

ALIAS = "replique"
# Lues sur la base principale même sur une page servie par la réplique : une réplique en retard
# ne doit ni déconnecter quelqu'un qui vient de se connecter ni rouvrir un compte fermé.
APPS_TOUJOURS_SUR_LA_PRINCIPALE = frozenset(
    {"sessions", "auth", "otp_totp", "otp_static", "axes", "django_celery_beat", "core"}
)

_sur_replique = ContextVar("lecture_sur_replique", default=False)


def replique_configuree():
    return ALIAS in settings.DATABASES


class RouteurReplique:
    def db_for_read(self, model, **hints):
        if (
            _sur_replique.get()
            and model._meta.app_label not in APPS_TOUJOURS_SUR_LA_PRINCIPALE
            and replique_configuree()
        ):
            return ALIAS
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # La réplique est une copie de la principale : mêmes lignes, mêmes relations.
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db != ALIAS


class LectureSurRepliqueMiddleware:
    """Sert sur la réplique les lectures des pages listées, pour les GET seulement."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            jeton = getattr(request, "_jeton_replique", None)
            if jeton is not None:
                _sur_replique.reset(jeton)

    def process_view(self, request, vue, args, kwargs):
        correspondance = request.resolver_match
        if (
            request.method in ("GET", "HEAD")
            and replique_configuree()
            and correspondance is not None
            and correspondance.view_name in settings.PAGES_SUR_REPLIQUE
        ):
            request._jeton_replique = _sur_replique.set(True)
        return None
