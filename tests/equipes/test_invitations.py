"""Inviter une personne : un lien à usage unique, qui expire, dont seule l'empreinte est gardée ;
choisir son mot de passe aux règles du produit ; tout au journal."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.enums import Profession, Role
from core.factories import DispositifFactory, MembreFactory, TerritoireFactory, UserFactory
from core.models import JournalAudit, Membre, User
from core.permissions import roles
from equipes import services
from equipes.models import Invitation, empreinte
from tests.outils import membre, texte

from .situations import MOT_DE_PASSE_SOLIDE, dernier_lien_envoye, inviter, jeton_de

pytestmark = pytest.mark.django_db

Journal = JournalAudit.Action


def accepter_en_ligne(client, lien, mot_de_passe=MOT_DE_PASSE_SOLIDE, **champs):
    donnees = {"prenom": "Lina", "nom": "Ferrand", "password1": mot_de_passe}
    donnees["password2"] = mot_de_passe
    donnees.update(champs)
    return client.post(lien.removeprefix("http://testserver"), donnees)


def test_l_invitation_part_par_courriel_et_seule_l_empreinte_du_jeton_est_gardee(coordination):
    dispositif, coordinateur = coordination
    invitation, lien = inviter(coordinateur, dispositif)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nouvelle.ts@exemple.test"]
    assert lien in mail.outbox[0].body
    jeton = jeton_de(lien)
    assert invitation.jeton_empreinte == empreinte(jeton)
    assert not Invitation.objects.filter(jeton_empreinte=jeton).exists()
    assert jeton not in repr(list(Invitation.objects.values_list()))
    assert invitation.expire_le - timezone.now() > timedelta(days=6, hours=23)


@override_settings(INVITATION_DUREE_JOURS=2)
def test_la_duree_de_l_invitation_se_regle(coordination):
    dispositif, coordinateur = coordination
    invitation, _ = inviter(coordinateur, dispositif)
    assert timedelta(days=1, hours=23) < invitation.expire_le - timezone.now() <= timedelta(days=2)


def test_l_invitation_est_journalisee_avec_qui_invite_qui_et_quel_role(coordination):
    dispositif, coordinateur = coordination
    invitation, _ = inviter(coordinateur, dispositif)
    ligne = JournalAudit.objects.get(action=Journal.INVITATION_ENVOYEE)
    assert ligne.user == coordinateur
    assert ligne.dispositif == dispositif
    assert ligne.objet_id == str(invitation.public_id)
    assert "nouvelle.ts@exemple.test" in ligne.detail
    assert "Travailleur·se social·e" in ligne.detail


def test_la_nouvelle_personne_choisit_son_mot_de_passe_et_est_connectee(client, coordination):
    dispositif, coordinateur = coordination
    _, lien = inviter(coordinateur, dispositif)
    reponse = accepter_en_ligne(client, dernier_lien_envoye())
    assert reponse.status_code == 302
    user = User.objects.get(email="nouvelle.ts@exemple.test")
    assert user.check_password(MOT_DE_PASSE_SOLIDE)
    assert (user.first_name, user.last_name) == ("Lina", "Ferrand")
    assert Role.TRAVAILLEUR_SOCIAL in roles(user, dispositif)
    assert client.get(reverse("ecrans:accueil")).status_code == 200
    assert JournalAudit.objects.filter(action=Journal.INVITATION_ACCEPTEE, user=user).exists()
    assert JournalAudit.objects.filter(action=Journal.ADHESION_CREEE, user=user).exists()


def test_un_mot_de_passe_faible_est_refuse_et_la_saisie_gardee(client, coordination):
    dispositif, coordinateur = coordination
    _, lien = inviter(coordinateur, dispositif)
    reponse = accepter_en_ligne(client, lien, mot_de_passe="azerty123")
    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert 'value="Ferrand"' in contenu
    assert "invalid-feedback" in contenu
    assert not User.objects.filter(email="nouvelle.ts@exemple.test").exists()
    # Le lien sert encore : il n'a pas été utilisé.
    assert accepter_en_ligne(client, lien).status_code == 302


def test_le_lien_ne_sert_qu_une_fois(client, coordination):
    dispositif, coordinateur = coordination
    _, lien = inviter(coordinateur, dispositif)
    assert accepter_en_ligne(client, lien).status_code == 302
    client.logout()
    reponse = client.get(lien.removeprefix("http://testserver"))
    assert reponse.status_code == 404
    assert "n'est plus valable" in texte(reponse)
    assert Membre.objects.filter(user__email="nouvelle.ts@exemple.test").count() == 1


def test_un_lien_expire_est_refuse(client, coordination):
    dispositif, coordinateur = coordination
    invitation, lien = inviter(coordinateur, dispositif)
    Invitation.objects.filter(pk=invitation.pk).update(expire_le=timezone.now())
    assert accepter_en_ligne(client, lien).status_code == 404
    assert not User.objects.filter(email="nouvelle.ts@exemple.test").exists()


def test_un_jeton_inconnu_ou_demesure_est_une_page_introuvable(client):
    assert client.get(reverse("equipes:accepter", args=["inconnu"])).status_code == 404
    assert client.get(reverse("equipes:accepter", args=["x" * 500])).status_code == 404


def test_renvoyer_tire_un_nouveau_lien_et_l_ancien_ne_vaut_plus_rien(client, coordination):
    dispositif, coordinateur = coordination
    invitation, ancien = inviter(coordinateur, dispositif)
    Invitation.objects.filter(pk=invitation.pk).update(expire_le=timezone.now())
    _, nouveau = services.renvoyer(coordinateur, invitation)
    assert nouveau != ancien
    assert len(mail.outbox) == 2
    assert accepter_en_ligne(client, ancien).status_code == 404
    assert accepter_en_ligne(client, nouveau).status_code == 302
    assert JournalAudit.objects.filter(action=Journal.INVITATION_RENVOYEE).count() == 1


def test_une_invitation_revoquee_ne_s_accepte_plus(client, coordination):
    dispositif, coordinateur = coordination
    invitation, lien = inviter(coordinateur, dispositif)
    client.force_login(coordinateur)
    reponse = client.post(reverse("equipes:revoquer", args=[dispositif.slug, invitation.public_id]))
    assert reponse.status_code == 302
    client.logout()
    assert accepter_en_ligne(client, lien).status_code == 404
    assert JournalAudit.objects.filter(action=Journal.INVITATION_REVOQUEE).count() == 1


def test_une_personne_deja_membre_ailleurs_ajoute_une_adhesion_sans_nouveau_compte(client):
    psychologue = MembreFactory(role=Role.PSYCHOLOGUE)
    dispositif = DispositifFactory()
    coordinateur = membre(dispositif, Role.COORDINATEUR)
    _, lien = inviter(
        coordinateur,
        dispositif,
        email=psychologue.user.email.upper(),
        role=Role.PSYCHOLOGUE,
        profession=Profession.PSYCHOLOGUE,
    )
    page = texte(client.get(lien.removeprefix("http://testserver")))
    assert "Votre mot de passe actuel" in page
    # Le lien seul ne suffit pas à entrer dans un compte existant.
    refus = client.post(lien.removeprefix("http://testserver"), {"mot_de_passe_actuel": "faux"})
    assert refus.status_code == 200
    assert "Mot de passe actuel incorrect." in texte(refus)
    reponse = client.post(
        lien.removeprefix("http://testserver"), {"mot_de_passe_actuel": "mot-de-passe-de-test"}
    )
    assert reponse.status_code == 302
    assert User.objects.filter(email__iexact=psychologue.user.email).count() == 1
    assert set(
        Membre.objects.actifs().filter(user=psychologue.user).values_list("dispositif", flat=True)
    ) == {psychologue.dispositif_id, dispositif.pk}


def test_le_role_de_coordinateur_attend_une_seconde_confirmation(client, coordination):
    dispositif, coordinateur = coordination
    _, lien = inviter(
        coordinateur,
        dispositif,
        email="coord2@exemple.test",
        role=Role.COORDINATEUR,
        profession=Profession.COORDINATEUR,
    )
    accepter_en_ligne(client, lien)
    nouveau = Membre.objects.get(user__email="coord2@exemple.test")
    assert nouveau.a_confirmer
    assert nouveau.demandee_par == coordinateur
    assert roles(nouveau.user, dispositif) == frozenset()
    # Celle qui l'a invitée ne peut pas confirmer ; un second coordinateur, si.
    assert not services.peut_gerer(nouveau.user, dispositif)
    from core.services import confirmer_adhesion, peut_confirmer

    assert not peut_confirmer(coordinateur, nouveau)
    second = membre(dispositif, Role.COORDINATEUR)
    confirmer_adhesion(second, nouveau)
    nouveau.user._adhesions_actives = None
    assert Role.COORDINATEUR in roles(nouveau.user, dispositif)


def test_un_compte_d_administration_technique_n_est_jamais_invite(coordination):
    dispositif, coordinateur = coordination
    UserFactory(email="admin@exemple.test", is_staff=True)
    with pytest.raises(services.ValidationError):
        inviter(coordinateur, dispositif, email="admin@exemple.test")
    assert not Invitation.objects.exists()


def test_un_territoire_d_un_autre_dispositif_est_refuse(client, coordination):
    dispositif, coordinateur = coordination
    ailleurs = TerritoireFactory()
    TerritoireFactory(dispositif=dispositif)
    client.force_login(coordinateur)
    reponse = client.post(
        reverse("equipes:inviter", args=[dispositif.slug]),
        {
            "email": "x@exemple.test",
            "role": Role.TRAVAILLEUR_SOCIAL,
            "profession": Profession.TRAVAILLEUR_SOCIAL,
            "territoire": ailleurs.pk,
        },
    )
    assert reponse.status_code == 200
    assert 'value="x@exemple.test"' in texte(reponse)
    assert not Invitation.objects.exists()
    with pytest.raises(services.ValidationError):
        inviter(coordinateur, dispositif, territoire=ailleurs)


def test_une_invitation_en_double_est_refusee(coordination):
    dispositif, coordinateur = coordination
    inviter(coordinateur, dispositif)
    with pytest.raises(services.ValidationError, match="renvoyez"):
        inviter(coordinateur, dispositif)


@pytest.mark.parametrize("role", list(Role))
def test_tous_les_roles_sont_attribuables(coordination, role):
    dispositif, coordinateur = coordination
    invitation, _ = inviter(coordinateur, dispositif, email=f"{role}@exemple.test", role=role)
    assert invitation.role == role


def test_sans_courriel_configure_le_lien_est_montre_une_fois(client, coordination, settings):
    dispositif, coordinateur = coordination
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    client.force_login(coordinateur)
    reponse = client.post(
        reverse("equipes:inviter", args=[dispositif.slug]),
        {
            "email": "montre@exemple.test",
            "role": Role.INFIRMIER,
            "profession": Profession.INFIRMIER,
        },
    )
    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Les courriels ne partent pas" in contenu
    lien = contenu.split('id="lien-invitation"')[0].rsplit('value="', 1)[1].split('"')[0]
    assert "/invitation/" in lien
    # La page des membres ne le remontre pas.
    assert lien not in texte(client.get(reverse("equipes:membres", args=[dispositif.slug])))


def test_avec_courriel_configure_le_lien_n_est_pas_montre(client, coordination):
    dispositif, coordinateur = coordination
    client.force_login(coordinateur)
    reponse = client.post(
        reverse("equipes:inviter", args=[dispositif.slug]),
        {"email": "cache@exemple.test", "role": Role.INFIRMIER, "profession": Profession.INFIRMIER},
    )
    assert reponse.status_code == 200
    assert "/invitation/" not in texte(reponse)
    assert len(mail.outbox) == 1


@override_settings(OTP_OBLIGATOIRE=True)
def test_le_second_facteur_est_demande_apres_le_mot_de_passe(client, coordination):
    dispositif, coordinateur = coordination
    _, lien = inviter(coordinateur, dispositif)
    reponse = accepter_en_ligne(client, lien)
    suite = client.get(reponse.url)
    assert suite.status_code == 302
    assert suite.url.startswith(reverse("double_facteur_activer"))


def test_un_mot_de_passe_actuel_faux_est_journalise_comme_un_echec_de_connexion(client):
    psychologue = MembreFactory(role=Role.PSYCHOLOGUE)
    dispositif = DispositifFactory()
    _, lien = inviter(
        membre(dispositif, Role.COORDINATEUR),
        dispositif,
        email=psychologue.user.email,
        role=Role.PSYCHOLOGUE,
        profession=Profession.PSYCHOLOGUE,
    )
    client.post(lien.removeprefix("http://testserver"), {"mot_de_passe_actuel": "essai"})
    echec = JournalAudit.objects.get(action=Journal.CONNEXION_ECHOUEE)
    assert echec.email == psychologue.user.email
    assert not Membre.objects.filter(user=psychologue.user, dispositif=dispositif).exists()
