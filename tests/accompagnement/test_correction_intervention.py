"""Corriger et annuler une intervention : son auteur seul, dans le délai, l'ancienne version
gardée, le geste journalisé ; la visite sans réponse avec sa durée réelle, et qui s'annule."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accompagnement import services
from accompagnement.enums import Confidentialite, TypeIntervention
from accompagnement.models import Intervention, InterventionVersion
from core.models import JournalAudit
from tests.outils import texte

from .situations import equipe_ouverte

pytestmark = pytest.mark.django_db


def _visite(equipe, auteur=None, **kwargs):
    return services.enregistrer_intervention(
        auteur or equipe.ts,
        equipe.accompagnement,
        type=kwargs.pop("type", TypeIntervention.VISITE_DOMICILE),
        duree_minutes=45,
        note=kwargs.pop("note", "Logement encombré, rendez-vous CAF à prendre."),
        **kwargs,
    )


def _url(nom, intervention):
    return reverse(f"accompagnement:{nom}", args=[intervention.public_id])


def _saisie(**autres):
    return {
        "type": TypeIntervention.VISITE_DOMICILE,
        "date_heure": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
        "duree_minutes": "60",
        "note": "Logement rangé, rendez-vous CAF pris.",
        "confidentialite": Confidentialite.EQUIPE,
        **autres,
    }


def test_l_auteur_corrige_son_intervention_et_l_ancienne_version_est_gardee(client):
    equipe = equipe_ouverte()
    intervention = _visite(equipe)
    client.force_login(equipe.ts)

    reponse = client.post(
        _url("corriger_intervention", intervention), _saisie(motif="note complétée")
    )

    assert reponse.status_code == 302
    intervention.refresh_from_db()
    assert intervention.note == "Logement rangé, rendez-vous CAF pris."
    assert intervention.duree_minutes == 60
    assert intervention.corrigee_le is not None
    version = InterventionVersion.objects.get(intervention_public_id=intervention.public_id)
    assert version.geste == InterventionVersion.Geste.CORRECTION
    assert version.note == "Logement encombré, rendez-vous CAF à prendre."
    assert version.duree_minutes == 45
    assert version.motif == "note complétée"
    assert version.faite_par == equipe.ts
    ligne = JournalAudit.objects.get(action=JournalAudit.Action.INTERVENTION_CORRIGEE)
    assert ligne.user == equipe.ts
    assert ligne.objet_id == str(intervention.public_id)
    assert ligne.menage_public_id == equipe.menage.public_id
    # Le journal ne garde jamais le contenu.
    assert "CAF" not in ligne.detail
    page = texte(client.get(equipe.url("detail")))
    assert "Corrigée par son auteur" in page


def test_la_note_de_la_version_gardee_reste_chiffree_en_base(client):
    from django.db import connection

    equipe = equipe_ouverte()
    intervention = _visite(equipe, note="Suivi au CMP très secret")
    services.corriger_intervention(
        equipe.ts,
        intervention,
        type=intervention.type,
        date_heure=intervention.date_heure,
        note="Nouvelle note",
    )
    with connection.cursor() as curseur:
        curseur.execute("SELECT note FROM accompagnement_interventionversion")
        (brut,) = curseur.fetchone()
    assert "CMP" not in str(brut)


def test_la_correction_refusee_garde_la_saisie(client):
    equipe = equipe_ouverte()
    intervention = _visite(equipe)
    client.force_login(equipe.ts)
    demain = (timezone.localtime() + timedelta(days=2)).strftime("%d/%m/%Y %H:%M")

    reponse = client.post(
        _url("corriger_intervention", intervention),
        _saisie(date_heure=demain, note="Texte à ne pas perdre"),
    )

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Texte à ne pas perdre" in contenu
    assert "dans le futur" in contenu
    assert not InterventionVersion.objects.exists()


def test_l_auteur_annule_son_intervention_qui_disparait_et_reste_conservee(client):
    equipe = equipe_ouverte()
    intervention = _visite(equipe)
    client.force_login(equipe.ts)

    assert client.get(_url("annuler_intervention", intervention)).status_code == 200
    reponse = client.post(_url("annuler_intervention", intervention), {"motif": "en double"})

    assert reponse.status_code == 302
    assert not Intervention.objects.filter(pk=intervention.pk).exists()
    version = InterventionVersion.objects.get(intervention_public_id=intervention.public_id)
    assert version.geste == InterventionVersion.Geste.ANNULATION
    assert version.motif == "en double"
    assert JournalAudit.objects.filter(
        action=JournalAudit.Action.INTERVENTION_ANNULEE, objet_id=str(intervention.public_id)
    ).exists()
    assert "Logement encombré" not in texte(client.get(equipe.url("detail")))


def test_annuler_le_seul_contact_efface_le_premier_contact():
    equipe = equipe_ouverte()
    intervention = _visite(equipe)
    equipe.accompagnement.refresh_from_db()
    assert equipe.accompagnement.date_premier_contact is not None

    services.annuler_intervention(equipe.ts, intervention)

    equipe.accompagnement.refresh_from_db()
    assert equipe.accompagnement.date_premier_contact is None


def test_un_collegue_de_l_equipe_ne_corrige_ni_n_annule(client):
    equipe = equipe_ouverte()
    intervention = _visite(equipe)
    client.force_login(equipe.autre_ts)

    assert client.get(_url("corriger_intervention", intervention)).status_code == 403
    assert client.post(_url("annuler_intervention", intervention)).status_code == 403
    assert Intervention.objects.filter(pk=intervention.pk).exists()
    with pytest.raises(PermissionDenied):
        services.annuler_intervention(equipe.autre_ts, intervention)


def test_la_coordination_ne_corrige_pas_la_note_d_un_autre(client):
    equipe = equipe_ouverte()
    intervention = _visite(equipe)
    client.force_login(equipe.coordinateur)

    assert client.post(_url("corriger_intervention", intervention), _saisie()).status_code == 403
    intervention.refresh_from_db()
    assert intervention.note.startswith("Logement encombré")


def test_hors_equipe_l_intervention_est_introuvable(client):
    from core.enums import Role
    from core.factories import DispositifFactory
    from tests.outils import membre

    equipe = equipe_ouverte()
    intervention = _visite(equipe)
    client.force_login(membre(DispositifFactory(), Role.TRAVAILLEUR_SOCIAL))

    assert client.get(_url("corriger_intervention", intervention)).status_code == 404
    assert client.post(_url("annuler_intervention", intervention)).status_code == 404


def test_apres_le_delai_l_auteur_ne_corrige_plus(client, settings):
    settings.DELAI_CORRECTION_INTERVENTION_MINUTES = 60
    equipe = equipe_ouverte()
    intervention = _visite(equipe)
    Intervention.objects.filter(pk=intervention.pk).update(
        cree_le=timezone.now() - timedelta(minutes=61)
    )
    intervention.refresh_from_db()
    client.force_login(equipe.ts)

    assert client.get(_url("corriger_intervention", intervention)).status_code == 403
    assert "Corriger" not in texte(client.get(equipe.url("detail")))
    with pytest.raises(ValidationError, match="délai"):
        services.annuler_intervention(equipe.ts, intervention)


def test_dans_le_delai_les_boutons_sont_proposes_a_l_auteur_seul(client):
    equipe = equipe_ouverte()
    _visite(equipe)
    client.force_login(equipe.ts)
    assert "Corriger" in texte(client.get(equipe.url("detail")))
    client.force_login(equipe.autre_ts)
    assert "Corriger" not in texte(client.get(equipe.url("detail")))


def test_accompagnement_clos_plus_de_correction():
    equipe = equipe_ouverte()
    intervention = _visite(equipe)
    services.cloturer_accompagnement(
        equipe.coordinateur,
        equipe.accompagnement,
        date=timezone.localdate(),
        motif="stabilisee",
        maintien_dans_logement=True,
    )
    intervention.refresh_from_db()
    assert not services.peut_corriger_intervention(equipe.ts, intervention)
    with pytest.raises(ValidationError, match="clos"):
        services.annuler_intervention(equipe.ts, intervention)


def test_visite_sans_reponse_avec_sa_duree_reelle_puis_annulee(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)

    reponse = client.post(equipe.url("sans_reponse"), {"duree_minutes": "25"}, follow=True)

    intervention = Intervention.objects.get(type=TypeIntervention.VISITE_SANS_REPONSE)
    assert intervention.duree_minutes == 25
    contenu = texte(reponse)
    assert "Visite sans réponse enregistrée (25 min)" in contenu
    assert _url("annuler_intervention", intervention) in contenu

    client.post(_url("annuler_intervention", intervention), {"motif": ""})
    assert not Intervention.objects.filter(type=TypeIntervention.VISITE_SANS_REPONSE).exists()


def test_visite_sans_reponse_15_minutes_par_defaut_et_duree_absurde_refusee(client):
    equipe = equipe_ouverte()
    client.force_login(equipe.ts)
    page = texte(client.get(equipe.url("detail")))
    assert 'name="duree_minutes" value="15"' in page

    reponse = client.post(equipe.url("sans_reponse"), {"duree_minutes": "99999"}, follow=True)
    assert "La visite n'est pas enregistrée" in texte(reponse)
    assert not Intervention.objects.exists()
    assert services.noter_visite_sans_reponse(equipe.ts, equipe.accompagnement).duree_minutes == 15
