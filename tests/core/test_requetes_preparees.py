"""Les requêtes préparées : le même SQL et les mêmes lignes que l'ORM, compilées une fois.

Les adhésions d'une personne (`core.permissions._adhesions`), lues à chaque page, passent par
une `RequetePreparee` : chaque situation d'une adhésion (en cours, terminée, finissant demain,
à confirmer, inactive, habilitation nationale) rend ce que l'ORM rend, le jour compris.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core import permissions
from core.enums import Role
from core.factories import (
    DispositifFactory,
    HabilitationNationaleFactory,
    MembreFactory,
    TerritoireFactory,
    UserFactory,
)
from core.models import Membre
from core.requetes_preparees import RequetePreparee

pytestmark = pytest.mark.django_db

AUJOURD_HUI = timezone.localdate()
DEMAIN = AUJOURD_HUI + timedelta(days=1)


@pytest.fixture
def comptes():
    """Des comptes dans chaque situation qu'une adhésion peut connaître."""
    un, deux = DispositifFactory(), DispositifFactory()
    territoire = TerritoireFactory(dispositif=un)
    plusieurs = UserFactory()
    MembreFactory(user=plusieurs, dispositif=un, role=Role.COORDINATEUR)
    MembreFactory(user=plusieurs, dispositif=un, role=Role.INFIRMIER, territoire=territoire)
    MembreFactory(user=plusieurs, dispositif=deux, role=Role.AGENT_BAILLEUR)
    finit_demain = UserFactory()
    MembreFactory(user=finit_demain, dispositif=un, date_fin=DEMAIN)
    finie = UserFactory()
    MembreFactory(user=finie, dispositif=un, date_fin=AUJOURD_HUI)
    a_confirmer = UserFactory()
    MembreFactory(user=a_confirmer, dispositif=un, a_confirmer=True)
    inactive = UserFactory()
    MembreFactory(user=inactive, dispositif=deux, actif=False)
    financeur = UserFactory()
    HabilitationNationaleFactory(user=financeur)
    MembreFactory(user=financeur, dispositif=deux, role=Role.EVALUATEUR)
    return {
        "plusieurs": plusieurs,
        "finit_demain": finit_demain,
        "finie": finie,
        "a_confirmer": a_confirmer,
        "inactive": inactive,
        "financeur": financeur,
        "sans_adhesion": UserFactory(),
    }


def _selon_l_orm(user, jour):
    return sorted(map(tuple, permissions._adhesions_et_habilitation(user.pk, jour)), key=repr)


def _preparees(user, jour):
    return sorted(permissions._ADHESIONS.lignes(user_id=user.pk, jour=jour), key=repr)


@pytest.mark.parametrize(
    "jour", [AUJOURD_HUI, DEMAIN, DEMAIN + timedelta(days=1), date(2020, 1, 1)]
)
def test_les_lignes_sont_celles_de_l_orm_pour_chaque_situation_et_chaque_jour(comptes, jour):
    for nom, user in comptes.items():
        assert _preparees(user, jour) == _selon_l_orm(user, jour), nom


def test_le_jour_est_un_parametre_pas_celui_de_la_premiere_compilation(comptes):
    user = comptes["finit_demain"]
    assert len(_preparees(user, AUJOURD_HUI)) == 1
    # Compilée au premier appel : le jour suivant lit encore la base avec son propre jour.
    assert _preparees(user, DEMAIN) == []
    assert len(_preparees(user, AUJOURD_HUI)) == 1


def test_les_droits_d_une_personne_suivent_ses_adhesions(comptes):
    plusieurs = comptes["plusieurs"]
    droits = permissions._adhesions(plusieurs)
    assert {role for roles in droits.values() for role in roles} == {
        Role.COORDINATEUR,
        Role.INFIRMIER,
        Role.AGENT_BAILLEUR,
    }
    financeur = comptes["financeur"]
    permissions._adhesions(financeur)
    assert financeur._habilite_national is True
    for nom in ("finie", "a_confirmer", "inactive", "sans_adhesion"):
        assert permissions._adhesions(comptes[nom]) == {}, nom


def test_une_requete_journalisee_du_meme_sql_que_l_orm(comptes):
    user = comptes["plusieurs"]
    permissions._ADHESIONS.lignes(user_id=user.pk, jour=AUJOURD_HUI)
    with CaptureQueriesContext(connection) as orm:
        list(permissions._adhesions_et_habilitation(user.pk, AUJOURD_HUI))
    with CaptureQueriesContext(connection) as preparee:
        permissions._ADHESIONS.lignes(user_id=user.pk, jour=AUJOURD_HUI)
    assert len(preparee.captured_queries) == 1
    assert preparee.captured_queries[0]["sql"] == orm.captured_queries[0]["sql"]


def test_un_compte_d_administration_ne_lit_rien(comptes, django_assert_num_queries):
    admin = UserFactory(is_staff=True)
    Membre.objects.create(user=admin, dispositif=DispositifFactory(), role=Role.COORDINATEUR)
    with django_assert_num_queries(0):
        assert permissions._adhesions(admin) == {}


def test_la_base_est_celle_que_le_routeur_choisit(comptes, settings):
    choisies = []

    class Routeur:
        def db_for_read(self, model, **hints):
            choisies.append(model)
            return "default"

    settings.DATABASE_ROUTERS = [Routeur()]
    permissions._ADHESIONS.lignes(user_id=comptes["plusieurs"].pk, jour=AUJOURD_HUI)
    assert choisies == [Membre]


def test_un_temoin_que_la_requete_ne_porte_pas_est_refuse():
    preparee = RequetePreparee(
        lambda user_id, jour: Membre.objects.filter(user_id=user_id).values_list("role"),
        user_id=-424_242_421,
        jour=date(1901, 2, 3),
    )
    with pytest.raises(ImproperlyConfigured, match="jour"):
        preparee.lignes(user_id=1, jour=AUJOURD_HUI)


def test_seule_une_lecture_de_tuples_se_prepare():
    preparee = RequetePreparee(lambda user_id: Membre.objects.filter(user_id=user_id), user_id=-7)
    with pytest.raises(ImproperlyConfigured, match="values_list"):
        preparee.lignes(user_id=1)
    plate = RequetePreparee(
        lambda user_id: Membre.objects.filter(user_id=user_id).values_list("role", flat=True),
        user_id=-7,
    )
    with pytest.raises(ImproperlyConfigured):
        plate.lignes(user_id=1)


def test_les_valeurs_sont_celles_des_temoins():
    with pytest.raises(TypeError):
        permissions._ADHESIONS.lignes(user_id=1)
    with pytest.raises(TypeError):
        permissions._ADHESIONS.lignes(user_id=1, jour=AUJOURD_HUI, autre=2)
    # Du type de son témoin : le SQL compilé n'a pas la forme d'un `None` ni d'une date-heure.
    with pytest.raises(TypeError, match="jour"):
        permissions._ADHESIONS.lignes(user_id=1, jour=None)
    with pytest.raises(TypeError, match="jour"):
        permissions._ADHESIONS.lignes(user_id=1, jour=timezone.now())
    with pytest.raises(TypeError, match="user_id"):
        permissions._ADHESIONS.lignes(user_id="1", jour=AUJOURD_HUI)


def test_les_valeurs_lues_sont_converties_comme_par_l_orm(comptes):
    """Les dates et les booléens passent par les conversions du compilateur (SQLite les rend
    en texte et en entiers)."""
    user = comptes["finit_demain"]
    preparee = RequetePreparee(
        lambda user_id: Membre.objects.filter(user_id=user_id).values_list(
            "date_fin", "actif", "public_id"
        ),
        user_id=-7,
    )
    assert preparee.lignes(user_id=user.pk) == list(
        Membre.objects.filter(user=user).values_list("date_fin", "actif", "public_id")
    )
    date_fin, actif, _ = preparee.lignes(user_id=user.pk)[0]
    assert date_fin == DEMAIN and actif is True
