"""Le référent du bailleur nommé dans l'équipe d'un ménage (parcours accès, DESIGN.md §3 fin) :
il a, sur CE ménage, les droits d'un membre de l'équipe (plan, notes « équipe », bilans),
jamais les notes « soignants » ; sur les autres ménages, rien de plus qu'avant."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accompagnement import selectors, services
from accompagnement.enums import Axe, Confidentialite, TypeIntervention
from accompagnement.factories import InterventionFactory, ObjectifFactory
from core import permissions
from core.enums import Profession, Role
from core.factories import DispositifFactory, MembreFactory
from core.permissions import Donnee
from menages import selectors as selectors_menages
from menages.factories import DetteLocativeFactory, MenageFactory
from tests.outils import texte

pytestmark = pytest.mark.django_db


@pytest.fixture
def equipe():
    dispositif = DispositifFactory()
    coordinateur = MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user
    ts = MembreFactory(dispositif=dispositif, role=Role.TRAVAILLEUR_SOCIAL).user
    infirmiere = MembreFactory(dispositif=dispositif, role=Role.INFIRMIER).user
    agent = MembreFactory(dispositif=dispositif, role=Role.AGENT_BAILLEUR).user
    menage = MenageFactory(dispositif=dispositif, nom="Mélisse")
    autre = MenageFactory(dispositif=dispositif, nom="Tilleul")
    suivi = services.ouvrir_accompagnement(
        coordinateur, menage, referent=ts, equipe=[infirmiere, agent]
    )
    autre_suivi = services.ouvrir_accompagnement(coordinateur, autre, referent=ts)
    notes = {
        niveau: InterventionFactory(
            accompagnement=suivi,
            auteur=infirmiere if niveau == Confidentialite.SOIGNANTS else ts,
            profession_auteur=Profession.INFIRMIER
            if niveau == Confidentialite.SOIGNANTS
            else Profession.TRAVAILLEUR_SOCIAL,
            confidentialite=niveau,
            note=f"Note {niveau.value}",
        )
        for niveau in Confidentialite
    }
    ObjectifFactory(accompagnement=suivi, libelle="Trouver un médecin traitant")
    ObjectifFactory(accompagnement=autre_suivi, libelle="Objectif d'un autre ménage")
    DetteLocativeFactory(menage=menage)
    return dispositif, agent, suivi, autre_suivi, notes


def test_l_agent_de_l_equipe_lit_le_plan_et_les_notes_equipe(equipe):
    _, agent, suivi, autre_suivi, notes = equipe
    assert set(selectors.objectifs_visibles(agent)) == set(suivi.objectifs.all())
    lues = set(selectors.interventions_visibles(agent))
    assert notes[Confidentialite.EQUIPE] in lues
    assert notes[Confidentialite.SOIGNANTS] not in lues
    assert notes[Confidentialite.PERSONNELLE] not in lues
    assert selectors.bilans_visibles(agent).filter(accompagnement=suivi).exists()
    assert not selectors.bilans_visibles(agent).filter(accompagnement=autre_suivi).exists()
    assert selectors_menages.dettes_du_menage(agent, suivi.menage) is not None


def test_l_agent_de_l_equipe_ne_voit_pas_les_autres_menages(equipe):
    _, agent, _, autre_suivi, _ = equipe
    assert autre_suivi.menage not in selectors_menages.menages_visibles(agent)
    assert not permissions.peut_voir_ligne(
        agent, Donnee.PLAN, autre_suivi, selectors.CHEMINS_ACCOMPAGNEMENT
    )


def test_l_agent_hors_de_l_equipe_ne_lit_ni_plan_ni_notes(equipe):
    dispositif, _, suivi, _, _ = equipe
    agent = MembreFactory(dispositif=dispositif, role=Role.AGENT_BAILLEUR).user
    assert not selectors.objectifs_visibles(agent).exists()
    assert not selectors.interventions_visibles(agent).exists()
    assert suivi.menage not in selectors_menages.menages_visibles(agent)


def test_l_agent_de_l_equipe_ecrit_une_intervention_et_un_objectif(equipe):
    _, agent, suivi, _, _ = equipe
    intervention = services.enregistrer_intervention(
        agent, suivi, type=TypeIntervention.VISITE_DOMICILE, note="Visite du logement"
    )
    assert intervention.profession_auteur == Profession.AGENT_BAILLEUR
    services.ajouter_objectif(agent, suivi, axe=Axe.LOGEMENT, libelle="Entretien du logement")
    with pytest.raises(ValidationError):
        services.enregistrer_intervention(
            agent,
            suivi,
            type=TypeIntervention.VISITE_DOMICILE,
            note="Note de santé",
            confidentialite=Confidentialite.SOIGNANTS,
        )


def test_l_agent_de_l_equipe_ne_clot_pas_et_n_ecrit_pas_ailleurs(equipe):
    _, agent, suivi, autre_suivi, _ = equipe
    assert not services.peut_clore(agent, suivi)
    with pytest.raises(PermissionDenied):
        services.enregistrer_intervention(
            agent, autre_suivi, type=TypeIntervention.VISITE_DOMICILE, note="Ailleurs"
        )


def test_l_agent_ne_peut_pas_etre_referent(equipe):
    dispositif, agent, suivi, _, _ = equipe
    coordinateur = MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user
    with pytest.raises(ValidationError, match="référent"):
        services.modifier_equipe(coordinateur, suivi, referent=agent, equipe=[])


def test_la_page_de_l_accompagnement_pour_l_agent_de_l_equipe(client, equipe):
    _, agent, suivi, _, _ = equipe
    client.force_login(agent)
    page = texte(client.get(reverse("accompagnement:detail", args=[suivi.public_id])))
    assert "Trouver un médecin traitant" in page
    assert "Note equipe" in page
    assert "Note soignants" not in page
    assert "Note personnelle" not in page
