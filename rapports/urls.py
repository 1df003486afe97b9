from django.urls import path

from . import views

app_name = "rapports"

urlpatterns = [
    path("rapports/", views.liste, name="liste"),
    path("rapports/<slug:slug>/demander/", views.demander, name="demander"),
    path(
        "rapports/<uuid:public_id>/rapport.pdf",
        views.telecharger,
        {"format": "pdf"},
        name="pdf",
    ),
    path(
        "rapports/<uuid:public_id>/chiffres.xlsx",
        views.telecharger,
        {"format": "xlsx"},
        name="xlsx",
    ),
    path("tableau-de-bord/<slug:slug>/", views.tableau_de_bord, name="tableau_de_bord"),
    # Vue nationale du financeur : agrégats de tous les dispositifs, rapport consolidé.
    path("national/", views.vue_nationale, name="national"),
    path("national/demander/", views.demander_national, name="demander_national"),
    path(
        "national/<uuid:public_id>/rapport.pdf",
        views.telecharger_national,
        {"format": "pdf"},
        name="national_pdf",
    ),
    path(
        "national/<uuid:public_id>/chiffres.xlsx",
        views.telecharger_national,
        {"format": "xlsx"},
        name="national_xlsx",
    ),
    # Évaluation externe : extraits pseudonymisés (journalisés).
    path("evaluation/", views.extraits, name="extraits"),
    path(
        "evaluation/<slug:slug>/<slug:cle>.csv",
        views.extrait,
        {"format": "csv"},
        name="extrait_csv",
    ),
    path(
        "evaluation/<slug:slug>/<slug:cle>.xlsx",
        views.extrait,
        {"format": "xlsx"},
        name="extrait_xlsx",
    ),
]
