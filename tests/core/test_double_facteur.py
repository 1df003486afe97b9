"""Double authentification : exigée en production des comptes qui lisent des ménages et de
l'administration, code de l'application ou code de secours, activation, réinitialisation."""

import html
import re
import time

import pytest
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import double_facteur
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory, UserFactory
from core.models import JournalAudit, Membre
from core.services import ROLES_NOMINATIFS

pytestmark = pytest.mark.django_db

MOT_DE_PASSE = "mot-de-passe-de-test"
production = override_settings(OTP_OBLIGATOIRE=True)
ACCUEIL = reverse("ecrans:accueil")
VERIFIER = reverse("double_facteur_verifier")
ACTIVER = reverse("double_facteur_activer")


def code_de(appareil, decalage=0):
    """Le code que l'application afficherait maintenant (ou `decalage` pas plus tard)."""
    appareil.refresh_from_db()
    code = totp(
        appareil.bin_key, appareil.step, appareil.t0, appareil.digits, appareil.drift + decalage
    )
    return f"{code:06d}"


def avec_application(user):
    return TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)


def avec_codes_de_secours(user, *codes):
    appareil = StaticDevice.objects.create(user=user, name="Secours", confirmed=True)
    for code in codes:
        StaticToken.objects.create(device=appareil, token=code)
    return appareil


def se_connecter(client, user, suite=None):
    donnees = {"username": user.email, "password": MOT_DE_PASSE}
    if suite:
        donnees["next"] = suite
    reponse = client.post(reverse("login"), donnees)
    assert reponse.status_code == 302, "le mot de passe est accepté"
    return reponse


def texte(reponse):
    return html.unescape(reponse.content.decode())


def actions(user):
    return list(JournalAudit.objects.filter(user=user).values_list("action", flat=True))


# --- Qui doit avoir un second facteur ----------------------------------------------------------


def test_les_roles_qui_lisent_des_menages_sont_ceux_de_la_matrice():
    attendus = {
        Role.COORDINATEUR,
        Role.TRAVAILLEUR_SOCIAL,
        Role.INFIRMIER,
        Role.PSYCHOLOGUE,
        Role.AGENT_BAILLEUR,
        Role.MEMBRE_COTECH,
        # Les ménages que sa structure a orientés.
        Role.PRESCRIPTEUR,
        # Les extraits pseudonymisés restent des données personnelles.
        Role.EVALUATEUR,
    }
    assert set(ROLES_NOMINATIFS) == attendus


@production
@pytest.mark.parametrize("role", sorted(ROLES_NOMINATIFS))
def test_en_production_sans_code_aucune_page_ne_s_ouvre(client, role):
    membre = MembreFactory(role=role)
    avec_application(membre.user)

    reponse = se_connecter(client, membre.user)
    assert client.get(reponse.url).url.startswith(VERIFIER)

    for page in (ACCUEIL, reverse("core:dispositif", args=[membre.dispositif.slug])):
        refus = client.get(page)
        assert refus.status_code == 302
        assert refus.url.startswith(VERIFIER)
    assert client.get(reverse("password_change")).url.startswith(VERIFIER)
    htmx = client.get(ACCUEIL, headers={"HX-Request": "true"})
    assert htmx.headers["HX-Redirect"].startswith(VERIFIER)


@production
@pytest.mark.parametrize("role", sorted(ROLES_NOMINATIFS))
def test_en_production_sans_facteur_la_personne_est_conduite_a_l_activation(client, role):
    membre = MembreFactory(role=role)
    se_connecter(client, membre.user)
    reponse = client.get(ACCUEIL)
    assert reponse.status_code == 302
    assert reponse.url.startswith(ACTIVER)


@production
def test_en_production_l_administration_technique_exige_le_code(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    avec_application(admin)
    se_connecter(client, admin)

    reponse = client.get(reverse("admin:index"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(VERIFIER)

    client.post(VERIFIER, {"code": code_de(admin.totpdevice_set.get())})
    assert client.get(reverse("admin:index")).status_code == 200


@production
def test_l_administration_n_a_pas_de_connexion_par_mot_de_passe_seul(client):
    reponse = client.get(reverse("admin:login"))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("login"))
    # Son formulaire ne connecte personne.
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.post(reverse("admin:login"), {"username": admin.email, "password": MOT_DE_PASSE})
    assert "_auth_user_id" not in client.session


@production
def test_l_administration_refuse_une_session_non_verifiee_meme_sans_l_intergiciel(rf):
    from django.contrib import admin
    from django_otp.middleware import OTPMiddleware

    staff = UserFactory(is_staff=True)
    requete = rf.get("/admin-technique/")
    requete.user = staff
    requete.session = {}
    OTPMiddleware(lambda r: None)(requete)
    assert not admin.site.has_permission(requete)


@production
def test_en_production_le_copil_n_est_pas_tenu_au_second_facteur(client):
    membre = MembreFactory(role=Role.MEMBRE_COPIL)
    se_connecter(client, membre.user)
    assert client.get(ACCUEIL).status_code == 200


def test_en_developpement_le_second_facteur_est_propose_sans_etre_exige(client, settings):
    assert settings.OTP_OBLIGATOIRE is False  # réglage des tests, comme DEBUG avec la démo
    membre = MembreFactory(role=Role.COORDINATEUR)
    se_connecter(client, membre.user)
    assert client.get(ACCUEIL).status_code == 200
    page = client.get(reverse("double_facteur"))
    assert "Non activée." in texte(page)
    assert "obligatoire" not in texte(page)
    assert client.get(ACTIVER).status_code == 200


def test_en_developpement_qui_a_active_son_facteur_saisit_son_code(client):
    membre = MembreFactory(role=Role.COORDINATEUR)
    appareil = avec_application(membre.user)
    se_connecter(client, membre.user)
    assert client.get(ACCUEIL).url.startswith(VERIFIER)
    client.post(VERIFIER, {"code": code_de(appareil)})
    assert client.get(ACCUEIL).status_code == 200


# --- Le code, à la connexion -------------------------------------------------------------------


@production
def test_le_code_juste_ouvre_la_session_et_mene_a_la_page_demandee(client):
    membre = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL)
    appareil = avec_application(membre.user)
    page = reverse("core:dispositif", args=[membre.dispositif.slug])
    client.get(page)  # anonyme : renvoyé à la connexion, avec la page à rouvrir
    se_connecter(client, membre.user, suite=page)
    etape = client.get(page)
    assert etape.url == f"{VERIFIER}?next={page.replace('/', '%2F')}"

    formulaire = client.get(etape.url)
    assert "code à 6 chiffres" in texte(formulaire)
    reponse = client.post(VERIFIER, {"code": code_de(appareil), "next": page})

    assert reponse.status_code == 302
    assert reponse.url == page
    assert client.get(page).status_code == 200
    assert client.get(ACCUEIL).status_code == 200


@production
def test_un_code_faux_est_refuse_et_journalise(client):
    membre = MembreFactory(role=Role.INFIRMIER)
    appareil = avec_application(membre.user)
    se_connecter(client, membre.user)
    faux = f"{(int(code_de(appareil)) + 1) % 1_000_000:06d}"

    reponse = client.post(VERIFIER, {"code": faux})

    assert reponse.status_code == 200
    assert "Ce code est incorrect ou a déjà servi." in texte(reponse)
    assert client.get(ACCUEIL).url.startswith(VERIFIER)
    assert JournalAudit.Action.FACTEUR_REFUSE in actions(membre.user)


@production
def test_apres_un_code_faux_le_suivant_attend(client):
    membre = MembreFactory(role=Role.INFIRMIER)
    appareil = avec_application(membre.user)
    se_connecter(client, membre.user)
    client.post(VERIFIER, {"code": "000000" if code_de(appareil) != "000000" else "111111"})

    reponse = client.post(VERIFIER, {"code": code_de(appareil)})

    assert "Trop d'essais" in texte(reponse)
    assert client.get(ACCUEIL).url.startswith(VERIFIER)


@production
def test_un_code_deja_utilise_ne_sert_pas_une_seconde_fois(client):
    membre = MembreFactory(role=Role.PSYCHOLOGUE)
    appareil = avec_application(membre.user)
    se_connecter(client, membre.user)
    code = code_de(appareil)
    client.post(VERIFIER, {"code": code})
    client.post(reverse("logout"))

    se_connecter(client, membre.user)
    reponse = client.post(VERIFIER, {"code": code})

    assert reponse.status_code == 200
    assert client.get(ACCUEIL).url.startswith(VERIFIER)


@production
def test_un_code_de_secours_sert_une_seule_fois(client):
    membre = MembreFactory(role=Role.COORDINATEUR)
    avec_application(membre.user)
    avec_codes_de_secours(membre.user, "abcd2345", "efgh6789")
    se_connecter(client, membre.user)

    reponse = client.post(VERIFIER, {"code": "ABCD 2345"}, follow=True)

    assert reponse.redirect_chain[-1][0] == ACCUEIL
    assert "Il vous en reste 1." in texte(reponse)
    assert JournalAudit.Action.CODE_SECOURS in actions(membre.user)
    client.post(reverse("logout"))

    time.sleep(1.1)  # l'échec suivant ne doit rien à l'attente après échec
    se_connecter(client, membre.user)
    refus = client.post(VERIFIER, {"code": "abcd2345"})
    assert refus.status_code == 200
    assert client.get(ACCUEIL).url.startswith(VERIFIER)


@production
def test_le_code_d_une_autre_personne_ne_sert_pas(client):
    membre = MembreFactory(role=Role.COORDINATEUR)
    avec_application(membre.user)
    autre = avec_application(UserFactory())
    se_connecter(client, membre.user)

    client.post(VERIFIER, {"code": code_de(autre)})

    assert client.get(ACCUEIL).url.startswith(VERIFIER)


@production
def test_l_adresse_de_retour_hors_du_site_est_ignoree(client):
    membre = MembreFactory(role=Role.COORDINATEUR)
    appareil = avec_application(membre.user)
    se_connecter(client, membre.user)
    reponse = client.post(
        VERIFIER, {"code": code_de(appareil), "next": "https://attaquant.example/"}
    )
    assert reponse.url == ACCUEIL


# --- Activation --------------------------------------------------------------------------------


def lire_cle(page):
    cle = re.search(r'id="cle-double-facteur">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    return cle.replace(" ", "")


@production
def test_activation_qr_code_cle_code_puis_dix_codes_de_secours(client):
    membre = MembreFactory(role=Role.COORDINATEUR)
    se_connecter(client, membre.user)

    page = client.get(client.get(ACCUEIL).url)
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # QR code dessiné ici, pas d'image externe
    assert "http" not in re.search(r"<svg.*?</svg>", page.content.decode(), re.S).group(0)
    appareil = TOTPDevice.objects.get(user=membre.user, confirmed=False)
    from base64 import b32decode

    assert b32decode(lire_cle(page)) == appareil.bin_key
    # Recharger la page garde la même clé (le QR code déjà scanné reste bon).
    assert lire_cle(client.get(ACTIVER)) == lire_cle(page)

    reponse = client.post(ACTIVER, {"code": code_de(appareil)})

    assert reponse.status_code == 200
    codes = re.findall(r'<code class="fs-5">([a-z2-7]{8})</code>', reponse.content.decode())
    assert len(codes) == 10
    assert "Cache-Control" in reponse.headers and "no-store" in reponse.headers["Cache-Control"]
    assert TOTPDevice.objects.get(user=membre.user).confirmed
    assert sorted(
        StaticToken.objects.filter(device__user=membre.user).values_list("token", flat=True)
    ) == sorted(codes)
    assert client.get(ACCUEIL).status_code == 200
    assert JournalAudit.Action.FACTEUR_ACTIVE in actions(membre.user)
    # Les codes ne se remontrent pas.
    assert client.get(ACTIVER).url == reverse("double_facteur")
    assert "Codes de secours restants : <strong>10</strong>" in texte(
        client.get(reverse("double_facteur"))
    )


@production
def test_activation_avec_un_code_faux_n_active_rien(client):
    membre = MembreFactory(role=Role.COORDINATEUR)
    se_connecter(client, membre.user)
    client.get(ACTIVER)
    appareil = TOTPDevice.objects.get(user=membre.user)

    reponse = client.post(ACTIVER, {"code": f"{(int(code_de(appareil)) + 7) % 10**6:06d}"})

    assert reponse.status_code == 200
    assert "Ce code ne correspond pas." in texte(reponse)
    assert not TOTPDevice.objects.filter(user=membre.user, confirmed=True).exists()
    assert client.get(ACCUEIL).url.startswith(ACTIVER)


@production
def test_qui_n_a_que_le_mot_de_passe_ne_remplace_pas_le_facteur_existant(client):
    membre = MembreFactory(role=Role.COORDINATEUR)
    avec_application(membre.user)
    se_connecter(client, membre.user)

    reponse = client.get(ACTIVER)

    assert reponse.url.startswith(VERIFIER)
    assert TOTPDevice.objects.filter(user=membre.user).count() == 1


@production
def test_de_nouveaux_codes_de_secours_remplacent_les_anciens(client):
    membre = MembreFactory(role=Role.COORDINATEUR)
    appareil = avec_application(membre.user)
    avec_codes_de_secours(membre.user, "abcd2345")
    se_connecter(client, membre.user)
    client.post(VERIFIER, {"code": code_de(appareil)})

    reponse = client.post(reverse("double_facteur_codes"))

    codes = re.findall(r'<code class="fs-5">([a-z2-7]{8})</code>', reponse.content.decode())
    assert len(codes) == 10
    assert not StaticToken.objects.filter(token="abcd2345").exists()
    assert JournalAudit.Action.CODES_SECOURS_RENOUVELES in actions(membre.user)


# --- Réinitialisation d'un facteur perdu -------------------------------------------------------


def url_acces(dispositif):
    return reverse("core:acces", args=[dispositif.slug])


def url_reinitialiser(dispositif, user):
    return reverse("core:reinitialiser_facteur", args=[dispositif.slug, user.public_id])


@production
def test_la_coordination_reinitialise_le_facteur_d_une_personne_du_dispositif(client):
    coordination = MembreFactory(role=Role.COORDINATEUR)
    avec_application(coordination.user)
    ts = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL, dispositif=coordination.dispositif)
    appareil_ts = avec_application(ts.user)
    avec_codes_de_secours(ts.user, "abcd2345")
    # La personne a une session ouverte, vérifiée.
    from django.test import Client

    session_ts = Client()
    se_connecter(session_ts, ts.user)
    session_ts.post(VERIFIER, {"code": code_de(appareil_ts)})
    assert session_ts.get(ACCUEIL).status_code == 200

    se_connecter(client, coordination.user)
    client.post(VERIFIER, {"code": code_de(coordination.user.totpdevice_set.get())})
    page = client.get(url_acces(coordination.dispositif))
    assert url_reinitialiser(coordination.dispositif, ts.user) in page.content.decode()
    reponse = client.post(url_reinitialiser(coordination.dispositif, ts.user), follow=True)

    assert "est réinitialisée" in texte(reponse)
    assert not TOTPDevice.objects.filter(user=ts.user).exists()
    assert not StaticDevice.objects.filter(user=ts.user).exists()
    ligne = JournalAudit.objects.get(action=JournalAudit.Action.FACTEUR_REINITIALISE)
    assert (ligne.user, ligne.dispositif, ligne.objet_id) == (
        coordination.user,
        coordination.dispositif,
        str(ts.user.public_id),
    )
    # La session ouverte n'est plus vérifiée : la personne active un nouveau facteur.
    assert session_ts.get(ACCUEIL).url.startswith(ACTIVER)
    # La coordination ne perd rien de ses adhésions, ni la personne.
    assert not Membre.objects.filter(a_confirmer=True).exists()


@pytest.mark.parametrize("role", sorted(set(Role) - {Role.COORDINATEUR}))
def test_les_autres_roles_ne_reinitialisent_pas(client, role):
    dispositif = DispositifFactory()
    acteur = MembreFactory(role=role, dispositif=dispositif)
    cible = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL, dispositif=dispositif)
    avec_application(cible.user)
    client.force_login(acteur.user)

    assert client.get(url_acces(dispositif)).status_code == 404
    assert client.post(url_reinitialiser(dispositif, cible.user)).status_code == 404
    with pytest.raises(double_facteur.PermissionDenied):
        double_facteur.reinitialiser_facteur(acteur.user, cible.user)
    assert TOTPDevice.objects.filter(user=cible.user).exists()
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.FACTEUR_REINITIALISE)


def test_la_coordination_d_un_autre_dispositif_ne_reinitialise_pas(client):
    ailleurs = MembreFactory(role=Role.COORDINATEUR)
    cible = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL)
    avec_application(cible.user)
    client.force_login(ailleurs.user)

    assert client.post(url_reinitialiser(cible.dispositif, cible.user)).status_code == 404
    assert client.post(url_reinitialiser(ailleurs.dispositif, cible.user)).status_code == 404
    with pytest.raises(double_facteur.PermissionDenied):
        double_facteur.reinitialiser_facteur(ailleurs.user, cible.user)
    assert TOTPDevice.objects.filter(user=cible.user).exists()


def test_personne_ne_reinitialise_son_propre_facteur():
    coordination = MembreFactory(role=Role.COORDINATEUR)
    avec_application(coordination.user)
    with pytest.raises(double_facteur.PermissionDenied):
        double_facteur.reinitialiser_facteur(coordination.user, coordination.user)
    admin = UserFactory(is_staff=True)
    avec_application(admin)
    with pytest.raises(double_facteur.PermissionDenied):
        double_facteur.reinitialiser_facteur(admin, admin)
    assert TOTPDevice.objects.count() == 2


def test_l_administration_reinitialise_et_les_roles_de_lecture_attendent_confirmation(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    coordination = MembreFactory(role=Role.COORDINATEUR)
    copil = MembreFactory(role=Role.MEMBRE_COPIL, user=coordination.user)
    avec_application(coordination.user)
    client.force_login(admin)

    reponse = client.post(
        reverse("admin:core_user_changelist"),
        {"action": "reinitialiser_double_facteur", "_selected_action": [coordination.user.pk]},
        follow=True,
    )

    assert "Double authentification réinitialisée pour 1 compte(s)" in texte(reponse)
    assert not TOTPDevice.objects.filter(user=coordination.user).exists()
    coordination.refresh_from_db()
    copil.refresh_from_db()
    assert coordination.a_confirmer and coordination.demandee_par == admin
    assert not copil.a_confirmer  # le COPIL ne lit aucun ménage
    assert set(
        JournalAudit.objects.filter(user=admin)
        .exclude(action=JournalAudit.Action.CONNEXION)
        .values_list("action", flat=True)
    ) == {
        JournalAudit.Action.FACTEUR_REINITIALISE,
        JournalAudit.Action.ADHESION_MODIFIEE,
    }


def test_les_cles_des_applications_ne_se_lisent_pas_dans_l_administration(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get("/admin-technique/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin-technique/otp_static/staticdevice/").status_code == 404


# --- La page de la coordination ----------------------------------------------------------------


def test_la_page_d_acces_compte_ses_requetes(client, django_assert_num_queries):
    coordination = MembreFactory(role=Role.COORDINATEUR)
    client.force_login(coordination.user)
    url = url_acces(coordination.dispositif)

    def personnes(nombre):
        for _ in range(nombre):
            membre = MembreFactory(role=Role.TRAVAILLEUR_SOCIAL, dispositif=coordination.dispositif)
            avec_application(membre.user)
            MembreFactory(role=Role.INFIRMIER, dispositif=coordination.dispositif, a_confirmer=True)

    personnes(1)
    client.get(url)
    # Session, personne, droits, dispositif, à confirmer, clés de la page (une liste de moins de
    # quatre pages se compte par elles, sans décompte), personnes de la page (avec leur
    # facteur), leurs adhésions.
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    personnes(4)
    with django_assert_num_queries(8):
        reponse = client.get(url)
    assert reponse.content.decode().count("bi-shield-check") == 5
    assert texte(reponse).count("non activée") == 1  # la coordination elle-même
    assert texte(reponse).count("Confirmer</button>") == 5


# --- Réglage -----------------------------------------------------------------------------------


def test_le_reglage_vaut_vrai_hors_debug_et_faux_en_debug():
    from tests.core.test_reglages import lancer

    code = (
        "import django; from django.conf import settings; django.setup(); "
        "print(settings.OTP_OBLIGATOIRE)"
    )
    production_ = lancer(code, DEBUG="0", SECRET_KEY="x" * 50)
    assert production_.stdout.strip() == "True", production_.stderr
    assert lancer(code, DEBUG="1").stdout.strip() == "False"
    assert lancer(code, DEBUG="0", SECRET_KEY="x" * 50, OTP_OBLIGATOIRE="0").stdout.strip() == (
        "False"
    )


# --- La liste des personnes, à l'échelle d'un programme national -------------------------------


def _personnes_listees(reponse):
    section = reponse.content.decode().split('id="personnes"')[1]
    return [
        nom.strip()
        for nom in re.findall(
            r"<td>([^<]*)<br><span class=\"small text-muted text-break\">", section
        )
    ]


def test_les_personnes_se_lisent_par_pages_et_se_filtrent(client, django_assert_num_queries):
    coordination = MembreFactory(role=Role.COORDINATEUR, user__last_name="Aaron")
    dispositif = coordination.dispositif
    for rang in range(54):
        membre = MembreFactory(
            dispositif=dispositif,
            role=Role.TRAVAILLEUR_SOCIAL,
            user__last_name=f"Zeta{rang:02d}",
            user__email=f"zeta{rang:02d}@exemple.test",
        )
        if rang % 2:
            avec_application(membre.user)
    # Deux rôles, une seule ligne ; une adhésion terminée, un autre dispositif, une adhésion à
    # confirmer : absents de la liste.
    double = MembreFactory(dispositif=dispositif, role=Role.INFIRMIER, user__last_name="Zeta99")
    MembreFactory(dispositif=dispositif, user=double.user, role=Role.MEMBRE_COPIL)
    partie = MembreFactory(dispositif=dispositif, user__last_name="Partie")
    partie.date_fin = partie.date_debut
    partie.save()
    MembreFactory(user__last_name="Ailleurs")
    MembreFactory(dispositif=dispositif, user__last_name="Attente", a_confirmer=True)
    client.force_login(coordination.user)
    url = url_acces(dispositif)

    premiere = client.get(url)
    noms = _personnes_listees(premiere)
    assert len(noms) == 50 and noms[0] == str(coordination.user)
    assert "56 personnes · page 1 sur 2" in " ".join(premiere.content.decode().split())
    # La page suivante revient à la liste, sous les adhésions à confirmer.
    assert 'href="?page=2#personnes"' in premiere.content.decode()
    seconde = _personnes_listees(client.get(url, {"page": 2}))
    assert seconde[-1] == str(double.user)
    assert not {"Partie", "Ailleurs", "Attente"} & {n.split()[-1] for n in noms + seconde}
    section = client.get(url, {"page": 2}).content.decode().split('id="personnes"')[1]
    assert "Infirmier·ère, Membre du comité de pilotage" in section

    assert _personnes_listees(client.get(url, {"q": "zeta07"})) == [
        str(Membre.objects.get(user__email="zeta07@exemple.test").user)
    ]
    activees = _personnes_listees(client.get(url, {"double_facteur": "activee"}))
    assert len(activees) == 27
    assert len(_personnes_listees(client.get(url, {"double_facteur": "non_activee"}))) == 29
    assert _personnes_listees(client.get(url, {"role": Role.INFIRMIER})) == [str(double.user)]
    filtree = client.get(url, {"double_facteur": "activee", "page": 1})
    assert "page=2" not in filtree.content.decode()

    trop_longue = client.get(url, {"q": "x" * 101})
    assert "au plus 100 caractères" in html.unescape(trop_longue.content.decode())
    assert 'value="' + "x" * 101 + '"' in trop_longue.content.decode()

    # Le nombre de requêtes ne suit pas celui des personnes : session, compte, adhésions de la
    # personne, dispositif, adhésions à confirmer, décompte, clés de la page, personnes de la
    # page, leurs adhésions.
    with django_assert_num_queries(9):
        assert client.get(url, {"page": 2, "double_facteur": "non_activee"}).status_code == 200
