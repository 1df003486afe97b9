"""Les listes de choix d'une équipe : chaque personne avec sa profession, et la coordination
n'est pas proposée comme intervenante de terrain."""

import pytest

from accompagnement.forms import InterventionForm, OuvrirAccompagnementForm
from comites import services as comites
from comites.forms import DecisionForm
from core.enums import Role
from core.factories import MembreFactory
from tests.comites.situations import Programme
from tests.outils import texte

from .situations import Equipe, equipe_ouverte

pytestmark = pytest.mark.django_db


def _libelles(champ):
    return [str(libelle) for _, libelle in champ.choices if _ != ""]


def _nom(user):
    return user.get_full_name() or user.email


def test_ouvrir_un_accompagnement_liste_l_equipe_avec_les_professions_sans_la_coordination():
    equipe = Equipe()

    form = OuvrirAccompagnementForm(menage=equipe.menage)

    libelles = _libelles(form.fields["equipe"])
    assert f"{_nom(equipe.infirmier)} · Infirmier·ère" in libelles
    assert f"{_nom(equipe.ts)} · Travailleur·se social·e" in libelles
    assert not any(_nom(equipe.coordinateur) in libelle for libelle in libelles)
    # Le ou la référent·e peut rester la coordination, et sa profession est dite.
    assert f"{_nom(equipe.coordinateur)} · Coordinateur·rice / chargé·e de mission" in _libelles(
        form.fields["referent"]
    )


def test_la_coordination_qui_est_aussi_infirmiere_est_proposee_comme_infirmiere():
    equipe = Equipe()
    MembreFactory(dispositif=equipe.dispositif, user=equipe.coordinateur, role=Role.INFIRMIER)

    form = OuvrirAccompagnementForm(menage=equipe.menage)

    assert f"{_nom(equipe.coordinateur)} · Infirmier·ère" in _libelles(form.fields["equipe"])


def test_la_page_d_ouverture_montre_les_professions(client):
    equipe = Equipe()
    client.force_login(equipe.coordinateur)
    contenu = texte(client.get(f"/menages/{equipe.menage.public_id}/accompagnement/ouvrir/"))
    assert f"{_nom(equipe.infirmier)} · Infirmier·ère" in contenu


def test_les_collegues_presents_a_une_intervention_ont_leur_profession():
    equipe = equipe_ouverte()
    form = InterventionForm(accompagnement=equipe.accompagnement, soignant=False)
    assert f"{_nom(equipe.infirmier)} · Infirmier·ère" in _libelles(form.fields["participants"])


def test_la_decision_de_designer_l_equipe_ne_propose_pas_la_coordination(client):
    programme = Programme()
    orientee = programme.orientation()
    seance = programme.seance()
    comites.construire_ordre_du_jour(programme.coordinateur, seance)
    point = seance.points.get(menage=orientee.menage)

    form = DecisionForm(point=point)
    libelles = _libelles(form.fields["equipe"])
    assert f"{_nom(programme.psychologue)} · Psychologue" in libelles
    assert not any(_nom(programme.coordinateur) in libelle for libelle in libelles)
    assert not any(_nom(programme.agent) in libelle for libelle in libelles)

    # Le formulaire se charge à la demande, depuis le point de la séance.
    client.force_login(programme.coordinateur)
    contenu = texte(
        client.get(f"/comites/points/{point.public_id}/decision/", HTTP_HX_REQUEST="true")
    )
    assert f"{_nom(programme.psychologue)} · Psychologue" in contenu
