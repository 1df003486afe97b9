"""Connexion par adresse électronique, déconnexion, mots de passe, limitation des essais."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from core.factories import UserFactory
from core.models import JournalAudit

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "mot-de-passe-de-test"


def test_connexion_par_adresse_sans_tenir_compte_de_la_casse(client):
    user = UserFactory(email="ts.cantal@demo.test")
    reponse = client.post(
        reverse("login"), {"username": "TS.Cantal@demo.test", "password": MOT_DE_PASSE}
    )
    assert reponse.status_code == 302
    assert reponse.url == reverse("ecrans:accueil")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert JournalAudit.objects.filter(user=user, action="connexion").count() == 1


def test_mauvais_mot_de_passe_message_en_francais_et_adresse_conservee(client):
    UserFactory(email="ts.cantal@demo.test")
    reponse = client.post(reverse("login"), {"username": "ts.cantal@demo.test", "password": "faux"})
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in contenu
    assert 'value="ts.cantal@demo.test"' in contenu
    echec = JournalAudit.objects.get(action="connexion_echouee")
    assert echec.email == "ts.cantal@demo.test"


def test_cinq_echecs_bloquent_le_compte_depuis_ce_poste(client):
    UserFactory(email="ts.cantal@demo.test")
    for _ in range(5):
        client.post(reverse("login"), {"username": "ts.cantal@demo.test", "password": "faux"})
    reponse = client.post(
        reverse("login"), {"username": "ts.cantal@demo.test", "password": MOT_DE_PASSE}
    )
    assert reponse.status_code == 429
    assert "Trop de tentatives" in reponse.content.decode()
    assert "_auth_user_id" not in client.session


def test_deconnexion(client):
    client.force_login(UserFactory())
    reponse = client.post(reverse("logout"))
    assert reponse.status_code == 302
    assert client.get(reverse("ecrans:accueil")).status_code == 302


def test_changement_de_mot_de_passe(client):
    user = UserFactory()
    client.force_login(user)
    reponse = client.post(
        reverse("password_change"),
        {
            "old_password": MOT_DE_PASSE,
            "new_password1": "une-phrase-longue-et-neuve",
            "new_password2": "une-phrase-longue-et-neuve",
        },
    )
    assert reponse.status_code == 302
    user.refresh_from_db()
    assert user.check_password("une-phrase-longue-et-neuve")


def test_reinitialisation_du_mot_de_passe_par_courriel(client):
    user = UserFactory(email="infirmier.cantal@demo.test")
    client.post(reverse("password_reset"), {"email": "infirmier.cantal@demo.test"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Réinitialisation de votre mot de passe"
    lien = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    formulaire = client.get(lien, follow=True)
    assert formulaire.status_code == 200
    reponse = client.post(
        formulaire.redirect_chain[-1][0],
        {"new_password1": "nouvelle-phrase-secrete", "new_password2": "nouvelle-phrase-secrete"},
    )
    assert reponse.status_code == 302
    user.refresh_from_db()
    assert user.check_password("nouvelle-phrase-secrete")


def test_la_reinitialisation_ne_dit_pas_si_le_compte_existe(client):
    reponse = client.post(reverse("password_reset"), {"email": "inconnu@exemple.test"})
    assert reponse.status_code == 302
    assert mail.outbox == []


def test_le_journal_d_audit_est_en_lecture_seule_dans_l_administration(admin_client):
    entree = JournalAudit.objects.create(action="export", email="x@exemple.test")
    url = reverse("admin:core_journalaudit_change", args=[entree.pk])
    reponse = admin_client.post(url, {"action": "connexion"})
    assert reponse.status_code in (302, 403)
    entree.refresh_from_db()
    assert entree.action == "export"
    assert (
        admin_client.post(
            reverse("admin:core_journalaudit_delete", args=[entree.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert JournalAudit.objects.filter(pk=entree.pk).exists()
