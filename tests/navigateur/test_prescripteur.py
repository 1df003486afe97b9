"""Parcours : le SIAO oriente un ménage qui sort d'hébergement d'urgence, la coordination décide
au COTECH avec une explication, le SIAO lit la décision et l'explication ; une autre structure
n'en voit rien."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from comites.factories import ComiteFactory
from comites.models import Seance
from core.enums import Profession, Role, TypeOrganisation
from core.factories import DispositifFactory, MembreFactory, OrganisationFactory, UserFactory
from menages.models import Orientation

from .conftest import (
    capture,
    cocher,
    ouvrir_le_menu_des_orientations,
    se_connecter,
    se_deconnecter,
)

MOT_DE_PASSE = "mot-de-passe-de-test"


def _personne(dispositif, role, email, **kwargs):
    user = UserFactory(email=email, first_name="Prénom", last_name=email.split("@")[0].title())
    MembreFactory(user=user, dispositif=dispositif, role=role, **kwargs)
    return user


def test_le_prescripteur_oriente_et_recoit_la_decision_expliquee(
    transactional_db, page, live_server
):
    dispositif = DispositifFactory(nom="Un logement pérenne", acces=True, parcours_maintien=False)
    siao = OrganisationFactory(nom="SIAO 74", type=TypeOrganisation.SIAO)
    aries = OrganisationFactory(nom="ARIES", type=TypeOrganisation.ASSOCIATION)
    _personne(
        dispositif,
        Role.PRESCRIPTEUR,
        "siao@exemple.test",
        organisation=siao,
        profession=Profession.PARTENAIRE,
    )
    _personne(
        dispositif,
        Role.PRESCRIPTEUR,
        "aries@exemple.test",
        organisation=aries,
        profession=Profession.PARTENAIRE,
    )
    coordinateur = _personne(dispositif, Role.COORDINATEUR, "coordination@exemple.test")
    _personne(dispositif, Role.TRAVAILLEUR_SOCIAL, "referente@exemple.test")
    comite = ComiteFactory(dispositif=dispositif, membres=[coordinateur])
    seance = Seance.objects.create(comite=comite, date=timezone.now() + timedelta(hours=1))
    # Un parcours à trois comptes : de la marge sur une machine chargée.
    page.set_default_timeout(60_000)

    # Le SIAO oriente : pas de dette ni de procédure sur sa fiche.
    se_connecter(page, live_server, "siao@exemple.test", MOT_DE_PASSE)
    ouvrir_le_menu_des_orientations(page)
    page.get_by_role("link", name="Orienter un ménage").first.click()
    expect(page.get_by_text("Orientation par SIAO 74")).to_be_visible()
    expect(page.locator("#id_dette_locative")).to_have_count(0)
    expect(page.locator("#id_stade_procedure")).to_have_count(0)
    page.locator("#id_nom").fill("BERTHIER")
    page.locator("#id_prenom").fill("Maëlle")
    page.locator("#id_contact_prescripteur").fill("Élodie Vuarnet, référente SIAO")
    page.locator("#id_statut_occupation").select_option(label="Hébergé")
    cocher(page.get_by_label("sortie d'hébergement"))
    page.locator("#id_description").fill(
        "Hébergement d'urgence depuis dix mois, prête au logement."
    )
    capture(page, "fiche-orientation-prescripteur")
    page.set_viewport_size({"width": 375, "height": 800})
    capture(page, "fiche-orientation-prescripteur-375")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(page.get_by_text("Orientation envoyée à la coordination.")).to_be_visible()
    orientation = Orientation.objects.get(menage__nom="BERTHIER")
    assert orientation.organisation == siao
    assert orientation.dette_locative is None
    se_deconnecter(page)

    # La coordination inscrit l'orientation au COTECH et l'admet, avec une explication.
    se_connecter(page, live_server, "coordination@exemple.test", MOT_DE_PASSE)
    page.goto(f"{live_server.url}/comites/seances/{seance.public_id}/")
    page.get_by_role("button", name="Mettre à jour l'ordre du jour").click()
    point = seance.points.get(orientation=orientation)
    bloc = page.locator(f"#point-{point.public_id}")
    bloc.get_by_text("Enregistrer une décision").click()
    bloc.get_by_label("Décision").select_option(label="Admission")
    referente = "Prénom Referente · Travailleur·se social·e"
    bloc.get_by_label("Référent·e").select_option(label=referente)
    bloc.get_by_label("Motifs / contenu").fill("Situation prête au logement.")
    bloc.get_by_label("Explication à transmettre au prescripteur").fill(
        "Un T3 va être proposé à Seynod ; la référente appellera Mme Berthier cette semaine."
    )
    bloc.get_by_role("button", name="Enregistrer la décision").click()
    expect(bloc.locator(".decision").get_by_text("Admission", exact=True)).to_be_visible()
    expect(bloc.get_by_text("Un T3 va être proposé à Seynod")).to_be_visible()
    se_deconnecter(page)

    # Le SIAO lit la décision et l'explication, signalées « nouveau ».
    se_connecter(page, live_server, "siao@exemple.test", MOT_DE_PASSE)
    section = page.get_by_role("region", name="Décisions sur les orientations de votre structure")
    expect(section.get_by_text("nouveau")).to_be_visible()
    expect(section.get_by_text("Admission")).to_be_visible()
    expect(section.get_by_text("Un T3 va être proposé à Seynod")).to_be_visible()
    capture(page, "accueil-prescripteur")
    page.set_viewport_size({"width": 375, "height": 800})
    capture(page, "accueil-prescripteur-375")
    page.set_viewport_size({"width": 1280, "height": 800})
    ouvrir_le_menu_des_orientations(page)
    page.get_by_role("link", name="Mes orientations").first.click()
    expect(page.get_by_role("link", name="BERTHIER Maëlle")).to_be_visible()
    expect(page.locator("tbody").get_by_text("Admise").first).to_be_visible()
    capture(page, "mes-orientations-prescripteur")
    page.get_by_role("link", name="BERTHIER Maëlle").click()
    expect(page.get_by_text("Un T3 va être proposé à Seynod")).to_be_visible()
    expect(page.get_by_role("link", name="File active", exact=True)).to_have_count(0)
    capture(page, "menage-prescripteur")
    se_deconnecter(page)

    # ARIES n'en voit rien.
    se_connecter(page, live_server, "aries@exemple.test", MOT_DE_PASSE)
    expect(page.get_by_text("BERTHIER")).to_have_count(0)
    page.goto(f"{live_server.url}/menages/{orientation.menage.public_id}/")
    expect(page.get_by_text("BERTHIER")).to_have_count(0)
