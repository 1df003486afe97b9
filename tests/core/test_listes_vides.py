"""Une liste que les droits laissent vide ne se lit pas : ni requête ni compilation de la
requête (Django compilerait encore ses jointures et ses conditions de droits avant de s'apercevoir
qu'elle ne rend rien), sur l'accueil des rôles qui n'ont ni bilans ni relais à faire et sur les
archives vides d'une séance."""

import pytest
from django.db.models.sql.compiler import SQLCompiler
from django.urls import reverse

from acces.models import EtapeRelais
from accompagnement import selectors as selectors_accompagnement
from accompagnement.factories import BilanFactory
from accompagnement.models import Bilan
from comites.models import Decision
from core.factories import DispositifFactory
from core.listes import les_premieres, lire, premiers
from tests.comites.situations import Programme
from tests.comites.test_pages import seance_de

pytestmark = pytest.mark.django_db


@pytest.fixture
def compilees(monkeypatch):
    """Les modèles des requêtes que Django compile (la vraie compilation, observée)."""
    modeles = []
    compiler = SQLCompiler.as_sql

    def as_sql(self, *args, **kwargs):
        modeles.append(self.query.model)
        return compiler(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", as_sql)
    return modeles


def test_une_liste_sans_droit_ne_se_compile_pas(compilees, django_assert_num_queries):
    programme = Programme()
    BilanFactory(accompagnement__menage__dispositif=programme.dispositif)
    echeances = selectors_accompagnement.echeances(programme.cotech)
    compilees.clear()

    with django_assert_num_queries(0):
        assert lire(echeances) == []
        assert les_premieres(echeances, 30) == []
        assert premiers(echeances, 30) == ([], False)

    assert compilees == []


def test_une_liste_permise_rend_ses_premieres_lignes_dans_l_ordre():
    programme = Programme()
    for _ in range(3):
        BilanFactory(accompagnement__menage__dispositif=programme.dispositif)
    bilans = Bilan.objects.order_by("date_prevue", "pk")
    ordre = list(bilans)

    assert lire(bilans) == ordre
    assert les_premieres(bilans, 2) == ordre[:2]
    assert premiers(bilans, 2) == (ordre[:2], True)
    assert premiers(bilans, 3) == (ordre, False)


@pytest.mark.parametrize("role", ["cotech", "copil", "infirmier", "psychologue"])
def test_l_accueil_ne_compile_ni_les_bilans_ni_le_relais_qu_il_ne_peut_montrer(
    client, compilees, role
):
    """Dans un programme qui offre le parcours accès (sans quoi le relais n'est pas lu)."""
    programme = Programme(dispositif=DispositifFactory(acces=True))
    client.force_login(getattr(programme, role))

    reponse = client.get(reverse("ecrans:accueil"))

    assert reponse.status_code == 200
    assert EtapeRelais not in compilees
    if role in ("cotech", "copil"):
        assert Bilan not in compilees


def test_les_archives_vides_d_une_seance_ne_se_lisent_pas(client, compilees):
    """La coordination voit tous les ménages de l'ordre du jour : aucune décision aux archives.
    Les décisions se lisent sur leurs points, les archives ne se comptent qu'une fois."""
    programme = Programme()
    seance = seance_de(programme, 4)
    client.force_login(programme.coordinateur)

    reponse = client.get(reverse("comites:seance", args=[seance.public_id]))

    assert reponse.status_code == 200
    assert compilees.count(Decision) == 2
