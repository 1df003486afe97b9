"""Les chiffres du tableau de bord et de la vue nationale : ceux du rapport stocké pour un
semestre clos, sinon le calcul gardé en cache ; les droits toujours décidés avant."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from core.enums import Role
from core.factories import DispositifFactory, HabilitationNationaleFactory, UserFactory
from menages.factories import MenageFactory, OrientationFactory
from rapports import chiffres_servis, indicateurs, national, pilotage, services
from rapports.enums import StatutRapport
from rapports.models import RapportNational, RapportSemestriel
from tests.outils import membre, texte

pytestmark = pytest.mark.django_db

# Requêtes de la page du tableau de bord hors calcul des chiffres (session, personne,
# dispositif vu, cibles et capacités, semestres précédents…), vérifiées ci-dessous.
REQUETES_TABLEAU_SANS_CALCUL = 7
REQUETES_NATIONALE_SANS_CALCUL = 5
# Le calcul de l'ensemble de deux dispositifs : le budget de chacun est une requête.
REQUETES_ENSEMBLE = indicateurs.NOMBRE_DE_REQUETES + 1


def en_cours():
    return indicateurs.parse_semestre(indicateurs.semestres_proposes()[0])


def ecoule():
    return indicateurs.semestre_ecoule(timezone.localdate())


def orienter(dispositif, jour, nombre, prefixe="Nomcache"):
    for rang in range(nombre):
        OrientationFactory(
            menage=MenageFactory(dispositif=dispositif, nom=f"{prefixe}{rang}"),
            date_orientation=jour,
        )


def jour_de(annee, semestre):
    debut, _ = indicateurs.bornes_semestre(annee, semestre)
    return debut + timedelta(days=3)


@pytest.fixture
def dispositif():
    dispositif = DispositifFactory(nom="Alpha", slug="alpha")
    orienter(dispositif, timezone.localdate(), 3)
    orienter(dispositif, jour_de(*ecoule()), 4)
    return dispositif


@pytest.fixture
def copil(client, dispositif):
    client.force_login(membre(dispositif, Role.MEMBRE_COPIL))
    return client


def tableau(client, dispositif, annee, semestre):
    return client.get(
        reverse("rapports:tableau_de_bord", args=[dispositif.slug]),
        {"semestre": f"{annee}-S{semestre}"},
    )


def recues(reponse):
    return reponse.context["chiffres"]["orientations"]["recues"]


# --- Semestre en cours : le calcul en cache ------------------------------------------------------


def test_le_semestre_en_cours_est_calcule_une_fois_puis_lu_dans_le_cache(
    copil, dispositif, django_assert_num_queries
):
    annee, semestre = en_cours()
    with django_assert_num_queries(REQUETES_TABLEAU_SANS_CALCUL + indicateurs.NOMBRE_DE_REQUETES):
        froid = tableau(copil, dispositif, annee, semestre)
    with django_assert_num_queries(REQUETES_TABLEAU_SANS_CALCUL):
        chaud = tableau(copil, dispositif, annee, semestre)

    assert froid.status_code == chaud.status_code == 200
    assert recues(froid) == recues(chaud) == 3
    assert chaud.context["chiffres"] == froid.context["chiffres"]
    assert chiffres_servis.du_tableau_de_bord(
        dispositif, annee, semestre
    ).chiffres == pilotage.avec_cibles(
        indicateurs.calculer(dispositif, annee, semestre), dispositif
    )
    page = texte(chaud)
    heure = f"{timezone.localtime():%H:%M}"
    assert f"Chiffres calculés à {heure}, mis à jour toutes les 5 minutes." in page


def test_la_cle_du_cache_dit_le_dispositif_le_semestre_le_jour_et_la_version(dispositif):
    cle = chiffres_servis.cle_du_cache(dispositif, 2026, 2, date(2026, 12, 2))
    assert cle == f"rapports:chiffres:v{indicateurs.VERSION}:d{dispositif.pk}:2026-S2:2026-12-02"
    autre = DispositifFactory()
    ensemble = indicateurs.Ensemble((autre, dispositif))
    assert chiffres_servis.cle_du_cache(ensemble, 2026, 2, date(2026, 12, 2)) == (
        f"rapports:chiffres:v{indicateurs.VERSION}:ensemble-{dispositif.pk}-{autre.pk}"
        ":2026-S2:2026-12-02"
    )


def test_un_changement_se_voit_a_l_expiration_du_cache(copil, dispositif):
    annee, semestre = en_cours()
    assert recues(tableau(copil, dispositif, annee, semestre)) == 3
    orienter(dispositif, timezone.localdate(), 2, prefixe="Nouveau")

    # Dans la durée du cache, la page garde les chiffres calculés…
    assert recues(tableau(copil, dispositif, annee, semestre)) == 3
    # … et les recalcule une fois la durée passée.
    with time_machine.travel(timezone.now() + timedelta(seconds=301), tick=False):
        assert recues(tableau(copil, dispositif, annee, semestre)) == 5


def test_sans_cache_chaque_page_recalcule(copil, dispositif, settings, django_assert_num_queries):
    settings.INDICATEURS_CACHE_SECONDES = 0
    annee, semestre = en_cours()
    tableau(copil, dispositif, annee, semestre)
    orienter(dispositif, timezone.localdate(), 2, prefixe="Nouveau")
    with django_assert_num_queries(REQUETES_TABLEAU_SANS_CALCUL + indicateurs.NOMBRE_DE_REQUETES):
        reponse = tableau(copil, dispositif, annee, semestre)
    assert recues(reponse) == 5
    page = texte(reponse)
    assert f"Chiffres calculés à {timezone.localtime():%H:%M}." in page
    assert "mis à jour" not in page
    assert not cache.get(
        chiffres_servis.cle_du_cache(dispositif, annee, semestre, timezone.localdate())
    )


def test_une_cible_changee_se_voit_malgre_le_cache(client, dispositif):
    from decimal import Decimal

    from core import reglages
    from core.enums import IndicateurCible

    coordination = membre(dispositif, Role.COORDINATEUR)
    client.force_login(coordination)
    annee, semestre = en_cours()
    assert tableau(client, dispositif, annee, semestre).context["chiffres"]["cibles"] == []
    reglages.fixer_cibles(coordination, dispositif, {IndicateurCible.TAUX_ADHESION: Decimal("66")})
    cibles = tableau(client, dispositif, annee, semestre).context["chiffres"]["cibles"]
    assert [(c["indicateur"], c["valeur"]) for c in cibles] == [("taux_adhesion", 66.0)]


# --- Semestre clos : le rapport stocké ------------------------------------------------------------


def produire(dispositif, annee, semestre):
    """Le rapport produit comme en vrai (tâche, PDF, classeur)."""
    coordination = membre(dispositif, Role.COORDINATEUR)
    with TestCase.captureOnCommitCallbacks(execute=True):
        rapport, _ = services.demander_rapport(coordination, dispositif, annee, semestre)
    rapport.refresh_from_db()
    assert rapport.statut == StatutRapport.PRET
    return rapport


def stocker(dispositif, annee, semestre):
    """Un rapport prêt avec les chiffres que la production garde, sans rendre ses fichiers."""
    return RapportSemestriel.objects.create(
        dispositif=dispositif,
        annee=annee,
        semestre=semestre,
        statut=StatutRapport.PRET,
        chiffres=pilotage.avec_cibles(
            indicateurs.calculer(dispositif, annee, semestre), dispositif
        ),
        termine_le=timezone.now(),
    )


def test_un_semestre_clos_avec_rapport_sert_les_chiffres_stockes_sans_recalculer(
    copil, dispositif, django_assert_num_queries
):
    annee, semestre = ecoule()
    rapport = produire(dispositif, annee, semestre)
    orienter(dispositif, jour_de(annee, semestre), 2, prefixe="Tardif")

    # Le rapport lu (une requête), aucune des 24 du calcul, ni les cibles et capacités, qu'il
    # porte (deux requêtes).
    with django_assert_num_queries(REQUETES_TABLEAU_SANS_CALCUL - 1):
        reponse = tableau(copil, dispositif, annee, semestre)

    assert recues(reponse) == rapport.chiffres["orientations"]["recues"] == 4
    moment = timezone.localtime(rapport.termine_le)
    assert (
        f"Chiffres du rapport produit le {moment:%d/%m/%Y} à {moment:%H:%M} : "
        "un rapport produit ne change plus." in texte(reponse)
    )
    servis = chiffres_servis.du_tableau_de_bord(dispositif, annee, semestre)
    assert servis.chiffres == rapport.chiffres and servis.calcule_le is None
    assert not cache.get(
        chiffres_servis.cle_du_cache(dispositif, annee, semestre, timezone.localdate())
    )


@pytest.mark.parametrize("cas", ["en_echec", "produit_avant_la_fin", "ancien_format"])
def test_un_rapport_qu_on_ne_peut_pas_servir_laisse_calculer(dispositif, cas):
    annee, semestre = ecoule()
    rapport = stocker(dispositif, annee, semestre)
    _, fin = indicateurs.bornes_semestre(annee, semestre)
    if cas == "en_echec":
        rapport.statut = StatutRapport.ECHEC
    elif cas == "produit_avant_la_fin":
        rapport.termine_le = timezone.make_aware(datetime.combine(fin, time(18)))
    else:
        del rapport.chiffres["parcours_acces"]
    rapport.save()
    orienter(dispositif, jour_de(annee, semestre), 2, prefixe="Tardif")

    servis = chiffres_servis.du_tableau_de_bord(dispositif, annee, semestre)

    assert servis.produit_le is None and servis.calcule_le is not None
    assert servis.chiffres["orientations"]["recues"] == 6


def test_le_rapport_du_semestre_en_cours_ne_remplace_pas_le_calcul(dispositif):
    annee, semestre = en_cours()
    stocker(dispositif, annee, semestre)
    orienter(dispositif, timezone.localdate(), 1, prefixe="Apres")
    servis = chiffres_servis.du_tableau_de_bord(dispositif, annee, semestre)
    assert servis.produit_le is None
    assert servis.chiffres["orientations"]["recues"] == 4


# --- Les droits avant le cache ----------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.AGENT_BAILLEUR, Role.PRESCRIPTEUR, None])
def test_un_role_sans_droit_reste_refuse_cache_chaud(client, dispositif, role):
    annee, semestre = en_cours()
    client.force_login(membre(dispositif, Role.COORDINATEUR))
    assert tableau(client, dispositif, annee, semestre).status_code == 200
    assert cache.get(
        chiffres_servis.cle_du_cache(dispositif, annee, semestre, timezone.localdate())
    )

    if role is None:  # membre d'un autre dispositif
        autre = membre(DispositifFactory(), Role.COORDINATEUR)
    else:
        autre = membre(dispositif, role)
    client.force_login(autre)
    reponse = tableau(client, dispositif, annee, semestre)
    assert reponse.status_code == 404
    assert "Nomcache" not in texte(reponse) and "orientations reçues" not in texte(reponse)


def test_la_vue_nationale_reste_refusee_sans_habilitation_cache_chaud(client, dispositif):
    client.force_login(HabilitationNationaleFactory().user)
    assert client.get(reverse("rapports:national")).status_code == 200
    annee, semestre = en_cours()
    assert cache.get(
        chiffres_servis.cle_du_cache(dispositif, annee, semestre, timezone.localdate())
    )

    for personne in (membre(dispositif, Role.COORDINATEUR), UserFactory()):
        client.force_login(personne)
        assert client.get(reverse("rapports:national")).status_code == 403


# --- La vue nationale ---------------------------------------------------------------------------


@pytest.fixture
def financeur(client, dispositif):
    beta = DispositifFactory(nom="Beta", slug="beta")
    orienter(beta, timezone.localdate(), 6, prefixe="Beta")
    client.force_login(HabilitationNationaleFactory().user)
    return client


def test_la_vue_nationale_lit_ses_calculs_dans_le_cache(
    financeur, dispositif, django_assert_num_queries
):
    annee, semestre = en_cours()
    # Chaque dispositif et l'ensemble : trois calculs à froid, aucun à chaud.
    with django_assert_num_queries(
        REQUETES_NATIONALE_SANS_CALCUL + 2 * indicateurs.NOMBRE_DE_REQUETES + REQUETES_ENSEMBLE
    ):
        froid = financeur.get(reverse("rapports:national"))
    with django_assert_num_queries(REQUETES_NATIONALE_SANS_CALCUL):
        chaud = financeur.get(reverse("rapports:national"))

    attendu = national.calculer(annee, semestre)
    assert froid.context["chiffres"] == chaud.context["chiffres"] == attendu["ensemble"]
    assert froid.context["dispositifs"] == chaud.context["dispositifs"] == attendu["dispositifs"]
    assert attendu["ensemble"]["orientations"]["recues"] == 9
    assert "Chiffres calculés à " in texte(chaud)


def test_la_vue_nationale_reprend_le_calcul_d_un_tableau_de_bord(
    financeur, dispositif, django_assert_num_queries
):
    annee, semestre = en_cours()
    chiffres_servis.du_tableau_de_bord(dispositif, annee, semestre)
    # Alpha est déjà en cache : Beta et l'ensemble restent à calculer.
    with django_assert_num_queries(
        REQUETES_NATIONALE_SANS_CALCUL + indicateurs.NOMBRE_DE_REQUETES + REQUETES_ENSEMBLE
    ):
        assert financeur.get(reverse("rapports:national")).status_code == 200


def test_un_semestre_clos_avec_rapport_national_sert_ses_chiffres(
    financeur, dispositif, django_assert_num_queries
):
    annee, semestre = ecoule()
    rapport = RapportNational.objects.create(
        annee=annee,
        semestre=semestre,
        statut=StatutRapport.PRET,
        chiffres=national.calculer(annee, semestre),
        termine_le=timezone.now(),
    )
    orienter(dispositif, jour_de(annee, semestre), 2, prefixe="Tardif")

    # Le rapport lu au lieu de la liste des dispositifs : aucun calcul.
    with django_assert_num_queries(REQUETES_NATIONALE_SANS_CALCUL):
        reponse = financeur.get(reverse("rapports:national"), {"semestre": f"{annee}-S{semestre}"})

    assert reponse.context["chiffres"] == rapport.chiffres["ensemble"]
    assert reponse.context["chiffres"]["orientations"]["recues"] == 4
    assert "Chiffres du rapport produit le " in texte(reponse)
    assert RapportNational.objects.count() == 1 and RapportSemestriel.objects.count() == 0


def test_la_frequence_se_dit_en_francais():
    assert chiffres_servis.frequence(300) == "toutes les 5 minutes"
    assert chiffres_servis.frequence(60) == "chaque minute"
    assert chiffres_servis.frequence(90) == "toutes les 90 secondes"
    assert chiffres_servis.frequence(1) == "chaque seconde"


# --- Rafraîchis avant d'expirer (tâche planifiée) ------------------------------------------------


def test_la_tache_planifiee_remet_les_chiffres_en_cache_avant_qu_ils_n_expirent(
    financeur, copil, dispositif, django_assert_num_queries
):
    """Après le rafraîchissement, aucune page ne calcule : le tableau de bord et la vue
    nationale lisent le cache, avec les données du moment du rafraîchissement."""
    from rapports.tasks import rafraichir_les_chiffres

    annee, semestre = en_cours()
    assert recues(tableau(copil, dispositif, annee, semestre)) == 3
    orienter(dispositif, timezone.localdate(), 2, prefixe="Nouveau")

    # Exécutée comme par le worker (ici sur place) : chaque dispositif et l'ensemble.
    assert rafraichir_les_chiffres.delay().get() == 3

    with django_assert_num_queries(REQUETES_TABLEAU_SANS_CALCUL):
        assert recues(tableau(copil, dispositif, annee, semestre)) == 5
    financeur.force_login(HabilitationNationaleFactory().user)
    with django_assert_num_queries(REQUETES_NATIONALE_SANS_CALCUL):
        nationale = financeur.get(reverse("rapports:national"))
    assert nationale.context["chiffres"]["orientations"]["recues"] == 11


def test_sans_cache_rien_a_rafraichir(settings, dispositif, django_assert_num_queries):
    settings.INDICATEURS_CACHE_SECONDES = 0
    with django_assert_num_queries(0):
        assert chiffres_servis.rafraichir() == 0


def test_le_rafraichissement_est_planifie_une_minute_avant_l_expiration(settings):
    from logisens_suivi.celery import app

    entree = settings.CELERY_BEAT_SCHEDULE["chiffres-des-tableaux-de-bord"]
    assert entree["schedule"] == timedelta(seconds=settings.INDICATEURS_CACHE_SECONDES - 60)
    assert entree["task"] in app.tasks
