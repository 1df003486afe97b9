"""Ce que les comités voient des ménages (DESIGN.md §3) : un membre du COTECH voit les ménages
inscrits aux ordres du jour de ses comités, et eux seuls, sans jamais une note ; un membre du
COPIL ne voit aucun ménage ; l'administrateur technique ne voit rien. Les décisions du comité
apparaissent dans la chronologie du ménage pour qui peut les lire."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accompagnement import services as accompagnement
from accompagnement.enums import Confidentialite, DecisionBilan, TypeIntervention
from accompagnement.factories import ObjectifFactory
from comites import services
from comites.enums import NaturePoint, TypeDecision
from comites.factories import ComiteFactory, DecisionFactory, PointOrdreDuJourFactory
from comites.selectors import decisions_visibles
from core.enums import Role
from core.factories import UserFactory
from menages.enums import StadeProcedure
from menages.factories import DetteLocativeFactory, OrientationFactory
from tests.outils import membre, texte

from .situations import Programme

pytestmark = pytest.mark.django_db

NOTE_EQUIPE = "Note équipe : le courrier de la CAF est ouvert avec Mme"
NOTE_SOIGNANTS = "Note soignants : observance du traitement à revoir"
SYNTHESE = "Synthèse du bilan : loyer courant repris, dette stabilisée"


class Situation:
    """Trois ménages accompagnés d'un même dispositif :

    - « Zorglub » est à l'ordre du jour du COTECH dont le membre du COTECH fait partie ;
    - « Vandamme » est à l'ordre du jour d'un autre COTECH du dispositif, où il ne siège pas ;
    - « Quichotte » n'est inscrit nulle part.
    Chacun a une dette, un objectif, un bilan fait et des notes « équipe » et « soignants ».
    """

    def __init__(self):
        self.programme = p = Programme()
        self.autre_comite = ComiteFactory(dispositif=p.dispositif, membres=[p.coordinateur])
        self.suivis = {}
        for nom in ("Zorglub", "Vandamme", "Quichotte"):
            suivi = p.accompagne(nom)
            DetteLocativeFactory(
                menage=suivi.menage,
                montant=Decimal("875.50"),
                stade_procedure=StadeProcedure.COMMANDEMENT_DE_PAYER,
            )
            ObjectifFactory(accompagnement=suivi, libelle=f"Objectif de {nom}")
            p.bilan_en_retard(
                suivi,
                date_realisation=p.aujourd_hui,
                synthese=f"{SYNTHESE} ({nom})",
                decision=DecisionBilan.POURSUITE,
            )
            for auteur, note, niveau in (
                (p.ts, NOTE_EQUIPE, Confidentialite.EQUIPE),
                (p.infirmier, NOTE_SOIGNANTS, Confidentialite.SOIGNANTS),
            ):
                accompagnement.enregistrer_intervention(
                    auteur,
                    suivi,
                    type=TypeIntervention.VISITE_DOMICILE,
                    note=note,
                    confidentialite=niveau,
                )
            self.suivis[nom] = suivi
        self.seance = p.seance()
        self.point = PointOrdreDuJourFactory(
            seance=self.seance,
            menage=self.suivis["Zorglub"].menage,
            nature=NaturePoint.BILAN_EN_RETARD,
            accompagnement=self.suivis["Zorglub"],
        )
        self.autre_seance = p.seance(comite=self.autre_comite)
        PointOrdreDuJourFactory(
            seance=self.autre_seance,
            menage=self.suivis["Vandamme"].menage,
            nature=NaturePoint.BILAN_EN_RETARD,
            accompagnement=self.suivis["Vandamme"],
        )

    def menage(self, nom):
        return self.suivis[nom].menage

    def url_menage(self, nom):
        return reverse("ecrans:menage", args=[self.menage(nom).public_id])

    def url_accompagnement(self, nom):
        return reverse("accompagnement:detail", args=[self.suivis[nom].public_id])


# --- Membre du COTECH ------------------------------------------------------------------------


def test_le_cotech_voit_dans_la_file_active_les_seuls_menages_de_ses_ordres_du_jour(client):
    situation = Situation()
    client.force_login(situation.programme.cotech)

    reponse = client.get(reverse("ecrans:file_active"))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Zorglub" in contenu
    assert "Vandamme" not in contenu
    assert "Quichotte" not in contenu


def test_le_cotech_ouvre_la_page_des_seuls_menages_de_ses_ordres_du_jour(client):
    situation = Situation()
    client.force_login(situation.programme.cotech)

    assert client.get(situation.url_menage("Zorglub")).status_code == 200
    assert client.get(situation.url_menage("Vandamme")).status_code == 404
    assert client.get(situation.url_menage("Quichotte")).status_code == 404
    assert client.get(situation.url_accompagnement("Vandamme")).status_code == 404
    assert client.get(situation.url_accompagnement("Quichotte")).status_code == 404


def test_un_cotech_d_un_autre_comite_ne_voit_pas_les_menages_de_ce_comite(client):
    situation = Situation()
    autre_cotech = membre(situation.programme.dispositif, Role.MEMBRE_COTECH)
    situation.autre_comite.membres.add(autre_cotech)
    client.force_login(autre_cotech)

    assert client.get(situation.url_menage("Zorglub")).status_code == 404
    assert client.get(situation.url_menage("Vandamme")).status_code == 200
    contenu = texte(client.get(reverse("ecrans:file_active")))
    assert "Vandamme" in contenu
    assert "Zorglub" not in contenu


def test_un_cotech_qui_ne_siege_nulle_part_ne_voit_aucun_menage(client):
    situation = Situation()
    client.force_login(membre(situation.programme.dispositif, Role.MEMBRE_COTECH))

    contenu = texte(client.get(reverse("ecrans:file_active")))
    for nom in ("Zorglub", "Vandamme", "Quichotte"):
        assert nom not in contenu
        assert client.get(situation.url_menage(nom)).status_code == 404


def test_le_cotech_voit_la_dette_la_procedure_et_le_plan_d_un_menage_inscrit(client):
    situation = Situation()
    client.force_login(situation.programme.cotech)

    menage = texte(client.get(situation.url_menage("Zorglub")))
    assert "Dette locative" in menage
    assert "875,50\xa0€" in menage
    assert "Commandement de payer" in menage
    assert f"{SYNTHESE} (Zorglub)" in menage

    suivi = texte(client.get(situation.url_accompagnement("Zorglub")))
    assert "Objectif de Zorglub" in suivi
    assert "Bilan à 3 mois" in suivi


@pytest.mark.parametrize("page", ["url_menage", "url_accompagnement"])
def test_le_cotech_ne_lit_jamais_une_note_d_intervention(client, page):
    situation = Situation()
    client.force_login(situation.programme.cotech)

    reponse = client.get(getattr(situation, page)("Zorglub"))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert NOTE_EQUIPE not in contenu
    assert NOTE_SOIGNANTS not in contenu
    assert "Observance" not in contenu


def test_la_seance_du_cotech_ne_montre_que_ses_menages_et_aucune_note(client):
    situation = Situation()
    client.force_login(situation.programme.cotech)

    reponse = client.get(reverse("comites:seance", args=[situation.seance.public_id]))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Zorglub" in contenu
    assert "Vandamme" not in contenu
    assert "Quichotte" not in contenu
    assert NOTE_EQUIPE not in contenu
    assert NOTE_SOIGNANTS not in contenu
    # La séance d'un comité où il ne siège pas n'existe pas pour lui.
    autre = client.get(reverse("comites:seance", args=[situation.autre_seance.public_id]))
    assert autre.status_code == 404


# --- Membre du COPIL, administrateur technique -----------------------------------------------


def test_le_copil_ne_voit_aucun_menage(client):
    situation = Situation()
    client.force_login(situation.programme.copil)

    assert client.get(reverse("ecrans:file_active")).status_code == 403
    for nom in ("Zorglub", "Vandamme", "Quichotte"):
        assert client.get(situation.url_menage(nom)).status_code == 404
        assert client.get(situation.url_accompagnement(nom)).status_code == 404


def test_le_copil_ne_voit_pas_la_seance_du_cotech(client):
    situation = Situation()
    client.force_login(situation.programme.copil)

    seance = situation.seance
    assert client.get(reverse("comites:seance", args=[seance.public_id])).status_code == 404
    for nom in ("export_csv", "export_xlsx", "compte_rendu"):
        assert client.get(reverse(f"comites:{nom}", args=[seance.public_id])).status_code == 404


def test_le_copil_inscrit_par_erreur_au_cotech_ne_voit_toujours_aucun_menage(client):
    situation = Situation()
    situation.programme.comite.membres.add(situation.programme.copil)
    client.force_login(situation.programme.copil)

    contenu = texte(client.get(reverse("comites:seance", args=[situation.seance.public_id])))
    assert "Zorglub" not in contenu
    assert client.get(situation.url_menage("Zorglub")).status_code == 404
    assert client.get(reverse("ecrans:file_active")).status_code == 403


def test_la_seance_du_copil_ne_nomme_aucun_menage(client):
    situation = Situation()
    p = situation.programme
    seance = p.seance(comite=p.pilotage)
    client.force_login(p.copil)

    reponse = client.get(reverse("comites:seance", args=[seance.public_id]))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "aucun ménage n'y est nommé" in contenu
    for nom in ("Zorglub", "Vandamme", "Quichotte"):
        assert nom not in contenu


def test_la_seance_du_copil_ne_montre_aucune_decision_sur_un_menage(client):
    """Même une décision rattachée par erreur à une séance du COPIL reste hors de sa vue."""
    situation = Situation()
    p = situation.programme
    seance = p.seance(comite=p.pilotage)
    DecisionFactory(
        point__seance=seance,
        point__menage=situation.menage("Zorglub"),
        motifs="Motif nominatif : Mme Zorglub",
    )

    client.force_login(p.copil)
    contenu = texte(client.get(reverse("comites:seance", args=[seance.public_id])))
    assert "Motif nominatif" not in contenu
    assert "aucun ménage n'y est nommé" in contenu
    client.force_login(p.coordinateur)
    assert "Motif nominatif" in texte(
        client.get(reverse("comites:seance", args=[seance.public_id]))
    )


def test_l_administrateur_technique_ne_voit_rien(client):
    situation = Situation()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(reverse("ecrans:file_active")).status_code == 403
    assert client.get(reverse("comites:accueil")).status_code == 403
    assert client.get(reverse("comites:seance", args=[situation.seance.public_id])).status_code == (
        404
    )
    for nom in ("Zorglub", "Vandamme", "Quichotte"):
        assert client.get(situation.url_menage(nom)).status_code == 404


# --- Décisions dans la chronologie du ménage -------------------------------------------------

MOTIF = "Renforcer les visites à domicile ; point avec le CMP."


def situation_decidee():
    situation = Situation()
    services.decider(
        situation.programme.cotech, situation.point, TypeDecision.STRATEGIE, motifs=MOTIF
    )
    return situation


@pytest.mark.parametrize(
    "qui", ["coordinateur", "ts", "infirmier", "psychologue", "agent", "cotech"]
)
def test_la_decision_du_comite_apparait_dans_la_chronologie_du_menage(client, qui):
    situation = situation_decidee()
    client.force_login(getattr(situation.programme, qui))

    reponse = client.get(situation.url_menage("Zorglub"))

    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Décision : Stratégie d'intervention" in contenu
    assert MOTIF in contenu
    assert situation.programme.comite.nom in contenu


def test_l_agent_ne_voit_que_les_decisions_des_menages_qu_il_a_orientes(client):
    situation = situation_decidee()
    p = situation.programme
    autre_agent = membre(p.dispositif, Role.AGENT_BAILLEUR)
    menage = situation.menage("Zorglub")
    # L'autre agent a orienté un autre ménage : celui-ci lui reste fermé, décisions comprises.
    OrientationFactory(menage__dispositif=p.dispositif, orientee_par=autre_agent)
    client.force_login(autre_agent)

    assert client.get(situation.url_menage("Zorglub")).status_code == 404
    assert not decisions_visibles(autre_agent).filter(menage=menage).exists()
    assert decisions_visibles(p.agent).filter(menage=menage).exists()


def test_l_equipe_d_un_autre_menage_ne_voit_pas_la_decision(client):
    situation = situation_decidee()
    p = situation.programme
    ts_ailleurs = membre(p.dispositif, Role.TRAVAILLEUR_SOCIAL)
    accompagnement.modifier_equipe(
        p.coordinateur, situation.suivis["Quichotte"], referent=ts_ailleurs, equipe=[]
    )
    client.force_login(ts_ailleurs)

    assert client.get(situation.url_menage("Zorglub")).status_code == 404
    contenu = texte(client.get(situation.url_menage("Quichotte")))
    assert MOTIF not in contenu
    assert "Stratégie d'intervention" not in contenu


def test_le_cotech_d_un_autre_comite_ne_lit_pas_la_decision():
    situation = situation_decidee()
    autre_cotech = membre(situation.programme.dispositif, Role.MEMBRE_COTECH)
    situation.autre_comite.membres.add(autre_cotech)

    assert not decisions_visibles(autre_cotech).exists()
    assert not decisions_visibles(situation.programme.copil).exists()
    assert not decisions_visibles(UserFactory(is_staff=True, is_superuser=True)).exists()
