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
]
