from django.urls import path

from . import fiches, views

app_name = "menages"

urlpatterns = [
    path("menages/<uuid:public_id>/dette/", views.relever_dette, name="relever_dette"),
    path("menages/<uuid:public_id>/plan-apurement/", views.plan_apurement, name="plan_apurement"),
    path("orientations/nouvelle/", views.nouvelle_orientation, name="nouvelle_orientation"),
    path(
        "orientations/nouvelle/<slug:slug>/",
        views.nouvelle_orientation,
        name="nouvelle_orientation_dans",
    ),
    path(
        "orientations/nouvelle/<slug:slug>/structures/",
        views.structures_qui_orientent,
        name="structures_qui_orientent",
    ),
    path("orientations/mes-orientations/", views.mes_orientations, name="mes_orientations"),
    path("orientations/<uuid:public_id>/statut/", views.changer_statut, name="changer_statut"),
    path(
        "orientations/<uuid:public_id>/completer-dette/",
        views.completer_dette,
        name="completer_dette",
    ),
    path("orientations/a-rattacher/", views.a_rattacher, name="a_rattacher"),
    path("orientations/<uuid:public_id>/rattachement/", views.rattachement, name="rattachement"),
    path("orientations/<uuid:public_id>/rattacher/", views.rattacher, name="rattacher"),
    path("orientations/<uuid:public_id>/garder-a-part/", views.garder_a_part, name="garder_a_part"),
    path(
        "orientations/<uuid:public_id>/fiche.pdf",
        fiches.fiche_orientation,
        name="fiche_orientation",
    ),
    path("orientations/importer/", views.importer, name="importer"),
    path("orientations/importer/<slug:slug>/", views.importer, name="importer_dans"),
    path("orientations/imports/<uuid:public_id>/", views.import_etat, name="import_etat"),
]
