"""L'accueil de chaque rôle : ses dispositifs et leurs chiffres, les bilans à faire et les ménages
de ses équipes ; et ce qu'il ne montre pas."""

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from accompagnement import services
from accompagnement.enums import DecisionBilan, TypeBilan
from core.enums import Role
from core.factories import DispositifFactory, LigneBudgetaireFactory, MembreFactory, UserFactory
from ecrans import views
from menages.enums import StatutOrientation
from menages.factories import MenageFactory, OrientationFactory
from tests.accompagnement.situations import Equipe, equipe_ouverte, membre
from tests.outils import connecte, texte

pytestmark = pytest.mark.django_db


# --- Les dispositifs de chacun ----------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_l_accueil_montre_mes_dispositifs_et_pas_les_autres(client, role):
    membre = connecte(client, role, dispositif__nom="Face à des situations complexes")
    DispositifFactory(nom="Un logement pérenne")
    reponse = client.get(reverse("ecrans:accueil"))
    contenu = reponse.content.decode()
    assert reponse.status_code == 200
    assert "Face à des situations complexes" in contenu
    assert "Un logement pérenne" not in contenu
    assert membre.get_role_display() in contenu


def test_le_coordinateur_voit_les_chiffres_de_son_dispositif(client):
    membre = connecte(client, Role.COORDINATEUR, dispositif__capacite_maintien=30)
    LigneBudgetaireFactory(dispositif=membre.dispositif, montant_annuel=30000)
    LigneBudgetaireFactory(dispositif=membre.dispositif, nature="charges", montant_annuel=12000)
    MembreFactory(dispositif=membre.dispositif, role=Role.INFIRMIER)
    contenu = client.get(reverse("ecrans:accueil")).content.decode()
    assert "42\xa0000\xa0€" in contenu  # budget annuel
    assert "1\xa0400\xa0€" in contenu  # 42 000 € / 30 ménages
    assert "capacité cible" in contenu


def test_l_admin_technique_n_a_aucun_dispositif_mais_l_administration(client):
    dispositif = DispositifFactory()
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    contenu = client.get(reverse("ecrans:accueil")).content.decode()
    assert "aucun dispositif" in contenu
    assert reverse("admin:index") in contenu
    assert client.get(reverse("core:dispositif", args=[dispositif.slug])).status_code == 404


@pytest.mark.parametrize("nombre", [1, 4])
def test_l_accueil_du_coordinateur_fait_un_nombre_fixe_de_requetes(
    client, django_assert_num_queries, nombre
):
    user = UserFactory()
    for _ in range(nombre):
        membre = MembreFactory(user=user, role=Role.COORDINATEUR)
        LigneBudgetaireFactory(dispositif=membre.dispositif)
        MembreFactory(dispositif=membre.dispositif, role=Role.INFIRMIER)
    client.force_login(user)
    # session, utilisateur, adhésions, dispositifs + budget, effectifs, bilans à faire,
    # orientations en attente depuis trop longtemps,
    # mes accompagnements
    with django_assert_num_queries(8):
        assert client.get(reverse("ecrans:accueil")).status_code == 200


# --- Bilans à faire et ménages des équipes ----------------------------------------------------


def test_le_ts_de_l_equipe_voit_ses_menages_et_le_bilan_en_retard(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)

    contenu = texte(client.get(reverse("ecrans:accueil")))

    assert "Mes ménages" in contenu
    assert "Zorglub Hortense" in contenu
    assert equipe.url("detail") in contenu
    assert "référent·e" in contenu
    diagnostic = equipe.accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)
    assert reverse("accompagnement:bilan", args=[diagnostic.public_id]) in contenu
    assert f"en retard depuis le {diagnostic.date_prevue:%d/%m/%Y}" in contenu
    # le bilan à 3 mois tombe dans un mois : pas encore à l'ordre du jour
    trois_mois = equipe.accompagnement.bilans.get(type=TypeBilan.TROIS_MOIS)
    assert reverse("accompagnement:bilan", args=[trois_mois.public_id]) not in contenu


def test_l_accueil_ne_montre_pas_les_menages_d_une_autre_equipe(client):
    equipe = equipe_ouverte()
    client.force_login(membre(equipe.dispositif, Role.TRAVAILLEUR_SOCIAL))

    contenu = texte(client.get(reverse("ecrans:accueil")))

    assert "Mes ménages" not in contenu
    assert "Zorglub" not in contenu
    assert "en retard" not in contenu


def test_le_coordinateur_voit_les_bilans_en_retard_du_dispositif(client):
    equipe = equipe_ouverte()
    autre = Equipe(nom="Voisin", dispositif=equipe.dispositif, reference="AUR-7788")
    autre.ouvrir()
    ailleurs = equipe_ouverte(nom="Lointain")
    client.force_login(equipe.coordinateur)

    contenu = texte(client.get(reverse("ecrans:accueil")))

    assert "Bilans à faire" in contenu
    assert "Zorglub Hortense" in contenu
    assert "Voisin Hortense" in contenu
    assert "Lointain" not in contenu
    assert contenu.count("en retard depuis le") == 2
    assert "Mes ménages" not in contenu  # il n'est dans aucune équipe
    assert ailleurs.accompagnement.public_id.hex not in contenu


def test_le_bilan_fait_ne_figure_plus_sur_l_accueil(client):
    equipe = equipe_ouverte()
    diagnostic = equipe.accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)
    services.realiser_bilan(
        equipe.ts,
        diagnostic,
        date_realisation=timezone.localdate(),
        synthese="Fait",
        decision=DecisionBilan.POURSUITE,
    )
    client.force_login(equipe.ts)

    contenu = texte(client.get(reverse("ecrans:accueil")))

    assert "en retard" not in contenu
    assert reverse("accompagnement:bilan", args=[diagnostic.public_id]) not in contenu


@pytest.mark.parametrize("nombre", [2, 6])
def test_l_accueil_du_ts_fait_un_nombre_fixe_de_requetes(client, django_assert_num_queries, nombre):
    dispositif = DispositifFactory()
    coordinateur = membre(dispositif, Role.COORDINATEUR)
    ts = membre(dispositif, Role.TRAVAILLEUR_SOCIAL)
    infirmier = membre(dispositif, Role.INFIRMIER)
    for rang in range(nombre):
        menage = MenageFactory(dispositif=dispositif, nom=f"Menage{rang}")
        OrientationFactory(menage=menage)
        services.ouvrir_accompagnement(
            coordinateur,
            menage,
            referent=ts,
            equipe=[infirmier],
            date_debut=timezone.localdate() - relativedelta(months=4),
        )
    client.force_login(ts)
    # session, utilisateur, adhésions, dispositifs + budget, bilans à faire, mes
    # accompagnements, mes prochaines séances (la réunion d'équipe) ; pas les effectifs, que le
    # travailleur social ne voit pas (ils vont avec les chiffres du tableau de bord)
    with django_assert_num_queries(7):
        reponse = client.get(reverse("ecrans:accueil"))
    contenu = texte(reponse)
    assert contenu.count("en retard depuis le") == 2 * nombre  # diagnostic et 3 mois
    assert all(f"Menage{rang}" in contenu for rang in range(nombre))


# --- « Mes ménages » borné ---------------------------------------------------------------------


def _ts_referent_de(noms):
    """Une travailleuse sociale référente des ménages `noms` (un accompagnement ouvert chacun)."""
    equipe = equipe_ouverte(nom=noms[0])
    for rang, nom in enumerate(noms[1:]):
        menage = MenageFactory(dispositif=equipe.dispositif, nom=nom, prenom="Hortense")
        OrientationFactory(menage=menage, statut=StatutOrientation.A_EXAMINER)
        services.ouvrir_accompagnement(
            equipe.coordinateur,
            menage,
            referent=equipe.ts,
            equipe=[equipe.infirmier],
            date_debut=timezone.localdate() - relativedelta(months=1, days=rang),
        )
    return equipe


@pytest.mark.parametrize("nombre", [1, 4, 5, 6])
def test_mes_menages_se_bornent_aux_premiers_et_disent_qu_il_en_reste(
    client, django_assert_num_queries, monkeypatch, nombre
):
    monkeypatch.setattr(views, "MENAGES_ACCUEIL", 4)
    noms = ["Fabre", "Arnaud", "Dupuis", "Blanc", "Etienne", "Chevalier"][:nombre]
    equipe = _ts_referent_de(noms)
    client.force_login(equipe.ts)
    # session, utilisateur, adhésions, dispositifs, bilans à faire, mes accompagnements (un de
    # plus que ceux montrés, pour savoir qu'il en reste), séances à venir : autant pour 1 que
    # pour 6 ménages.
    with django_assert_num_queries(7):
        reponse = client.get(reverse("ecrans:accueil"))
    html = reponse.content.decode()
    debut = html.index('aria-labelledby="titre-mes-menages"')
    mes_menages = html[debut : html.index("</section>", debut)]
    assert mes_menages.count("list-group-item-action") == min(nombre, 4)
    for nom in sorted(noms)[:4]:
        assert f"{nom} Hortense" in mes_menages
    for nom in sorted(noms)[4:]:
        assert nom not in mes_menages
    if nombre > 4:
        assert "Les 4 premiers (par dispositif et par nom)." in texte(reponse)
        assert reverse("ecrans:file_active") in mes_menages
    else:
        assert "premiers" not in mes_menages
