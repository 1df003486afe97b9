from django.urls import path

from . import views

app_name = "acces"

urlpatterns = [
    path("acces/menages/<uuid:public_id>/", views.menage, name="menage"),
    path("acces/menages/<uuid:public_id>/besoins/", views.besoins, name="besoins"),
    path("acces/menages/<uuid:public_id>/proposer/", views.proposer, name="proposer"),
    path("acces/menages/<uuid:public_id>/mutation/", views.mutation, name="mutation"),
    path("acces/menages/<uuid:public_id>/organisations/", views.organisation, name="organisation"),
    path("acces/menages/<uuid:public_id>/choix/", views.choix_du_menage, name="choix_du_menage"),
    path("acces/propositions/<uuid:public_id>/", views.proposition, name="proposition"),
    path(
        "acces/propositions/<uuid:public_id>/prescripteur/",
        views.informer_prescripteur,
        name="informer_prescripteur",
    ),
    path("acces/propositions/<uuid:public_id>/reponse/", views.reponse, name="reponse"),
    path("acces/propositions/<uuid:public_id>/pieces/<int:ordre>/", views.piece, name="piece"),
    path("acces/propositions/<uuid:public_id>/decision/", views.decision, name="decision"),
    path("acces/propositions/<uuid:public_id>/bail/", views.bail, name="bail"),
    path("acces/propositions/<uuid:public_id>/glissement/", views.glissement, name="glissement"),
    path("acces/propositions/<uuid:public_id>/aide/", views.aide, name="aide"),
    path("acces/propositions/<uuid:public_id>/suivi/", views.ouvrir_suivi, name="ouvrir_suivi"),
    path("acces/propositions/<uuid:public_id>/personnes/", views.personnes, name="personnes"),
    path(
        "acces/propositions/<uuid:public_id>/choix/",
        views.choix_de_la_proposition,
        name="choix_de_la_proposition",
    ),
    path("acces/etapes/<uuid:public_id>/", views.etape, name="etape"),
    path("acces/vacants/<uuid:public_id>/", views.logement_vacant, name="logement_vacant"),
    path("acces/vacants/<uuid:public_id>/retirer/", views.retirer, name="retirer"),
    path("acces/vacants/<uuid:public_id>/remettre/", views.remettre, name="remettre"),
    path("acces/logements/", views.logements_choix, name="logements_choix"),
    path("acces/logements/<slug:slug>/", views.logements, name="logements"),
    path("acces/logements/<slug:slug>/importer/", views.importer, name="importer"),
    path("acces/logements/<slug:slug>/saisir/", views.saisir_logement, name="saisir_logement"),
]
