"""Les captures d'écran du guide de l'utilisateur (docs/guide/captures/), prises par le parcours
de chaque rôle dans la démonstration : relancer ce test les remet à jour avec les écrans du
moment. Chaque capture montre la fenêtre (1 280 × 800 sur un bureau, 375 × 800 sur un
téléphone) et est réduite à une palette de couleurs pour rester légère dans le dépôt.

    .venv/bin/pytest -n 0 tests/navigateur/test_guide.py
"""

from pathlib import Path
from unittest import mock

from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from comites.models import Seance
from core import widgets as core_widgets
from core.enums import Role
from core.models import Membre
from menages.models import Orientation

from .conftest import changer_de_largeur, changer_de_personne, se_connecter
from .test_intervention_telephone import accompagnement_partage

CAPTURES = Path(__file__).resolve().parents[2] / "docs" / "guide" / "captures"
BUREAU, TELEPHONE, HAUTEUR = 1280, 375, 800
COULEURS = 128


def capturer(page, nom, largeur=BUREAU, element=None):
    """Écrit docs/guide/captures/<nom>.png : la fenêtre, ou la zone qui montre `element`."""
    changer_de_largeur(page, largeur, HAUTEUR)
    if element is not None:
        element.scroll_into_view_if_needed()
    else:
        page.evaluate("window.scrollTo(0, 0)")
    chemin = CAPTURES / f"{nom}.png"
    page.screenshot(path=chemin, animations="disabled", caret="hide")
    image = Image.open(chemin).convert("RGB")
    image.quantize(colors=COULEURS, dither=Image.Dither.NONE).save(chemin, optimize=True)
    return chemin


def aller(page, live_server, chemin):
    reponse = page.goto(f"{live_server.url}{chemin}")
    assert reponse is not None and reponse.ok, f"{chemin} : {reponse and reponse.status}"


def changer_de_compte(page, live_server, email):
    changer_de_personne(page)
    se_connecter(page, live_server, email)
    expect(page.locator("main")).to_be_visible()


def test_captures_du_guide(demo, navigateur, live_server):
    CAPTURES.mkdir(parents=True, exist_ok=True)
    contexte = navigateur.new_context(
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": BUREAU, "height": HAUTEUR},
    )
    contexte.set_default_timeout(20_000)
    page = contexte.new_page()
    prises = []
    try:
        prises += _connexion(page, live_server)
        prises += _terrain(page, live_server)
        prises += _coordination(page, live_server)
        prises += _cotech(page, live_server)
        prises += _copil(page, live_server)
        prises += _bailleur(page, live_server)
        prises += _prescripteur(page, live_server)
        prises += _evaluateur_et_financeur(page, live_server)
        prises += _administration(page, live_server)
    finally:
        contexte.close()
    for chemin in prises:
        with Image.open(chemin) as image:
            assert image.width in (BUREAU, TELEPHONE) and image.height == HAUTEUR, chemin
        # Une capture légère : le dépôt garde toutes les captures du guide.
        assert chemin.stat().st_size < 250_000, f"{chemin.name} : {chemin.stat().st_size} octets"


def _connexion(page, live_server):
    aller(page, live_server, "/compte/connexion/")
    return [capturer(page, "connexion-telephone", TELEPHONE)]


def _terrain(page, live_server):
    accompagnement = accompagnement_partage()
    changer_de_compte(page, live_server, "ts.cantal@demo.test")
    prises = [capturer(page, "terrain-accueil-telephone", TELEPHONE)]
    aller(page, live_server, f"/accompagnements/{accompagnement.public_id}/")
    prises.append(capturer(page, "terrain-accompagnement-telephone", TELEPHONE))
    prises.append(capturer(page, "terrain-accompagnement"))
    page.get_by_role("link", name="Noter une intervention").click()
    page.locator("#id_note").fill(
        "Visite à domicile : courrier de la CAF lu avec Mme, dossier FSL à compléter."
    )
    prises.append(capturer(page, "terrain-intervention-telephone", TELEPHONE))
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Intervention enregistrée.")).to_be_visible()
    prises.append(capturer(page, "terrain-intervention-enregistree-telephone", TELEPHONE))
    return prises


def _coordination(page, live_server):
    menage = accompagnement_partage().menage
    changer_de_compte(page, live_server, "coordinateur.cantal@demo.test")
    prises = [capturer(page, "coordination-accueil")]
    aller(page, live_server, "/menages/")
    prises.append(capturer(page, "coordination-file-active"))
    aller(page, live_server, f"/menages/{menage.public_id}/")
    prises.append(capturer(page, "coordination-menage"))
    aller(page, live_server, "/dispositifs/cantal/")
    prises.append(capturer(page, "coordination-dispositif"))
    aller(page, live_server, "/comites/")
    prises.append(capturer(page, "coordination-comites"))
    aller(page, live_server, "/rapports/")
    prises.append(capturer(page, "coordination-rapports"))
    aller(page, live_server, "/tableau-de-bord/cantal/")
    prises.append(capturer(page, "coordination-tableau-de-bord"))
    aller(page, live_server, "/dispositifs/cantal/membres/")
    prises.append(capturer(page, "coordination-membres"))
    aller(page, live_server, "/dispositifs/cantal/journal/")
    prises.append(capturer(page, "coordination-journal"))
    return prises


def _cotech(page, live_server):
    seance = Seance.objects.get(
        comite__dispositif__slug="cantal",
        comite__type="technique",
        date__date=timezone.localdate(),
    )
    point = seance.points.filter(nature="nouvelle_orientation").first()
    changer_de_compte(page, live_server, "cotech.cantal@demo.test")
    prises = [capturer(page, "cotech-accueil")]
    aller(page, live_server, f"/comites/seances/{seance.public_id}/")
    prises.append(capturer(page, "cotech-seance"))
    bloc = page.locator(f"#point-{point.public_id}")
    bloc.get_by_text("Enregistrer une décision").click()
    bloc.get_by_label("Décision").select_option(label="Admission")
    prises.append(capturer(page, "cotech-decision", element=bloc.locator("form")))
    # Un programme de centaines de personnes : le référent·e et l'équipe se cherchent par le nom
    # (le seuil est abaissé pour que la démonstration le montre).
    autre = seance.points.filter(nature="nouvelle_orientation").exclude(pk=point.pk).first()
    infirmier = (
        Membre.objects.actifs()
        .filter(dispositif=seance.comite.dispositif, role=Role.INFIRMIER)
        .first()
        .user
    )
    with mock.patch.object(core_widgets, "LISTE_ENTIERE_JUSQU_A", 2):
        bloc = page.locator(f"#point-{autre.public_id}")
        bloc.get_by_text("Enregistrer une décision").click()
        bloc.get_by_label("Décision").select_option(label="Admission")
        saisie = bloc.get_by_role("combobox", name="Équipe")
        saisie.click()
        saisie.press_sequentially(infirmier.last_name[:3], delay=50)
        expect(page.locator(".ts-dropdown .option").first).to_be_visible()
        prises.append(
            capturer(page, "cotech-recherche-personne", element=bloc.locator(".ts-dropdown.multi"))
        )
    return prises


def _copil(page, live_server):
    changer_de_compte(page, live_server, "copil.cantal@demo.test")
    prises = [capturer(page, "copil-accueil")]
    aller(page, live_server, "/tableau-de-bord/cantal/")
    prises.append(capturer(page, "copil-tableau-de-bord"))
    return prises


def _bailleur(page, live_server):
    changer_de_compte(page, live_server, "bailleur.cantal@demo.test")
    prises = [capturer(page, "bailleur-accueil")]
    aller(page, live_server, "/orientations/nouvelle/")
    prises.append(capturer(page, "bailleur-orienter"))
    return prises


def _prescripteur(page, live_server):
    orientation = (
        Orientation.objects.filter(orientee_par__email="prescripteur.savoie@demo.test")
        .select_related("menage")
        .first()
    )
    changer_de_compte(page, live_server, "prescripteur.savoie@demo.test")
    prises = [capturer(page, "prescripteur-accueil")]
    aller(page, live_server, "/orientations/mes-orientations/")
    prises.append(capturer(page, "prescripteur-mes-orientations"))
    aller(page, live_server, f"/menages/{orientation.menage.public_id}/")
    prises.append(capturer(page, "prescripteur-menage"))
    aller(page, live_server, "/orientations/nouvelle/")
    prises.append(capturer(page, "prescripteur-orienter-telephone", TELEPHONE))
    return prises


def _evaluateur_et_financeur(page, live_server):
    changer_de_compte(page, live_server, "evaluateur.cantal@demo.test")
    aller(page, live_server, "/evaluation/")
    prises = [capturer(page, "evaluateur-extraits")]
    changer_de_compte(page, live_server, "financeur@demo.test")
    aller(page, live_server, "/national/")
    prises.append(capturer(page, "financeur-vue-nationale"))
    return prises


def _administration(page, live_server):
    changer_de_compte(page, live_server, "admin@demo.test")
    aller(page, live_server, "/admin-technique/")
    return [capturer(page, "administration-accueil")]
