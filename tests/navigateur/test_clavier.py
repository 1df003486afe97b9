"""Parcours au clavier seul (Tab, Entrée, flèches ; jamais la souris) : noter une visite, du
ménage à l'intervention enregistrée, et enregistrer une décision de comité, refus du formulaire
compris. À chaque arrêt, le focus se voit."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from accompagnement.models import Intervention
from comites.models import Seance
from menages.models import Orientation

from .clavier import choisir_au_clavier, focus, tabuler_jusqu_a
from .test_intervention_telephone import accompagnement_partage

NOTE = "Visite : relevé de compteur fait avec Mme, rendez-vous CAF pris pour jeudi."
MOTIFS = "Relève du droit commun : suivi CCAS déjà en place."


def se_connecter_au_clavier(page, live_server, email, mot_de_passe="demo-logisens"):
    page.goto(f"{live_server.url}/compte/connexion/")
    tabuler_jusqu_a(page, "input[name=username]")
    page.keyboard.type(email)
    tabuler_jusqu_a(page, "input[type=password]")
    page.keyboard.type(mot_de_passe)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")


def test_noter_une_visite_au_clavier_seul(demo, page, live_server):
    accompagnement = accompagnement_partage()
    menage = accompagnement.menage
    se_connecter_au_clavier(page, live_server, "ts.cantal@demo.test")

    # Depuis l'accueil : le ménage, puis « Noter une intervention ».
    tabuler_jusqu_a(page, f"a[href$='/accompagnements/{accompagnement.public_id}/']")
    page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(menage.nom))
    tabuler_jusqu_a(page, f"a[href$='/accompagnements/{accompagnement.public_id}/intervention/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Noter une intervention")).to_be_visible()

    # La visite à domicile est proposée d'office ; la date et l'heure aussi.
    expect(page.locator("#id_type")).to_have_value("visite_domicile")
    tabuler_jusqu_a(page, "#id_note")
    page.keyboard.type(NOTE)
    tabuler_jusqu_a(page, "form button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Intervention enregistrée.")).to_be_visible()
    expect(page.get_by_text(NOTE)).to_be_visible()
    notes = [
        i.note
        for i in Intervention.objects.filter(
            accompagnement=accompagnement, auteur__email="ts.cantal@demo.test"
        )
    ]
    assert notes.count(NOTE) == 1


def test_enregistrer_une_decision_de_comite_au_clavier_seul(demo, page, live_server):
    seance = Seance.objects.get(
        comite__dispositif__slug="cantal",
        comite__type="technique",
        date__date=timezone.localdate(),
    )
    point = seance.points.filter(nature="nouvelle_orientation").first()
    bloc = f"#point-{point.public_id}"
    se_connecter_au_clavier(page, live_server, "cotech.cantal@demo.test")

    tabuler_jusqu_a(page, "a[href='/comites/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Comités", exact=True)).to_be_visible()
    tabuler_jusqu_a(page, f"a[href='/comites/seances/{seance.public_id}/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Ordre du jour")).to_be_visible()

    # Le formulaire du point se charge par Entrée sur « Enregistrer une décision » ; le focus va
    # alors à son premier champ.
    tabuler_jusqu_a(page, f"{bloc} a[hx-get]")
    page.keyboard.press("Enter")
    expect(page.locator(f"{bloc} select[name$='-type']")).to_be_focused()
    choisir_au_clavier(page, "Refus")

    # Un refus sans motif est refusé : le focus va au résumé des erreurs, qui mène au champ.
    tabuler_jusqu_a(page, f"{bloc} button[type=submit]")
    page.keyboard.press("Enter")
    resume = page.locator(f"{bloc} .resume-erreurs")
    expect(resume).to_be_focused()
    expect(resume).to_contain_text("Indiquez les motifs")
    tabuler_jusqu_a(page, f"{bloc} .resume-erreurs a")
    page.keyboard.press("Enter")
    motifs = page.locator(f"{bloc} textarea[name$='-motifs']")
    expect(motifs).to_be_focused()
    expect(motifs).to_have_attribute("aria-invalid", "true")
    page.keyboard.type(MOTIFS)
    tabuler_jusqu_a(page, f"{bloc} button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.locator(f"{bloc} .decision").get_by_text("Refus", exact=True)).to_be_visible()
    # Après l'échange htmx, le focus reste dans le point décidé : le clavier repart de là.
    page.wait_for_function(
        "(bloc) => document.activeElement && document.activeElement.closest(bloc) !== null",
        arg=bloc,
    )
    apres = focus(page, f"{bloc}, {bloc} *")
    assert apres is not None and apres["cible"], apres
    orientation = Orientation.objects.get(pk=point.orientation_id)
    assert orientation.statut == "refusee"
