from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("dispositifs/", views.dispositifs, name="dispositifs"),
    path("dispositifs/<slug:slug>/", views.dispositif, name="dispositif"),
]
