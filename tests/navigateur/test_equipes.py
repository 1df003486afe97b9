"""Parcours de la coordination : inviter un travailleur social (le lien lu dans la boîte d'envoi
de test), qui choisit son mot de passe et ne voit que les ménages de son équipe ; terminer
l'adhésion d'une infirmière, dont la requête suivante est refusée et dont les ménages
apparaissent « à réaffecter »."""

import re

from django.core import mail
from playwright.sync_api import expect

from accompagnement import services as accompagnement_services
from accompagnement.models import Accompagnement
from core.models import User
from equipes.models import Invitation
from menages.models import Menage

from .conftest import capture, se_connecter

MOT_DE_PASSE = "Gaspard-Ricochet-Lavande-1987!"


def inviter_un_ts(page, email, prenom, nom, capturer=False):
    """Depuis la page des membres : invite un travailleur social, jusqu'à « Invitation
    envoyée »."""
    page.get_by_role("link", name="Inviter une personne").click()
    if capturer:
        capture(page, "inviter-1280")
    page.locator("#id_email").fill(email)
    page.locator("#id_prenom").fill(prenom)
    page.locator("#id_nom").fill(nom)
    page.locator("#id_role").select_option("travailleur_social")
    page.locator("#id_profession").select_option("travailleur_social")
    page.get_by_role("button", name="Envoyer l'invitation").click()
    expect(page.get_by_role("heading", name="Invitation envoyée")).to_be_visible()


def test_inviter_un_ts_puis_terminer_l_adhesion_d_une_infirmiere(demo, navigateur, live_server):
    coordination = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    coordination.set_default_timeout(15_000)
    page = coordination.new_page()
    se_connecter(page, live_server, "coordinateur.cantal@demo.test")
    page.goto(f"{live_server.url}/dispositifs/cantal/")
    page.get_by_role("link", name="Membres").click()
    expect(page.get_by_role("heading", name="Membres du dispositif")).to_be_visible()
    capture(page, "membres-1280")

    # 1. L'invitation.
    inviter_un_ts(page, "lea.marchand@exemple.test", "Léa", "Marchand", capturer=True)
    assert len(mail.outbox) == 1
    lien = re.search(r"https?://\S+/invitation/\S+/", mail.outbox[0].body).group(0)

    # 2. La nouvelle personne choisit son mot de passe (sur son téléphone).
    nouvelle = navigateur.new_context(
        locale="fr-FR", timezone_id="Europe/Paris", viewport={"width": 375, "height": 800}
    )
    nouvelle.set_default_timeout(15_000)
    ts = nouvelle.new_page()
    ts.goto(lien.replace("http://127.0.0.1:8000", live_server.url))
    expect(ts.get_by_role("heading", name="Rejoindre le dispositif")).to_be_visible()
    capture(ts, "invitation-375")
    ts.locator("#id_password1").fill(MOT_DE_PASSE)
    ts.locator("#id_password2").fill(MOT_DE_PASSE)
    ts.get_by_role("button", name="Rejoindre").click()
    expect(ts.get_by_text("Bienvenue dans le dispositif")).to_be_visible()
    ts.goto(f"{live_server.url}/menages/")
    expect(ts.get_by_text("Aucun ménage ne correspond")).to_be_visible()

    # La coordination l'ajoute à l'équipe d'un ménage : elle le voit, lui seul.
    accompagnement = (
        Accompagnement.objects.ouverts()
        .filter(dispositif__slug="cantal")
        .select_related("menage", "referent")
        .first()
    )
    coordinateur = User.objects.get(email="coordinateur.cantal@demo.test")
    lea = User.objects.get(email="lea.marchand@exemple.test")
    accompagnement_services.modifier_equipe(
        coordinateur,
        accompagnement,
        referent=accompagnement.referent,
        equipe=[*[m.user for m in accompagnement.equipe.en_cours()], lea],
    )
    ts.goto(f"{live_server.url}/menages/")
    expect(ts.locator("a.fw-semibold")).to_have_count(1)
    expect(ts.locator("a.fw-semibold")).to_have_text(
        f"{accompagnement.menage.nom} {accompagnement.menage.prenom}"
    )
    autre = Menage.objects.filter(dispositif__slug="cantal").exclude(pk=accompagnement.menage_id)[0]
    assert ts.goto(f"{live_server.url}/menages/{autre.public_id}/").status == 404

    # 3. L'infirmière, connectée, est référente d'un ménage ; la coordination enregistre son départ.
    infirmiere_contexte = navigateur.new_context(locale="fr-FR", timezone_id="Europe/Paris")
    infirmiere_contexte.set_default_timeout(15_000)
    infirmiere = infirmiere_contexte.new_page()
    se_connecter(infirmiere, live_server, "infirmier.cantal@demo.test")
    infirmier = User.objects.get(email="infirmier.cantal@demo.test")
    suivi = (
        Accompagnement.objects.ouverts()
        .filter(dispositif__slug="cantal", equipe__user=infirmier, equipe__date_fin__isnull=True)
        .select_related("menage")
        .first()
    )
    accompagnement_services.changer_referent(coordinateur, suivi, infirmier)
    url_suivi = f"{live_server.url}/accompagnements/{suivi.public_id}/"
    assert infirmiere.goto(url_suivi).status == 200

    page.goto(f"{live_server.url}/dispositifs/cantal/membres/")
    ligne = page.locator("#adhesions tr", has_text="infirmier.cantal@demo.test")
    ligne.get_by_role("link", name="Départ").click()
    expect(page.get_by_role("heading", name=re.compile("Départ de"))).to_be_visible()
    capture(page, "depart-1280")
    page.get_by_role("button", name="Enregistrer le départ").click()
    expect(page.get_by_role("heading", name="À réaffecter")).to_be_visible()
    a_reaffecter = page.locator("#menages-a-reaffecter")
    expect(a_reaffecter.get_by_role("link", name=str(suivi.menage))).to_be_visible()
    capture(page, "a-reaffecter-1280")

    # La requête suivante de l'infirmière est refusée, et sa connexion aussi.
    infirmiere.goto(url_suivi)
    expect(infirmiere).to_have_url(re.compile("/compte/connexion/"))
    se_connecter(infirmiere, live_server, "infirmier.cantal@demo.test")
    expect(infirmiere).to_have_url(re.compile("/compte/connexion/"))

    # La coordination confie le ménage au TS de l'équipe, en un écran.
    relais = User.objects.get(email="ts.cantal@demo.test")
    a_reaffecter.get_by_label(f"Référent·e pour {suivi.menage}").select_option(
        label=relais.get_full_name()
    )
    page.get_by_role("button", name="Confier").click()
    expect(page.get_by_text("1 suivi(s) confié(s).")).to_be_visible()
    suivi.refresh_from_db()
    assert suivi.referent == relais
    # Sur un téléphone : la page des membres, et l'historique de l'équipe du ménage.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/dispositifs/cantal/membres/")
    capture(page, "membres-375")
    page.goto(url_suivi)
    page.locator("#historique-equipe summary").click()
    expect(page.locator("#historique-equipe")).to_contain_text(infirmier.get_full_name())
    capture(page, "historique-equipe-375")

    # 4. Une invitation envoyée par erreur : renvoyée puis révoquée depuis sa ligne (un
    # formulaire, deux boutons).
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/dispositifs/cantal/membres/")
    inviter_un_ts(page, "paul.erreur@exemple.test", "Paul", "Erreur")
    envoyes = len(mail.outbox)
    page.goto(f"{live_server.url}/dispositifs/cantal/membres/")
    ligne = page.locator("#invitations tr", has_text="paul.erreur@exemple.test")
    capture(page, "invitations-1280")
    ligne.get_by_role("button", name="Renvoyer").click()
    expect(page.get_by_role("heading", name="Invitation envoyée")).to_be_visible()
    assert len(mail.outbox) == envoyes + 1
    page.goto(f"{live_server.url}/dispositifs/cantal/membres/")
    ligne.get_by_role("button", name="Révoquer").click()
    expect(
        page.get_by_text("L'invitation de paul.erreur@exemple.test est révoquée")
    ).to_be_visible()
    expect(page.locator("#invitations")).not_to_contain_text("paul.erreur@exemple.test")
    assert Invitation.objects.get(email="paul.erreur@exemple.test").revoquee_le is not None
    for contexte in (coordination, nouvelle, infirmiere_contexte):
        contexte.close()
