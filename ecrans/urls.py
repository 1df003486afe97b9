from django.urls import path

from . import views

app_name = "ecrans"

urlpatterns = [
    path("", views.accueil, name="accueil"),
    path("menages/", views.file_active, name="file_active"),
    path("menages/referents/", views.referents, name="referents"),
    path("menages/export.csv", views.export_file_active, {"format": "csv"}, name="export_csv"),
    path("menages/export.xlsx", views.export_file_active, {"format": "xlsx"}, name="export_xlsx"),
    path("menages/<uuid:public_id>/", views.menage, name="menage"),
    path("journal/", views.journaux, name="journaux"),
    path("dispositifs/<slug:slug>/journal/", views.journal, name="journal"),
    path(
        "dispositifs/<slug:slug>/journal/personnes/",
        views.personnes_du_journal,
        name="personnes_du_journal",
    ),
]
