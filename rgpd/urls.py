from django.urls import path

from . import views

app_name = "rgpd"

urlpatterns = [
    path("menages/<uuid:public_id>/historique/", views.historique, name="historique"),
    path("menages/<uuid:public_id>/droit-d-acces/", views.droit_d_acces, name="droit_d_acces"),
    path(
        "menages/<uuid:public_id>/droit-d-acces.pdf",
        views.droit_d_acces_pdf,
        name="droit_d_acces_pdf",
    ),
]
