"""L'administration technique gère structures, dispositifs et comptes, sans jamais ouvrir l'accès
aux ménages : une adhésion qui lit des ménages attend la confirmation d'un coordinateur du
dispositif (ou d'un second administrateur), un compte d'administration ne tient aucun rôle, et
chaque changement d'adhésion, de droits ou de mot de passe est au journal d'audit."""

import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core import permissions, services
from core.enums import Profession, Role
from core.factories import DispositifFactory, MembreFactory, UserFactory
from core.models import JournalAudit, Membre
from core.permissions import Donnee
from menages.factories import MenageFactory

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "mot-de-passe-de-test"
Action = JournalAudit.Action


def texte(reponse):
    return html.unescape(reponse.content.decode())


def url_menage(menage):
    return reverse("ecrans:menage", args=[menage.public_id])


@pytest.fixture
def admin(client):
    compte = UserFactory(is_staff=True, is_superuser=True, email="admin@exemple.test")
    client.force_login(compte)
    return compte


def ajouter_adhesion(client, user, dispositif, role=Role.COORDINATEUR):
    return client.post(
        reverse("admin:core_membre_add"),
        {
            "user": user.pk,
            "dispositif": dispositif.pk,
            "profession": Profession.COORDINATEUR,
            "role": role,
            "actif": "on",
            "date_debut": "01/01/2024",
        },
    )


def donnees_du_compte(user, adhesions=(), nouvelles=(), **champs):
    """Le formulaire du compte dans l'administration, tel que le navigateur l'envoie."""
    donnees = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "telephone": "",
        "is_active": "on",
        "date_joined_0": "01/01/2024",
        "date_joined_1": "10:00:00",
        "adhesions-TOTAL_FORMS": str(len(adhesions) + len(nouvelles)),
        "adhesions-INITIAL_FORMS": str(len(adhesions)),
        "adhesions-MIN_NUM_FORMS": "0",
        "adhesions-MAX_NUM_FORMS": "1000",
    }
    lignes = [(membre, membre.dispositif, membre.role) for membre in adhesions]
    lignes += [(None, dispositif, role) for dispositif, role in nouvelles]
    for rang, (membre, dispositif, role) in enumerate(lignes):
        prefixe = f"adhesions-{rang}-"
        donnees.update(
            {
                prefixe + "id": membre.pk if membre else "",
                prefixe + "user": user.pk,
                prefixe + "dispositif": dispositif.pk,
                prefixe + "role": role,
                prefixe + "profession": Profession.COORDINATEUR,
                prefixe + "actif": "on",
                prefixe + "date_debut": "01/01/2024",
            }
        )
    if user.is_staff:
        donnees["is_staff"] = "on"
    if user.is_superuser:
        donnees["is_superuser"] = "on"
    for champ, valeur in champs.items():
        if valeur is False:
            donnees.pop(champ, None)
        else:
            donnees[champ] = "on" if valeur is True else valeur
    return donnees


def modifier_compte(client, user, **kwargs):
    return client.post(
        reverse("admin:core_user_change", args=[user.pk]), donnees_du_compte(user, **kwargs)
    )


# --- L'administrateur ne se donne aucun accès aux ménages --------------------------------------


def test_l_administrateur_ne_peut_pas_s_ajouter_coordinateur(client, admin):
    dispositif = DispositifFactory()
    menage = MenageFactory(dispositif=dispositif)

    reponse = ajouter_adhesion(client, admin, dispositif)

    assert reponse.status_code == 200
    assert "Un compte d'administration technique ne tient aucun rôle" in texte(reponse)
    assert not Membre.objects.exists()
    assert client.get(url_menage(menage)).status_code == 404


def test_un_compte_d_administration_ne_lit_rien_meme_avec_une_adhesion_confirmee(client, admin):
    # Écrite en base sans passer par l'administration ni les services : elle n'ouvre rien.
    membre = Membre.objects.create(
        user=admin,
        dispositif=DispositifFactory(),
        role=Role.COORDINATEUR,
        profession=Profession.COORDINATEUR,
    )
    menage = MenageFactory(dispositif=membre.dispositif)

    assert client.get(url_menage(menage)).status_code == 404
    assert not permissions.peut_voir(admin, Donnee.IDENTITE, membre.dispositif)
    with pytest.raises(ValidationError):
        membre.full_clean()


def test_une_adhesion_posee_par_l_administration_attend_la_confirmation(client, admin):
    complice = UserFactory()
    dispositif = DispositifFactory()
    menage = MenageFactory(dispositif=dispositif)

    reponse = ajouter_adhesion(client, complice, dispositif)

    assert reponse.status_code == 302
    membre = Membre.objects.get()
    assert membre.a_confirmer and membre.demandee_par == admin
    assert not permissions.peut_voir(complice, Donnee.IDENTITE, dispositif)
    client.force_login(complice)
    assert client.get(url_menage(menage)).status_code == 404
    ligne = JournalAudit.objects.get(action=Action.ADHESION_CREEE)
    assert (ligne.user, ligne.dispositif, ligne.objet_id) == (
        admin,
        dispositif,
        str(membre.public_id),
    )
    assert "à confirmer" in ligne.detail


def test_une_adhesion_au_copil_ne_lit_aucun_menage_et_n_attend_rien(client, admin):
    personne = UserFactory()
    ajouter_adhesion(client, personne, DispositifFactory(), role=Role.MEMBRE_COPIL)
    assert not Membre.objects.get().a_confirmer


def test_la_coordination_confirme_puis_la_personne_lit_les_menages(client, admin):
    complice = UserFactory()
    coordination = MembreFactory(role=Role.COORDINATEUR)
    menage = MenageFactory(dispositif=coordination.dispositif)
    ajouter_adhesion(client, complice, coordination.dispositif)
    membre = Membre.objects.get(user=complice)

    client.force_login(coordination.user)
    page = client.get(reverse("core:acces", args=[coordination.dispositif.slug]))
    assert complice.email in texte(page)
    assert "admin@exemple.test" in texte(page)
    url = reverse("core:confirmer_adhesion", args=[coordination.dispositif.slug, membre.public_id])
    reponse = client.post(url, follow=True)

    assert "est confirmée" in texte(reponse)
    membre.refresh_from_db()
    assert not membre.a_confirmer
    assert membre.confirmee_par == coordination.user
    ligne = JournalAudit.objects.get(action=Action.ADHESION_CONFIRMEE)
    assert (ligne.user, ligne.dispositif) == (coordination.user, coordination.dispositif)
    client.force_login(complice)
    assert client.get(url_menage(menage)).status_code == 200


def test_l_auteur_de_la_demande_ne_la_confirme_pas_un_second_administrateur_si(client, admin):
    personne = UserFactory()
    dispositif = DispositifFactory()
    ajouter_adhesion(client, personne, dispositif)
    membre = Membre.objects.get()
    confirmer = {"action": "confirmer", "_selected_action": [membre.pk]}

    reponse = client.post(reverse("admin:core_membre_changelist"), confirmer, follow=True)

    assert "un autre administrateur que celui qui l'a demandée" in texte(reponse)
    membre.refresh_from_db()
    assert membre.a_confirmer
    with pytest.raises(PermissionDenied):
        services.confirmer_adhesion(admin, membre)

    second = UserFactory(is_staff=True, is_superuser=True, email="second@exemple.test")
    client.force_login(second)
    client.post(reverse("admin:core_membre_changelist"), confirmer)
    membre.refresh_from_db()
    assert not membre.a_confirmer and membre.confirmee_par == second


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.COORDINATEUR}))
def test_les_autres_roles_du_dispositif_ne_confirment_pas(client, role):
    dispositif = DispositifFactory()
    acteur = MembreFactory(role=role, dispositif=dispositif)
    membre = MembreFactory(role=Role.INFIRMIER, dispositif=dispositif, a_confirmer=True)
    client.force_login(acteur.user)

    url = reverse("core:confirmer_adhesion", args=[dispositif.slug, membre.public_id])
    assert client.post(url).status_code == 404
    assert client.get(reverse("core:acces", args=[dispositif.slug])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.confirmer_adhesion(acteur.user, membre)
    membre.refresh_from_db()
    assert membre.a_confirmer


def test_la_coordination_d_un_autre_dispositif_ne_confirme_pas(client):
    ailleurs = MembreFactory(role=Role.COORDINATEUR)
    membre = MembreFactory(role=Role.INFIRMIER, a_confirmer=True)
    client.force_login(ailleurs.user)

    for slug in (membre.dispositif.slug, ailleurs.dispositif.slug):
        url = reverse("core:confirmer_adhesion", args=[slug, membre.public_id])
        assert client.post(url).status_code == 404
    with pytest.raises(PermissionDenied):
        services.confirmer_adhesion(ailleurs.user, membre)


def test_personne_ne_confirme_sa_propre_adhesion():
    coordination = MembreFactory(role=Role.COORDINATEUR)
    membre = MembreFactory(
        user=coordination.user,
        dispositif=coordination.dispositif,
        role=Role.INFIRMIER,
        a_confirmer=True,
    )
    with pytest.raises(PermissionDenied):
        services.confirmer_adhesion(coordination.user, membre)


def test_changer_le_role_d_une_adhesion_confirmee_la_remet_a_confirmer(client, admin):
    membre = MembreFactory(role=Role.MEMBRE_COPIL)
    reponse = client.post(
        reverse("admin:core_membre_change", args=[membre.pk]),
        {
            "user": membre.user.pk,
            "dispositif": membre.dispositif.pk,
            "profession": Profession.COORDINATEUR,
            "role": Role.COORDINATEUR,
            "actif": "on",
            "date_debut": "01/01/2024",
        },
    )
    assert reponse.status_code == 302
    membre.refresh_from_db()
    assert membre.role == Role.COORDINATEUR and membre.a_confirmer
    ligne = JournalAudit.objects.get(action=Action.ADHESION_MODIFIEE)
    assert "role" in ligne.detail


def test_une_adhesion_ajoutee_depuis_la_fiche_du_compte_attend_aussi(client, admin):
    personne = UserFactory()
    dispositif = DispositifFactory()

    reponse = modifier_compte(client, personne, nouvelles=[(dispositif, Role.TRAVAILLEUR_SOCIAL)])

    assert reponse.status_code == 302, texte(reponse)
    membre = Membre.objects.get(user=personne)
    assert membre.a_confirmer and membre.demandee_par == admin
    assert JournalAudit.objects.filter(action=Action.ADHESION_CREEE, user=admin).count() == 1


def test_la_suppression_d_une_adhesion_est_au_journal(client, admin):
    membre = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL)
    client.post(reverse("admin:core_membre_delete", args=[membre.pk]), {"post": "yes"})
    assert not Membre.objects.exists()
    ligne = JournalAudit.objects.get(action=Action.ADHESION_SUPPRIMEE)
    assert (ligne.user, ligne.dispositif) == (admin, membre.dispositif)


# --- Droits d'administration, mots de passe : refus et journal ---------------------------------


def test_un_compte_qui_tient_un_role_ne_devient_pas_administrateur(client, admin):
    membre = MembreFactory(role=Role.COORDINATEUR)

    reponse = modifier_compte(client, membre.user, adhesions=[membre], is_staff=True)

    assert reponse.status_code == 200
    assert "Un compte d'administration technique ne tient aucun rôle" in texte(reponse)
    membre.user.refresh_from_db()
    assert not membre.user.is_staff
    assert not JournalAudit.objects.filter(action=Action.DROITS_ADMINISTRATION).exists()


def test_le_drapeau_superutilisateur_est_au_journal(client, admin):
    personne = UserFactory(is_staff=True)

    reponse = modifier_compte(client, personne, is_superuser=True)

    assert reponse.status_code == 302, texte(reponse)
    ligne = JournalAudit.objects.get(action=Action.DROITS_ADMINISTRATION)
    assert ligne.user == admin
    assert ligne.objet_id == str(personne.public_id)
    assert "superutilisateur : non → oui" in ligne.detail


def test_le_mot_de_passe_change_par_l_administration_est_au_journal_et_remet_a_confirmer(
    client, admin
):
    coordination = MembreFactory(role=Role.COORDINATEUR)
    menage = MenageFactory(dispositif=coordination.dispositif)

    reponse = client.post(
        reverse("admin:auth_user_password_change", args=[coordination.user.pk]),
        {"password1": "une-phrase-de-l-admin", "password2": "une-phrase-de-l-admin"},
    )

    assert reponse.status_code == 302
    ligne = JournalAudit.objects.get(action=Action.MOT_DE_PASSE_CHANGE)
    assert (ligne.user, ligne.objet_id) == (admin, str(coordination.user.public_id))
    coordination.refresh_from_db()
    assert coordination.a_confirmer
    # Qui connaît désormais le mot de passe n'ouvre pas les ménages sans confirmation.
    client.force_login(coordination.user)
    assert client.get(url_menage(menage)).status_code == 404


def test_l_adresse_changee_par_l_administration_remet_a_confirmer(client, admin):
    coordination = MembreFactory(role=Role.COORDINATEUR)
    reponse = modifier_compte(
        client, coordination.user, adhesions=[coordination], email="nouvelle@exemple.test"
    )
    assert reponse.status_code == 302, texte(reponse)
    coordination.refresh_from_db()
    assert coordination.a_confirmer
    assert JournalAudit.objects.filter(action=Action.COMPTE_MODIFIE, user=admin).exists()


def test_la_personne_qui_change_son_mot_de_passe_est_au_journal_sans_perdre_ses_droits(client):
    membre = MembreFactory(role=Role.COORDINATEUR)
    client.force_login(membre.user)

    client.post(
        reverse("password_change"),
        {
            "old_password": MOT_DE_PASSE,
            "new_password1": "une-phrase-longue-et-neuve",
            "new_password2": "une-phrase-longue-et-neuve",
        },
    )

    ligne = JournalAudit.objects.get(action=Action.MOT_DE_PASSE_CHANGE)
    assert ligne.user == membre.user
    membre.refresh_from_db()
    assert not membre.a_confirmer


def test_une_connexion_n_est_pas_un_changement_du_compte(client):
    membre = MembreFactory(role=Role.COORDINATEUR)
    client.post(reverse("login"), {"username": membre.user.email, "password": MOT_DE_PASSE})
    assert set(JournalAudit.objects.values_list("action", flat=True)) == {Action.CONNEXION}


def test_un_compte_d_administration_cree_en_ligne_de_commande_est_au_journal():
    from django.core.management import call_command

    call_command("createsuperuser", email="racine@exemple.test", interactive=False, verbosity=0)
    ligne = JournalAudit.objects.get(action=Action.COMPTE_CREE)
    assert "superutilisateur : oui" in ligne.detail
