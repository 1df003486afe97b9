from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import hors_ligne
from core import views as core_views
from core.forms import ConnexionForm
from core.views import sante

compte = [
    path(
        "connexion/",
        auth_views.LoginView.as_view(authentication_form=ConnexionForm),
        name="login",
    ),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("double-authentification/", core_views.facteur_etat, name="double_facteur"),
    path(
        "double-authentification/code/",
        core_views.facteur_verifier,
        name="double_facteur_verifier",
    ),
    path(
        "double-authentification/activer/",
        core_views.facteur_activer,
        name="double_facteur_activer",
    ),
    path(
        "double-authentification/codes-de-secours/",
        core_views.facteur_codes,
        name="double_facteur_codes",
    ),
    path(
        "mot-de-passe/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "mot-de-passe/oublie/",
        auth_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", include("core.urls")),
    path("", include("menages.urls")),
    path("", include("accompagnement.urls")),
    path("", include("comites.urls")),
    path("", include("acces.urls")),
    path("", include("rapports.urls")),
    path("", include("rgpd.urls")),
    path("", include("ecrans.urls")),
    path("", include("equipes.urls")),
    path("compte/", include(compte)),
    path("admin-technique/", admin.site.urls),
    path("sante/", sante, name="sante"),
    path("accessibilite/", core_views.accessibilite, name="accessibilite"),
    # Application installable : à la racine, pour veiller sur tout le site.
    path("sw.js", hors_ligne.service_worker, name="service_worker"),
    path("manifest.webmanifest", hors_ligne.manifeste, name="manifeste"),
]

# Les erreurs en français, dans la mise en page du produit (templates/403.html, 404.html,
# 500.html, 400.html, 403_csrf.html) ; 404, 500 et 400 utilisent les vues de Django.
handler403 = "core.views.refus"
