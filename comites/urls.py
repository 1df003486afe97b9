from django.urls import path

from . import views, views_rapports

app_name = "comites"

urlpatterns = [
    path("comites/", views.accueil, name="accueil"),
    path("comites/<uuid:public_id>/seances/", views.planifier, name="planifier"),
    path("comites/seances/<uuid:public_id>/", views.seance, name="seance"),
    path("comites/seances/<uuid:public_id>/ordre-du-jour/", views.construire, name="construire"),
    path("comites/seances/<uuid:public_id>/presences/", views.presences, name="presences"),
    path(
        "comites/seances/<uuid:public_id>/ordre-du-jour.csv",
        views.export,
        {"format": "csv"},
        name="export_csv",
    ),
    path(
        "comites/seances/<uuid:public_id>/ordre-du-jour.xlsx",
        views.export,
        {"format": "xlsx"},
        name="export_xlsx",
    ),
    path(
        "comites/seances/<uuid:public_id>/compte-rendu.pdf",
        views.compte_rendu,
        name="compte_rendu",
    ),
    path("comites/points/<uuid:public_id>/decision/", views.decider, name="decider"),
    path("rapports/", views_rapports.liste, name="rapports"),
    path("rapports/<slug:slug>/demander/", views_rapports.demander, name="demander_rapport"),
    path(
        "rapports/<uuid:public_id>/rapport.pdf",
        views_rapports.telecharger,
        {"format": "pdf"},
        name="rapport_pdf",
    ),
    path(
        "rapports/<uuid:public_id>/chiffres.xlsx",
        views_rapports.telecharger,
        {"format": "xlsx"},
        name="rapport_xlsx",
    ),
    path(
        "tableau-de-bord/<slug:slug>/",
        views_rapports.tableau_de_bord,
        name="tableau_de_bord",
    ),
]
