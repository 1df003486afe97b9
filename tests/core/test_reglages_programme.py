"""Les réglages du programme : la coordination les modifie, chaque changement est historisé ;
les autres rôles, la coordination territoriale et les autres dispositifs sont refusés ; une
saisie fausse garde la page et la saisie, sans erreur serveur."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core import reglages
from core.enums import IndicateurCible, NatureDepense, Profession, Role
from core.factories import DispositifFactory, MembreFactory, TerritoireFactory
from core.models import CibleDispositif, Commune, HistoriqueReglage, LigneBudgetaire
from tests.outils import texte

pytestmark = pytest.mark.django_db

ROLES_SANS_REGLAGE = [r for r in Role if r != Role.COORDINATEUR]


@pytest.fixture
def dispositif():
    return DispositifFactory(nom="Déclic", capacite_maintien=20)


def coordination(dispositif, **kwargs):
    return MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR, **kwargs).user


def url(dispositif):
    return reverse("core:reglages", args=[dispositif.slug])


# --- Services ---------------------------------------------------------------------------------


def test_modifier_un_reglage_ecrit_l_historique(dispositif):
    user = coordination(dispositif)

    changes = reglages.modifier_reglages(
        user,
        dispositif,
        {"capacite_maintien": 30, "cout_menage_prevu": Decimal("4833"), "capacite_acces": 0},
    )

    dispositif.refresh_from_db()
    assert dispositif.capacite_maintien == 30
    assert changes == ["capacite_maintien", "cout_menage_prevu"]  # capacité accès inchangée
    historique = list(HistoriqueReglage.objects.order_by("pk"))
    assert [(h.reglage, h.ancienne_valeur, h.nouvelle_valeur) for h in historique] == [
        ("Capacité cible maintien (ménages/an)", "20", "30"),
        ("Coût prévu par ménage et par an", "0,00", "4833,00"),
    ]
    assert historique[0].user == user and historique[0].email == user.email


def test_fixer_changer_et_retirer_une_cible(dispositif):
    user = coordination(dispositif)

    reglages.fixer_cibles(user, dispositif, {IndicateurCible.TAUX_ADHESION: Decimal("66.67")})
    reglages.fixer_cibles(user, dispositif, {IndicateurCible.TAUX_ADHESION: Decimal("70")})
    reglages.fixer_cibles(user, dispositif, {IndicateurCible.TAUX_ADHESION: Decimal("70")})
    reglages.fixer_cibles(user, dispositif, {IndicateurCible.TAUX_ADHESION: None})

    assert not CibleDispositif.objects.exists()
    assert [
        (h.ancienne_valeur, h.nouvelle_valeur) for h in HistoriqueReglage.objects.order_by("pk")
    ] == [("", "66,67"), ("66,67", "70,00"), ("70,00", "")]
    assert HistoriqueReglage.objects.first().reglage == "Cible : Taux d'adhésion (%)"


def test_budget_territoires_et_communes_historises(dispositif):
    user = coordination(dispositif)

    ligne = reglages.ajouter_ligne_budgetaire(
        user,
        dispositif,
        poste=Profession.TRAVAILLEUR_SOCIAL,
        nature=NatureDepense.SALAIRE,
        libelle="",
        montant_annuel=Decimal("38000"),
    )
    reglages.modifier_ligne_budgetaire(user, ligne, Decimal("39000"))
    territoire = reglages.ajouter_territoire(user, dispositif, "  Annecy  ")
    assert territoire.nom == "Annecy"  # espaces retirés à l'ajout
    commune = reglages.ajouter_commune(user, territoire, "Annecy", "74000")
    reglages.renommer_territoire(user, territoire, "Bassin annécien")
    reglages.retirer_commune(user, commune)
    reglages.supprimer_ligne_budgetaire(user, ligne)

    assert not LigneBudgetaire.objects.exists() and not Commune.objects.exists()
    assert [h.reglage for h in HistoriqueReglage.objects.order_by("pk")] == [
        "Budget : Travailleur·se social·e – Salaire",
        "Budget : Travailleur·se social·e – Salaire",
        "Territoire ajouté",
        "Commune ajoutée à Annecy",
        "Territoire renommé",
        "Commune retirée de Bassin annécien",
        "Budget : Travailleur·se social·e – Salaire",
    ]


def test_les_valeurs_impossibles_sont_refusees_en_francais(dispositif):
    user = coordination(dispositif)
    TerritoireFactory(dispositif=dispositif, nom="Léman")

    with pytest.raises(ValidationError, match="existe déjà"):
        reglages.ajouter_territoire(user, dispositif, "léman")
    with pytest.raises(ValidationError, match="nombre positif"):
        reglages.modifier_reglages(user, dispositif, {"cofinancement": Decimal("-1")})
    with pytest.raises(ValidationError, match="ne se modifie pas"):
        reglages.modifier_reglages(user, dispositif, {"slug": "autre"})
    with pytest.raises(ValidationError, match="code postal"):
        reglages.ajouter_commune(user, dispositif.territoires.get(), "Thonon", "74 20")
    assert not HistoriqueReglage.objects.exists()


@pytest.mark.parametrize("role", ROLES_SANS_REGLAGE)
def test_les_autres_roles_ne_reglent_rien(dispositif, role):
    user = MembreFactory(dispositif=dispositif, role=role).user

    with pytest.raises(PermissionDenied):
        reglages.fixer_cibles(user, dispositif, {IndicateurCible.TAUX_ADHESION: Decimal("50")})
    with pytest.raises(PermissionDenied):
        reglages.modifier_reglages(user, dispositif, {"capacite_acces": 5})
    assert not HistoriqueReglage.objects.exists()


def test_ni_la_coordination_territoriale_ni_celle_d_un_autre_dispositif(dispositif):
    territoriale = coordination(
        dispositif, territoire=TerritoireFactory(dispositif=dispositif, nom="Arve")
    )
    d_ailleurs = coordination(DispositifFactory())

    for user in (territoriale, d_ailleurs):
        with pytest.raises(PermissionDenied):
            reglages.ajouter_territoire(user, dispositif, "Chablais")
    assert dispositif.territoires.count() == 1


# --- La page --------------------------------------------------------------------------------


def test_la_coordination_fixe_une_cible_depuis_la_page(client, dispositif):
    client.force_login(coordination(dispositif))

    reponse = client.post(
        url(dispositif), {"action": "cibles", "cibles-taux_adhesion": "66,7"}, follow=True
    )

    assert "Cibles enregistrées." in texte(reponse)
    cible = CibleDispositif.objects.get(dispositif=dispositif)
    assert cible.valeur == Decimal("66.70")
    page = texte(client.get(url(dispositif)))
    assert "Historique des réglages" in page and "Cible : Taux d'adhésion (%)" in page


def test_une_saisie_fausse_garde_la_page_et_la_saisie(client, dispositif):
    client.force_login(coordination(dispositif))

    reponse = client.post(
        url(dispositif),
        {
            "action": "reglages",
            "reglages-capacite_acces": "douze",
            "reglages-capacite_maintien": "30",
            "reglages-cout_diagnostic": "350",
            "reglages-cout_gestion_locative_adaptee": "600",
            "reglages-cout_menage_prevu": "99999999999999999999",
            "reglages-financement_demande": "-5",
            "reglages-cofinancement": "0",
        },
    )

    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Le changement n'est pas enregistré" in page
    assert 'value="douze"' in page
    assert not HistoriqueReglage.objects.exists()


@pytest.mark.parametrize(
    "envoi",
    [
        {"action": "supprimer_ligne", "ligne": "99999999999999999999999"},
        {"action": "retirer_commune", "commune": "abc"},
        {"action": "n_importe_quoi"},
        {},
        {"action": "ajouter_commune", "commune-territoire": "-1", "commune-nom": "X"},
    ],
)
def test_un_envoi_bricole_ne_produit_pas_d_erreur_serveur(client, dispositif, envoi):
    client.force_login(coordination(dispositif))

    reponse = client.post(url(dispositif), envoi)

    assert reponse.status_code in (200, 302)
    assert not HistoriqueReglage.objects.exists()


def test_une_ligne_d_un_autre_dispositif_ne_se_supprime_pas(client, dispositif):
    autre = DispositifFactory()
    ligne = LigneBudgetaire.objects.create(
        dispositif=autre,
        poste=Profession.COORDINATEUR,
        nature=NatureDepense.SALAIRE,
        montant_annuel=Decimal("1000"),
    )
    client.force_login(coordination(dispositif))

    client.post(url(dispositif), {"action": "supprimer_ligne", "ligne": ligne.pk})

    assert LigneBudgetaire.objects.filter(pk=ligne.pk).exists()


@pytest.mark.parametrize("role", [Role.MEMBRE_COPIL, Role.TRAVAILLEUR_SOCIAL, Role.MEMBRE_COTECH])
def test_la_page_est_refusee_aux_autres_roles(client, dispositif, role):
    client.force_login(MembreFactory(dispositif=dispositif, role=role).user)

    assert client.get(url(dispositif)).status_code == 404
    reponse = client.post(url(dispositif), {"action": "cibles", "cibles-taux_adhesion": "10"})
    assert reponse.status_code == 404
    assert not CibleDispositif.objects.exists()


def test_la_page_du_dispositif_mene_aux_reglages_pour_la_coordination(client, dispositif):
    client.force_login(coordination(dispositif))
    assert url(dispositif) in texte(client.get(reverse("core:dispositif", args=[dispositif.slug])))

    client.force_login(MembreFactory(dispositif=dispositif, role=Role.MEMBRE_COPIL).user)
    assert url(dispositif) not in texte(
        client.get(reverse("core:dispositif", args=[dispositif.slug]))
    )
