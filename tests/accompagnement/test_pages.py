"""Les pages de l'accompagnement comme les utilise chaque rôle : noter une intervention, la
visite sans réponse, le plan d'action, les bilans, la clôture, l'ouverture ; et chaque refus."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accompagnement import services
from accompagnement.enums import (
    Confidentialite,
    DecisionBilan,
    MotifCloture,
    StatutAccompagnement,
    StatutObjectif,
    TypeBilan,
    TypeIntervention,
)
from accompagnement.factories import ObjectifFactory
from accompagnement.models import Accompagnement, Cloture, Intervention, Objectif
from core.enums import Role
from core.factories import DispositifFactory, UserFactory
from menages.enums import OrigineDette, StatutOrientation
from menages.models import DetteLocative
from tests.outils import texte

from .situations import Equipe, equipe_avec_interventions, equipe_ouverte, membre

pytestmark = pytest.mark.django_db


def valeur_du_champ(contenu, nom):
    return re.search(rf'name="{nom}"[^>]*value="([^"]*)"', contenu).group(1)


# --- Noter une intervention ----------------------------------------------------------------


def test_le_formulaire_rapide_propose_visite_a_domicile_et_maintenant(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)
    avant = timezone.localtime().strftime("%Y-%m-%dT%H:%M")

    reponse = client.get(equipe.url("intervention"))

    apres = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert re.search(r'<option value="visite_domicile"[^>]*selected', contenu)
    assert valeur_du_champ(contenu, "date_heure") in {avant, apres}
    assert re.search(r'<option value="45"[^>]*selected', contenu)
    assert re.search(r'value="equipe"[^>]*checked', contenu)
    assert "Zorglub Hortense" in contenu


def test_noter_une_intervention_la_cree_et_revient_a_l_accompagnement(client):
    equipe = equipe_ouverte()
    objectif = ObjectifFactory(accompagnement=equipe.accompagnement)
    client.force_login(equipe.ts)
    moment = timezone.localtime() - timedelta(hours=2)

    reponse = client.post(
        equipe.url("intervention"),
        {
            "type": TypeIntervention.ENTRETIEN_BUREAU,
            "date_heure": moment.strftime("%Y-%m-%dT%H:%M"),
            "duree_minutes": "30",
            "participants": [equipe.infirmier.pk],
            "objectifs": [objectif.pk],
            "destinations": ["fsl"],
            "note": "Dossier FSL déposé avec Mme.",
            "confidentialite": Confidentialite.EQUIPE,
        },
    )

    assert reponse.status_code == 302
    assert reponse.url == equipe.url("detail")
    intervention = Intervention.objects.get()
    assert intervention.accompagnement == equipe.accompagnement
    assert intervention.type == TypeIntervention.ENTRETIEN_BUREAU
    assert intervention.auteur == equipe.ts
    assert intervention.duree_minutes == 30
    assert intervention.note == "Dossier FSL déposé avec Mme."
    assert timezone.localtime(intervention.date_heure).strftime("%Y-%m-%dT%H:%M") == (
        moment.strftime("%Y-%m-%dT%H:%M")
    )
    assert set(intervention.participants.all()) == {equipe.ts, equipe.infirmier}
    assert list(intervention.objectifs.all()) == [objectif]
    assert "Dossier FSL déposé avec Mme." in texte(client.get(equipe.url("detail")))


def test_une_intervention_datee_dans_le_futur_garde_la_note_saisie(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)
    demain = timezone.localtime() + timedelta(days=1)

    reponse = client.post(
        equipe.url("intervention"),
        {
            "type": TypeIntervention.VISITE_DOMICILE,
            "date_heure": demain.strftime("%Y-%m-%dT%H:%M"),
            "duree_minutes": "45",
            "note": "Longue note écrite sur le pas de la porte.",
            "confidentialite": Confidentialite.EQUIPE,
        },
    )

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "L'intervention n'est pas enregistrée" in contenu
    assert "ne peut pas être datée dans le futur" in contenu
    assert "Longue note écrite sur le pas de la porte." in contenu
    assert not Intervention.objects.exists()


def test_le_choix_soignants_n_est_pas_propose_au_ts(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)

    contenu = texte(client.get(equipe.url("intervention")))

    assert 'value="soignants"' not in contenu
    assert 'value="personnelle"' in contenu


def test_le_ts_ne_peut_pas_poster_une_note_soignants(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)

    reponse = client.post(
        equipe.url("intervention"),
        {
            "type": TypeIntervention.VISITE_DOMICILE,
            "date_heure": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duree_minutes": "45",
            "note": "Semble ne plus prendre son traitement",
            "confidentialite": Confidentialite.SOIGNANTS,
        },
    )

    assert reponse.status_code == 200
    assert "Semble ne plus prendre son traitement" in texte(reponse)
    assert not Intervention.objects.exists()


def test_l_infirmier_de_l_equipe_ecrit_une_note_soignants(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.infirmier)

    assert 'value="soignants"' in texte(client.get(equipe.url("intervention")))
    reponse = client.post(
        equipe.url("intervention"),
        {
            "type": TypeIntervention.VISITE_DOMICILE,
            "date_heure": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duree_minutes": "45",
            "note": "Observance du traitement à revoir",
            "confidentialite": Confidentialite.SOIGNANTS,
        },
    )

    assert reponse.status_code == 302
    assert Intervention.objects.get().confidentialite == Confidentialite.SOIGNANTS


def test_la_page_d_intervention_est_refusee_hors_de_l_equipe(client):
    equipe = equipe_ouverte()
    agent = membre(equipe.dispositif, Role.AGENT_BAILLEUR)
    equipe.orientation.orientee_par = agent
    equipe.orientation.save(update_fields=["orientee_par"])
    dehors = membre(equipe.dispositif, Role.TRAVAILLEUR_SOCIAL)

    # L'agent qui a orienté le ménage voit l'accompagnement, mais n'y écrit pas.
    client.force_login(agent)
    assert client.get(equipe.url("detail")).status_code == 200
    assert client.get(equipe.url("intervention")).status_code == 403
    # Le TS d'une autre équipe ne voit même pas le ménage.
    client.force_login(dehors)
    assert client.get(equipe.url("intervention")).status_code == 404
    assert not Intervention.objects.exists()


def test_un_accompagnement_clos_ne_propose_plus_de_noter(client):
    equipe = equipe_ouverte()
    equipe.clore()
    client.force_login(equipe.ts)

    contenu = texte(client.get(equipe.url("detail")))
    assert equipe.url("intervention") not in contenu
    assert equipe.url("sans_reponse") not in contenu

    reponse = client.post(
        equipe.url("intervention"),
        {
            "type": TypeIntervention.VISITE_DOMICILE,
            "date_heure": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "duree_minutes": "45",
            "note": "Après la fin",
            "confidentialite": Confidentialite.EQUIPE,
        },
    )
    assert reponse.status_code == 200
    assert "clos" in texte(reponse)
    assert not Intervention.objects.exists()


# --- Visite sans réponse --------------------------------------------------------------------


def test_la_visite_sans_reponse_en_un_bouton(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)
    assert equipe.url("sans_reponse") in texte(client.get(equipe.url("detail")))

    reponse = client.post(equipe.url("sans_reponse"))

    assert reponse.status_code == 302
    assert reponse.url == equipe.url("detail")
    intervention = Intervention.objects.get()
    assert intervention.type == TypeIntervention.VISITE_SANS_REPONSE
    assert intervention.auteur == equipe.ts
    assert intervention.accompagnement == equipe.accompagnement
    assert "Visite sans réponse enregistrée (15 min)." in texte(client.get(reponse.url))


def test_la_visite_sans_reponse_ne_se_fait_qu_en_post(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)

    assert client.get(equipe.url("sans_reponse")).status_code == 405
    assert not Intervention.objects.exists()


def test_la_visite_sans_reponse_est_introuvable_pour_le_ts_d_une_autre_equipe(client):
    equipe = equipe_ouverte()
    client.force_login(membre(equipe.dispositif, Role.TRAVAILLEUR_SOCIAL))

    assert client.post(equipe.url("sans_reponse")).status_code == 404
    assert not Intervention.objects.exists()


def test_la_visite_sans_reponse_est_refusee_a_qui_voit_sans_etre_dans_l_equipe(client):
    equipe = equipe_ouverte()
    agent = membre(equipe.dispositif, Role.AGENT_BAILLEUR)
    equipe.orientation.orientee_par = agent
    equipe.orientation.save(update_fields=["orientee_par"])
    client.force_login(agent)

    assert client.post(equipe.url("sans_reponse")).status_code == 403
    assert not Intervention.objects.exists()


# --- Adhésion et plan d'action --------------------------------------------------------------


def test_l_adhesion_acceptee_depuis_la_page(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)

    reponse = client.post(equipe.url("adhesion"), {"adhesion": "acceptee"})

    assert reponse.status_code == 302
    equipe.accompagnement.refresh_from_db()
    assert equipe.accompagnement.statut == StatutAccompagnement.EN_COURS


def test_ajouter_un_objectif(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)

    reponse = client.post(
        equipe.url("objectif"),
        {
            "axe": "budget",
            "libelle": "Reprendre le paiement du loyer résiduel",
            "indicateur": "3 loyers payés consécutifs",
            "echeance": "",
        },
    )

    assert reponse.status_code == 302
    objectif = Objectif.objects.get()
    assert objectif.accompagnement == equipe.accompagnement
    assert objectif.statut == StatutObjectif.A_ENGAGER
    contenu = texte(client.get(equipe.url("detail")))
    assert "Reprendre le paiement du loyer résiduel" in contenu
    assert "Indicateur : 3 loyers payés consécutifs" in contenu


def test_un_objectif_sans_libelle_n_est_pas_ajoute(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)

    reponse = client.post(equipe.url("objectif"), {"axe": "budget", "libelle": ""}, follow=True)

    assert not Objectif.objects.exists()
    assert "L'objectif n'est pas ajouté" in texte(reponse)


def test_suivre_un_objectif(client):
    equipe = equipe_ouverte()
    objectif = ObjectifFactory(accompagnement=equipe.accompagnement)
    client.force_login(equipe.infirmier)
    url = reverse("accompagnement:suivre_objectif", args=[objectif.public_id])

    assert client.post(url, {"statut": "en_cours", "avancement": "40"}).status_code == 302
    objectif.refresh_from_db()
    assert (objectif.statut, objectif.avancement) == (StatutObjectif.EN_COURS, 40)

    client.post(url, {"statut": "atteint", "avancement": "70"})
    objectif.refresh_from_db()
    assert (objectif.statut, objectif.avancement) == (StatutObjectif.ATTEINT, 100)

    client.post(url, {"statut": "en_cours", "avancement": "140"})
    objectif.refresh_from_db()
    assert objectif.avancement == 100


def test_suivre_un_objectif_est_refuse_hors_de_l_equipe(client):
    equipe = equipe_ouverte()
    objectif = ObjectifFactory(accompagnement=equipe.accompagnement)
    client.force_login(membre(equipe.dispositif, Role.TRAVAILLEUR_SOCIAL))

    reponse = client.post(
        reverse("accompagnement:suivre_objectif", args=[objectif.public_id]),
        {"statut": "atteint", "avancement": "100"},
    )

    assert reponse.status_code == 404
    objectif.refresh_from_db()
    assert objectif.statut == StatutObjectif.A_ENGAGER


def test_valider_le_plan_avec_le_menage(client):
    equipe = equipe_ouverte()
    ObjectifFactory(accompagnement=equipe.accompagnement)
    client.force_login(equipe.ts)
    hier = timezone.localdate() - timedelta(days=1)

    reponse = client.post(
        equipe.url("valider_plan"),
        {
            "date_validation": hier.isoformat(),
            "duree_prevue_mois": "12",
            "structures_autour": "CCAS, CMP",
        },
    )

    assert reponse.status_code == 302
    plan = equipe.accompagnement.plan
    plan.refresh_from_db()
    assert plan.date_validation == hier
    assert plan.duree_prevue_mois == 12
    assert plan.structures_autour == "CCAS, CMP"
    contenu = texte(client.get(equipe.url("detail")))
    assert f"Validé avec le ménage le {hier:%d/%m/%Y} · durée prévue 12 mois" in contenu


def test_le_formulaire_de_validation_du_plan_se_charge_a_l_ouverture_de_son_volet(client):
    equipe = equipe_ouverte()
    plan = equipe.accompagnement.plan
    plan.duree_prevue_mois = 18
    plan.structures_autour = "CCAS de Murat"
    plan.save()
    client.force_login(equipe.ts)

    page = texte(client.get(equipe.url("detail")))
    volet = re.search(r'<details[^>]*id="validation-plan"[^>]*>', page).group(0)
    assert f'hx-get="{equipe.url("valider_plan")}"' in volet
    assert 'hx-trigger="toggle once"' in volet
    assert 'name="structures_autour"' not in page and "CCAS de Murat" not in page
    assert f'href="{equipe.url("valider_plan")}"' in page  # sans JavaScript

    reponse = client.get(equipe.url("valider_plan"), HTTP_HX_REQUEST="true")
    fragment = texte(reponse)
    assert reponse.status_code == 200
    assert "<html" not in fragment and "<nav" not in fragment
    assert f'action="{equipe.url("valider_plan")}"' in fragment
    assert 'value="18"' in fragment and "CCAS de Murat</textarea>" in fragment

    page_seule = texte(client.get(equipe.url("valider_plan")))
    assert '<h1 class="h4">Valider le plan avec le ménage</h1>' in page_seule
    assert "CCAS de Murat</textarea>" in page_seule


def test_le_formulaire_de_validation_du_plan_reste_ferme_hors_de_l_equipe(client):
    equipe = equipe_ouverte()
    client.force_login(membre(equipe.dispositif, Role.TRAVAILLEUR_SOCIAL))
    assert client.get(equipe.url("valider_plan"), HTTP_HX_REQUEST="true").status_code == 404
    assert client.get(equipe.url("valider_plan")).status_code == 404


def test_un_accompagnement_clos_n_offre_plus_la_validation_du_plan(client):
    equipe = equipe_ouverte()
    ObjectifFactory(accompagnement=equipe.accompagnement)
    client.force_login(equipe.ts)
    assert 'id="validation-plan"' in texte(client.get(equipe.url("detail")))
    equipe.clore()
    assert 'id="validation-plan"' not in texte(client.get(equipe.url("detail")))


def test_le_plan_sans_objectif_n_est_pas_valide(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)

    reponse = client.post(
        equipe.url("valider_plan"),
        {"date_validation": timezone.localdate().isoformat()},
        follow=True,
    )

    assert "Ajoutez au moins un objectif" in texte(reponse)
    equipe.accompagnement.plan.refresh_from_db()
    assert equipe.accompagnement.plan.date_validation is None


# --- Bilans --------------------------------------------------------------------------------


def test_le_bilan_en_retard_se_remplit_depuis_sa_page(client):
    equipe = equipe_ouverte(avec_dette=True)
    objectif = ObjectifFactory(accompagnement=equipe.accompagnement, libelle="Reprendre le loyer")
    bilan = equipe.accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)
    url = reverse("accompagnement:bilan", args=[bilan.public_id])
    client.force_login(equipe.ts)

    page = texte(client.get(url))
    assert "en retard" in page
    assert "Reprendre le loyer" in page
    assert 'name="dette"' in page

    reponse = client.post(
        url,
        {
            "date_realisation": timezone.localdate().isoformat(),
            "synthese": "Le loyer courant est repris.",
            "decision": DecisionBilan.POURSUITE,
            f"statut_{objectif.pk}": StatutObjectif.EN_COURS,
            f"avancement_{objectif.pk}": "50",
            "dette": "1830,50",
            "stade_procedure": "assignation",
        },
    )

    assert reponse.status_code == 302
    assert reponse.url == equipe.url("detail")
    bilan.refresh_from_db()
    assert bilan.date_realisation == timezone.localdate()
    assert bilan.synthese == "Le loyer courant est repris."
    objectif.refresh_from_db()
    assert (objectif.statut, objectif.avancement) == (StatutObjectif.EN_COURS, 50)
    assert DetteLocative.objects.get(origine=OrigineDette.BILAN).montant == Decimal("1830.50")
    fait = texte(client.get(url))
    assert "Le loyer courant est repris." in fait
    assert "Reprendre le loyer : en cours (50 %)" in fait
    assert 'name="synthese"' not in fait


def test_un_bilan_sans_synthese_garde_la_saisie(client):
    equipe = equipe_ouverte()
    bilan = equipe.accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)
    client.force_login(equipe.ts)

    reponse = client.post(
        reverse("accompagnement:bilan", args=[bilan.public_id]),
        {
            "date_realisation": timezone.localdate().isoformat(),
            "synthese": "",
            "decision": DecisionBilan.POURSUITE,
            "dette": "999",
        },
    )

    assert reponse.status_code == 200
    assert "Le bilan n'est pas enregistré" in texte(reponse)
    assert 'value="999"' in texte(reponse)
    bilan.refresh_from_db()
    assert bilan.date_realisation is None


def test_l_infirmier_fait_le_bilan_sans_la_dette(client):
    equipe = equipe_ouverte(avec_dette=True)
    bilan = equipe.accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)
    url = reverse("accompagnement:bilan", args=[bilan.public_id])
    client.force_login(equipe.infirmier)

    assert 'name="dette"' not in texte(client.get(url))
    reponse = client.post(
        url,
        {
            "date_realisation": timezone.localdate().isoformat(),
            "synthese": "Lien avec le CMP repris.",
            "decision": DecisionBilan.POURSUITE,
            "dette": "5000",
        },
    )

    assert reponse.status_code == 302
    assert not DetteLocative.objects.filter(origine=OrigineDette.BILAN).exists()


def test_le_bilan_est_introuvable_hors_de_l_equipe(client):
    equipe = equipe_ouverte()
    bilan = equipe.accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)
    client.force_login(membre(equipe.dispositif, Role.TRAVAILLEUR_SOCIAL))

    url = reverse("accompagnement:bilan", args=[bilan.public_id])
    assert client.get(url).status_code == 404
    reponse = client.post(
        url,
        {
            "date_realisation": timezone.localdate().isoformat(),
            "synthese": "Intrus",
            "decision": DecisionBilan.POURSUITE,
        },
    )
    assert reponse.status_code == 404
    bilan.refresh_from_db()
    assert bilan.date_realisation is None


# --- Clôture -------------------------------------------------------------------------------


def poster_cloture(client, equipe, **valeurs):
    return client.post(
        equipe.url("cloture"),
        {
            "date": timezone.localdate().isoformat(),
            "motif": MotifCloture.STABILISEE,
            "maintien_dans_logement": "oui",
            **valeurs,
        },
    )


@pytest.mark.parametrize("qui", ["coordinateur", "ts"])
def test_la_coordination_et_le_referent_cloturent(client, qui):
    equipe = equipe_ouverte(avec_dette=True)
    client.force_login(getattr(equipe, qui))
    assert equipe.url("cloture") in texte(client.get(equipe.url("detail")))
    assert client.get(equipe.url("cloture")).status_code == 200

    reponse = poster_cloture(client, equipe, dette="120", plan_apurement_en_place="on")

    assert reponse.status_code == 302
    assert reponse.url == equipe.url("detail")
    cloture = Cloture.objects.get()
    assert cloture.accompagnement == equipe.accompagnement
    assert cloture.expulsion_evitee is True
    assert cloture.auteur == getattr(equipe, qui)
    equipe.accompagnement.refresh_from_db()
    assert equipe.accompagnement.statut == StatutAccompagnement.SUIVI_POST_CLOTURE
    contenu = texte(client.get(equipe.url("detail")))
    assert "Resté dans le logement : oui · expulsion évitée : oui" in contenu


@pytest.mark.parametrize("qui", ["autre_ts", "infirmier"])
def test_un_autre_membre_de_l_equipe_ne_cloture_pas(client, qui):
    equipe = equipe_ouverte()
    client.force_login(getattr(equipe, qui))

    assert equipe.url("cloture") not in texte(client.get(equipe.url("detail")))
    assert client.get(equipe.url("cloture")).status_code == 403
    assert poster_cloture(client, equipe).status_code == 403
    assert not Cloture.objects.exists()


def test_une_cloture_avant_le_debut_est_refusee_avec_la_saisie_gardee(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.coordinateur)
    avant = equipe.accompagnement.date_debut - timedelta(days=1)

    reponse = poster_cloture(client, equipe, date=avant.isoformat(), commentaire="Trop tôt")

    assert reponse.status_code == 200
    assert "précéder le début" in texte(reponse)
    assert "Trop tôt" in texte(reponse)
    assert not Cloture.objects.exists()


# --- Ouvrir un accompagnement ---------------------------------------------------------------


def test_le_coordinateur_ouvre_un_accompagnement_depuis_la_fiche(client):
    equipe = Equipe()
    client.force_login(equipe.coordinateur)
    url = reverse("accompagnement:ouvrir", args=[equipe.menage.public_id])
    assert url in texte(client.get(reverse("ecrans:menage", args=[equipe.menage.public_id])))

    page = texte(client.get(url))
    assert equipe.ts.get_full_name() in page
    assert valeur_du_champ(page, "date_debut") == timezone.localdate().isoformat()

    debut = timezone.localdate() - timedelta(days=3)
    reponse = client.post(
        url,
        {
            "date_debut": debut.isoformat(),
            "referent": equipe.ts.pk,
            "equipe": [equipe.infirmier.pk],
        },
    )

    accompagnement = Accompagnement.objects.get()
    assert reponse.status_code == 302
    assert reponse.url == reverse("accompagnement:detail", args=[accompagnement.public_id])
    assert accompagnement.referent == equipe.ts
    assert accompagnement.date_debut == debut
    assert set(accompagnement.equipe.values_list("user", flat=True)) == {
        equipe.ts.pk,
        equipe.infirmier.pk,
    }
    assert accompagnement.bilans.count() == 3
    equipe.orientation.refresh_from_db()
    assert equipe.orientation.statut == StatutOrientation.ADMISE


def test_ouvrir_un_second_accompagnement_ouvert_est_refuse_sur_la_page(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.coordinateur)

    reponse = client.post(
        reverse("accompagnement:ouvrir", args=[equipe.menage.public_id]),
        {"date_debut": timezone.localdate().isoformat(), "referent": equipe.ts.pk},
    )

    assert reponse.status_code == 200
    assert "déjà ouvert" in texte(reponse)
    assert Accompagnement.objects.count() == 1


def test_le_referent_propose_n_est_pas_pris_hors_du_dispositif(client):
    equipe = Equipe()
    etranger = membre(DispositifFactory(), Role.TRAVAILLEUR_SOCIAL)
    client.force_login(equipe.coordinateur)
    url = reverse("accompagnement:ouvrir", args=[equipe.menage.public_id])

    assert etranger.get_full_name() not in texte(client.get(url))
    reponse = client.post(
        url, {"date_debut": timezone.localdate().isoformat(), "referent": etranger.pk}
    )

    assert reponse.status_code == 200
    assert not Accompagnement.objects.exists()


def test_le_ts_de_l_equipe_ne_rouvre_pas_un_accompagnement(client):
    equipe = equipe_ouverte()
    equipe.clore()
    client.force_login(equipe.ts)
    url = reverse("accompagnement:ouvrir", args=[equipe.menage.public_id])

    assert url not in texte(client.get(reverse("ecrans:menage", args=[equipe.menage.public_id])))
    assert client.get(url).status_code == 403
    reponse = client.post(
        url, {"date_debut": timezone.localdate().isoformat(), "referent": equipe.ts.pk}
    )
    assert reponse.status_code == 403
    assert Accompagnement.objects.count() == 1


def test_le_ts_sans_equipe_ne_trouve_pas_le_menage_a_ouvrir(client):
    equipe = Equipe()
    client.force_login(equipe.ts)

    url = reverse("accompagnement:ouvrir", args=[equipe.menage.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"referent": equipe.ts.pk}).status_code == 404
    assert not Accompagnement.objects.exists()


PAGES = ["detail", "intervention", "cloture", "objectif", "sans_reponse", "adhesion"]


@pytest.mark.parametrize(
    "role", [Role.MEMBRE_COTECH, Role.MEMBRE_COPIL, Role.AGENT_BAILLEUR, "admin", "ailleurs"]
)
def test_les_pages_d_un_menage_qu_on_ne_voit_pas_sont_introuvables(client, role):
    equipe = equipe_ouverte()
    bilan = equipe.accompagnement.bilans.first()
    objectif = ObjectifFactory(accompagnement=equipe.accompagnement)
    if role == "admin":
        user = UserFactory(is_staff=True, is_superuser=True)
    elif role == "ailleurs":
        user = membre(DispositifFactory(), Role.COORDINATEUR)
    else:
        user = membre(equipe.dispositif, role)  # l'agent n'a pas orienté ce ménage
    client.force_login(user)

    ouvrir = reverse("accompagnement:ouvrir", args=[equipe.menage.public_id])
    assert client.get(ouvrir).status_code == 404
    assert client.post(ouvrir, {"referent": equipe.ts.pk}).status_code == 404
    for nom in PAGES:
        assert client.get(equipe.url(nom)).status_code in (404, 405), nom
        assert client.post(equipe.url(nom)).status_code == 404, nom
    assert client.get(reverse("accompagnement:bilan", args=[bilan.public_id])).status_code == 404
    suivre = reverse("accompagnement:suivre_objectif", args=[objectif.public_id])
    assert client.post(suivre, {"statut": "atteint", "avancement": "100"}).status_code == 404
    menage = reverse("ecrans:menage", args=[equipe.menage.public_id])
    assert client.get(menage).status_code == 404
    assert Accompagnement.objects.count() == 1
    assert not Intervention.objects.exists()
    assert not Cloture.objects.exists()


def test_l_agent_qui_a_oriente_voit_le_statut_mais_n_ecrit_rien(client):
    equipe = equipe_ouverte()
    agent = membre(equipe.dispositif, Role.AGENT_BAILLEUR)
    equipe.orientation.orientee_par = agent
    equipe.orientation.save(update_fields=["orientee_par"])
    ObjectifFactory(accompagnement=equipe.accompagnement, libelle="Reprendre le loyer")
    bilan = equipe.accompagnement.bilans.first()
    client.force_login(agent)

    contenu = texte(client.get(equipe.url("detail")))

    assert "Diagnostic" in contenu  # le statut de l'accompagnement
    assert "Reprendre le loyer" not in contenu  # pas le plan d'action complet
    assert reverse("accompagnement:bilan", args=[bilan.public_id]) not in contenu
    assert equipe.url("intervention") not in contenu
    assert client.get(reverse("accompagnement:bilan", args=[bilan.public_id])).status_code == 404
    assert client.get(equipe.url("cloture")).status_code == 404
    assert client.post(equipe.url("objectif"), {"axe": "budget", "libelle": "X"}).status_code == 404
    assert client.post(equipe.url("adhesion"), {"adhesion": "refusee"}).status_code == 403
    ouvrir = reverse("accompagnement:ouvrir", args=[equipe.menage.public_id])
    assert client.get(ouvrir).status_code == 403
    assert Objectif.objects.count() == 1
    equipe.accompagnement.refresh_from_db()
    assert equipe.accompagnement.adhesion == "non_renseignee"


def test_un_bilan_deja_fait_ne_se_reecrit_pas(client):
    equipe = equipe_ouverte()
    bilan = equipe.accompagnement.bilans.get(type=TypeBilan.DIAGNOSTIC)
    services.realiser_bilan(
        equipe.ts,
        bilan,
        date_realisation=timezone.localdate(),
        synthese="Première synthèse",
        decision=DecisionBilan.POURSUITE,
    )
    client.force_login(equipe.ts)

    reponse = client.post(
        reverse("accompagnement:bilan", args=[bilan.public_id]),
        {
            "date_realisation": timezone.localdate().isoformat(),
            "synthese": "Réécriture",
            "decision": DecisionBilan.CLOTURE,
        },
    )

    assert reponse.status_code == 403
    bilan.refresh_from_db()
    assert bilan.synthese == "Première synthèse"


# --- Nombre de requêtes des pages de suivi --------------------------------------------------


@pytest.mark.parametrize("nombre", [2, 8])
def test_la_page_de_l_accompagnement_fait_un_nombre_fixe_de_requetes(
    client, django_assert_num_queries, nombre
):
    equipe = equipe_avec_interventions(nombre)
    client.force_login(equipe.infirmier)
    # session, utilisateur, adhésions (et professions, pour l'opposition), accompagnement (avec,
    # dans la même requête, ce que la personne y lit et y écrit sur cette ligne), équipe,
    # interventions, leurs orientations vers les partenaires, journal des notes soignants,
    # objectifs, bilans
    with django_assert_num_queries(10):
        reponse = client.get(equipe.url("detail"))
    contenu = texte(reponse)
    assert contenu.count("Note soignants") == contenu.count("Note équipe") == nombre


# --- Clôture et procédure --------------------------------------------------------------------


def equipe_close_apres_procedure():
    equipe = Equipe(avec_dette=True)  # assignation à l'orientation
    equipe.ouvrir()
    psychologue = membre(equipe.dispositif, Role.PSYCHOLOGUE)
    services.modifier_equipe(
        equipe.coordinateur,
        equipe.accompagnement,
        referent=equipe.ts,
        equipe=[equipe.autre_ts, equipe.infirmier, psychologue],
    )
    equipe.clore()
    return equipe, psychologue


@pytest.mark.parametrize("qui", ["coordinateur", "ts", "autre_ts"])
def test_qui_voit_la_procedure_voit_l_expulsion_evitee(client, qui):
    equipe, _ = equipe_close_apres_procedure()
    client.force_login(getattr(equipe, qui))

    contenu = texte(client.get(equipe.url("detail")))

    assert "Resté dans le logement : oui" in contenu
    assert "expulsion évitée : oui" in contenu


@pytest.mark.parametrize("qui", ["infirmier", "psychologue"])
def test_les_soignants_ne_lisent_pas_l_expulsion_evitee_qui_revele_la_procedure(client, qui):
    """« Expulsion évitée » dit qu'une procédure était engagée : c'est une donnée de la dette."""
    equipe, psychologue = equipe_close_apres_procedure()
    client.force_login(psychologue if qui == "psychologue" else equipe.infirmier)

    contenu = texte(client.get(equipe.url("detail")))

    assert "Resté dans le logement : oui" in contenu
    assert "expulsion" not in contenu.lower()
    assert "Assignation" not in contenu


def test_l_agent_qui_a_oriente_lit_le_resume_du_plan_sans_libelles_ni_syntheses(client):
    from accompagnement.factories import AccompagnementFactory, BilanFactory, ObjectifFactory
    from core.factories import MembreFactory as Membre
    from menages.factories import OrientationFactory as Orientation

    accompagnement = AccompagnementFactory()
    agent = Membre(dispositif=accompagnement.dispositif, role=Role.AGENT_BAILLEUR).user
    Orientation(menage=accompagnement.menage, orientee_par=agent)
    ObjectifFactory(
        accompagnement=accompagnement, libelle="Renouer avec la fille aînée", avancement=40
    )
    BilanFactory(
        accompagnement=accompagnement,
        date_realisation=accompagnement.date_debut,
        synthese="Synthèse confidentielle du bilan",
    )
    client.force_login(agent)
    contenu = client.get(
        reverse("accompagnement:detail", args=[accompagnement.public_id])
    ).content.decode()
    assert "Plan d'action (résumé)" in contenu
    assert "Budget et dette : à engager (40 %)" in contenu
    assert "Renouer avec la fille aînée" not in contenu
    assert "Synthèse confidentielle" not in contenu


@pytest.mark.parametrize(
    ("page", "etape"),
    [
        ("detail", "Accompagnement"),
        ("intervention", "Noter une intervention"),
        ("cloture", "Clore"),
    ],
)
def test_le_titre_de_l_onglet_nomme_l_etape_et_le_menage(client, page, etape):
    """Plusieurs onglets ouverts se distinguent : l'étape et le ménage sont dans le titre."""
    equipe = equipe_ouverte()
    client.force_login(equipe.coordinateur)
    titre = re.search(r"<title>(.*?)</title>", texte(client.get(equipe.url(page))), re.S).group(1)
    menage = equipe.menage
    assert titre.startswith(etape)
    assert f"{menage.nom} {menage.prenom}" in titre
