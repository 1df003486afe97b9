"""L'historique des enregistrements principaux : chaque version, son auteur, les textes
chiffrés jusque dans les tables d'historique, et la page « Historique des modifications » que
seule la coordination du dispositif lit."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accompagnement.models import Accompagnement, Bilan, Intervention, Objectif
from core.chiffrement import champs_chiffres
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory, UserFactory
from core.models import Membre
from menages.models import DetteLocative, Logement, Menage, Orientation, PlanApurement
from rgpd import historique
from rgpd.models import MODELES_HISTORISES
from tests.outils import texte

from .situations import MARQUE, marque, menage_suivi

pytestmark = pytest.mark.django_db


def url_historique(menage):
    return reverse("rgpd:historique", args=[menage.public_id])


def test_les_enregistrements_principaux_ont_un_historique():
    assert set(MODELES_HISTORISES) == {
        Menage,
        Logement,
        Orientation,
        DetteLocative,
        PlanApurement,
        Accompagnement,
        Objectif,
        Bilan,
        Intervention,
        Membre,
    }
    for modele in MODELES_HISTORISES:
        assert modele.historique.model._meta.app_label == "rgpd"


def test_une_rectification_par_le_formulaire_ajoute_une_version_avec_son_auteur(client):
    dispositif = DispositifFactory()
    suivi = menage_suivi(dispositif)
    client.force_login(suivi.coordinateur)
    orientation = suivi.menage.orientations.get()
    orientation.statut = "recue"
    orientation.save()

    reponse = client.post(
        reverse("menages:changer_statut", args=[orientation.public_id]),
        {"statut": "a_examiner", "motif": "Rectification"},
    )

    assert reponse.status_code == 302
    derniere = orientation.historique.latest()
    assert derniere.history_type == "~"
    assert derniere.statut == "a_examiner"
    assert derniere.history_user == suivi.coordinateur
    assert orientation.historique.count() == 3  # création, remise à « reçue », rectification


def test_une_version_ecrite_hors_d_une_requete_n_a_pas_d_auteur():
    suivi = menage_suivi(DispositifFactory())

    assert suivi.menage.historique.get().history_user is None


def _tables_d_historique_en_clair():
    """Tout le contenu des tables d'historique, lu en SQL brut (comme une copie de la base)."""
    contenu = []
    with connection.cursor() as cursor:
        for modele in MODELES_HISTORISES:
            table = connection.ops.quote_name(modele.historique.model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table}")
            contenu += [str(valeur) for ligne in cursor.fetchall() for valeur in ligne]
    return "\n".join(contenu)


def test_les_textes_chiffres_restent_chiffres_dans_les_tables_d_historique():
    suivi = menage_suivi(DispositifFactory())
    soignants = [
        i for i in suivi.accompagnement.interventions.all() if i.confidentialite == "soignants"
    ][0]
    soignants.note = marque("note-soignants-rectifiee")
    soignants.save()

    en_clair = _tables_d_historique_en_clair()

    # L'historique a bien les versions (lisibles par l'application)…
    assert soignants.historique.count() == 2
    assert soignants.historique.latest().note == marque("note-soignants-rectifiee")
    # … mais aucun texte chiffré n'y est en clair ; l'identité, elle, n'est pas chiffrée.
    for champ in (
        "note-equipe",
        "note-soignants",
        "note-personnelle",
        "description",
        "motif",
        "objectif",
        "indicateur",
        "synthese",
    ):
        assert marque(champ) not in en_clair, champ
    assert marque("nom") in en_clair


def test_la_rotation_des_cles_parcourt_les_tables_d_historique():
    chiffres = {f"{modele._meta.label}.{champ.name}" for modele, champ in champs_chiffres()}

    assert "rgpd.HistoricalIntervention.note" in chiffres
    assert "rgpd.HistoricalBilan.synthese" in chiffres
    assert "rgpd.HistoricalOrientation.description" in chiffres


# --- La page ---------------------------------------------------------------------------------


def test_la_coordination_lit_l_historique_sans_aucun_texte_de_note(client):
    dispositif = DispositifFactory()
    suivi = menage_suivi(dispositif)
    client.force_login(suivi.ts)
    suivi.menage.telephone = "06 99 99 99 99"
    suivi.menage.save()
    equipe = suivi.accompagnement.interventions.get(confidentialite="equipe")
    equipe.note = marque("note-equipe-corrigee")
    equipe.duree_minutes = 50
    equipe.save()
    client.force_login(suivi.coordinateur)

    reponse = client.get(url_historique(suivi.menage))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Historique des modifications" in contenu
    assert "Téléphone : 06 00 00 00 01 → 06 99 99 99 99" in contenu
    assert "Durée (minutes) : 45 → 50" in contenu
    assert "texte modifié (non affiché)" in contenu
    assert "· création" in contenu
    # Jamais un texte de note, de synthèse ou de description, ni une note « soignants ».
    for champ in ("note-equipe", "note-soignants", "note-personnelle", "synthese", "description"):
        assert marque(champ) not in contenu
    assert "Visite à domicile du 18/01/2024" in contenu  # l'intervention d'équipe
    # Ni l'intervention « soignants » (le 19), ni la note personnelle de la TS (le 20).
    assert "Visite à domicile du 19/01/2024" not in contenu
    assert "Visite à domicile du 20/01/2024" not in contenu


def test_l_auteur_d_une_modification_est_nomme(client):
    dispositif = DispositifFactory()
    suivi = menage_suivi(dispositif)
    auteur = UserFactory(first_name="Agathe", last_name="Rectifieuse")
    MembreFactory(user=auteur, dispositif=dispositif, role=Role.COORDINATEUR)
    client.force_login(auteur)
    client.post(
        reverse("menages:relever_dette", args=[suivi.menage.public_id]),
        {"date": "15/02/2024", "montant": "900", "stade_procedure": ""},
    )
    client.force_login(suivi.coordinateur)

    contenu = texte(client.get(url_historique(suivi.menage)))

    assert "Agathe Rectifieuse" in contenu
    assert "Relevé de dette du 15/02/2024" in contenu


def test_la_page_du_menage_mene_a_l_historique_pour_la_coordination(client):
    suivi = menage_suivi(DispositifFactory())
    client.force_login(suivi.coordinateur)

    contenu = texte(client.get(reverse("ecrans:menage", args=[suivi.menage.public_id])))

    assert url_historique(suivi.menage) in contenu
    assert reverse("rgpd:droit_d_acces", args=[suivi.menage.public_id]) in contenu


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
def test_les_autres_roles_ne_lisent_pas_l_historique(client, role):
    dispositif = DispositifFactory()
    suivi = menage_suivi(dispositif)
    personne = MembreFactory(dispositif=dispositif, role=role).user
    # Même dans l'équipe du ménage (qui ouvre son identité) : l'historique reste refusé.
    if role in (Role.TRAVAILLEUR_SOCIAL, Role.INFIRMIER, Role.PSYCHOLOGUE):
        suivi.accompagnement.equipe.create(user=personne, profession=role, depuis=date(2024, 1, 8))
    client.force_login(personne)

    reponse = client.get(url_historique(suivi.menage))

    assert reponse.status_code in (403, 404)
    assert MARQUE not in texte(reponse)
    page = client.get(reverse("ecrans:menage", args=[suivi.menage.public_id]))
    assert url_historique(suivi.menage) not in texte(page)


def test_la_coordination_d_un_autre_dispositif_ne_lit_pas_l_historique(client):
    suivi = menage_suivi(DispositifFactory())
    client.force_login(MembreFactory(role=Role.COORDINATEUR).user)

    assert client.get(url_historique(suivi.menage)).status_code == 404


def test_l_administration_technique_ne_lit_pas_l_historique(client):
    suivi = menage_suivi(DispositifFactory())
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(url_historique(suivi.menage)).status_code in (403, 404)


def test_l_historique_se_lit_en_un_nombre_fixe_de_requetes(client, django_assert_max_num_queries):
    dispositif = DispositifFactory()
    suivi = menage_suivi(dispositif)
    client.force_login(suivi.coordinateur)
    client.get(url_historique(suivi.menage))
    for rang in range(5):
        suivi.menage.telephone = f"06 00 00 00 1{rang}"
        suivi.menage.save()

    with django_assert_max_num_queries(30):
        assert client.get(url_historique(suivi.menage)).status_code == 200


def test_une_ligne_reecrite_sans_changement_n_apparait_pas(client):
    suivi = menage_suivi(DispositifFactory())
    suivi.menage.save()  # aucune valeur ne change
    client.force_login(suivi.coordinateur)

    contenu = texte(client.get(url_historique(suivi.menage)))

    assert suivi.menage.historique.count() == 2
    assert "· modification" not in contenu


def test_l_historique_se_lit_par_pages_sans_perdre_ce_qui_a_change(client, monkeypatch):
    """Un ménage suivi deux ans compte des centaines de versions : la page en montre un nombre
    borné, les plus récentes d'abord ; une modification garde son « avant → après » même quand
    la version précédente est sur la page suivante."""
    monkeypatch.setattr(historique, "VERSIONS_PAR_PAGE", 3)
    suivi = menage_suivi(DispositifFactory())
    for rang in range(4):
        suivi.menage.telephone = f"06 00 00 00 2{rang}"
        suivi.menage.save()
    client.force_login(suivi.coordinateur)

    premiere = client.get(url_historique(suivi.menage))
    contenu = texte(premiere)
    assert len(premiere.context["versions"]) == 3
    assert "Téléphone : 06 00 00 00 22 → 06 00 00 00 23" in contenu
    assert "Téléphone : 06 00 00 00 20 → 06 00 00 00 21" in contenu
    # La version d'avant (… 20) est sur la page suivante, et le changement reste dit.
    assert "Téléphone : 06 00 00 00 01 → 06 00 00 00 20" not in contenu
    assert "Pages de l'historique" in contenu

    suivante = texte(client.get(url_historique(suivi.menage), {"page": "2"}))
    assert "Téléphone : 06 00 00 00 01 → 06 00 00 00 20" in suivante
    assert "06 00 00 00 23" not in suivante
    # Toutes les versions, page après page, une fois chacune.
    dates = []
    numero = 1
    while True:
        reponse = client.get(url_historique(suivi.menage), {"page": str(numero)})
        dates += [version.date for version in reponse.context["versions"]]
        if not reponse.context["versions"].has_next():
            break
        numero += 1
    assert dates == sorted(dates, reverse=True)
    assert len(dates) == len(set(dates)) > 3


def test_l_historique_ne_lit_entieres_que_les_versions_de_la_page(client, monkeypatch):
    monkeypatch.setattr(historique, "VERSIONS_PAR_PAGE", 2)
    suivi = menage_suivi(DispositifFactory())
    client.force_login(suivi.coordinateur)
    nombres = []
    for versions_de_plus in (2, 20):
        for rang in range(versions_de_plus):
            suivi.menage.telephone = f"06 00 00 01 {rang:02d}"
            suivi.menage.save()
        with CaptureQueriesContext(connection) as requetes:
            client.get(url_historique(suivi.menage))
        nombres.append(len(requetes))
    assert nombres[0] == nombres[1]
