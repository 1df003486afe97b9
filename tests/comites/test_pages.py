"""Les pages des comités comme les utilisent la coordination, le COTECH et le COPIL : le
calendrier, planifier une séance, l'ordre du jour et ses résumés, décider en séance (htmx ou
non), exporter l'ordre du jour, le compte rendu en PDF ; chaque refus ; et le nombre de requêtes
de la séance."""

import csv
import io
import re
from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import formats, timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from accompagnement import services as accompagnement
from accompagnement.enums import Confidentialite, DecisionBilan, TypeBilan, TypeIntervention
from accompagnement.factories import ObjectifFactory
from accompagnement.models import Accompagnement
from comites import services
from comites.enums import NaturePoint, TypeDecision
from comites.factories import ComiteFactory, DecisionFactory, PointOrdreDuJourFactory
from comites.models import Decision, Seance
from core.enums import Role
from core.models import JournalAudit
from menages.enums import Problematique, StadeProcedure, StatutOrientation
from menages.factories import DetteLocativeFactory
from tests.outils import lue_avec_son_sql, membre, texte

from .situations import Programme

pytestmark = pytest.mark.django_db

NOTE = "Note de visite : Mme évoque ses idées noires"
SYNTHESE = "Loyer courant repris depuis trois mois"


def url(nom, objet):
    return reverse(f"comites:{nom}", args=[objet.public_id])


# --- Calendrier ------------------------------------------------------------------------------


def calendrier():
    programme = Programme()
    demain = programme.aujourd_hui + timedelta(days=1)
    return (
        programme,
        programme.seance(demain + timedelta(days=13)),
        programme.seance(demain + timedelta(days=60), comite=programme.pilotage),
        programme.seance(programme.aujourd_hui - timedelta(days=30)),
    )


def test_la_coordination_voit_toutes_les_seances_a_venir(client):
    programme, cotech, copil, passee = calendrier()
    client.force_login(programme.coordinateur)

    reponse = client.get(reverse("comites:accueil"))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert url("seance", cotech) in contenu
    assert url("seance", copil) in contenu
    assert formats.date_format(timezone.localtime(cotech.date), "l j F Y, H:i") in contenu
    assert programme.comite.nom in contenu
    assert programme.pilotage.nom in contenu
    # La séance passée est dans sa propre liste, avec son compte rendu.
    assert url("compte_rendu", passee) in contenu
    assert "Planifier une séance" in contenu


def test_chaque_formulaire_de_seance_a_ses_propres_identifiants(client):
    """Un formulaire « Planifier une séance » par comité : chaque étiquette désigne le champ de
    son comité, aucun identifiant n'est répété dans la page."""
    programme, *_ = calendrier()
    client.force_login(programme.coordinateur)

    contenu = texte(client.get(reverse("comites:accueil")))

    ids = re.findall(r'\bid="([^"]+)"', contenu)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    champs = [i for i in ids if i.startswith("id_seance_") and i.endswith("_date")]
    assert len(champs) >= 2
    for champ in champs:
        assert f'for="{champ}"' in contenu


def test_le_cotech_voit_les_seances_de_son_comite_seulement(client):
    programme, cotech, copil, _ = calendrier()
    client.force_login(programme.cotech)

    contenu = texte(client.get(reverse("comites:accueil")))

    assert url("seance", cotech) in contenu
    assert url("seance", copil) not in contenu
    assert "Planifier une séance" not in contenu


def test_le_copil_voit_les_seances_du_copil_seulement(client):
    programme, cotech, copil, passee = calendrier()
    client.force_login(programme.copil)

    contenu = texte(client.get(reverse("comites:accueil")))

    assert url("seance", copil) in contenu
    assert url("seance", cotech) not in contenu
    assert url("seance", passee) not in contenu
    assert "Planifier une séance" not in contenu


@pytest.mark.parametrize("heure", [time(9, 5), time(22, 30), time(23, 59)])
def test_la_seance_du_jour_reste_a_venir_jusqu_au_soir(client, heure):
    """La séance de 9 h reste dans « Prochaines séances » toute la journée : on y enregistre
    encore des décisions le soir. Celle de la veille au soir n'y est plus."""
    programme = Programme()
    aujourd_hui = programme.aujourd_hui
    du_jour = programme.seance(comite=programme.comite)
    du_jour.date = timezone.make_aware(datetime.combine(aujourd_hui, time(9, 0)))
    du_jour.save()
    veille = programme.seance(aujourd_hui - timedelta(days=1))
    veille.date = timezone.make_aware(datetime.combine(veille.date.date(), time(20, 0)))
    veille.save()

    maintenant = timezone.make_aware(datetime.combine(aujourd_hui, heure))
    with time_machine.travel(maintenant, tick=False):
        client.force_login(programme.cotech)
        contenu = texte(client.get(reverse("comites:accueil")))

    prochaines, passees = contenu.split('id="titre-passees"')
    assert url("seance", du_jour) in prochaines
    assert url("seance", du_jour) not in passees
    assert url("seance", veille) not in prochaines
    assert url("seance", veille) in passees


@pytest.mark.parametrize("qui", ["ts", "infirmier", "agent"])
def test_les_equipes_et_l_agent_n_ont_pas_de_page_des_comites(client, qui):
    programme, *_ = calendrier()
    client.force_login(getattr(programme, qui))
    assert client.get(reverse("comites:accueil")).status_code == 403


def test_un_cotech_qui_ne_siege_nulle_part_n_a_pas_de_page_des_comites(client):
    programme, *_ = calendrier()
    client.force_login(membre(programme.dispositif, Role.MEMBRE_COTECH))
    assert client.get(reverse("comites:accueil")).status_code == 403


# --- Planifier -------------------------------------------------------------------------------


def test_la_coordination_planifie_une_seance_et_son_ordre_du_jour_se_construit(client):
    programme = Programme()
    orientation = programme.orientation("Zorglub", statut=StatutOrientation.RECUE)
    jour = programme.aujourd_hui + timedelta(days=14)
    client.force_login(programme.coordinateur)

    reponse = client.post(
        url("planifier", programme.comite),
        {"date": f"{jour:%Y-%m-%d}T09:30", "lieu": "Mairie d'Aurillac"},
        follow=True,
    )

    seance = Seance.objects.get()
    assert reponse.redirect_chain[-1][0] == url("seance", seance)
    assert timezone.localtime(seance.date).date() == jour
    assert seance.lieu == "Mairie d'Aurillac"
    contenu = texte(reponse)
    assert "Séance planifiée ; l'ordre du jour est construit." in contenu
    assert "Zorglub" in contenu
    assert seance.points.get().orientation == orientation
    orientation.refresh_from_db()
    assert orientation.statut == StatutOrientation.A_EXAMINER


def test_planifier_sans_date_ne_cree_rien(client):
    programme = Programme()
    client.force_login(programme.coordinateur)

    reponse = client.post(url("planifier", programme.comite), {"date": ""}, follow=True)

    assert "Indiquez la date et l'heure de la séance." in texte(reponse)
    assert not Seance.objects.exists()


def test_le_cotech_ne_planifie_pas(client):
    programme = Programme()
    client.force_login(programme.cotech)

    reponse = client.post(url("planifier", programme.comite), {"date": "2026-12-08T14:00"})

    assert reponse.status_code == 403
    assert not Seance.objects.exists()


@pytest.mark.parametrize("qui", ["copil", "ts"])
def test_ni_le_copil_ni_les_equipes_ne_planifient_une_seance_du_cotech(client, qui):
    programme = Programme()
    client.force_login(getattr(programme, qui))

    reponse = client.post(url("planifier", programme.comite), {"date": "2026-12-08T14:00"})

    assert reponse.status_code == 404
    assert not Seance.objects.exists()


def test_le_cotech_ne_reconstruit_pas_l_ordre_du_jour(client):
    programme = Programme()
    programme.orientation("Zorglub")
    seance = programme.seance()
    client.force_login(programme.cotech)

    assert client.post(url("construire", seance)).status_code == 403
    assert not seance.points.exists()


def test_la_coordination_met_a_jour_l_ordre_du_jour(client):
    programme = Programme()
    programme.orientation("Zorglub")
    seance = programme.seance()
    client.force_login(programme.coordinateur)

    reponse = client.post(url("construire", seance), follow=True)

    assert "Ordre du jour mis à jour : 1 point(s) ajouté(s)." in texte(reponse)
    assert seance.points.count() == 1


# --- La séance et ses résumés ----------------------------------------------------------------


def seance_preparee(programme):
    """Une séance avec une nouvelle orientation et un bilan en retard, tous deux renseignés."""
    orientation = programme.orientation(
        "Zorglub",
        problematiques=[Problematique.IMPAYES, Problematique.SOUFFRANCE_PSYCHIQUE],
        description="Impayés depuis six mois, contact rompu avec le bailleur.",
    )
    DetteLocativeFactory(
        menage=orientation.menage,
        montant=Decimal("875.50"),
        stade_procedure=StadeProcedure.ASSIGNATION,
    )
    suivi = programme.accompagne("Vandamme")
    objectif = ObjectifFactory(accompagnement=suivi, libelle="Ouvrir les droits à l'AAH")
    programme.bilan_en_retard(
        suivi,
        type=TypeBilan.DIAGNOSTIC,
        jours=20,
        date_realisation=programme.aujourd_hui - timedelta(days=15),
        synthese=SYNTHESE,
        decision=DecisionBilan.REAJUSTEMENT,
    )
    programme.bilan_en_retard(suivi, jours=5)
    for auteur, niveau in (
        (programme.ts, Confidentialite.EQUIPE),
        (programme.infirmier, Confidentialite.SOIGNANTS),
    ):
        accompagnement.enregistrer_intervention(
            auteur,
            suivi,
            type=TypeIntervention.VISITE_DOMICILE,
            note=NOTE,
            confidentialite=niveau,
        )
    seance = programme.seance()
    services.construire_ordre_du_jour(programme.coordinateur, seance)
    return seance, objectif


@pytest.mark.parametrize("qui", ["coordinateur", "cotech"])
def test_le_resume_montre_le_dernier_releve_de_dette_et_sinon_la_procedure_orientee(client, qui):
    """Le résumé d'un point (page de la séance et page de décision) montre le montant du
    dernier relevé de dette du ménage, pas d'un plus ancien ; sa procédure, et celle de
    l'orientation quand le dernier relevé n'en dit pas."""
    programme = Programme()
    seance = programme.seance()
    releve = programme.orientation("Releve", stade_procedure=StadeProcedure.AUCUNE)
    DetteLocativeFactory(
        menage=releve.menage,
        date=programme.aujourd_hui - timedelta(days=60),
        montant=Decimal("2000.00"),
        stade_procedure=StadeProcedure.COMMANDEMENT_DE_PAYER,
    )
    DetteLocativeFactory(
        menage=releve.menage,
        date=programme.aujourd_hui - timedelta(days=5),
        montant=Decimal("1500.00"),
        stade_procedure=StadeProcedure.ASSIGNATION,
    )
    orientee = programme.orientation("Orientee", stade_procedure=StadeProcedure.ASSIGNATION)
    DetteLocativeFactory(
        menage=orientee.menage,
        date=programme.aujourd_hui - timedelta(days=5),
        montant=Decimal("300.00"),
        stade_procedure="",
    )
    points = [
        PointOrdreDuJourFactory(seance=seance, menage=o.menage, orientation=o, rang=rang)
        for rang, o in enumerate((releve, orientee))
    ]
    client.force_login(getattr(programme, qui))

    pages = [texte(client.get(url("seance", seance)))]
    pages += [texte(client.get(url("decider", point))) for point in points]

    assert "Dette : 1\xa0500,00\xa0€ · procédure : Assignation" in pages[0]
    assert "Dette : 300,00\xa0€ · procédure : Assignation" in pages[0]
    assert "2\xa0000,00" not in pages[0] and "Commandement de payer" not in pages[0]
    assert "Dette : 1\xa0500,00\xa0€ · procédure : Assignation" in pages[1]
    assert "Dette : 300,00\xa0€ · procédure : Assignation" in pages[2]


def test_l_ordre_du_jour_ne_lit_pas_l_indicateur_des_objectifs(client):
    """Le résumé d'un point montre le libellé, le statut et l'avancement de chaque objectif :
    l'indicateur (un texte chiffré) n'est ni lu ni déchiffré pour la séance."""
    programme = Programme()
    seance, objectif = seance_preparee(programme)
    objectif.indicateur = "Notification de la MDPH reçue."
    objectif.save(update_fields=["indicateur"])
    client.force_login(programme.coordinateur)

    contenu, lues = lue_avec_son_sql(client, url("seance", seance))

    assert "Ouvrir les droits à l'AAH (à engager, 0 %)" in contenu
    assert "MDPH" not in contenu
    assert '"accompagnement_objectif"."libelle"' in lues
    assert '"accompagnement_objectif"."indicateur"' not in lues


@pytest.mark.parametrize("qui", ["coordinateur", "cotech"])
def test_la_seance_montre_l_ordre_du_jour_et_ses_resumes(client, qui):
    programme = Programme()
    seance, _ = seance_preparee(programme)
    client.force_login(getattr(programme, qui))

    reponse = client.get(url("seance", seance))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Ordre du jour" in contenu
    assert "Nouvelle orientation à examiner" in contenu
    assert "Bilan en retard" in contenu
    assert "impayés" in contenu
    assert "souffrance psychique" in contenu
    assert "Impayés depuis six mois" in contenu
    assert "Dette : 875,50\xa0€ · procédure : Assignation" in contenu
    assert "Ouvrir les droits à l'AAH (à engager, 0 %)" in contenu
    assert SYNTHESE in contenu
    assert "décision : réajustement" in contenu
    assert "Enregistrer une décision" in contenu
    # La page ne porte qu'un lien vers le formulaire de chaque point : ni liste de personnes ni
    # champ de décision.
    point = seance.points.get(nature=NaturePoint.NOUVELLE_ORIENTATION)
    assert f'href="{url("decider", point)}"' in contenu
    assert f'hx-get="{url("decider", point)}"' in contenu
    assert "<option" not in contenu.split("Ordre du jour", 1)[1]
    assert 'type="checkbox"' not in contenu
    assert (f'href="{url("presences", seance)}"' in contenu) == (qui == "coordinateur")
    assert url("export_csv", seance) in contenu
    assert NOTE not in contenu
    # Le formulaire, chargé à la demande, propose les personnes des équipes du dispositif, et
    # elles seules.
    formulaire = texte(client.get(url("decider", point), HTTP_HX_REQUEST="true"))
    assert (
        f'<option value="{programme.ts.pk}">{programme.ts.get_full_name()} · '
        "Travailleur·se social·e</option>" in formulaire
    )
    assert f'value="{programme.infirmier.pk}"' in formulaire
    assert f'<option value="{programme.cotech.pk}">' not in formulaire
    assert "<html" not in formulaire
    assert "autofocus" in formulaire


def test_la_seance_ne_montre_jamais_une_note_d_intervention(client):
    programme = Programme()
    seance, _ = seance_preparee(programme)
    for qui in ("coordinateur", "cotech"):
        client.force_login(getattr(programme, qui))
        contenu = texte(client.get(url("seance", seance)))
        assert NOTE not in contenu
        assert "idées noires" not in contenu


@pytest.mark.parametrize("qui", ["ts", "infirmier", "agent", "copil"])
def test_la_seance_du_cotech_est_introuvable_hors_du_comite(client, qui):
    programme = Programme()
    seance, _ = seance_preparee(programme)
    client.force_login(getattr(programme, qui))

    assert client.get(url("seance", seance)).status_code == 404


def test_la_seance_d_un_autre_dispositif_est_introuvable(client):
    programme = Programme()
    seance, _ = seance_preparee(programme)
    client.force_login(Programme().coordinateur)

    assert client.get(url("seance", seance)).status_code == 404


# --- Décider en séance -----------------------------------------------------------------------


def champs(point, **valeurs):
    prefixe = f"p{point.public_id.hex[:8]}"
    return {f"{prefixe}-{nom}": valeur for nom, valeur in valeurs.items()}


def point_a_decider(programme):
    seance, _ = seance_preparee(programme)
    return seance.points.get(nature=NaturePoint.NOUVELLE_ORIENTATION)


def test_decider_en_htmx_rend_le_point_avec_sa_decision(client):
    programme = Programme()
    point = point_a_decider(programme)
    client.force_login(programme.cotech)

    reponse = client.post(
        url("decider", point),
        champs(
            point,
            type=TypeDecision.ADMISSION,
            referent=programme.ts.pk,
            equipe=[programme.infirmier.pk],
            motifs="Situation complexe : équipe pluridisciplinaire.",
        ),
        HTTP_HX_REQUEST="true",
    )

    assert reponse.status_code == 200
    assert reponse.templates[0].name == "comites/_point.html"
    contenu = texte(reponse)
    assert "<html" not in contenu
    assert 'class="alert alert-success py-1 px-2 mb-1 small decision">' in contenu
    assert "<strong>Admission</strong> · décidée le" in contenu
    assert "Situation complexe : équipe pluridisciplinaire." in contenu
    assert "Zorglub" in contenu
    suivi = Accompagnement.objects.get(menage=point.menage)
    assert suivi.referent == programme.ts
    assert set(suivi.equipe.values_list("user", flat=True)) == {
        programme.ts.pk,
        programme.infirmier.pk,
    }
    decision = Decision.objects.get()
    assert decision.auteur == programme.cotech
    assert decision.accompagnement == suivi


def test_une_decision_refusee_en_htmx_rend_l_erreur_et_garde_la_saisie(client):
    programme = Programme()
    point = point_a_decider(programme)
    client.force_login(programme.cotech)
    motifs = "Situation complexe, à revoir avec le CMP"

    reponse = client.post(
        url("decider", point),
        champs(point, type=TypeDecision.ADMISSION, motifs=motifs),
        HTTP_HX_REQUEST="true",
    )

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "<html" not in contenu
    assert 'role="alert">Pour une admission, désignez le ou la référent·e.</div>' in contenu
    assert f">\n{motifs}</textarea>" in contenu
    # Le formulaire reste ouvert dans le point, l'erreur en tête, sans reprendre le focus sur
    # le premier champ (le résumé des erreurs le prend).
    assert f'id="decision-{point.public_id}"' in contenu
    assert "autofocus" not in contenu
    assert not Decision.objects.exists()
    assert not Accompagnement.objects.filter(menage=point.menage).exists()


def test_un_refus_sans_motif_en_htmx_est_explique(client):
    programme = Programme()
    point = point_a_decider(programme)
    client.force_login(programme.coordinateur)

    reponse = client.post(
        url("decider", point), champs(point, type=TypeDecision.REFUS), HTTP_HX_REQUEST="true"
    )

    contenu = texte(reponse)
    assert "Indiquez les motifs : « Refus » doit être expliqué." in contenu
    # Le refus désigne son champ : le résumé des erreurs y mène, le lecteur d'écran le lit.
    erreur = f"erreur-{point.public_id.hex}"
    assert f'id="{erreur}" role="alert"' in contenu
    motifs = re.search(r"<textarea[^>]*name=\"[^\"]*-motifs\"[^>]*>", contenu).group(0)
    assert 'aria-invalid="true"' in motifs
    assert f'aria-describedby="{erreur}"' in motifs
    point.orientation.refresh_from_db()
    assert point.orientation.statut == StatutOrientation.A_EXAMINER


def test_une_decision_hors_de_la_liste_est_refusee_par_le_formulaire(client):
    programme = Programme()
    point = point_a_decider(programme)
    client.force_login(programme.coordinateur)

    reponse = client.post(
        url("decider", point),
        champs(point, type=TypeDecision.CLOTURE_VALIDEE, motifs="Clore."),
        HTTP_HX_REQUEST="true",
    )

    assert "La décision n'est pas enregistrée : vérifiez les champs." in texte(reponse)
    assert not Decision.objects.exists()


def test_decider_sans_htmx_redirige_vers_la_seance_avec_un_message(client):
    programme = Programme()
    point = point_a_decider(programme)
    client.force_login(programme.cotech)

    reponse = client.post(
        url("decider", point),
        champs(point, type=TypeDecision.REFUS, motifs="Relève du droit commun."),
        follow=True,
    )

    assert reponse.redirect_chain == [
        (url("seance", point.seance) + f"#point-{point.public_id}", 302)
    ]
    contenu = texte(reponse)
    assert "Décision enregistrée." in contenu
    assert "<strong>Refus</strong> · décidée le" in contenu
    assert "Relève du droit commun." in contenu
    point.orientation.refresh_from_db()
    assert point.orientation.statut == StatutOrientation.REFUSEE
    assert point.orientation.motif_statut == "Relève du droit commun."


def test_une_decision_refusee_sans_htmx_rend_la_page_de_decision_avec_la_saisie(client):
    programme = Programme()
    point = point_a_decider(programme)
    client.force_login(programme.cotech)

    reponse = client.post(
        url("decider", point),
        champs(point, type=TypeDecision.ADMISSION, motifs="À revoir avec le CMP"),
    )

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "<h1" in contenu and "Décision sur" in contenu
    assert 'role="alert">Pour une admission, désignez le ou la référent·e.</div>' in contenu
    assert ">\nÀ revoir avec le CMP</textarea>" in contenu
    assert 'value="admission" selected' in contenu
    assert not Decision.objects.exists()


def test_sans_javascript_le_lien_mene_a_la_page_de_decision_du_point(client):
    programme = Programme()
    point = point_a_decider(programme)
    client.force_login(programme.cotech)

    reponse = client.get(url("decider", point))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "<html" in contenu
    assert f'action="{url("decider", point)}"' in contenu
    # Le formulaire s'envoie sans htmx : la page revient à la séance après la décision.
    assert "hx-post" not in contenu
    assert f'<option value="{programme.ts.pk}">' in contenu
    assert "impayés" in contenu  # le résumé du point, pour décider en connaissance
    assert "Revenir à la séance" in contenu


@pytest.mark.parametrize("qui", ["cotech", "coordinateur"])
def test_la_page_de_decision_resume_le_point_sans_le_relire(client, django_assert_num_queries, qui):
    """La page de décision d'un point de bilan : son résumé (objectifs, dernier bilan fait,
    dernière dette) vient du point déjà lu pour le droit de décider, sans une seconde lecture
    du point ni de ses droits."""
    programme = Programme()
    seance = programme.seance()
    suivi = programme.accompagne("Bilanné")
    ObjectifFactory(accompagnement=suivi, libelle="Reprendre le paiement du loyer")
    programme.bilan_en_retard(
        suivi,
        date_realisation=programme.aujourd_hui,
        synthese=SYNTHESE,
        decision=DecisionBilan.POURSUITE,
    )
    DetteLocativeFactory(menage=suivi.menage, montant=Decimal("1234.00"))
    point = PointOrdreDuJourFactory(
        seance=seance,
        menage=suivi.menage,
        nature=NaturePoint.BILAN_EN_RETARD,
        accompagnement=suivi,
    )
    client.force_login(getattr(programme, qui))
    # session, utilisateur, adhésions, le point (ses droits, sa séance, son ménage, son
    # accompagnement et son référent·e, la dernière dette du ménage, s'il est déjà décidé),
    # siège au comité (le COTECH seul), les deux listes de personnes du formulaire, la page de
    # l'ordre du jour qui porte le point (le lien de retour), puis le résumé : objectifs,
    # dernier bilan fait, décisions (un point de bilan n'a pas d'orientation, donc pas de
    # problématiques).
    attendu = {"cotech": 11, "coordinateur": 10}[qui]
    with django_assert_num_queries(attendu):
        reponse = client.get(url("decider", point))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Reprendre le paiement du loyer" in contenu
    assert "Dette : 1\xa0234,00\xa0€" in contenu
    assert SYNTHESE in contenu


def test_un_point_deja_decide_ne_propose_plus_de_formulaire(client):
    programme = Programme()
    point = point_a_decider(programme)
    DecisionFactory(point=point, type=TypeDecision.STRATEGIE)
    client.force_login(programme.cotech)

    reponse = client.get(url("decider", point), follow=True)

    assert reponse.redirect_chain == [
        (url("seance", point.seance) + f"#point-{point.public_id}", 302)
    ]
    assert "Ce point est déjà décidé" in texte(reponse)
    assert "HX-Redirect" in client.get(url("decider", point), HTTP_HX_REQUEST="true").headers


@pytest.mark.parametrize("qui", ["ts", "infirmier", "agent", "copil"])
def test_le_formulaire_de_decision_est_introuvable_hors_du_comite(client, qui):
    programme = Programme()
    point = point_a_decider(programme)
    client.force_login(getattr(programme, qui))

    assert client.get(url("decider", point)).status_code == 404
    assert client.get(url("decider", point), HTTP_HX_REQUEST="true").status_code == 404


def test_la_cloture_validee_en_seance_clot_l_accompagnement(client):
    programme = Programme()
    suivi = programme.accompagne("Vandamme")
    point = PointOrdreDuJourFactory(
        seance=programme.seance(),
        menage=suivi.menage,
        nature=NaturePoint.CLOTURE_PROPOSEE,
        accompagnement=suivi,
    )
    client.force_login(programme.cotech)

    reponse = client.post(
        url("decider", point),
        champs(
            point,
            type=TypeDecision.CLOTURE_VALIDEE,
            motif_cloture="stabilisee",
            maintien_dans_logement="on",
            motifs="Objectifs atteints.",
        ),
        HTTP_HX_REQUEST="true",
    )

    assert "<strong>Clôture validée</strong> · décidée le" in texte(reponse)
    assert "Objectifs atteints." in texte(reponse)
    suivi.refresh_from_db()
    assert suivi.statut == "suivi_post_cloture"
    assert suivi.cloture.maintien_dans_logement is True


@pytest.mark.parametrize("qui", ["ts", "agent", "copil", "cotech_d_un_autre_comite"])
def test_decider_est_refuse_hors_du_comite(client, qui):
    programme = Programme()
    point = point_a_decider(programme)
    if qui == "cotech_d_un_autre_comite":
        personne = membre(programme.dispositif, Role.MEMBRE_COTECH)
        ComiteFactory(dispositif=programme.dispositif, membres=[personne])
    else:
        personne = getattr(programme, qui)
    client.force_login(personne)

    reponse = client.post(
        url("decider", point),
        champs(point, type=TypeDecision.REFUS, motifs="Refus."),
        HTTP_HX_REQUEST="true",
    )

    assert reponse.status_code == 404
    assert not Decision.objects.exists()
    assert client.get(url("decider", point)).status_code == 404


def test_l_agent_du_bailleur_qui_siege_au_comite_ne_decide_pas(client):
    programme = Programme()
    point = point_a_decider(programme)
    programme.comite.membres.add(programme.agent)
    client.force_login(programme.agent)

    reponse = client.post(
        url("decider", point), champs(point, type=TypeDecision.REFUS, motifs="Refus.")
    )

    assert reponse.status_code == 404
    assert not Decision.objects.exists()
    # Le formulaire non plus ne s'ouvre pas, ni en page ni chargé à la demande.
    assert client.get(url("decider", point)).status_code == 404
    assert client.get(url("decider", point), HTTP_HX_REQUEST="true").status_code == 404


# --- Exports ---------------------------------------------------------------------------------


def lignes_csv(reponse):
    return list(csv.reader(io.StringIO(reponse.content.decode("utf-8-sig")), delimiter=";"))


def seance_exportable(programme):
    seance, _ = seance_preparee(programme)
    point = seance.points.get(nature=NaturePoint.BILAN_EN_RETARD)
    DecisionFactory(point=point, type=TypeDecision.PROLONGATION, motifs="Six mois de plus.")
    return seance


ENTETES = [
    "Ménage",
    "Référence locataire",
    "Motif d'inscription",
    "Problématiques",
    "Dette (€)",
    "Procédure",
    "Accompagnement",
    "Adhésion",
    "Décisions",
]


@pytest.mark.parametrize("qui", ["coordinateur", "cotech"])
def test_l_ordre_du_jour_s_exporte_en_csv_et_c_est_journalise(client, qui):
    programme = Programme()
    seance = seance_exportable(programme)
    client.force_login(getattr(programme, qui))

    reponse = client.get(url("export_csv", seance))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/csv; charset=utf-8"
    lignes = lignes_csv(reponse)
    assert lignes[0] == ENTETES
    par_nom = {ligne[0].split()[0]: ligne for ligne in lignes[1:]}
    assert set(par_nom) == {"Zorglub", "Vandamme"}
    zorglub = par_nom["Zorglub"]
    assert zorglub[2] == "Nouvelle orientation à examiner"
    assert zorglub[3] == "impayés | souffrance psychique"
    assert zorglub[4] == "875,50"
    assert zorglub[5] == "Assignation"
    vandamme = par_nom["Vandamme"]
    assert vandamme[2] == "Bilan en retard"
    assert vandamme[6] == "Diagnostic"
    assert vandamme[8] == "Prolongation : Six mois de plus."
    assert NOTE not in reponse.content.decode("utf-8-sig")
    journal = JournalAudit.objects.get(action=JournalAudit.Action.EXPORT)
    assert journal.user == getattr(programme, qui)
    assert journal.objet_id == str(seance.public_id)
    assert journal.dispositif == programme.dispositif
    assert journal.detail == "ordre du jour CSV, 2 lignes"


def test_l_ordre_du_jour_s_exporte_en_xlsx_et_c_est_journalise(client):
    programme = Programme()
    seance = seance_exportable(programme)
    client.force_login(programme.cotech)

    reponse = client.get(url("export_xlsx", seance))

    assert reponse.status_code == 200
    feuille = load_workbook(io.BytesIO(reponse.getvalue())).active
    lignes = [list(ligne) for ligne in feuille.iter_rows(values_only=True)]
    assert lignes[0] == ENTETES
    assert len(lignes) == 3
    zorglub = next(ligne for ligne in lignes[1:] if ligne[0].startswith("Zorglub"))
    assert zorglub[4] == 875.5
    assert zorglub[3] == "impayés | souffrance psychique"
    journal = JournalAudit.objects.get(action=JournalAudit.Action.EXPORT)
    assert journal.detail == "ordre du jour XLSX, 2 lignes"


def test_l_export_n_a_que_les_menages_que_la_personne_voit(client):
    """Le COPIL inscrit par erreur au COTECH voit la séance mais aucun ménage : pas d'export."""
    programme = Programme()
    seance = seance_exportable(programme)
    programme.comite.membres.add(programme.copil)
    client.force_login(programme.copil)

    assert client.get(url("seance", seance)).status_code == 200
    assert client.get(url("export_csv", seance)).status_code == 403
    assert client.get(url("export_xlsx", seance)).status_code == 403
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.EXPORT).exists()


def test_une_seance_sans_point_ne_s_exporte_pas(client):
    programme = Programme()
    client.force_login(programme.copil)
    seance = programme.seance(comite=programme.pilotage)

    assert client.get(url("export_csv", seance)).status_code == 403
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.EXPORT).exists()


@pytest.mark.parametrize("qui", ["ts", "agent"])
def test_l_export_est_introuvable_hors_du_comite(client, qui):
    programme = Programme()
    seance = seance_exportable(programme)
    client.force_login(getattr(programme, qui))

    assert client.get(url("export_csv", seance)).status_code == 404
    assert client.get(url("export_xlsx", seance)).status_code == 404
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.EXPORT).exists()


# --- Compte rendu ----------------------------------------------------------------------------


def texte_pdf(reponse):
    lecteur = PdfReader(io.BytesIO(reponse.content))
    return " ".join(" ".join(page.extract_text().split()) for page in lecteur.pages)


def seance_decidee(programme):
    point = point_a_decider(programme)
    seance = point.seance
    seance.presents.set([programme.coordinateur, programme.cotech])
    services.decider(
        programme.cotech,
        point,
        TypeDecision.REFUS,
        motifs="Relève du droit commun.",
    )
    prochaine = programme.seance(programme.aujourd_hui + timedelta(days=28))
    return seance, prochaine


@pytest.mark.parametrize("qui", ["coordinateur", "cotech"])
def test_le_compte_rendu_est_un_pdf_avec_presents_decisions_et_prochaine_seance(client, qui):
    programme = Programme()
    from core.factories import OrganisationFactory

    seance, prochaine = seance_decidee(programme)
    seance.organisations_presentes.set([OrganisationFactory(nom="Association Horizon")])
    client.force_login(getattr(programme, qui))

    reponse = client.get(url("compte_rendu", seance))

    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "application/pdf"
    assert reponse.content.startswith(b"%PDF")
    contenu = texte_pdf(reponse)
    assert f"Compte rendu – {programme.comite.nom}" in contenu
    assert programme.coordinateur.get_full_name() in contenu
    assert programme.cotech.get_full_name() in contenu
    assert "Structures représentées : Association Horizon." in contenu
    assert "Zorglub Hortense" in contenu
    assert "Refus" in contenu
    assert "Relève du droit commun." in contenu
    assert formats.date_format(timezone.localtime(prochaine.date), "l j F Y à H:i") in contenu
    assert NOTE not in contenu
    journal = JournalAudit.objects.get(action=JournalAudit.Action.EXPORT)
    assert journal.user == getattr(programme, qui)
    assert journal.objet_id == str(seance.public_id)
    assert journal.detail == "compte rendu de séance (PDF)"


def test_le_compte_rendu_sans_seance_suivante_dit_a_fixer(client):
    programme = Programme()
    seance = programme.seance(comite=programme.pilotage, presents=[programme.copil])
    client.force_login(programme.copil)

    reponse = client.get(url("compte_rendu", seance))

    contenu = texte_pdf(reponse)
    assert programme.copil.get_full_name() in contenu
    assert "Aucune décision que vous puissiez lire." in contenu
    assert "À fixer." in contenu


@pytest.mark.parametrize("qui", ["ts", "agent", "copil"])
def test_le_compte_rendu_du_cotech_est_introuvable_hors_du_comite(client, qui):
    programme = Programme()
    seance, _ = seance_decidee(programme)
    client.force_login(getattr(programme, qui))

    assert client.get(url("compte_rendu", seance)).status_code == 404
    assert not JournalAudit.objects.filter(action=JournalAudit.Action.EXPORT).exists()


# --- Nombre de requêtes ----------------------------------------------------------------------


def seance_de(programme, nombre, decides=True, jour=None):
    """Une séance de `nombre` points, moitié orientations, moitié bilans, tous décidés (ou
    aucun : une séance à venir)."""
    seance = programme.seance(jour)
    for rang in range(nombre):
        if rang % 2:
            suivi = programme.accompagne(f"Suivi{rang}")
            ObjectifFactory(accompagnement=suivi)
            programme.bilan_en_retard(
                suivi,
                date_realisation=programme.aujourd_hui,
                synthese=SYNTHESE,
                decision=DecisionBilan.POURSUITE,
            )
            point = PointOrdreDuJourFactory(
                seance=seance,
                menage=suivi.menage,
                nature=NaturePoint.BILAN_EN_RETARD,
                accompagnement=suivi,
                rang=rang,
            )
        else:
            orientation = programme.orientation(f"Orientee{rang}")
            point = PointOrdreDuJourFactory(
                seance=seance, menage=orientation.menage, orientation=orientation, rang=rang
            )
        DetteLocativeFactory(menage=point.menage, date=programme.aujourd_hui)
        if decides:
            DecisionFactory(point=point, type=TypeDecision.STRATEGIE)
    return seance


@pytest.mark.parametrize("nombre", [3, 30])
def test_la_seance_fait_un_nombre_fixe_de_requetes(client, django_assert_num_queries, nombre):
    programme = Programme()
    seance = seance_de(programme, nombre)
    seance.presents.set([programme.coordinateur, programme.cotech])
    client.force_login(programme.cotech)
    # session, utilisateur, adhésions, séance (et le siège au comité, pour le droit de
    # décider), présents, clés des points visibles (la pagination), points de la page avec
    # leurs ménages et leur dernière dette, problématiques, objectifs, dernier bilan fait,
    # décisions (aucune n'est corrigée : leur historique n'est pas lu), décompte des archives du
    # comité (les décisions dont le ménage n'est pas à l'ordre du jour : aucune ici, la page des
    # archives n'est donc pas lue).
    with django_assert_num_queries(12):
        reponse = client.get(url("seance", seance))
    contenu = texte(reponse)
    assert contenu.count("Enregistrer une décision") == 0
    # Une page de l'ordre du jour : 25 points au plus.
    assert contenu.count("/corriger/") == min(nombre, 25)


@pytest.mark.parametrize("nombre", [3, 30])
@pytest.mark.parametrize("qui", ["cotech", "coordinateur"])
def test_la_seance_a_venir_fait_un_nombre_fixe_de_requetes(
    client, django_assert_num_queries, nombre, qui
):
    """Aucun point n'est décidé : chacun porte son lien vers le formulaire de décision, sans
    que la page lise les personnes des équipes ni rende un formulaire par point."""
    programme = Programme()
    seance = seance_de(programme, nombre, decides=False)
    client.force_login(getattr(programme, qui))
    # Comme une séance passée ; la coordination ne lit ni les membres ni les structures du
    # comité : la feuille de présence se charge à l'ouverture de son volet.
    with django_assert_num_queries(12):
        reponse = client.get(url("seance", seance))
    contenu = texte(reponse)
    assert contenu.count("Enregistrer une décision</a>") == 0  # le nom du ménage suit
    liens = [p for p in seance.points.all() if f'href="{url("decider", p)}"' in contenu]
    assert len(liens) == min(nombre, 25)
    assert "Enregistrer la décision" not in contenu
    assert "<option" not in contenu.split("Ordre du jour", 1)[1]


@pytest.mark.parametrize("nombre", [3, 60])
def test_les_archives_font_un_nombre_fixe_de_requetes(client, django_assert_num_queries, nombre):
    """Une séance ancienne : le membre du COTECH ne voit plus aucun ménage ; toutes ses
    décisions sont aux archives du comité, lues par pages de 25."""
    programme = Programme()
    seance = seance_de(programme, nombre, jour=programme.aujourd_hui - timedelta(days=200))
    client.force_login(programme.cotech)
    # session, utilisateur, adhésions, séance et siège au comité, présents, clés des points
    # visibles (aucune : ni les points ni leurs résumés ne sont lus), décompte des archives,
    # page des archives. Les structures représentées ne sont pas lues : la page ne les montre
    # pas.
    with django_assert_num_queries(8):
        reponse = client.get(url("seance", seance))
    contenu = texte(reponse)
    assert contenu.count('class="decision-archivee"') == min(nombre, 25)
    assert "Orientee" not in contenu  # le nom des ménages qu'il ne voit plus


def test_la_coordination_tient_la_feuille_de_presence(client):
    from comites.factories import ComiteFactory, SeanceFactory
    from core.factories import MembreFactory, OrganisationFactory

    coordinateur = MembreFactory(role=Role.COORDINATEUR)
    cotech = MembreFactory(dispositif=coordinateur.dispositif, role=Role.MEMBRE_COTECH).user
    etranger = MembreFactory(dispositif=coordinateur.dispositif, role=Role.MEMBRE_COTECH).user
    structure = OrganisationFactory()
    comite = ComiteFactory(dispositif=coordinateur.dispositif, membres=[coordinateur.user, cotech])
    comite.organisations.add(structure)
    seance = SeanceFactory(comite=comite)
    url = reverse("comites:presences", args=[seance.public_id])
    client.force_login(coordinateur.user)
    page_de_la_seance = client.get(reverse("comites:seance", args=[seance.public_id]))
    # Le volet est sur la page ; son formulaire se charge à l'ouverture (htmx) ou, sans
    # JavaScript, sur sa propre page.
    assert "Feuille de présence" in page_de_la_seance.content.decode()
    assert f'hx-get="{url}"' in page_de_la_seance.content.decode()
    assert cotech.last_name not in page_de_la_seance.content.decode()
    fragment = client.get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    page = client.get(url)
    assert "<html" in page.content.decode()
    for reponse in (fragment, page):
        contenu = reponse.content.decode()
        assert contenu.count('name="presents"') == 2  # les deux membres du comité
        assert cotech.last_name in contenu and etranger.last_name not in contenu
        assert structure.nom in contenu
        assert f'action="{url}"' in contenu
    client.post(url, {"presents": [cotech.pk], "organisations": [structure.pk]})
    # La feuille rouverte coche qui a été noté présent.
    coches = client.get(url, HTTP_HX_REQUEST="true").content.decode().count("checked")
    assert coches == 2
    assert list(seance.presents.all()) == [cotech]
    assert list(seance.organisations_presentes.all()) == [structure]
    # Une personne qui ne siège pas n'est pas proposée : la saisie est refusée.
    client.post(url, {"presents": [etranger.pk]})
    assert list(seance.presents.all()) == [cotech]
    client.force_login(cotech)
    assert client.post(url, {"presents": []}).status_code == 403
    assert client.get(url).status_code == 403
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 403
    assert list(seance.presents.all()) == [cotech]
