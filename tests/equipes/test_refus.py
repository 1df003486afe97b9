"""Qui ne gère pas les membres d'un dispositif n'y invite, ne change, ne termine ni ne réaffecte
rien : chaque rôle autre que la coordination, et la coordination d'un autre dispositif. Jamais de
rôle attribué hors du dispositif que l'on coordonne. L'administration technique ne lit aucun
ménage, même par ces pages."""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.enums import Profession, Role
from core.factories import DispositifFactory, MembreFactory, UserFactory
from core.models import JournalAudit, Membre
from equipes import services
from equipes.models import Invitation
from tests.outils import membre

from .situations import equipe_ouverte, inviter

pytestmark = pytest.mark.django_db

AUTRES_ROLES = [role for role in Role if role != Role.COORDINATEUR]


@pytest.fixture
def monde():
    equipe = equipe_ouverte()
    invitation, _ = inviter(equipe.coordinateur, equipe.dispositif)
    cible = Membre.objects.get(user=equipe.infirmier, dispositif=equipe.dispositif)
    return equipe, invitation, cible


def urls(equipe, invitation, cible):
    slug = equipe.dispositif.slug
    return {
        "GET": [
            reverse("equipes:membres", args=[slug]),
            reverse("equipes:membres_export", args=[slug]),
            reverse("equipes:inviter", args=[slug]),
            reverse("equipes:a_reaffecter", args=[slug]),
            reverse("equipes:modifier", args=[slug, cible.public_id]),
            reverse("equipes:terminer", args=[slug, cible.public_id]),
        ],
        "POST": [
            (
                reverse("equipes:inviter", args=[slug]),
                {
                    "email": "pirate@exemple.test",
                    "role": "coordinateur",
                    "profession": "coordinateur",
                },
            ),
            (reverse("equipes:renvoyer", args=[slug, invitation.public_id]), {}),
            (reverse("equipes:revoquer", args=[slug, invitation.public_id]), {}),
            (
                reverse("equipes:modifier", args=[slug, cible.public_id]),
                {"role": "coordinateur", "profession": "coordinateur"},
            ),
            (reverse("equipes:terminer", args=[slug, cible.public_id]), {"date_fin": ""}),
            (reverse("equipes:a_reaffecter", args=[slug]), {}),
        ],
    }


def etat(equipe):
    return (
        list(Membre.objects.order_by("pk").values_list("role", "date_fin", "a_confirmer")),
        list(Invitation.objects.order_by("pk").values_list("jeton_empreinte", "revoquee_le")),
    )


def essayer_tout(client, equipe, invitation, cible):
    avant = etat(equipe)
    adresses = urls(equipe, invitation, cible)
    for url in adresses["GET"]:
        assert client.get(url).status_code == 404, url
    for url, donnees in adresses["POST"]:
        assert client.post(url, donnees).status_code == 404, url
    assert etat(equipe) == avant
    assert not Invitation.objects.filter(email="pirate@exemple.test").exists()


@pytest.mark.parametrize("role", AUTRES_ROLES)
def test_aucun_autre_role_ne_gere_les_membres(client, monde, role):
    equipe, invitation, cible = monde
    client.force_login(membre(equipe.dispositif, role))
    essayer_tout(client, equipe, invitation, cible)


def test_la_coordination_d_un_autre_dispositif_ne_gere_pas_ces_membres(client, monde):
    equipe, invitation, cible = monde
    client.force_login(membre(DispositifFactory(), Role.COORDINATEUR))
    essayer_tout(client, equipe, invitation, cible)


def test_l_administration_technique_ne_gere_pas_les_membres_depuis_le_produit(client, monde):
    equipe, invitation, cible = monde
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    essayer_tout(client, equipe, invitation, cible)


def test_un_coordinateur_qui_attend_sa_confirmation_ne_gere_rien(client, monde):
    equipe, invitation, cible = monde
    en_attente = membre(equipe.dispositif, Role.COORDINATEUR)
    Membre.objects.filter(user=en_attente).update(a_confirmer=True)
    client.force_login(en_attente)
    essayer_tout(client, equipe, invitation, cible)


def test_un_coordinateur_parti_ne_gere_plus_rien(client, monde):
    equipe, invitation, cible = monde
    parti = membre(equipe.dispositif, Role.COORDINATEUR)
    services.terminer_adhesion(equipe.coordinateur, Membre.objects.get(user=parti))
    client.force_login(parti)
    reponse = client.get(reverse("equipes:membres", args=[equipe.dispositif.slug]))
    assert reponse.status_code == 302  # compte désactivé : renvoyé à la connexion


def test_les_services_refusent_aussi_hors_coordination(monde):
    equipe, invitation, cible = monde
    ts = equipe.ts
    with pytest.raises(PermissionDenied):
        services.inviter(
            ts,
            equipe.dispositif,
            email="x@exemple.test",
            role=Role.COORDINATEUR,
            profession=Profession.COORDINATEUR,
        )
    with pytest.raises(PermissionDenied):
        services.terminer_adhesion(ts, cible)
    with pytest.raises(PermissionDenied):
        services.modifier_adhesion(ts, cible, role=Role.COORDINATEUR, profession="coordinateur")
    with pytest.raises(PermissionDenied):
        services.revoquer(ts, invitation)
    with pytest.raises(PermissionDenied):
        services.renvoyer(ts, invitation)
    with pytest.raises(PermissionDenied):
        services.reaffecter(ts, equipe.dispositif)


def test_une_adhesion_d_un_autre_dispositif_est_introuvable_par_ce_dispositif(client, monde):
    equipe, invitation, cible = monde
    ailleurs = Membre.objects.create(
        user=UserFactory(),
        dispositif=DispositifFactory(),
        role=Role.INFIRMIER,
        profession="infirmier",
    )
    client.force_login(equipe.coordinateur)
    slug = equipe.dispositif.slug
    assert (
        client.get(reverse("equipes:modifier", args=[slug, ailleurs.public_id])).status_code == 404
    )
    assert (
        client.post(reverse("equipes:terminer", args=[slug, ailleurs.public_id]), {}).status_code
        == 404
    )
    ailleurs.refresh_from_db()
    assert ailleurs.date_fin is None


def test_la_page_des_membres_montre_qui_depuis_quand_jusqu_a_quand(client, monde):
    equipe, invitation, cible = monde
    services.terminer_adhesion(equipe.coordinateur, cible)
    client.force_login(equipe.coordinateur)
    reponse = client.get(reverse("equipes:membres", args=[equipe.dispositif.slug]))
    assert reponse.status_code == 200
    contenu = reponse.content.decode()
    assert equipe.infirmier.email in contenu
    assert "terminée" in contenu
    assert invitation.email in contenu.split('id="invitations"')[1].split("</section>")[0]
    # Aucun ménage sur cette page.
    assert equipe.menage.nom not in contenu


def _lignes_des_adhesions(reponse):
    section = reponse.content.decode().split('id="adhesions"')[1]
    return re.findall(r"<td>([^<]*)<br><span class=\"small text-muted text-break\">", section)


def test_les_adhesions_se_lisent_par_pages_et_se_filtrent(client, monde, django_assert_num_queries):
    equipe, _, cible = monde
    services.terminer_adhesion(equipe.coordinateur, cible)
    for rang in range(55):
        MembreFactory(
            dispositif=equipe.dispositif,
            role=Role.TRAVAILLEUR_SOCIAL,
            user__last_name=f"Zeta{rang:02d}",
            user__email=f"zeta{rang:02d}@exemple.test",
        )
    client.force_login(equipe.coordinateur)
    url = reverse("equipes:membres", args=[equipe.dispositif.slug])
    total = Membre.objects.filter(dispositif=equipe.dispositif).count()

    premiere = client.get(url)
    assert len(_lignes_des_adhesions(premiere)) == 50
    assert f"{total} adhésions · page 1 sur 2" in " ".join(premiere.content.decode().split())
    seconde = client.get(url, {"page": 2})
    assert len(_lignes_des_adhesions(seconde)) == total - 50
    # Les terminées viennent après celles en cours : l'infirmière partie est en fin de liste.
    assert str(equipe.infirmier) in _lignes_des_adhesions(seconde)[-1]

    assert [n.strip() for n in _lignes_des_adhesions(client.get(url, {"q": "zeta07"}))] == [
        str(MembreFactory._meta.model.objects.get(user__email="zeta07@exemple.test").user)
    ]
    terminees = _lignes_des_adhesions(client.get(url, {"periode": "terminees"}))
    assert [n.strip() for n in terminees] == [str(equipe.infirmier)]
    coordination = client.get(url, {"role": "coordinateur"})
    assert all("Zeta" not in n for n in _lignes_des_adhesions(coordination))
    assert "page=2" not in coordination.content.decode()
    assert (
        'href="?periode=en_cours&page=2#adhesions"'
        in client.get(url, {"periode": "en_cours"}).content.decode()
    )
    vide = client.get(url, {"q": "personne-inconnue"}).content.decode()
    assert "Aucune adhésion ne correspond à ces critères." in vide

    # Le nombre de requêtes ne suit pas celui des adhésions : session, compte, adhésions de la
    # personne, dispositif, décompte, clés de la page, adhésions de la page, invitations.
    with django_assert_num_queries(8):
        assert client.get(url, {"page": 2, "role": "travailleur_social"}).status_code == 200


@pytest.mark.parametrize("format_", ["csv", "xlsx"])
def test_l_export_des_membres_est_journalise(client, monde, format_):
    equipe, invitation, cible = monde
    client.force_login(equipe.coordinateur)
    reponse = client.get(
        reverse("equipes:membres_export", args=[equipe.dispositif.slug]), {"format": format_}
    )
    assert reponse.status_code == 200
    assert format_ in reponse["Content-Disposition"]
    if format_ == "csv":
        contenu = reponse.content.decode("utf-8-sig")
        assert equipe.infirmier.email in contenu
        assert "Jusqu'au" in contenu
    ligne = JournalAudit.objects.get(action=JournalAudit.Action.EXPORT)
    assert ligne.dispositif == equipe.dispositif
    assert "revue des habilitations" in ligne.detail


def test_le_dispositif_propose_le_lien_membres_a_la_seule_coordination(client, monde):
    equipe, _, _ = monde
    url = reverse("core:dispositif", args=[equipe.dispositif.slug])
    client.force_login(equipe.coordinateur)
    assert 'id="lien-membres"' in client.get(url).content.decode()
    client.force_login(equipe.ts)
    assert 'id="lien-membres"' not in client.get(url).content.decode()
