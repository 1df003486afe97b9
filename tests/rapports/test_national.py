"""Le financeur national : son habilitation (posée, confirmée par un second administrateur,
journalisée), la vue nationale sans nom et masquée, le rapport consolidé produit par Celery, et
les refus pour tous les autres."""

import io
import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from core import permissions, services
from core.enums import Role
from core.factories import (
    DispositifFactory,
    HabilitationNationaleFactory,
    MembreFactory,
    UserFactory,
)
from core.models import HabilitationNationale, JournalAudit
from menages.enums import Problematique
from menages.factories import MenageFactory, OrientationFactory
from rapports import documents, national
from rapports import services as rapports
from rapports.enums import StatutRapport
from rapports.models import RapportNational
from tests.outils import texte
from tests.rapports.test_worker import attendre, worker  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
django_capture_on_commit_callbacks = TestCase.captureOnCommitCallbacks

SEMESTRE = "2026-S1"


def orientations(dispositif, code, nombre, prefixe):
    for rang in range(nombre):
        OrientationFactory(
            menage=MenageFactory(dispositif=dispositif, nom=f"{prefixe}{rang}"),
            date_orientation=date(2026, 3, 2),
            problematiques=[code],
        )


@pytest.fixture
def monde():
    """Deux dispositifs : les addictions sont « < 5 » dans Alpha (2), 6 dans Beta ; l'ensemble
    en compte 8, qu'il ne doit pas publier (8 − 6 redonnerait la case masquée d'Alpha). Dans
    Alpha, l'hygiène (5) est masquée en complément (« s »), les impayés (6) restent visibles."""
    alpha = DispositifFactory(nom="Alpha", slug="alpha")
    beta = DispositifFactory(nom="Beta", slug="beta")
    orientations(alpha, Problematique.IMPAYES, 6, "Nomcachealpha")
    orientations(alpha, Problematique.ADDICTIONS, 2, "Nomcacheaddictalpha")
    orientations(alpha, Problematique.HYGIENE_INCURIE, 5, "Nomcachehygienealpha")
    orientations(beta, Problematique.IMPAYES, 7, "Nomcachebeta")
    orientations(beta, Problematique.ADDICTIONS, 6, "Nomcacheaddictbeta")
    financeur = HabilitationNationaleFactory().user
    return {"alpha": alpha, "beta": beta, "financeur": financeur}


def par_problematique(chiffres):
    return {
        ligne["code"]: ligne["nombre"] for ligne in chiffres["orientations"]["par_problematique"]
    }


# --- L'habilitation ------------------------------------------------------------------------------


def test_une_habilitation_posee_attend_un_second_administrateur():
    premier, second = UserFactory(is_staff=True), UserFactory(is_staff=True)
    financeur = UserFactory()
    habilitation = services.enregistrer_habilitation_nationale(
        premier, HabilitationNationale(user=financeur)
    )
    assert habilitation.a_confirmer and habilitation.demandee_par == premier
    assert not permissions.habilite_national(UserFactory._meta.model.objects.get(pk=financeur.pk))
    with pytest.raises(PermissionDenied):
        services.confirmer_habilitation_nationale(premier, habilitation)
    with pytest.raises(PermissionDenied):
        services.confirmer_habilitation_nationale(financeur, habilitation)
    services.confirmer_habilitation_nationale(second, habilitation)
    financeur.refresh_from_db()
    assert permissions.habilite_national(UserFactory._meta.model.objects.get(pk=financeur.pk))
    actions = list(
        JournalAudit.objects.filter(objet_type="core.HabilitationNationale")
        .order_by("date", "pk")
        .values_list("action", "user")
    )
    assert actions == [
        (JournalAudit.Action.HABILITATION_CREEE, premier.pk),
        (JournalAudit.Action.HABILITATION_CONFIRMEE, second.pk),
    ]


def test_une_reactivation_attend_de_nouveau_la_confirmation():
    habilitation = HabilitationNationaleFactory(actif=False)
    habilitation.actif = True
    services.enregistrer_habilitation_nationale(
        UserFactory(is_staff=True), habilitation, champs_modifies=["actif"]
    )
    habilitation.refresh_from_db()
    assert habilitation.a_confirmer


def test_un_administrateur_technique_ne_tient_pas_d_habilitation():
    with pytest.raises(ValidationError):
        services.enregistrer_habilitation_nationale(
            UserFactory(is_staff=True), HabilitationNationale(user=UserFactory(is_staff=True))
        )


def test_l_habilitation_ne_coute_aucune_requete_de_plus(django_assert_num_queries):
    financeur = HabilitationNationaleFactory().user
    with django_assert_num_queries(1):
        assert permissions.habilite_national(financeur)
        assert permissions.roles_par_dispositif(financeur) == {}


def test_l_habilitation_n_ouvre_aucune_donnee_de_la_matrice(monde):
    financeur = monde["financeur"]
    for donnee in permissions.Donnee:
        assert not permissions.dispositifs_ou(financeur, donnee).exists()


# --- La vue nationale ---------------------------------------------------------------------------


def test_le_financeur_voit_chaque_dispositif_et_l_ensemble_sans_nom(client, monde):
    client.force_login(monde["financeur"])
    reponse = client.get(reverse("rapports:national"), {"semestre": SEMESTRE})
    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Alpha" in page and "Beta" in page and "Ensemble" in page
    assert "Nomcache" not in page
    tableau = page[page.index('id="tableau-national"') :]
    assert re.search(r"Orientations reçues</th>\s*<td[^>]*>13</td>\s*<td[^>]*>13</td>", tableau)
    assert re.search(r">26</td>", tableau)


def test_l_ensemble_est_recalcule_puis_masque(monde):
    chiffres = national.calculer(2026, 1)
    alpha, beta = chiffres["dispositifs"]
    dans_alpha = par_problematique(alpha["chiffres"])
    # La case est « < 5 » ; son total de ligne, celui que reprend cette liste, « s ».
    assert dans_alpha[Problematique.ADDICTIONS] == "s"
    assert dans_alpha[Problematique.HYGIENE_INCURIE] == "s"
    assert dans_alpha[Problematique.IMPAYES] == 6
    assert par_problematique(beta["chiffres"])[Problematique.ADDICTIONS] == 6
    ensemble = par_problematique(chiffres["ensemble"])
    # 8 se lirait « 8 − 6 = 2 », 5 se lirait tel quel : masqués, comme dans Alpha.
    assert ensemble[Problematique.ADDICTIONS] == "s"
    assert ensemble[Problematique.HYGIENE_INCURIE] == "s"
    # Recalculé sur l'ensemble : 6 + 7, visible partout.
    assert ensemble[Problematique.IMPAYES] == 13
    assert chiffres["ensemble"]["orientations"]["recues"] == 26
    assert "croisement_problematique_territoire" not in chiffres["ensemble"]


def test_la_page_nationale_montre_le_masquage(client, monde):
    client.force_login(monde["financeur"])
    page = texte(client.get(reverse("rapports:national"), {"semestre": SEMESTRE}))
    bloc = page[page.index('id="problematiques-national"') :]
    assert re.search(r"addictions</th>\s*<td[^>]*>s</td>", bloc)
    assert not re.search(r"addictions</th>\s*<td[^>]*>8</td>", bloc)


def test_le_financeur_voit_le_tableau_de_bord_de_chaque_dispositif(client, monde):
    client.force_login(monde["financeur"])
    for slug in ("alpha", "beta"):
        reponse = client.get(reverse("rapports:tableau_de_bord", args=[slug]))
        assert reponse.status_code == 200 and "Nomcache" not in texte(reponse)


def test_le_financeur_ne_voit_aucune_ligne(client, monde):
    client.force_login(monde["financeur"])
    menage = monde["alpha"].menages.first()
    assert client.get(reverse("ecrans:file_active")).status_code == 403
    assert client.get(reverse("ecrans:menage", args=[menage.public_id])).status_code == 404
    assert client.get(reverse("ecrans:export_csv")).status_code == 403
    assert client.get(reverse("rapports:extraits")).status_code == 403
    assert "Nomcache" not in texte(client.get(reverse("ecrans:accueil")))


@pytest.mark.parametrize("role", list(Role))
def test_aucun_role_d_un_dispositif_n_a_la_vue_nationale(client, monde, role):
    client.force_login(MembreFactory(dispositif=monde["alpha"], role=role).user)
    assert client.get(reverse("rapports:national")).status_code == 403
    assert (
        client.post(reverse("rapports:demander_national"), {"semestre": SEMESTRE}).status_code
        == 403
    )
    assert not RapportNational.objects.exists()


def test_ni_l_administration_ni_une_habilitation_a_confirmer_n_ouvrent_la_vue(client, monde):
    for user in (UserFactory(is_staff=True), HabilitationNationaleFactory(a_confirmer=True).user):
        client.force_login(user)
        assert client.get(reverse("rapports:national")).status_code == 403


# --- Le rapport consolidé -------------------------------------------------------------------------


def produire(client, financeur):
    client.force_login(financeur)
    with django_capture_on_commit_callbacks(execute=True):
        reponse = client.post(reverse("rapports:demander_national"), {"semestre": SEMESTRE})
    assert reponse.status_code == 302
    return RapportNational.objects.get(annee=2026, semestre=1)


def test_le_rapport_consolide_est_produit_et_se_lit(client, monde):
    rapport = produire(client, monde["financeur"])
    assert rapport.statut == StatutRapport.PRET, rapport.erreur
    assert rapport.demande_par == monde["financeur"]
    pdf = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(documents.lire(rapport.fichier_pdf))).pages
    )
    assert "Alpha" in pdf and "Beta" in pdf and "Ensemble" in pdf
    assert "Nomcache" not in pdf
    classeur = load_workbook(io.BytesIO(documents.lire(rapport.fichier_xlsx)), read_only=True)
    assert classeur.sheetnames[:2] == ["Présentation", "Côte à côte"]
    assert classeur.sheetnames[-1] == "Définitions"
    lignes = list(classeur["Côte à côte"].iter_rows(values_only=True))
    assert lignes[0] == ("Indicateur", "Unité", "Alpha", "Beta", "Ensemble")
    assert ("Orientations reçues", "effectif", 13, 13, 26) in lignes
    tout = "\n".join(
        ";".join(str(v) for v in ligne)
        for feuille in classeur.worksheets
        for ligne in feuille.iter_rows(values_only=True)
    )
    assert "Nomcache" not in tout


def test_le_telechargement_est_journalise(client, monde):
    rapport = produire(client, monde["financeur"])
    for nom in ("rapports:national_pdf", "rapports:national_xlsx"):
        reponse = client.get(reverse(nom, args=[rapport.public_id]))
        assert reponse.status_code == 200
        assert "no-store" in reponse["Cache-Control"]
    details = list(
        JournalAudit.objects.filter(
            user=monde["financeur"], action=JournalAudit.Action.TELECHARGEMENT_RAPPORT
        ).values_list("detail", flat=True)
    )
    assert sorted(details) == [
        f"rapport national {SEMESTRE} (PDF)",
        f"rapport national {SEMESTRE} (XLSX)",
    ]


@pytest.mark.parametrize("role", list(Role))
def test_le_telechargement_est_refuse_a_chaque_role(client, monde, role):
    rapport = produire(client, monde["financeur"])
    client.force_login(MembreFactory(dispositif=monde["alpha"], role=role).user)
    for nom in ("rapports:national_pdf", "rapports:national_xlsx"):
        assert client.get(reverse(nom, args=[rapport.public_id])).status_code == 403
    assert (
        not JournalAudit.objects.filter(action=JournalAudit.Action.TELECHARGEMENT_RAPPORT)
        .exclude(user=monde["financeur"])
        .exists()
    )


def test_le_telechargement_est_refuse_a_l_administration_et_aux_anonymes(client, monde):
    rapport = produire(client, monde["financeur"])
    adresse = reverse("rapports:national_pdf", args=[rapport.public_id])
    client.force_login(UserFactory(is_staff=True))
    assert client.get(adresse).status_code == 403
    client.logout()
    reponse = client.get(adresse)
    assert reponse.status_code == 302 and reponse.url.startswith(reverse("login"))


def test_les_droits_sont_reverifies_dans_la_tache(monde, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as taches:
        rapport, lance = rapports.demander_rapport_national(monde["financeur"], 2026, 1)
    assert lance and rapport.statut == StatutRapport.EN_ATTENTE
    HabilitationNationale.objects.filter(user=monde["financeur"]).update(actif=False)
    for tache in taches:
        tache()
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.ECHEC
    assert "habilitation nationale" in rapport.erreur
    assert not rapport.fichier_pdf


def test_le_service_refuse_qui_n_est_pas_financeur(monde):
    coordinateur = MembreFactory(dispositif=monde["alpha"], role=Role.COORDINATEUR).user
    with pytest.raises(PermissionDenied):
        rapports.demander_rapport_national(coordinateur, 2026, 1)


def test_un_rapport_consolide_mis_en_file_est_produit_par_le_worker(worker):  # noqa: F811
    """Avec Redis et PostgreSQL, un vrai worker le produit ; sinon la tâche s'exécute sur place."""
    alpha = DispositifFactory(nom="Alpha")
    orientations(alpha, Problematique.IMPAYES, 6, "Nomcachealpha")
    financeur = HabilitationNationaleFactory().user
    rapport, lance = rapports.demander_rapport_national(financeur, 2026, 1)
    assert lance
    rapport = attendre(rapport, worker)
    assert rapport.statut == StatutRapport.PRET, rapport.erreur
    pdf = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(documents.lire(rapport.fichier_pdf))).pages
    )
    assert "Alpha" in pdf and "Nomcache" not in pdf
    assert rapport.chiffres["ensemble"]["orientations"]["recues"] == 6
    assert load_workbook(io.BytesIO(documents.lire(rapport.fichier_xlsx)))


def test_la_vue_nationale_compte_ses_requetes(client, monde, django_assert_num_queries, settings):
    """Le nombre de requêtes dépend du nombre de dispositifs, jamais du nombre de ménages (sans
    cache : chaque page calcule)."""
    settings.INDICATEURS_CACHE_SECONDES = 0
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(monde["financeur"])
    adresse = reverse("rapports:national")
    client.get(adresse)
    with CaptureQueriesContext(connection) as avant:
        assert client.get(adresse).status_code == 200
    orientations(monde["alpha"], Problematique.ANIMAUX, 9, "Nomcacheplus")
    orientations(monde["beta"], Problematique.ISOLEMENT_RUPTURE, 7, "Nomcacheencore")
    with django_assert_num_queries(len(avant)):
        assert client.get(adresse).status_code == 200


def test_le_tableau_de_bord_porte_ses_definitions_et_ne_montre_les_rapports_qu_a_qui_les_ouvre(
    client, monde
):
    """Le financeur lit le tableau de bord sans les rapports semestriels : les définitions des
    indicateurs sont sur la page, sans lien vers une liste qu'il ne peut pas ouvrir ; la
    coordination a les deux."""
    adresse = reverse("rapports:tableau_de_bord", args=["alpha"])
    liste = f'href="{reverse("rapports:liste")}"'
    definition = documents.definitions_par_section()[0][1][0]

    client.force_login(monde["financeur"])
    page = texte(client.get(adresse))
    assert "Définitions des indicateurs" in page and definition in page
    assert liste not in page
    assert client.get(reverse("rapports:liste")).status_code == 403

    client.force_login(MembreFactory(dispositif=monde["alpha"], role=Role.COORDINATEUR).user)
    page = texte(client.get(adresse))
    assert definition in page and liste in page
    assert client.get(reverse("rapports:liste")).status_code == 200
