"""Le journal d'accès d'un dispositif, que consulte sa coordination : qui a lu les notes
« soignants » de quel ménage, les exports, les téléchargements, les connexions ; par personne,
par ménage, par action et par période ; jamais le texte d'une note ; refusé aux autres rôles."""

import re
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompagnement.factories import AccompagnementFactory, InterventionFactory
from accompagnement.models import Intervention
from comites.factories import SeanceFactory
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory, UserFactory
from core.models import JournalAudit
from core.services import journaliser, journaliser_en_lot
from menages.factories import MenageFactory, OrientationFactory
from tests.accompagnement.situations import equipe_avec_interventions
from tests.outils import connecte, texte

pytestmark = pytest.mark.django_db


def url(dispositif):
    return reverse("ecrans:journal", args=[dispositif.slug])


def lignes_affichees(reponse):
    corps = re.search(r'<table[^>]*id="journal".*?<tbody>(.*?)</tbody>', texte(reponse), re.S)
    return re.findall(r"<tr>(.*?)</tr>", corps.group(1), re.S) if corps else []


def lu(equipe):
    """L'infirmier ouvre la page de l'accompagnement : ses notes « soignants » sont journalisées."""
    equipe.client.force_login(equipe.infirmier)
    reponse = equipe.client.get(equipe.url("detail"))
    assert reponse.status_code == 200
    assert "Note soignants 0" in texte(reponse)


@pytest.fixture
def equipe(client):
    equipe = equipe_avec_interventions(1)
    equipe.client = client
    return equipe


def trace(dispositif=None, action=JournalAudit.Action.EXPORT, **kwargs):
    return JournalAudit.objects.create(dispositif=dispositif, action=action, **kwargs)


# --- Ce que la coordination y lit -----------------------------------------------------------


def test_la_coordination_voit_qui_a_lu_les_notes_soignants_de_quel_menage(client, equipe):
    lu(equipe)
    client.force_login(equipe.coordinateur)

    reponse = client.get(url(equipe.dispositif))

    assert reponse.status_code == 200
    lignes = [ligne for ligne in lignes_affichees(reponse) if "Lecture" in ligne]
    assert len(lignes) == 1
    assert "Lecture d'une note soignants" in lignes[0]
    assert equipe.infirmier.get_full_name() in lignes[0]
    assert "Infirmier" in lignes[0]
    assert "Zorglub Hortense" in lignes[0]
    assert reverse("ecrans:menage", args=[equipe.menage.public_id]) in lignes[0]


def test_le_journal_ne_montre_jamais_le_texte_d_une_note(client, equipe):
    lu(equipe)
    client.force_login(equipe.coordinateur)

    contenu = texte(client.get(url(equipe.dispositif)))

    assert "Note soignants 0" not in contenu
    assert "Lecture d'une note soignants" in contenu


def test_le_journal_montre_exports_telechargements_imports_et_connexions_des_membres(client):
    coordination = MembreFactory(role=Role.COORDINATEUR)
    dispositif = coordination.dispositif
    ts = MembreFactory(dispositif=dispositif, role=Role.TRAVAILLEUR_SOCIAL).user
    etranger = UserFactory(email="etranger@exemple.test")
    trace(dispositif, JournalAudit.Action.EXPORT, user=ts, detail="file active CSV, 4 lignes")
    trace(dispositif, JournalAudit.Action.TELECHARGEMENT_RAPPORT, detail="rapport S1 2026 (PDF)")
    trace(dispositif, JournalAudit.Action.IMPORT, detail="import de 3 lignes")
    trace(action=JournalAudit.Action.CONNEXION, user=ts, email=ts.email)
    trace(action=JournalAudit.Action.CONNEXION_ECHOUEE, email=ts.email)
    # Rien d'un autre dispositif, ni les connexions de qui n'en est pas membre.
    trace(DispositifFactory(), JournalAudit.Action.EXPORT, detail="export ailleurs")
    trace(action=JournalAudit.Action.CONNEXION, user=etranger, email=etranger.email)
    client.force_login(coordination.user)

    reponse = client.get(url(dispositif))

    contenu = texte(reponse)
    # les cinq lignes, et la connexion de la coordination elle-même
    assert len(lignes_affichees(reponse)) == 6
    for attendu in (
        "file active CSV, 4 lignes",
        "rapport S1 2026 (PDF)",
        "import de 3 lignes",
        "Connexion refusée",
    ):
        assert attendu in contenu
    assert "export ailleurs" not in contenu
    assert "etranger@exemple.test" not in contenu


def test_un_menage_hors_du_perimetre_n_est_pas_nomme(client):
    coordination = MembreFactory(role=Role.COORDINATEUR)
    ailleurs = MenageFactory(nom="Ailleurs")
    trace(coordination.dispositif, menage_public_id=ailleurs.public_id)
    client.force_login(coordination.user)

    contenu = texte(client.get(url(coordination.dispositif)))

    assert "Ailleurs" not in contenu
    assert "hors de votre périmètre" in contenu


# --- Les filtres ----------------------------------------------------------------------------


def test_filtrer_par_menage_retrouve_qui_a_lu_ses_notes(client, equipe):
    lu(equipe)
    autre = MenageFactory(dispositif=equipe.dispositif, nom="Autre", reference_locataire="X-9")
    trace(equipe.dispositif, menage_public_id=autre.public_id, detail="fiche de l'autre")
    client.force_login(equipe.coordinateur)

    for recherche in ("zorglub", "AUR-4521", str(equipe.menage.public_id)):
        reponse = client.get(url(equipe.dispositif), {"menage": recherche})
        lignes = lignes_affichees(reponse)
        assert len(lignes) == 1, recherche
        assert "Lecture d'une note soignants" in lignes[0]
    lignes = lignes_affichees(client.get(url(equipe.dispositif), {"menage": "X-9"}))
    assert len(lignes) == 1
    assert "fiche de l'autre" in lignes[0]
    assert lignes_affichees(client.get(url(equipe.dispositif), {"menage": "Personne"})) == []


def test_filtrer_par_personne_par_action_et_par_periode(client):
    coordination = MembreFactory(role=Role.COORDINATEUR)
    dispositif = coordination.dispositif
    ts = MembreFactory(dispositif=dispositif, role=Role.TRAVAILLEUR_SOCIAL).user
    infirmier = MembreFactory(dispositif=dispositif, role=Role.INFIRMIER).user
    jour = timezone.make_aware(datetime(2026, 3, 10, 9, 30))
    trace(dispositif, user=ts, email=ts.email, date=jour, detail="export du TS")
    trace(
        dispositif,
        JournalAudit.Action.LECTURE_NOTE_SOIGNANTS,
        user=infirmier,
        email=infirmier.email,
        date=jour - timedelta(days=20),
        detail="lecture ancienne",
    )
    trace(action=JournalAudit.Action.CONNEXION_ECHOUEE, email=ts.email, date=jour)
    client.force_login(coordination.user)

    def details(**filtres):
        return [
            re.sub(r"\s+", " ", ligne)
            for ligne in lignes_affichees(client.get(url(dispositif), filtres))
        ]

    par_personne = details(personne=str(ts.public_id))
    assert len(par_personne) == 2  # son export, et la connexion refusée à son adresse
    assert not any("lecture ancienne" in ligne for ligne in par_personne)
    par_action = details(action=JournalAudit.Action.LECTURE_NOTE_SOIGNANTS)
    assert len(par_action) == 1 and "lecture ancienne" in par_action[0]
    assert len(details(du="2026-03-10", au="2026-03-10")) == 2
    assert len(details(au="2026-03-01")) == 1
    assert len(details(du="2026-03-11", au="2026-06-30")) == 0
    # Une personne d'un autre dispositif n'est pas un choix possible.
    refuse = client.get(url(dispositif), {"personne": str(UserFactory().public_id)})
    assert "Sélectionnez un choix valide" in texte(refuse)


def test_une_recherche_de_menage_trop_longue_est_refusee_avec_un_message(client):
    coordinateur = connecte(client, Role.COORDINATEUR)
    adresse = reverse("ecrans:journal", args=[coordinateur.dispositif.slug])

    reponse = client.get(adresse, {"menage": "x" * 100_000})

    assert reponse.status_code == 200
    assert "La recherche compte au plus 100 caractères : raccourcissez-la." in texte(reponse)


def test_le_journal_se_lit_par_pages_du_plus_recent(client):
    coordination = MembreFactory(role=Role.COORDINATEUR)
    maintenant = timezone.now()
    for rang in range(54):
        trace(
            coordination.dispositif,
            date=maintenant - timedelta(minutes=rang),
            detail=f"export numéro {rang}",
        )
    client.force_login(coordination.user)

    premiere = client.get(url(coordination.dispositif))
    seconde = client.get(url(coordination.dispositif), {"page": 2})

    assert len(lignes_affichees(premiere)) == 50
    assert "export numéro 0<" in texte(premiere)
    # 54 exports et la connexion de la coordination
    assert "55 lignes · page 1 sur 2" in re.sub(r"\s+", " ", texte(premiere))
    assert len(lignes_affichees(seconde)) == 5
    assert "export numéro 53<" in texte(seconde)


def test_un_journal_sans_borne_ne_se_compte_ni_ne_se_parcourt_au_dela_de_la_limite(
    client, monkeypatch
):
    # Un programme national garde des millions de lignes : la limite (10 000 en service) est
    # ramenée ici à 120 pour l'éprouver sur 130 lignes.
    monkeypatch.setattr("ecrans.views.LIGNES_DU_JOURNAL_PARCOURUES", 120)
    coordination = MembreFactory(role=Role.COORDINATEUR)
    maintenant = timezone.now()
    for rang in range(130):
        # Les dix plus anciennes, trois jours plus tôt.
        recul = timedelta(minutes=rang) + (timedelta(days=3) if rang >= 120 else timedelta())
        trace(coordination.dispositif, date=maintenant - recul, detail=f"export numéro {rang}")
    client.force_login(coordination.user)

    premiere = texte(client.get(url(coordination.dispositif)))
    assert "Plus de 120 lignes : les 120 plus récentes se parcourent ici" in premiere
    assert "page 1 sur 3" in re.sub(r"\s+", " ", premiere)
    derniere = client.get(url(coordination.dispositif), {"page": 3})
    # La connexion de la coordination, puis les exports 0 à 118 : 120 lignes en trois pages.
    assert len(lignes_affichees(derniere)) == 20
    assert "export numéro 118<" in texte(derniere)
    assert "export numéro 119<" not in texte(derniere)
    assert 'page=4"' not in texte(derniere)
    # Au-delà, la dernière page parcourue ; un filtre retrouve les plus anciennes.
    assert lignes_affichees(client.get(url(coordination.dispositif), {"page": 9})) == (
        lignes_affichees(derniere)
    )
    avant_hier = timezone.localtime(maintenant - timedelta(days=2)).date()
    anciennes = client.get(url(coordination.dispositif), {"au": avant_hier.isoformat()})
    assert "10 lignes" in re.sub(r"\s+", " ", texte(anciennes))
    assert len(lignes_affichees(anciennes)) == 10
    assert "export numéro 129<" in texte(anciennes)


def test_le_decompte_borne_du_journal_ne_trie_pas_ce_qu_il_compte(client):
    # Compter les 10 001 premières lignes dans n'importe quel ordre donne le même nombre : le
    # décompte ne demande pas à la base de trier des millions de lignes par date.
    coordination = MembreFactory(role=Role.COORDINATEUR)
    for rang in range(3):
        trace(coordination.dispositif, detail=f"export numéro {rang}")
    client.force_login(coordination.user)

    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url(coordination.dispositif))

    decomptes = [q["sql"] for q in requetes.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(decomptes) == 1
    assert "ORDER BY" not in decomptes[0].upper()
    # Les trois exports et la connexion de la coordination.
    assert "4 lignes" in re.sub(r"\s+", " ", texte(reponse))


@pytest.mark.parametrize("nombre", [3, 20])
def test_le_journal_fait_un_nombre_fixe_de_requetes(client, django_assert_num_queries, nombre):
    coordination = MembreFactory(role=Role.COORDINATEUR)
    dispositif = coordination.dispositif
    for rang in range(nombre):
        personne = MembreFactory(dispositif=dispositif, role=Role.INFIRMIER).user
        menage = MenageFactory(dispositif=dispositif, nom=f"Menage{rang}")
        trace(
            dispositif,
            JournalAudit.Action.LECTURE_NOTE_SOIGNANTS,
            user=personne,
            email=personne.email,
            roles=Role.INFIRMIER,
            objet_type="accompagnement.Intervention",
            menage_public_id=menage.public_id,
        )
        trace(action=JournalAudit.Action.CONNEXION, user=personne, email=personne.email)
    client.force_login(coordination.user)

    # session, utilisateur, adhésions, dispositif, nombre de lignes, page de lignes (avec les
    # personnes), ménages de la page, personnes du filtre
    with django_assert_num_queries(8):
        reponse = client.get(url(dispositif), {"action": "", "menage": ""})
    assert len(lignes_affichees(reponse)) == 2 * nombre + 1  # et la connexion de la coordination
    assert Role.INFIRMIER.label in texte(reponse)


def test_chaque_ligne_nomme_les_roles_de_la_personne_sans_les_codes_inconnus():
    ligne = JournalAudit(roles=f"{Role.COORDINATEUR},role_retire,{Role.INFIRMIER}")
    assert ligne.libelles_roles == [Role.COORDINATEUR.label, Role.INFIRMIER.label]
    assert JournalAudit(roles="").libelles_roles == []


# --- Qui y accède ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role",
    [
        Role.TRAVAILLEUR_SOCIAL,
        Role.INFIRMIER,
        Role.PSYCHOLOGUE,
        Role.AGENT_BAILLEUR,
        Role.MEMBRE_COTECH,
        Role.MEMBRE_COPIL,
    ],
)
def test_les_autres_roles_n_ont_pas_le_journal(client, role):
    membre = MembreFactory(role=role)
    trace(membre.dispositif, detail="export secret")
    client.force_login(membre.user)

    assert client.get(url(membre.dispositif)).status_code == 403
    assert client.get(reverse("ecrans:journaux")).status_code == 403
    assert "Journal d'accès" not in texte(client.get(reverse("ecrans:accueil")))
    dispositif = texte(client.get(reverse("core:dispositif", args=[membre.dispositif.slug])))
    assert 'id="lien-journal"' not in dispositif


def test_la_coordination_d_un_autre_dispositif_ne_lit_pas_ce_journal(client):
    ici = MembreFactory(role=Role.COORDINATEUR)
    ailleurs = MembreFactory(role=Role.COORDINATEUR)
    client.force_login(ailleurs.user)

    assert client.get(url(ici.dispositif)).status_code == 404


def test_l_administrateur_technique_sans_adhesion_ne_lit_pas_ce_journal(client):
    dispositif = DispositifFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(url(dispositif)).status_code == 404
    assert client.get(reverse("ecrans:journaux")).status_code == 403


def test_un_visiteur_anonyme_est_renvoye_vers_la_connexion(client):
    reponse = client.get(url(DispositifFactory()))
    assert reponse.status_code == 302
    assert reponse.url.startswith(reverse("login"))


def test_un_coordinateur_qui_tient_aussi_un_autre_role_lit_le_journal(client):
    coordination = MembreFactory(role=Role.COORDINATEUR)
    MembreFactory(user=coordination.user, dispositif=coordination.dispositif, role=Role.INFIRMIER)
    client.force_login(coordination.user)

    assert client.get(url(coordination.dispositif)).status_code == 200


def test_le_menu_et_la_page_du_dispositif_menent_au_journal(client):
    coordination = MembreFactory(role=Role.COORDINATEUR)
    client.force_login(coordination.user)

    assert reverse("ecrans:journaux") in texte(client.get(reverse("ecrans:accueil")))
    page = texte(client.get(reverse("core:dispositif", args=[coordination.dispositif.slug])))
    assert f'id="lien-journal" href="{url(coordination.dispositif)}"' in page
    reponse = client.get(reverse("ecrans:journaux"))
    assert reponse.status_code == 302
    assert reponse.url == url(coordination.dispositif)


def test_qui_coordonne_deux_dispositifs_choisit_son_journal(client):
    premier = MembreFactory(role=Role.COORDINATEUR)
    second = MembreFactory(role=Role.COORDINATEUR, user=premier.user)
    client.force_login(premier.user)

    contenu = texte(client.get(reverse("ecrans:journaux")))

    assert url(premier.dispositif) in contenu
    assert url(second.dispositif) in contenu


# --- Le ménage de chaque ligne --------------------------------------------------------------


def test_chaque_ligne_garde_le_menage_de_son_objet():
    menage = MenageFactory()
    orientation = OrientationFactory(menage=menage)
    intervention = InterventionFactory(accompagnement__menage=menage)
    seance = SeanceFactory()
    user = UserFactory()
    action = JournalAudit.Action.EXPORT

    assert journaliser(user, action, objet=menage).menage_public_id == menage.public_id
    assert journaliser(user, action, objet=orientation).menage_public_id == menage.public_id
    accompagnement = intervention.accompagnement
    assert journaliser(user, action, objet=accompagnement).menage_public_id == menage.public_id
    assert journaliser(user, action, objet=intervention).menage_public_id == menage.public_id
    assert journaliser(user, action, objet=seance).menage_public_id is None
    assert journaliser(user, action).menage_public_id is None


def test_un_lot_de_lectures_trouve_ses_menages_en_une_requete(django_assert_num_queries):
    suivis = [AccompagnementFactory() for _ in range(3)]
    interventions = [
        InterventionFactory(accompagnement=suivi) for suivi in suivis for _ in range(2)
    ]
    relues = list(Intervention.objects.filter(pk__in=[i.pk for i in interventions]).order_by("pk"))
    user = UserFactory()

    # les ménages des accompagnements, puis l'écriture du lot
    with django_assert_num_queries(2):
        lignes = journaliser_en_lot(
            user,
            JournalAudit.Action.LECTURE_NOTE_SOIGNANTS,
            [(None, intervention) for intervention in relues],
        )
    assert [ligne.menage_public_id for ligne in lignes] == [
        suivi.menage.public_id for suivi in suivis for _ in range(2)
    ]


def test_une_note_lue_sur_la_page_du_menage_garde_son_menage(client, equipe):
    client.force_login(equipe.infirmier)

    assert client.get(reverse("ecrans:menage", args=[equipe.menage.public_id])).status_code == 200

    lecture = JournalAudit.objects.get(action=JournalAudit.Action.LECTURE_NOTE_SOIGNANTS)
    assert lecture.menage_public_id == equipe.menage.public_id
    assert lecture.user == equipe.infirmier
    assert lecture.dispositif == equipe.dispositif


def test_une_fiche_editee_garde_son_menage(client, equipe):
    client.force_login(equipe.coordinateur)

    reponse = client.get(
        reverse("accompagnement:fiche_suivi", args=[equipe.accompagnement.public_id])
    )

    assert reponse.status_code == 200
    export = JournalAudit.objects.get(action=JournalAudit.Action.EXPORT)
    assert export.menage_public_id == equipe.menage.public_id
    assert export.objet_type == "accompagnement.Accompagnement"
