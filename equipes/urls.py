from django.urls import path

from . import views

app_name = "equipes"

urlpatterns = [
    path("dispositifs/<slug:slug>/membres/", views.membres, name="membres"),
    path("dispositifs/<slug:slug>/membres/export/", views.membres_export, name="membres_export"),
    path("dispositifs/<slug:slug>/membres/inviter/", views.inviter, name="inviter"),
    path(
        "dispositifs/<slug:slug>/membres/invitations/<uuid:public_id>/renvoyer/",
        views.renvoyer,
        name="renvoyer",
    ),
    path(
        "dispositifs/<slug:slug>/membres/invitations/<uuid:public_id>/revoquer/",
        views.revoquer,
        name="revoquer",
    ),
    path(
        "dispositifs/<slug:slug>/membres/adhesions/<uuid:public_id>/modifier/",
        views.modifier,
        name="modifier",
    ),
    path(
        "dispositifs/<slug:slug>/membres/adhesions/<uuid:public_id>/terminer/",
        views.terminer,
        name="terminer",
    ),
    path("dispositifs/<slug:slug>/membres/a-reaffecter/", views.a_reaffecter, name="a_reaffecter"),
    path("dispositifs/<slug:slug>/membres/a-qui-confier/", views.personnes, name="personnes"),
    path("dispositifs/<slug:slug>/membres/structures/", views.structures, name="structures"),
    path("invitation/<str:jeton>/", views.accepter, name="accepter"),
]
