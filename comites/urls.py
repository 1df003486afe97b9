from django.urls import path

from . import views

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
    path("comites/points/<uuid:public_id>/personnes/", views.personnes, name="personnes"),
    path(
        "comites/decisions/<uuid:public_id>/corriger/",
        views.corriger_decision,
        name="corriger_decision",
    ),
]
