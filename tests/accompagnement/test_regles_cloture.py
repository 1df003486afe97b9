"""Les règles de la clôture : rien après un décès, les bilans en attente annulés avec leur
raison, pas de réouverture après un décès."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accompagnement import services
from accompagnement.enums import DecisionBilan, MotifCloture, StatutAccompagnement, TypeBilan
from accompagnement.models import Accompagnement, Bilan
from tests.outils import texte

from .situations import Equipe

pytestmark = pytest.mark.django_db


def _clore(equipe, motif, jour=date(2026, 3, 1)):
    return services.cloturer_accompagnement(
        equipe.coordinateur,
        equipe.accompagnement,
        date=jour,
        motif=motif,
        maintien_dans_logement=motif != MotifCloture.DECES,
    )


def test_apres_un_deces_pas_de_bilan_post_cloture_et_l_episode_est_clos():
    equipe = Equipe()
    equipe.ouvrir(debut=date(2026, 1, 15))

    _clore(equipe, MotifCloture.DECES)

    accompagnement = equipe.accompagnement
    accompagnement.refresh_from_db()
    assert accompagnement.statut == StatutAccompagnement.CLOS
    assert not accompagnement.bilans.filter(type=TypeBilan.POST_CLOTURE).exists()
    # Rien ne reste à faire, donc rien n'apparaît en retard.
    assert not Bilan.objects.a_faire().filter(accompagnement=accompagnement).exists()


def test_une_autre_cloture_garde_le_bilan_trois_mois_apres():
    equipe = Equipe()
    equipe.ouvrir(debut=date(2026, 1, 15))
    _clore(equipe, MotifCloture.STABILISEE)
    assert equipe.accompagnement.bilans.filter(type=TypeBilan.POST_CLOTURE).exists()


def test_les_bilans_en_attente_sont_annules_a_la_cloture_avec_leur_motif(client):
    equipe = Equipe()
    equipe.ouvrir(debut=date(2026, 1, 15))
    diagnostic = equipe.accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)

    _clore(equipe, MotifCloture.DEMANDE_MENAGE)

    diagnostic.refresh_from_db()
    assert diagnostic.annule_le == date(2026, 3, 1)
    assert diagnostic.motif_annulation == "Accompagnement clos le 01/03/2026 (demande du ménage)"
    assert not diagnostic.en_retard
    assert not Bilan.objects.a_faire().filter(pk=diagnostic.pk).exists()
    with pytest.raises(ValidationError, match="annulé"):
        services.realiser_bilan(
            equipe.ts,
            diagnostic,
            date_realisation=date(2026, 3, 2),
            synthese="Trop tard",
            decision=DecisionBilan.CLOTURE,
        )
    client.force_login(equipe.ts)
    page = texte(client.get(equipe.url("detail")))
    assert "annulé le 01/03/2026" in page
    bilan = texte(client.get(f"/bilans/{diagnostic.public_id}/"))
    assert "Bilan annulé le 01/03/2026 : Accompagnement clos le 01/03/2026" in bilan
    assert "Enregistrer le bilan" not in bilan


def test_la_reouverture_est_refusee_apres_un_deces():
    equipe = Equipe()
    equipe.ouvrir(debut=date(2026, 1, 15))
    _clore(equipe, MotifCloture.DECES)

    with pytest.raises(ValidationError, match="décès"):
        services.ouvrir_accompagnement(
            equipe.coordinateur, equipe.menage, referent=equipe.ts, date_debut=timezone.localdate()
        )
    assert Accompagnement.objects.filter(menage=equipe.menage).count() == 1


def test_la_reouverture_refusee_est_dite_sur_la_page(client):
    equipe = Equipe()
    equipe.ouvrir(debut=date(2026, 1, 15))
    _clore(equipe, MotifCloture.DECES)
    client.force_login(equipe.coordinateur)

    reponse = client.post(
        f"/menages/{equipe.menage.public_id}/accompagnement/ouvrir/",
        {"date_debut": timezone.localdate().strftime("%d/%m/%Y"), "referent": equipe.ts.pk},
    )

    assert reponse.status_code == 200
    assert "clos pour décès : il ne se rouvre pas" in texte(reponse)


def test_apres_une_autre_cloture_la_reouverture_reste_possible():
    equipe = Equipe()
    equipe.ouvrir(debut=date(2026, 1, 15))
    _clore(equipe, MotifCloture.PERTE_DE_CONTACT)
    nouvel = services.ouvrir_accompagnement(
        equipe.coordinateur, equipe.menage, referent=equipe.ts, date_debut=timezone.localdate()
    )
    assert nouvel.est_ouvert
