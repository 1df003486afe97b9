"""Les chiffres de résultat : reprise du paiement du loyer, relogés ou réorientés à la clôture,
toujours dans le logement 3 mois après la fin. Petits jeux faits main, période 2026-S1 ; la
saisie (relevé de dette, bilan) porte la réponse jusqu'au rapport."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accompagnement import services as accompagnement_services
from accompagnement.enums import MotifCloture, TypeBilan
from accompagnement.factories import BilanFactory
from core.enums import Role
from core.factories import DispositifFactory, MembreFactory
from menages import services as menages_services
from menages.factories import DetteLocativeFactory
from menages.models import DetteLocative
from tests.outils import texte

from .test_indicateurs import chiffres_s1, cloture, episode

pytestmark = pytest.mark.django_db


def releve(menage, jour, paye):
    DetteLocativeFactory(menage=menage, date=jour, montant=Decimal(100), loyer_paye_3_mois=paye)


def bilan_fait(accompagnement, jour, type_bilan=TypeBilan.TROIS_MOIS, **champs):
    return BilanFactory(
        accompagnement=accompagnement,
        type=type_bilan,
        date_prevue=jour,
        date_realisation=jour,
        **champs,
    )


def test_reprise_du_paiement_selon_la_derniere_reponse_connue():
    dispositif = DispositifFactory()
    # h1 : non puis oui → reprise.
    h1 = episode(dispositif, date(2025, 11, 1))
    releve(h1.menage, date(2025, 11, 1), False)
    releve(h1.menage, date(2026, 4, 1), True)
    # h2 : oui au bilan, puis non au relevé suivant → pas de reprise.
    h2 = episode(dispositif, date(2026, 1, 5))
    bilan_fait(h2, date(2026, 3, 1), loyer_paye_3_mois=True)
    releve(h2.menage, date(2026, 5, 1), False)
    # h3 : le même jour, bilan « oui » et relevé « non » : le relevé l'emporte.
    h3 = episode(dispositif, date(2026, 1, 5))
    bilan_fait(h3, date(2026, 6, 1), loyer_paye_3_mois=True)
    releve(h3.menage, date(2026, 6, 1), False)
    # h4 : « oui » seulement après la période → non renseigné au 30/06.
    h4 = episode(dispositif, date(2026, 1, 5))
    releve(h4.menage, date(2026, 7, 2), True)
    # h5 : relevé sans réponse → non renseigné.
    h5 = episode(dispositif, date(2026, 1, 5))
    releve(h5.menage, date(2026, 2, 1), None)
    # h6 : oui au bilan seulement → reprise.
    h6 = episode(dispositif, date(2026, 1, 5))
    bilan_fait(h6, date(2026, 4, 10), loyer_paye_3_mois=True)
    # h7 : épisode terminé avant la période → hors champ.
    h7 = episode(dispositif, date(2025, 1, 1), date(2025, 12, 31))
    releve(h7.menage, date(2025, 12, 1), True)
    # Un autre dispositif ne compte pas.
    autre = episode(DispositifFactory(), date(2026, 1, 5))
    releve(autre.menage, date(2026, 2, 1), True)

    resultats = chiffres_s1(dispositif)["resultats"]

    # Renseignés : h1, h2, h3, h6 = 4 ; reprise : h1, h6 = 2 → 50 %.
    assert resultats["paiement_renseigne"] == 4
    assert resultats["reprise_paiement"] == 2
    assert resultats["taux_reprise_paiement"] == 50.0


def test_part_relogee_ou_reorientee_a_la_cloture():
    dispositif = DispositifFactory()
    for fin, motif in [
        (date(2026, 2, 1), MotifCloture.RELOGEMENT),
        (date(2026, 3, 1), MotifCloture.REORIENTATION),
        (date(2026, 4, 1), MotifCloture.STABILISEE),
        (date(2026, 5, 1), MotifCloture.EXPULSION),
        (date(2026, 6, 1), MotifCloture.STABILISEE),
        (date(2026, 6, 30), MotifCloture.STABILISEE),
        (date(2026, 7, 1), MotifCloture.RELOGEMENT),  # hors période
    ]:
        cloture(episode(dispositif, date(2025, 6, 1), fin), fin, motif)

    resultats = chiffres_s1(dispositif)["resultats"]

    # 2 sur 6 = 33,33… → 33,3 %.
    assert resultats["clotures"] == 6
    assert resultats["relogement_ou_reorientation"] == 2
    assert resultats["part_relogement_ou_reorientation"] == 33.3


def test_toujours_dans_le_logement_au_bilan_trois_mois_apres_la_fin():
    dispositif = DispositifFactory()
    fin = date(2025, 12, 15)
    for jour, dans_le_logement in [
        (date(2026, 3, 15), True),
        (date(2026, 3, 20), True),
        (date(2026, 4, 1), False),
        (date(2026, 5, 1), None),  # non renseigné : hors du calcul
        (date(2026, 7, 1), True),  # hors période
    ]:
        bilan_fait(
            episode(dispositif, date(2025, 6, 1), fin),
            jour,
            TypeBilan.POST_CLOTURE,
            dans_le_logement=dans_le_logement,
        )

    resultats = chiffres_s1(dispositif)["resultats"]

    # 2 sur 3 = 66,66… → 66,7 %.
    assert resultats["bilans_post_cloture"] == 3
    assert resultats["toujours_dans_le_logement"] == 2
    assert resultats["part_toujours_dans_le_logement"] == 66.7


def test_sans_donnees_les_parts_sont_vides():
    resultats = chiffres_s1(DispositifFactory())["resultats"]

    assert resultats["paiement_renseigne"] == 0
    assert resultats["taux_reprise_paiement"] is None
    assert resultats["part_relogement_ou_reorientation"] is None
    assert resultats["part_toujours_dans_le_logement"] is None


# --- La saisie ----------------------------------------------------------------------------


def test_le_releve_de_dette_garde_le_paiement_du_loyer(client):
    accompagnement = episode(DispositifFactory(), date(2026, 1, 5))
    menage = accompagnement.menage
    coordination = MembreFactory(dispositif=menage.dispositif, role=Role.COORDINATEUR).user
    client.force_login(coordination)

    reponse = client.post(
        reverse("menages:relever_dette", args=[menage.public_id]),
        {"date": "01/03/2026", "montant": "1200", "loyer_paye_3_mois": "oui"},
    )

    assert reponse.status_code in (200, 302)
    assert DetteLocative.objects.get(menage=menage).loyer_paye_3_mois is True
    page = texte(client.get(reverse("ecrans:menage", args=[menage.public_id])))
    assert "Loyer payé 3 mois" in page


def test_une_reponse_hors_liste_est_refusee_sans_erreur_serveur(client):
    accompagnement = episode(DispositifFactory(), date(2026, 1, 5))
    menage = accompagnement.menage
    client.force_login(MembreFactory(dispositif=menage.dispositif, role=Role.COORDINATEUR).user)

    reponse = client.post(
        reverse("menages:relever_dette", args=[menage.public_id]),
        {"date": "01/03/2026", "montant": "1200", "loyer_paye_3_mois": "peut-être"},
        HTTP_HX_REQUEST="true",
    )

    assert reponse.status_code < 500
    assert not DetteLocative.objects.filter(menage=menage).exists()


def test_le_bilan_porte_le_paiement_jusqu_au_releve_de_dette():
    accompagnement = episode(DispositifFactory(), date(2026, 1, 5))
    coordination = MembreFactory(dispositif=accompagnement.dispositif, role=Role.COORDINATEUR).user
    bilan = BilanFactory(
        accompagnement=accompagnement, type=TypeBilan.TROIS_MOIS, date_prevue=date(2026, 4, 5)
    )

    accompagnement_services.realiser_bilan(
        coordination,
        bilan,
        date_realisation=date(2026, 4, 5),
        synthese="Le loyer est payé depuis février.",
        decision="poursuite",
        dette=Decimal("800"),
        loyer_paye_3_mois=True,
    )

    bilan.refresh_from_db()
    assert bilan.loyer_paye_3_mois is True
    assert DetteLocative.objects.get(menage=accompagnement.menage).loyer_paye_3_mois is True


def test_toujours_dans_le_logement_seulement_au_bilan_apres_la_fin():
    accompagnement = episode(DispositifFactory(), date(2026, 1, 5))
    coordination = MembreFactory(dispositif=accompagnement.dispositif, role=Role.COORDINATEUR).user
    bilan = BilanFactory(
        accompagnement=accompagnement, type=TypeBilan.SIX_MOIS, date_prevue=date(2026, 4, 5)
    )

    with pytest.raises(ValidationError):
        accompagnement_services.realiser_bilan(
            coordination,
            bilan,
            date_realisation=date(2026, 4, 5),
            synthese="Synthèse.",
            decision="poursuite",
            dans_le_logement=True,
        )


def test_relever_dette_enregistre_la_reponse():
    accompagnement = episode(DispositifFactory(), date(2026, 1, 5))
    coordination = MembreFactory(dispositif=accompagnement.dispositif, role=Role.COORDINATEUR).user

    releve_non = menages_services.relever_dette(
        coordination,
        accompagnement.menage,
        date(2026, 2, 1),
        Decimal(10),
        loyer_paye_3_mois=False,
    )

    assert releve_non.loyer_paye_3_mois is False
