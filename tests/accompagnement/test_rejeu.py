"""Une saisie envoyée deux fois (file d'attente hors réseau, réponse perdue) n'est enregistrée
qu'une fois : l'identifiant tiré par l'appareil (`uuid_client`) ramène à la première."""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accompagnement import services
from accompagnement.enums import (
    Confidentialite,
    DecisionBilan,
    StatutObjectif,
    TypeBilan,
    TypeIntervention,
)
from accompagnement.factories import ObjectifFactory
from accompagnement.models import Intervention
from menages.enums import OrigineDette
from menages.models import DetteLocative
from tests.outils import texte

from .situations import equipe_ouverte

pytestmark = pytest.mark.django_db


def fiche(identifiant, note="VAD : dossier FSL à compléter."):
    return {
        "type": TypeIntervention.VISITE_DOMICILE,
        "date_heure": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duree_minutes": "45",
        "note": note,
        "confidentialite": Confidentialite.EQUIPE,
        "uuid_client": str(identifiant),
    }


def test_le_service_rend_la_fiche_deja_recue_sans_doublon():
    equipe = equipe_ouverte()
    identifiant = uuid.uuid4()
    premiere = services.enregistrer_intervention(
        equipe.ts,
        equipe.accompagnement,
        type=TypeIntervention.VISITE_DOMICILE,
        note="Première",
        uuid_client=identifiant,
    )
    seconde = services.enregistrer_intervention(
        equipe.ts,
        equipe.accompagnement,
        type=TypeIntervention.VISITE_DOMICILE,
        note="Première",
        uuid_client=identifiant,
    )

    assert seconde.pk == premiere.pk
    assert Intervention.objects.filter(accompagnement=equipe.accompagnement).count() == 1
    assert Intervention.objects.get().uuid_client == identifiant


def test_sans_identifiant_deux_envois_font_deux_fiches():
    equipe = equipe_ouverte()
    for _ in range(2):
        services.enregistrer_intervention(
            equipe.ts, equipe.accompagnement, type=TypeIntervention.VISITE_DOMICILE
        )
    assert Intervention.objects.filter(accompagnement=equipe.accompagnement).count() == 2


def test_le_rejeu_de_la_page_ramene_a_la_fiche_enregistree(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)
    url = equipe.url("intervention")
    identifiant = uuid.uuid4()

    reponses = [client.post(url, fiche(identifiant)) for _ in range(3)]

    assert [r.status_code for r in reponses] == [302, 302, 302]
    assert {r.url for r in reponses} == {equipe.url("detail")}
    assert Intervention.objects.filter(accompagnement=equipe.accompagnement).count() == 1
    assert Intervention.objects.get().note == "VAD : dossier FSL à compléter."


def test_le_rejeu_passe_meme_apres_la_cloture(client):
    """La fiche est partie avant la clôture, sa réponse s'est perdue : le rejeu ne la refuse pas."""
    equipe = equipe_ouverte()
    identifiant = uuid.uuid4()
    services.enregistrer_intervention(
        equipe.ts,
        equipe.accompagnement,
        type=TypeIntervention.VISITE_DOMICILE,
        uuid_client=identifiant,
    )
    equipe.accompagnement.statut = "clos"
    equipe.accompagnement.save(update_fields=["statut"])

    rejouee = services.enregistrer_intervention(
        equipe.ts,
        equipe.accompagnement,
        type=TypeIntervention.VISITE_DOMICILE,
        uuid_client=identifiant,
    )
    assert rejouee.uuid_client == identifiant


def test_l_identifiant_d_une_autre_personne_est_refuse():
    equipe = equipe_ouverte()
    identifiant = uuid.uuid4()
    services.enregistrer_intervention(
        equipe.infirmier,
        equipe.accompagnement,
        type=TypeIntervention.VISITE_DOMICILE,
        note="Observance du traitement",
        confidentialite=Confidentialite.SOIGNANTS,
        uuid_client=identifiant,
    )

    with pytest.raises(ValidationError, match="identifiant d'une autre saisie"):
        services.enregistrer_intervention(
            equipe.ts,
            equipe.accompagnement,
            type=TypeIntervention.VISITE_DOMICILE,
            uuid_client=identifiant,
        )


def test_l_identifiant_d_un_autre_menage_est_refuse_sans_rien_montrer(client):
    equipe = equipe_ouverte()
    autre = equipe_ouverte(nom="Autrement", dispositif=equipe.dispositif, reference="AUR-9")
    identifiant = uuid.uuid4()
    services.enregistrer_intervention(
        equipe.ts,
        equipe.accompagnement,
        type=TypeIntervention.VISITE_DOMICILE,
        note="Note du premier ménage",
        uuid_client=identifiant,
    )
    client.force_login(autre.ts)

    reponse = client.post(autre.url("intervention"), fiche(identifiant, note="Autre note"))

    assert reponse.status_code == 200
    page = texte(reponse)
    assert "identifiant d'une autre saisie" in page
    assert "Note du premier ménage" not in page
    assert Intervention.objects.count() == 1


def test_un_identifiant_malforme_est_une_erreur_du_formulaire(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)

    reponse = client.post(equipe.url("intervention"), fiche("pas-un-uuid"))

    assert reponse.status_code == 200
    assert not Intervention.objects.exists()


def test_la_page_porte_le_champ_de_l_identifiant(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)
    page = texte(client.get(equipe.url("intervention")))
    assert 'name="uuid_client"' in page
    assert "data-hors-ligne" in page


def test_le_bilan_rejoue_ramene_au_bilan_realise_sans_second_releve(client):
    equipe = equipe_ouverte(avec_dette=True)
    objectif = ObjectifFactory(accompagnement=equipe.accompagnement)
    bilan = equipe.accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)
    url = reverse("accompagnement:bilan", args=[bilan.public_id])
    client.force_login(equipe.ts)
    identifiant = uuid.uuid4()
    saisie = {
        "date_realisation": timezone.localdate().isoformat(),
        "synthese": "Le loyer courant est repris.",
        "decision": DecisionBilan.POURSUITE,
        f"statut_{objectif.pk}": StatutObjectif.EN_COURS,
        f"avancement_{objectif.pk}": "50",
        "dette": "1830,50",
        "stade_procedure": "assignation",
        "uuid_client": str(identifiant),
    }

    premiere = client.post(url, saisie)
    seconde = client.post(url, saisie)

    assert (premiere.status_code, seconde.status_code) == (302, 302)
    assert seconde.url == equipe.url("detail")
    bilan.refresh_from_db()
    assert bilan.uuid_client == identifiant
    releves = DetteLocative.objects.filter(origine=OrigineDette.BILAN)
    assert [r.montant for r in releves] == [Decimal("1830.50")]


def test_un_autre_envoi_sur_un_bilan_realise_reste_refuse(client):
    equipe = equipe_ouverte()
    bilan = equipe.accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)
    services.realiser_bilan(
        equipe.ts,
        bilan,
        date_realisation=timezone.localdate(),
        synthese="Première synthèse",
        decision=DecisionBilan.POURSUITE,
        uuid_client=uuid.uuid4(),
    )
    client.force_login(equipe.ts)

    reponse = client.post(
        reverse("accompagnement:bilan", args=[bilan.public_id]),
        {
            "date_realisation": timezone.localdate().isoformat(),
            "synthese": "Réécriture",
            "decision": DecisionBilan.CLOTURE,
            "uuid_client": str(uuid.uuid4()),
        },
    )

    assert reponse.status_code == 403
    bilan.refresh_from_db()
    assert bilan.synthese == "Première synthèse"


def test_le_rejeu_d_un_bilan_par_quelqu_un_hors_equipe_est_refuse(client):
    equipe = equipe_ouverte()
    dehors = equipe_ouverte(nom="Ailleurs", dispositif=equipe.dispositif, reference="AUR-7")
    bilan = equipe.accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)
    identifiant = uuid.uuid4()
    services.realiser_bilan(
        equipe.ts,
        bilan,
        date_realisation=timezone.localdate(),
        synthese="Synthèse",
        decision=DecisionBilan.POURSUITE,
        uuid_client=identifiant,
    )
    client.force_login(dehors.ts)

    reponse = client.post(
        reverse("accompagnement:bilan", args=[bilan.public_id]),
        {"synthese": "x", "uuid_client": str(identifiant)},
    )

    assert reponse.status_code == 404


def test_deux_envois_simultanes_se_departagent_sur_la_contrainte(monkeypatch):
    """Le second envoi arrive pendant que le premier s'écrit : sa première recherche ne trouve
    rien, l'insertion bute sur l'unicité, et il rend la fiche du premier."""
    equipe = equipe_ouverte()
    identifiant = uuid.uuid4()
    premiere = services.enregistrer_intervention(
        equipe.ts,
        equipe.accompagnement,
        type=TypeIntervention.VISITE_DOMICILE,
        uuid_client=identifiant,
    )
    recherche = services._saisie_deja_recue
    appels = []

    def premiere_recherche_trop_tot(*args):
        appels.append(args)
        return None if len(appels) == 1 else recherche(*args)

    monkeypatch.setattr(services, "_saisie_deja_recue", premiere_recherche_trop_tot)

    seconde = services.enregistrer_intervention(
        equipe.ts,
        equipe.accompagnement,
        type=TypeIntervention.VISITE_DOMICILE,
        uuid_client=identifiant,
    )

    assert seconde.pk == premiere.pk
    assert len(appels) == 2
    assert Intervention.objects.filter(accompagnement=equipe.accompagnement).count() == 1
