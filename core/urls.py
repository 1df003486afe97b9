from django.urls import path

from . import hors_ligne, sessions, views

app_name = "core"

urlpatterns = [
    path("compte/session/", sessions.etat, name="session_etat"),
    path("compte/session/prolonger/", sessions.prolonger, name="session_prolonger"),
    path("compte/hors-ligne/cle/", hors_ligne.cle, name="hors_ligne_cle"),
    path("dispositifs/", views.dispositifs, name="dispositifs"),
    path("dispositifs/<slug:slug>/", views.dispositif, name="dispositif"),
    path(
        "dispositifs/<slug:slug>/notice-information/",
        views.notice,
        name="notice_information",
    ),
    path(
        "dispositifs/<slug:slug>/notice-information.pdf",
        views.notice_pdf,
        name="notice_information_pdf",
    ),
    path("dispositifs/<slug:slug>/acces/", views.acces, name="acces"),
    path("dispositifs/<slug:slug>/reglages/", views.reglages_du_dispositif, name="reglages"),
    path(
        "dispositifs/<slug:slug>/acces/adhesions/<uuid:public_id>/confirmer/",
        views.confirmer_adhesion,
        name="confirmer_adhesion",
    ),
    path(
        "dispositifs/<slug:slug>/acces/personnes/<uuid:public_id>/reinitialiser-facteur/",
        views.reinitialiser_facteur,
        name="reinitialiser_facteur",
    ),
]
