"""Une personne membre de plusieurs dispositifs : chaque ligne de ses listes sous son dispositif,
chacune selon sa propre adhésion."""

import pytest
from django.urls import reverse

from accompagnement import services
from core.enums import Role
from core.factories import MembreFactory
from menages.factories import MenageFactory
from menages.selectors import menages_visibles
from tests.accompagnement.situations import Equipe
from tests.outils import texte

pytestmark = pytest.mark.django_db


def psychologue_dans_deux_programmes():
    premier = Equipe(nom="Aubriot")
    second = Equipe(nom="Berthelot", reference="BER-1")
    psy = MembreFactory(dispositif=premier.dispositif, role=Role.PSYCHOLOGUE).user
    MembreFactory(user=psy, dispositif=second.dispositif, role=Role.PSYCHOLOGUE)
    for equipe in (premier, second):
        equipe.ouvrir()
        services.modifier_equipe(
            equipe.coordinateur, equipe.accompagnement, referent=equipe.ts, equipe=[psy]
        )
    return psy, premier, second


def test_l_accueil_range_chaque_menage_sous_son_dispositif(client):
    psy, premier, second = psychologue_dans_deux_programmes()
    client.force_login(psy)
    contenu = texte(client.get(reverse("ecrans:accueil")))
    mes_menages = contenu.split('id="titre-mes-menages"')[1].split("</section>")[0]
    for equipe in (premier, second):
        entete = f'data-dispositif="{equipe.dispositif.slug}">{equipe.dispositif.nom}</h3>'
        assert entete in mes_menages
        bloc = mes_menages.split(entete)[1].split("</div>")[0]
        assert equipe.menage.nom in bloc


def test_la_file_active_nomme_le_dispositif_de_chaque_ligne(client):
    psy, premier, second = psychologue_dans_deux_programmes()
    client.force_login(psy)
    contenu = texte(client.get(reverse("ecrans:file_active")))
    for equipe in (premier, second):
        ligne = contenu.split(f"{equipe.menage.nom} Hortense</a>")[1].split("</div>")[0]
        assert equipe.dispositif.slug in ligne


def test_chaque_dispositif_selon_sa_propre_adhesion():
    psy, premier, second = psychologue_dans_deux_programmes()
    hors_equipe_premier = MenageFactory(dispositif=premier.dispositif)
    hors_equipe_second = MenageFactory(dispositif=second.dispositif)
    # Coordinatrice dans le second programme, psychologue dans le premier.
    MembreFactory(user=psy, dispositif=second.dispositif, role=Role.COORDINATEUR)
    psy._adhesions_actives = None
    visibles = set(menages_visibles(psy))
    assert {premier.menage, second.menage, hors_equipe_second} <= visibles
    assert hors_equipe_premier not in visibles
