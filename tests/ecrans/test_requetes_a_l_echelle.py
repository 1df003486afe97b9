"""Les pages où l'on vit tiennent à l'échelle d'un programme national : leur nombre de requêtes
ne dépend ni du nombre d'interventions d'un ménage, ni de la profondeur de la page ; la
chronologie se lit par pages ; l'export de la file active part en flux, journalisé, formules
neutralisées. (Les temps se mesurent au banc, sur PostgreSQL, jamais dans un test.)"""

import csv
import io
import re
from contextlib import nullcontext
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnement.enums import Confidentialite, TypeIntervention
from accompagnement.models import Intervention
from accompagnement.selectors import INTERVENTIONS_PAR_PAGE
from core.enums import Profession, Role
from core.models import JournalAudit
from ecrans import exports
from ecrans.selectors import EVENEMENTS_PAR_PAGE
from ecrans.views import PAR_PAGE
from menages.factories import MenageFactory, OrientationFactory
from tests.accompagnement.situations import equipe_ouverte
from tests.outils import connecte, noms_affiches, texte

pytestmark = pytest.mark.django_db


def avec_interventions(equipe, nombre):
    """`nombre` interventions sur l'accompagnement, une sur dix « soignants » de l'infirmière,
    les autres « équipe » du travailleur social, un jour d'écart chacune (la plus récente :
    « Note 0 »)."""
    maintenant = timezone.now()
    soignants = Profession.INFIRMIER
    equipiers = Profession.TRAVAILLEUR_SOCIAL
    Intervention.objects.bulk_create(
        Intervention(
            accompagnement=equipe.accompagnement,
            date_heure=maintenant - timedelta(days=rang, hours=1),
            type=TypeIntervention.VISITE_DOMICILE,
            auteur=equipe.infirmier if rang % 10 == 0 else equipe.ts,
            profession_auteur=soignants if rang % 10 == 0 else equipiers,
            confidentialite=Confidentialite.SOIGNANTS if rang % 10 == 0 else Confidentialite.EQUIPE,
            note=f"Note {rang} ·",
        )
        for rang in range(nombre)
    )
    return equipe


def notes_affichees(reponse):
    """Les rangs des notes de la page, dans l'ordre."""
    return [int(rang) for rang in re.findall(r"Note (\d+) ·", reponse.content.decode())]


def lire_page_apres_page(client, url, parametre, plus_anciens, plus_recents, requetes=None):
    """Suit, depuis la première page, le lien vers les plus anciens tant qu'il y en a un ;
    rend (les rangs des notes vues, dans l'ordre ; le nombre de pages ; la dernière page).
    Chaque page suivante a un vrai lien (sans JavaScript) vers les plus récents ; `requetes`,
    s'il est donné, encadre la lecture de chaque page suivante (un nombre de requêtes fixe)."""
    vues = []
    page, numero = client.get(url), 1
    while True:
        vues += notes_affichees(page)
        if f"?{parametre}={numero + 1}#titre-{parametre}" not in page.content.decode():
            return vues, numero, page
        assert plus_anciens in texte(page)
        numero += 1
        with requetes() if requetes else nullcontext():
            page = client.get(url, {parametre: numero})
        assert f"?{parametre}={numero - 1}#titre-{parametre}" in page.content.decode()
        assert plus_recents in texte(page)


# --- La page du ménage et sa chronologie -----------------------------------------------------

# session, utilisateur, adhésions, ménage (avec ce que la personne peut lire et écrire de sa
# dette), personnes, ressources, logements, orientations, problématiques, accompagnements,
# équipes, professions (opposition), interventions (la page seule), orientations vers les
# partenaires, journal des notes soignants (si la page en montre), bilans, décisions de comité,
# accompagnements, historique de l'information du ménage, référent·e d'un épisode non clos
# (sauf pour la coordination, et pour qui l'est d'un épisode que la page a lu : le travailleur
# social) ; qui voit la dette lit en plus ses relevés et ses plans.
REQUETES_DE_LA_PAGE_DU_MENAGE = {"coordinateur": 19, "infirmier": 18, "ts": 18}


@pytest.mark.parametrize("qui", sorted(REQUETES_DE_LA_PAGE_DU_MENAGE))
@pytest.mark.parametrize("nombre", [30, 500])
def test_la_page_du_menage_fait_le_meme_nombre_de_requetes_a_30_et_a_500_interventions(
    client, django_assert_num_queries, qui, nombre
):
    equipe = avec_interventions(equipe_ouverte(), nombre)
    client.force_login(getattr(equipe, qui))
    with django_assert_num_queries(REQUETES_DE_LA_PAGE_DU_MENAGE[qui]):
        reponse = client.get(reverse("ecrans:menage", args=[equipe.menage.public_id]))
    assert reponse.status_code == 200
    # Jamais plus d'une page d'événements, quelle que soit l'ancienneté du suivi.
    assert len(notes_affichees(reponse)) <= EVENEMENTS_PAR_PAGE


def test_la_chronologie_se_lit_par_pages_de_la_plus_recente_a_la_plus_ancienne(client):
    equipe = avec_interventions(equipe_ouverte(), 120)
    client.force_login(equipe.coordinateur)
    url = reverse("ecrans:menage", args=[equipe.menage.public_id])

    vues, numero, _ = lire_page_apres_page(
        client, url, "chronologie", "Événements plus anciens", "Événements plus récents"
    )

    # Le coordinateur lit les notes d'équipe (108), pas les notes soignants : tout est vu une
    # fois, dans l'ordre ; avec l'orientation et le début de l'épisode, 25 par page, sur cinq
    # pages.
    assert EVENEMENTS_PAR_PAGE == 25
    assert numero == 5
    assert vues == [rang for rang in range(120) if rang % 10]


def test_seules_les_notes_soignants_de_la_page_sont_journalisees(client):
    equipe = avec_interventions(equipe_ouverte(), 500)
    client.force_login(equipe.infirmier)
    client.get(reverse("ecrans:menage", args=[equipe.menage.public_id]))
    lues = JournalAudit.objects.filter(action=JournalAudit.Action.LECTURE_NOTE_SOIGNANTS)
    # Les événements de la première page, les plus récents : une note soignants sur dix.
    assert lues.count() == len(range(0, EVENEMENTS_PAR_PAGE, 10))


@pytest.mark.parametrize("valeur", ["abc", "0", "-3", "99999999999999999999"])
def test_une_page_de_chronologie_invalide_montre_la_premiere(client, valeur):
    equipe = avec_interventions(equipe_ouverte(), 60)
    client.force_login(equipe.coordinateur)
    url = reverse("ecrans:menage", args=[equipe.menage.public_id])
    reponse = client.get(url, {"chronologie": valeur})
    assert reponse.status_code == 200
    assert notes_affichees(reponse) == notes_affichees(client.get(url))


def test_la_chronologie_reste_refusee_a_qui_ne_voit_pas_le_menage(client):
    equipe = avec_interventions(equipe_ouverte(), 60)
    connecte(client, Role.TRAVAILLEUR_SOCIAL, dispositif=equipe.dispositif)
    url = reverse("ecrans:menage", args=[equipe.menage.public_id])
    assert client.get(url, {"chronologie": 2}).status_code == 404


# --- La page de l'accompagnement -------------------------------------------------------------


@pytest.mark.parametrize("nombre", [30, 500])
def test_la_page_de_l_accompagnement_fait_le_meme_nombre_de_requetes_a_30_et_a_500(
    client, django_assert_num_queries, nombre
):
    equipe = avec_interventions(equipe_ouverte(), nombre)
    client.force_login(equipe.infirmier)
    # session, utilisateur, adhésions (et professions), accompagnement et ses droits, équipe,
    # interventions (la page seule), leurs orientations vers les partenaires, journal des
    # notes soignants, objectifs, bilans
    with django_assert_num_queries(10):
        reponse = client.get(equipe.url("detail"))
    assert reponse.status_code == 200
    # Jamais plus d'une page d'interventions, quelle que soit l'ancienneté du suivi.
    assert len(notes_affichees(reponse)) == min(nombre, INTERVENTIONS_PAR_PAGE)


def test_les_interventions_de_l_accompagnement_se_lisent_par_pages(
    client, django_assert_num_queries
):
    equipe = avec_interventions(equipe_ouverte(), 120)
    client.force_login(equipe.coordinateur)
    url = equipe.url("detail")

    # Une page profonde fait autant de requêtes que la première (le coordinateur ne lit pas les
    # notes soignants : aucune ligne au journal).
    vues, numero, page = lire_page_apres_page(
        client,
        url,
        "interventions",
        "Interventions plus anciennes",
        "Interventions plus récentes",
        requetes=lambda: django_assert_num_queries(9),
    )

    # Le coordinateur lit les 108 notes d'équipe, pas les notes soignants : chacune une fois,
    # de la plus récente à la plus ancienne, 25 par page, sur cinq pages.
    assert INTERVENTIONS_PAR_PAGE == 25
    assert numero == 5
    assert vues == [rang for rang in range(120) if rang % 10]
    assert "Interventions plus anciennes" not in texte(page)


def test_seules_les_notes_soignants_de_la_page_de_l_accompagnement_sont_journalisees(client):
    equipe = avec_interventions(equipe_ouverte(), 120)
    client.force_login(equipe.infirmier)
    client.get(equipe.url("detail"), {"interventions": 2})
    lues = JournalAudit.objects.filter(action=JournalAudit.Action.LECTURE_NOTE_SOIGNANTS)
    # Les rangs 25 à 49 : une note soignants sur dix (30 et 40).
    de_la_page = {
        str(intervention.public_id)
        for intervention in Intervention.objects.all()
        if intervention.note in ("Note 30 ·", "Note 40 ·")
    }
    assert sorted(lues.values_list("objet_id", flat=True)) == sorted(de_la_page)


@pytest.mark.parametrize("valeur", ["abc", "0", "-3", "99999999999999999999"])
def test_une_page_d_interventions_invalide_montre_la_premiere(client, valeur):
    equipe = avec_interventions(equipe_ouverte(), 60)
    client.force_login(equipe.coordinateur)
    reponse = client.get(equipe.url("detail"), {"interventions": valeur})
    assert reponse.status_code == 200
    assert notes_affichees(reponse) == notes_affichees(client.get(equipe.url("detail")))


def test_une_page_au_dela_de_la_derniere_le_dit_et_ramene_vers_les_plus_recentes(client):
    equipe = avec_interventions(equipe_ouverte(), 30)
    client.force_login(equipe.coordinateur)
    reponse = client.get(equipe.url("detail"), {"interventions": 40})
    assert reponse.status_code == 200
    assert notes_affichees(reponse) == []
    assert "Aucune intervention plus ancienne que vous puissiez lire." in texte(reponse)
    assert "?interventions=39#titre-interventions" in reponse.content.decode()


def test_les_pages_d_interventions_restent_refusees_a_qui_ne_voit_pas_l_accompagnement(client):
    equipe = avec_interventions(equipe_ouverte(), 60)
    connecte(client, Role.TRAVAILLEUR_SOCIAL, dispositif=equipe.dispositif)
    assert client.get(equipe.url("detail"), {"interventions": 2}).status_code == 404


# --- La file active ---------------------------------------------------------------------------

# session, utilisateur, adhésions (l'accès à la file active, les dispositifs du filtre et ceux
# où la dette est visible s'y lisent), nombre de ménages, clés de la page, ménages de la page
# (leur dernière orientation en jointure, leurs problématiques sur la ligne), territoires du
# filtre, référent·es du filtre. La première page d'une file de quatre pages au plus n'a pas
# besoin du nombre de ménages : les clés lues d'avance le donnent (`page_par_les_cles`).
REQUETES_DE_LA_FILE_ACTIVE = 8


@pytest.fixture
def file_longue(client):
    """Un coordinateur et 3 pages de ménages (la dernière incomplète)."""
    dispositif = connecte(client, Role.COORDINATEUR).dispositif
    for rang in range(2 * PAR_PAGE + 5):
        OrientationFactory(
            menage=MenageFactory(dispositif=dispositif, nom=f"Menage{rang:03d}", prenom="")
        )
    return dispositif


@pytest.mark.parametrize("tri", ["", "date", "-dette", "statut", "territoire"])
@pytest.mark.parametrize("page", [1, 3])
def test_la_file_active_fait_un_nombre_fixe_de_requetes_en_page_1_et_en_page_profonde(
    client, django_assert_num_queries, file_longue, tri, page
):
    attendu = REQUETES_DE_LA_FILE_ACTIVE - (1 if page == 1 else 0)
    with django_assert_num_queries(attendu):
        reponse = client.get(reverse("ecrans:file_active"), {"tri": tri, "page": page})
    assert reponse.status_code == 200
    assert len(noms_affiches(reponse)) == (PAR_PAGE if page == 1 else 5)


def test_les_pages_de_la_file_active_se_suivent_sans_trou_ni_doublon(client, file_longue):
    vus = []
    for page in (1, 2, 3):
        vus += liste_de(client, tri="nom", page=page)
    assert vus == [f"Menage{rang:03d}" for rang in range(2 * PAR_PAGE + 5)]
    # Le tri inverse parcourt les mêmes ménages dans l'autre sens.
    inverses = []
    for page in (1, 2, 3):
        inverses += liste_de(client, tri="-nom", page=page)
    assert inverses == vus[::-1]


def test_la_page_htmx_de_la_file_active_ne_rend_que_les_resultats(client, file_longue):
    reponse = client.get(reverse("ecrans:file_active"), {"page": 2}, HTTP_HX_REQUEST="true")
    contenu = reponse.content.decode()
    assert "<html" not in contenu
    assert len(noms_affiches(reponse)) == PAR_PAGE
    assert "page=3" in contenu and "page=1" in contenu


def liste_de(client, **parametres):
    reponse = client.get(reverse("ecrans:file_active"), parametres)
    assert reponse.status_code == 200
    return noms_affiches(reponse)


# --- L'export de la file active ---------------------------------------------------------------


def test_l_export_csv_part_en_flux_journalise_et_neutralise_les_formules(client, file_longue):
    OrientationFactory(menage=MenageFactory(dispositif=file_longue, nom="=HYPERLINK(1)"))

    reponse = client.get(reverse("ecrans:export_csv"))

    assert reponse.streaming
    assert reponse["Content-Disposition"].startswith('attachment; filename="file-active-')
    # Le journal est écrit avant le premier octet, avec le nombre de lignes compté à part.
    journal = JournalAudit.objects.get(action=JournalAudit.Action.EXPORT)
    assert journal.dispositif == file_longue
    assert journal.detail.startswith(f"file active CSV, {2 * PAR_PAGE + 6} lignes")
    lignes = list(csv.reader(io.StringIO(reponse.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert len(lignes) == 1 + 2 * PAR_PAGE + 6
    noms = {ligne[2] for ligne in lignes[1:]}
    assert "'=HYPERLINK(1)" in noms
    assert "=HYPERLINK(1)" not in noms


# session, utilisateur, adhésions (le droit d'exporter et les dispositifs des filtres s'y
# lisent), décompte par dispositif, dispositifs du journal, écriture du journal, puis les
# ménages en une requête en flux (leurs problématiques jointes par la base).
REQUETES_DE_L_EXPORT = 7


@pytest.mark.parametrize("lot", [20, 1000])
def test_l_export_csv_lit_les_menages_et_leurs_problematiques_en_une_requete(
    client, file_longue, django_assert_num_queries, monkeypatch, lot
):
    """Le nombre de requêtes d'un export ne suit ni le nombre de lignes, ni la taille des
    paquets lus."""
    monkeypatch.setattr(exports, "MENAGES_PAR_LOT", lot)
    lignes = 2 * PAR_PAGE + 5
    with django_assert_num_queries(REQUETES_DE_L_EXPORT):
        reponse = client.get(reverse("ecrans:export_csv"))
        assert len(reponse.getvalue().decode("utf-8-sig").splitlines()) == 1 + lignes


def test_l_export_reste_refuse_au_membre_du_copil(client, file_longue):
    connecte(client, Role.MEMBRE_COPIL, dispositif=file_longue)
    assert client.get(reverse("ecrans:export_csv")).status_code == 403
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.EXPORT).exists()
