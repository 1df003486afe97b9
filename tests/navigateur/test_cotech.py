"""Parcours : le membre du COTECH ouvre la séance du mois, admet un ménage et en refuse un
autre ; le ménage admis apparaît dans la file active avec son équipe."""

from django.utils import timezone
from playwright.sync_api import expect

from comites.models import Seance
from core import widgets as core_widgets
from core.enums import Role
from core.models import Membre
from menages.models import Orientation

from .accessibilite import decrire, violations
from .conftest import (
    capture,
    chercher_en_file_active,
    cocher,
    ouvrir_le_volet,
    se_connecter,
)


def test_cotech_admet_et_refuse_en_seance(demo, page, live_server):
    seance = Seance.objects.get(
        comite__dispositif__slug="cantal",
        comite__type="technique",
        date__date=timezone.localdate(),
    )
    points = list(seance.points.filter(nature="nouvelle_orientation").select_related("menage"))
    assert len(points) >= 2
    admis, refuse = points[0], points[1]

    se_connecter(page, live_server, "cotech.cantal@demo.test")
    page.get_by_role("link", name="Comités").click()
    page.get_by_role("region", name="Prochaines séances").get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Ordre du jour")).to_be_visible()

    # La page ne porte aucun formulaire : chacun se charge à la demande, le focus sur son
    # premier champ.
    expect(page.locator("form[action$='/decision/']")).to_have_count(0)
    bloc = page.locator(f"#point-{admis.public_id}")
    bloc.get_by_text("Enregistrer une décision").click()
    expect(bloc.get_by_label("Décision")).to_be_focused()
    bloc.get_by_label("Décision").select_option(label="Admission")
    bloc.get_by_label("Référent·e").select_option(index=1)
    bloc.get_by_label("Motifs / contenu").fill("Situation complexe, équipe pluridisciplinaire.")
    cocher(bloc.locator("input[name$='-equipe']").first)
    bloc.get_by_role("button", name="Enregistrer la décision").click()
    expect(bloc.locator(".decision").get_by_text("Admission", exact=True)).to_be_visible()

    bloc = page.locator(f"#point-{refuse.public_id}")
    bloc.get_by_text("Enregistrer une décision").click()
    bloc.get_by_label("Décision").select_option(label="Refus")
    bloc.get_by_role("button", name="Enregistrer la décision").click()
    expect(bloc.get_by_text("Indiquez les motifs")).to_be_visible()
    bloc.get_by_label("Motifs / contenu").fill("Relève du droit commun : suivi CCAS en place.")
    bloc.get_by_role("button", name="Enregistrer la décision").click()
    expect(bloc.locator(".decision").get_by_text("Refus", exact=True)).to_be_visible()
    capture(page, "seance-cotech")

    assert Orientation.objects.get(pk=refuse.orientation_id).statut == "refusee"
    # Le formulaire d'un point ne se charge que là où on le demande : un seul a été ouvert par
    # point décidé, et les ids des champs restent uniques dans la page.
    ids = page.eval_on_selector_all("[id]", "els => els.map(e => e.id)")
    assert len(ids) == len(set(ids))
    accompagnement = admis.menage.accompagnements.get()
    equipe = [m.user.get_full_name() for m in accompagnement.equipe.select_related("user")]

    page.get_by_role("link", name="File active", exact=True).click()
    ligne = chercher_en_file_active(page, admis.menage.reference_locataire).get_by_role(
        "link", name=admis.menage.nom
    )
    expect(ligne).to_be_visible()
    ligne.click()
    section = page.get_by_role("region", name="Accompagnements")
    for personne in equipe:
        expect(section.get_by_text(personne)).to_be_visible()


def test_sans_javascript_le_lien_mene_a_la_page_de_decision(demo, navigateur, live_server):
    """Sans JavaScript, « Enregistrer une décision » est un vrai lien : la page de décision du
    point, qui garde la saisie après un refus et revient à la séance après la décision."""
    seance = Seance.objects.get(
        comite__dispositif__slug="cantal",
        comite__type="technique",
        date__date=timezone.localdate(),
    )
    point = seance.points.filter(nature="nouvelle_orientation", decisions=None).first()
    contexte = navigateur.new_context(java_script_enabled=False, locale="fr-FR")
    page = contexte.new_page()
    se_connecter(page, live_server, "cotech.cantal@demo.test")
    page.goto(f"{live_server.url}/comites/seances/{seance.public_id}/")
    bloc = page.locator(f"#point-{point.public_id}")
    bloc.get_by_role("link", name="Enregistrer une décision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Décision sur")
    page.get_by_label("Décision").select_option(label="Refus")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("Indiquez les motifs")).to_be_visible()
    expect(page.get_by_label("Décision")).to_have_value("refus")
    page.get_by_label("Motifs / contenu").fill("Relève du droit commun.")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_role("heading", name="Ordre du jour")).to_be_visible()
    expect(page.locator(f"#point-{point.public_id} .decision")).to_contain_text("Refus")
    contexte.close()


def test_le_referent_et_l_equipe_se_cherchent_par_le_nom(demo, page, live_server, monkeypatch):
    """Un programme de centaines de personnes : au-delà du seuil (abaissé ici), le référent·e et
    l'équipe se cherchent par le nom, parmi les suggestions du serveur ; la décision les
    enregistre, et la page reste sans violation grave d'accessibilité."""
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", 2)
    seance = Seance.objects.get(
        comite__dispositif__slug="cantal",
        comite__type="technique",
        date__date=timezone.localdate(),
    )
    point = seance.points.filter(nature="nouvelle_orientation", decisions=None).first()
    adhesions = Membre.objects.actifs().filter(dispositif=seance.comite.dispositif)
    referent = adhesions.filter(role=Role.TRAVAILLEUR_SOCIAL).first().user
    infirmier = adhesions.filter(role=Role.INFIRMIER).first().user

    se_connecter(page, live_server, "cotech.cantal@demo.test")
    page.goto(f"{live_server.url}/comites/seances/{seance.public_id}/")
    bloc = page.locator(f"#point-{point.public_id}")
    bloc.get_by_text("Enregistrer une décision").click()
    bloc.get_by_label("Décision").select_option(label="Admission")
    bloc.get_by_label("Motifs / contenu").fill("Situation complexe, équipe pluridisciplinaire.")

    for champ, personne in (("Référent·e", referent), ("Équipe", infirmier)):
        saisie = bloc.get_by_role("combobox", name=champ)
        saisie.click()
        saisie.press_sequentially(personne.last_name[:4], delay=50)
        suggestion = page.locator(".ts-dropdown .option", has_text=personne.get_full_name())
        expect(suggestion.first).to_be_visible()
        suggestion.first.click()
        page.keyboard.press("Escape")
    capture(page, "decision-recherche-personnes")
    assert not violations(page), decrire(violations(page))

    bloc.get_by_role("button", name="Enregistrer la décision").click()
    expect(bloc.locator(".decision").get_by_text("Admission", exact=True)).to_be_visible()
    accompagnement = point.menage.accompagnements.get()
    assert accompagnement.referent == referent
    assert infirmier.pk in set(accompagnement.equipe.values_list("user", flat=True))


def test_la_feuille_de_presence_se_charge_a_l_ouverture_de_son_volet(
    demo, page, navigateur, live_server
):
    """La coordination ouvre le volet « Feuille de présence » : les membres et les structures
    du comité s'y chargent, se cochent et s'enregistrent. Sans JavaScript, un lien mène à la
    page de la feuille."""
    seance = Seance.objects.get(
        comite__dispositif__slug="cantal",
        comite__type="technique",
        date__date=timezone.localdate(),
    )
    membre = seance.comite.membres.exclude(pk__in=seance.presents.all()).order_by("last_name")[0]
    se_connecter(page, live_server, "coordinateur.cantal@demo.test")
    page.goto(f"{live_server.url}/comites/seances/{seance.public_id}/")
    volet = ouvrir_le_volet(page, "feuille-de-presence", membre.get_full_name(), exact=True)
    cocher(volet.get_by_label(membre.get_full_name(), exact=True))
    volet.get_by_role("button", name="Enregistrer les présences").click()
    expect(page.get_by_text("Présences enregistrées.")).to_be_visible()
    expect(page.get_by_text("Présents :")).to_contain_text(membre.get_full_name())
    assert seance.presents.filter(pk=membre.pk).exists()

    contexte = navigateur.new_context(java_script_enabled=False, locale="fr-FR")
    sans_script = contexte.new_page()
    se_connecter(sans_script, live_server, "coordinateur.cantal@demo.test")
    sans_script.goto(f"{live_server.url}/comites/seances/{seance.public_id}/")
    sans_script.locator("#feuille-de-presence summary").click()
    sans_script.get_by_role("link", name="Tenir la feuille de présence").click()
    expect(sans_script.get_by_role("heading", level=1)).to_have_text("Feuille de présence")
    expect(sans_script.get_by_label(membre.get_full_name(), exact=True)).to_be_checked()
    contexte.close()
