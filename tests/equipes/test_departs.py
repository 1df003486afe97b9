"""Le départ d'une personne : plus aucun accès dès la date, sortie des équipes ouvertes, sessions
fermées quand il ne lui reste rien ; ses ménages et orientations à réaffecter en un écran."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accompagnement.models import MembreEquipe
from accompagnement.services import ouvrir_accompagnement
from core import widgets as core_widgets
from core.enums import Role
from core.factories import MembreFactory
from core.models import JournalAudit, Membre
from core.permissions import roles
from equipes import selectors, services
from menages.enums import StatutOrientation
from menages.factories import MenageFactory, OrientationFactory
from menages.models import Orientation
from menages.selectors import menages_visibles
from tests.outils import membre, texte

from .situations import equipe_ouverte

pytestmark = pytest.mark.django_db

Journal = JournalAudit.Action


def adhesion(user, dispositif):
    return Membre.objects.get(user=user, dispositif=dispositif)


def test_apres_le_depart_la_requete_suivante_est_refusee_et_la_connexion_aussi(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.infirmier)
    page = equipe.url("detail")
    assert client.get(page).status_code == 200
    services.terminer_adhesion(equipe.coordinateur, adhesion(equipe.infirmier, equipe.dispositif))
    reponse = client.get(page)
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("login"))
    equipe.infirmier.refresh_from_db()
    assert not equipe.infirmier.is_active
    connexion = client.post(
        reverse("login"),
        {"username": equipe.infirmier.email, "password": "mot-de-passe-de-test"},
    )
    assert connexion.status_code == 200
    assert "_auth_user_id" not in client.session


def test_le_depart_supprime_les_sessions_de_la_personne_et_pas_celles_des_autres(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.infirmier)
    autre = client.__class__()
    autre.force_login(equipe.ts)
    assert Session.objects.count() == 2
    services.terminer_adhesion(equipe.coordinateur, adhesion(equipe.infirmier, equipe.dispositif))
    assert Session.objects.count() == 1
    assert autre.get(equipe.url("detail")).status_code == 200
    ligne = JournalAudit.objects.get(action=Journal.SESSIONS_FERMEES)
    assert "1 session" in ligne.detail
    assert ligne.user == equipe.coordinateur


def test_le_depart_sort_la_personne_des_equipes_ouvertes_avec_une_date():
    equipe = equipe_ouverte()
    _, quittees = services.terminer_adhesion(
        equipe.coordinateur, adhesion(equipe.infirmier, equipe.dispositif)
    )
    assert quittees == 1
    ligne = MembreEquipe.objects.get(user=equipe.infirmier)
    assert ligne.date_fin == timezone.localdate()
    journal = JournalAudit.objects.get(action=Journal.ADHESION_TERMINEE)
    assert journal.user == equipe.coordinateur
    assert equipe.infirmier.email in journal.detail
    assert "1 équipe(s) quittée(s)" in journal.detail


def test_qui_garde_un_autre_dispositif_garde_son_compte_et_ses_autres_droits(client):
    equipe = equipe_ouverte()
    ailleurs = MembreFactory(user=equipe.infirmier, role=Role.INFIRMIER)
    services.terminer_adhesion(equipe.coordinateur, adhesion(equipe.infirmier, equipe.dispositif))
    equipe.infirmier.refresh_from_db()
    assert equipe.infirmier.is_active
    equipe.infirmier._adhesions_actives = None
    assert roles(equipe.infirmier, equipe.dispositif) == frozenset()
    assert Role.INFIRMIER in roles(equipe.infirmier, ailleurs.dispositif)
    assert equipe.menage not in menages_visibles(equipe.infirmier)


def test_un_depart_a_venir_laisse_l_acces_jusqu_au_jour_dit():
    equipe = equipe_ouverte()
    demain = timezone.localdate() + timedelta(days=1)
    services.terminer_adhesion(
        equipe.coordinateur, adhesion(equipe.infirmier, equipe.dispositif), date_fin=demain
    )
    equipe.infirmier.refresh_from_db()
    assert equipe.infirmier.is_active
    assert equipe.menage in menages_visibles(equipe.infirmier)
    assert MembreEquipe.objects.get(user=equipe.infirmier).date_fin == demain
    # Le jour venu, l'adhésion n'ouvre plus rien, même sans la tâche ; la tâche ferme le compte.
    Membre.objects.filter(user=equipe.infirmier).update(date_fin=timezone.localdate())
    MembreEquipe.objects.filter(user=equipe.infirmier).update(date_fin=timezone.localdate())
    equipe.infirmier._adhesions_actives = None
    assert equipe.menage not in menages_visibles(equipe.infirmier)
    assert services.appliquer_les_departs() == 1
    equipe.infirmier.refresh_from_db()
    assert not equipe.infirmier.is_active


def test_on_ne_termine_pas_sa_propre_adhesion():
    equipe = equipe_ouverte()
    with pytest.raises(services.ValidationError, match="propre adhésion"):
        services.terminer_adhesion(
            equipe.coordinateur, adhesion(equipe.coordinateur, equipe.dispositif)
        )


def test_une_date_de_depart_avant_le_debut_est_refusee_et_la_saisie_gardee(client):
    equipe = equipe_ouverte()
    cible = adhesion(equipe.infirmier, equipe.dispositif)
    client.force_login(equipe.coordinateur)
    reponse = client.post(
        reverse("equipes:terminer", args=[equipe.dispositif.slug, cible.public_id]),
        {"date_fin": (cible.date_debut - timedelta(days=3)).strftime("%d/%m/%Y")},
    )
    assert reponse.status_code == 200
    assert "ne peut pas précéder" in texte(reponse)
    cible.refresh_from_db()
    assert cible.date_fin is None


@pytest.mark.parametrize("date_fin", ["31/02/2026", "01/01/1890", "n'importe quoi", "9" * 40])
def test_une_date_de_depart_absurde_est_refusee_sans_erreur(client, date_fin):
    equipe = equipe_ouverte()
    cible = adhesion(equipe.infirmier, equipe.dispositif)
    client.force_login(equipe.coordinateur)
    reponse = client.post(
        reverse("equipes:terminer", args=[equipe.dispositif.slug, cible.public_id]),
        {"date_fin": date_fin},
    )
    assert reponse.status_code == 200
    cible.refresh_from_db()
    assert cible.date_fin is None


def test_les_menages_du_referent_parti_sont_a_reaffecter_et_se_confient_en_un_ecran(client):
    equipe = equipe_ouverte()
    services.terminer_adhesion(equipe.coordinateur, adhesion(equipe.ts, equipe.dispositif))
    client.force_login(equipe.coordinateur)
    url = reverse("equipes:a_reaffecter", args=[equipe.dispositif.slug])
    page = texte(client.get(url))
    assert str(equipe.menage) in page.split('id="menages-a-reaffecter"')[1]
    lot = selectors.a_reaffecter(equipe.coordinateur, equipe.dispositif)
    assert lot.accompagnements == [equipe.accompagnement]
    assert equipe.ts not in lot.referents_possibles
    reponse = client.post(url, {f"a_{equipe.accompagnement.public_id.hex}": equipe.autre_ts.pk})
    assert reponse.status_code == 302
    equipe.accompagnement.refresh_from_db()
    assert equipe.accompagnement.referent == equipe.autre_ts
    assert selectors.a_reaffecter(equipe.coordinateur, equipe.dispositif).vide
    ligne = JournalAudit.objects.get(action=Journal.REAFFECTATION)
    assert ligne.menage_public_id == equipe.menage.public_id
    assert equipe.ts.email in ligne.detail


def test_on_ne_confie_pas_un_menage_a_une_personne_hors_de_l_equipe_possible(client):
    equipe = equipe_ouverte()
    services.terminer_adhesion(equipe.coordinateur, adhesion(equipe.ts, equipe.dispositif))
    copil = membre(equipe.dispositif, Role.MEMBRE_COPIL)
    client.force_login(equipe.coordinateur)
    url = reverse("equipes:a_reaffecter", args=[equipe.dispositif.slug])
    reponse = client.post(url, {f"a_{equipe.accompagnement.public_id.hex}": copil.pk})
    assert reponse.status_code == 200
    equipe.accompagnement.refresh_from_db()
    assert equipe.accompagnement.referent == equipe.ts


def test_les_orientations_suivies_par_un_agent_parti_se_confient_a_un_autre_agent(client):
    dispositif = equipe_ouverte().dispositif
    coordinateur = Membre.objects.filter(dispositif=dispositif, role=Role.COORDINATEUR)[0].user
    agent = membre(dispositif, Role.AGENT_BAILLEUR)
    relais = membre(dispositif, Role.AGENT_BAILLEUR)
    suivie = OrientationFactory(
        menage=MenageFactory(dispositif=dispositif),
        orientee_par=agent,
        statut=StatutOrientation.A_EXAMINER,
    )
    refusee = OrientationFactory(
        menage=MenageFactory(dispositif=dispositif),
        orientee_par=agent,
        statut=StatutOrientation.REFUSEE,
    )
    services.terminer_adhesion(coordinateur, adhesion(agent, dispositif))
    lot = selectors.a_reaffecter(coordinateur, dispositif)
    assert lot.orientations == [suivie]
    assert refusee not in lot.orientations
    client.force_login(coordinateur)
    url = reverse("equipes:a_reaffecter", args=[dispositif.slug])
    assert client.post(url, {f"o_{suivie.public_id.hex}": relais.pk}).status_code == 302
    suivie.refresh_from_db()
    assert suivie.orientee_par == relais
    assert suivie.menage in menages_visibles(relais)


def test_modifier_le_role_vers_coordinateur_attend_une_confirmation(client):
    equipe = equipe_ouverte()
    cible = adhesion(equipe.ts, equipe.dispositif)
    client.force_login(equipe.coordinateur)
    reponse = client.post(
        reverse("equipes:modifier", args=[equipe.dispositif.slug, cible.public_id]),
        {"role": Role.COORDINATEUR, "profession": "coordinateur"},
    )
    assert reponse.status_code == 302
    cible.refresh_from_db()
    assert cible.role == Role.COORDINATEUR
    assert cible.a_confirmer
    equipe.ts._adhesions_actives = None
    assert roles(equipe.ts, equipe.dispositif) == frozenset()
    ligne = JournalAudit.objects.get(action=Journal.ADHESION_MODIFIEE)
    assert "rôle : Travailleur·se social·e → Coordinateur·rice" in ligne.detail
    assert "à confirmer" in ligne.detail


def test_un_role_hors_equipe_sort_la_personne_des_equipes():
    equipe = equipe_ouverte()
    services.modifier_adhesion(
        equipe.coordinateur,
        adhesion(equipe.infirmier, equipe.dispositif),
        role=Role.MEMBRE_COPIL,
        profession="partenaire",
    )
    assert MembreEquipe.objects.get(user=equipe.infirmier).date_fin == timezone.localdate()
    assert equipe.menage not in menages_visibles(equipe.infirmier)


def test_on_ne_modifie_pas_sa_propre_adhesion():
    equipe = equipe_ouverte()
    with pytest.raises(services.ValidationError):
        services.modifier_adhesion(
            equipe.coordinateur,
            adhesion(equipe.coordinateur, equipe.dispositif),
            role=Role.COORDINATEUR,
            profession="partenaire",
        )


def test_au_dela_du_seuil_a_qui_confier_se_cherche_par_le_nom(client, monkeypatch):
    """Un programme de centaines de personnes : chaque ligne ne porte plus la liste de toutes,
    mais « Ne pas changer » et la personne choisie ; la recherche propose les autres."""
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", 1)
    equipe = equipe_ouverte()
    second = ouvrir_accompagnement(
        equipe.coordinateur,
        MenageFactory(dispositif=equipe.dispositif),
        referent=equipe.ts,
        equipe=[],
        date_debut=timezone.localdate(),
    )
    services.terminer_adhesion(equipe.coordinateur, adhesion(equipe.ts, equipe.dispositif))
    client.force_login(equipe.coordinateur)
    url = reverse("equipes:a_reaffecter", args=[equipe.dispositif.slug])
    recherche = reverse("equipes:personnes", args=[equipe.dispositif.slug])
    champ = f"a_{equipe.accompagnement.public_id.hex}"

    page = client.get(url).content.decode()
    assert f'data-recherche="{recherche}?liste=referent"' in page
    assert f'<option value="{equipe.autre_ts.pk}"' not in page
    assert "tapez au moins deux lettres du nom" in page

    # Un refus garde la personne choisie sur sa ligne (et elle seule).
    copil = membre(equipe.dispositif, Role.MEMBRE_COPIL)
    refus = client.post(url, {champ: equipe.autre_ts.pk, f"a_{second.public_id.hex}": copil.pk})
    assert refus.status_code == 200
    assert f'<option value="{equipe.autre_ts.pk}" selected>' in refus.content.decode()

    # La recherche : les membres d'équipe restants, jamais la personne qui part.
    nom = equipe.autre_ts.last_name
    trouves = client.get(recherche, {"liste": "referent", "q": nom}).json()["resultats"]
    assert {"value": str(equipe.autre_ts.pk), "text": equipe.autre_ts.get_full_name()} in trouves
    partie = client.get(recherche, {"liste": "referent", "q": equipe.ts.last_name}).json()
    assert str(equipe.ts.pk) not in [r["value"] for r in partie["resultats"]]

    assert client.post(url, {champ: equipe.autre_ts.pk}).status_code == 302  # l'autre : inchangé
    equipe.accompagnement.refresh_from_db()
    assert equipe.accompagnement.referent == equipe.autre_ts


@pytest.mark.parametrize("role", [Role.TRAVAILLEUR_SOCIAL, Role.MEMBRE_COTECH, Role.AGENT_BAILLEUR])
def test_la_recherche_a_qui_confier_est_refusee_hors_de_la_coordination(client, role):
    equipe = equipe_ouverte()
    client.force_login(membre(equipe.dispositif, role))
    recherche = reverse("equipes:personnes", args=[equipe.dispositif.slug])
    assert client.get(recherche, {"liste": "referent", "q": "pr"}).status_code in (403, 404)


def test_a_reaffecter_se_parcourt_par_pages_et_chaque_page_se_confie(client, monkeypatch):
    """Le départ de qui a importé les orientations en laisse des milliers : l'écran en montre
    un nombre borné de chaque sorte par page ; confier une page fait monter les suivantes, et
    une ligne laissée « Ne pas changer » reste joignable par les pages."""
    monkeypatch.setattr(selectors, "A_REAFFECTER_PAR_PAGE", 2)
    equipe = equipe_ouverte()
    dispositif = equipe.dispositif
    agent = membre(dispositif, Role.AGENT_BAILLEUR)
    relais = membre(dispositif, Role.AGENT_BAILLEUR)
    orientations = [
        OrientationFactory(
            menage=MenageFactory(dispositif=dispositif),
            orientee_par=agent,
            statut=StatutOrientation.A_EXAMINER,
        )
        for _ in range(5)
    ]
    services.terminer_adhesion(equipe.coordinateur, adhesion(agent, dispositif))
    services.terminer_adhesion(equipe.coordinateur, adhesion(equipe.ts, dispositif))
    client.force_login(equipe.coordinateur)
    url = reverse("equipes:a_reaffecter", args=[dispositif.slug])

    def cles_des_orientations(lot):
        return {o.pk for o in lot.orientations}

    pages = [selectors.a_reaffecter(equipe.coordinateur, dispositif, page) for page in (1, 2, 3)]
    # Trois pages (celles des orientations, la plus longue liste) ; le seul ménage à confier
    # est sur la première ; aucune orientation deux fois, aucune oubliée.
    assert [lot.page.number for lot in pages] == [1, 2, 3]
    assert [len(lot.accompagnements) for lot in pages] == [1, 0, 0]
    assert [len(lot.orientations) for lot in pages] == [2, 2, 1]
    vues = [cles_des_orientations(lot) for lot in pages]
    assert set().union(*vues) == {o.pk for o in orientations} and sum(map(len, vues)) == 5
    # Au-delà de la dernière page : la dernière.
    assert selectors.a_reaffecter(equipe.coordinateur, dispositif, "9").page.number == 3

    contenu = texte(client.get(f"{url}?page=2"))
    assert "Page 2 sur 3" in contenu
    assert 'id="menages-a-reaffecter"' not in contenu
    assert 'href="?page=3"' in contenu and 'href="?page=1"' in contenu

    # Confier les deux orientations de la page 2 : on y revient, la suivante y est montée.
    reponse = client.post(
        f"{url}?page=2", {f"o_{o.public_id.hex}": relais.pk for o in pages[1].orientations}
    )
    assert reponse.status_code == 302 and reponse.url == f"{url}?page=2"
    restantes = {o.pk for o in orientations} - vues[1]
    assert (
        set(Orientation.objects.filter(orientee_par=relais).values_list("pk", flat=True))
        == (vues[1])
    )
    apres = selectors.a_reaffecter(equipe.coordinateur, dispositif, 2)
    assert apres.page.paginator.num_pages == 2
    assert cles_des_orientations(apres) | vues[0] == restantes


def test_un_depart_enregistre_mene_a_l_ecran_a_reaffecter(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.coordinateur)
    cible = adhesion(equipe.ts, equipe.dispositif)
    reponse = client.post(
        reverse("equipes:terminer", args=[equipe.dispositif.slug, cible.public_id]),
        {"date_fin": timezone.localdate().strftime("%d/%m/%Y")},
    )
    assert reponse.status_code == 302
    assert reponse.url == reverse("equipes:a_reaffecter", args=[equipe.dispositif.slug])
    cible.refresh_from_db()
    assert cible.date_fin == timezone.localdate()
