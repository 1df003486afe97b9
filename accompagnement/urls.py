from django.urls import path

from . import fiches, views

app_name = "accompagnement"

urlpatterns = [
    path("menages/<uuid:public_id>/accompagnement/ouvrir/", views.ouvrir, name="ouvrir"),
    path("menages/<uuid:public_id>/accompagnement/personnes/", views.personnes, name="personnes"),
    path("menages/<uuid:public_id>/information/", views.information, name="information"),
    path("accompagnements/<uuid:public_id>/", views.detail, name="detail"),
    path(
        "accompagnements/<uuid:public_id>/intervention/",
        views.nouvelle_intervention,
        name="intervention",
    ),
    path(
        "accompagnements/<uuid:public_id>/sans-reponse/",
        views.visite_sans_reponse,
        name="sans_reponse",
    ),
    path(
        "interventions/<uuid:public_id>/corriger/",
        views.corriger_intervention,
        name="corriger_intervention",
    ),
    path(
        "interventions/<uuid:public_id>/annuler/",
        views.annuler_intervention,
        name="annuler_intervention",
    ),
    path("accompagnements/<uuid:public_id>/adhesion/", views.adhesion, name="adhesion"),
    path("accompagnements/<uuid:public_id>/objectifs/", views.ajouter_objectif, name="objectif"),
    path("accompagnements/<uuid:public_id>/plan/", views.valider_plan, name="valider_plan"),
    path("accompagnements/<uuid:public_id>/cloture/", views.cloturer, name="cloture"),
    path("objectifs/<uuid:public_id>/", views.suivre_objectif, name="suivre_objectif"),
    path("bilans/<uuid:public_id>/", views.bilan, name="bilan"),
    path(
        "accompagnements/<uuid:public_id>/fiche-de-suivi.pdf",
        fiches.fiche_suivi,
        name="fiche_suivi",
    ),
    path(
        "accompagnements/<uuid:public_id>/fiche-de-cloture.pdf",
        fiches.fiche_cloture,
        name="fiche_cloture",
    ),
    path("bilans/<uuid:public_id>/bilan.pdf", fiches.fiche_bilan, name="fiche_bilan"),
]
