"""Toutes les recherches du produit passent par `core.listes.chercher_les_mots` : sans tenir
compte des accents ni de la casse, dans les deux sens, sous PostgreSQL (extension unaccent)
comme sous SQLite. Le filtre ne s'élargit pas pour autant au-delà de ce qui est visible."""

import json

import pytest
from django.db import connection
from django.urls import reverse

from core.enums import Role
from core.factories import DispositifFactory, MembreFactory, UserFactory
from core.listes import chercher_les_mots
from core.sans_accents import sans_accents
from menages.models import CHAMPS_DE_RECHERCHE, Menage
from tests.ecrans.test_file_active import oriente
from tests.outils import noms_affiches

pytestmark = pytest.mark.django_db


def test_sans_accents_retire_les_signes_et_garde_les_lettres():
    assert sans_accents("Éloïse Ménard-Güney") == "Eloise Menard-Guney"
    assert sans_accents("Cœur Æsir Straße") == "Coeur AEsir Strasse"
    assert sans_accents(None) is None


@pytest.mark.parametrize(
    ("tape", "trouve"),
    [
        ("helene", True),
        ("HÉLÈNE", True),
        ("Hélene", True),
        ("hél", True),
        ("hella", False),
        ("ménard", True),
        ("MENARD helene", True),
        ("menard paul", False),
        ("coeur", True),
        ("CŒUR", True),
        # Des mots trop courts pour l'index par trigrammes, seuls ou avec un autre.
        ("hé", True),
        ("12", True),
        ("r-1", True),
        ("12 menard", True),
        ("hé paul", False),
        ("ur-12", True),
        ("œ", True),
    ],
)
@pytest.mark.parametrize("par_trigrammes", [(), CHAMPS_DE_RECHERCHE])
def test_chercher_les_mots_ignore_accents_et_casse(tape, trouve, par_trigrammes):
    dispositif = DispositifFactory()
    menage = oriente(dispositif, "Ménard", "Hélène")
    Menage.objects.filter(pk=menage.pk).update(reference_locataire="Cœur-12")
    # Une référence fixée : celle de la fabrique (LOC000012…) contiendrait peut-être « 12 ».
    autre = oriente(dispositif, "Martin", "Paul")
    Menage.objects.filter(pk=autre.pk).update(reference_locataire="AB-9")

    resultat = chercher_les_mots(
        Menage.objects.all(), tape, CHAMPS_DE_RECHERCHE, par_trigrammes=par_trigrammes
    )

    assert (menage in resultat) is trouve
    assert all(ligne.nom == "Ménard" for ligne in resultat)


def test_la_file_active_trouve_un_nom_tape_sans_accents(client):
    dispositif = DispositifFactory()
    oriente(dispositif, "Lefèvre", "Étienne")
    oriente(dispositif, "Lefebvre", "Paul")
    ailleurs = DispositifFactory()
    oriente(ailleurs, "Lefèvre", "Émile")
    client.force_login(MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user)

    reponse = client.get(reverse("ecrans:file_active"), {"q": "lefevre etienne"})

    assert noms_affiches(reponse) == ["Lefèvre Étienne"]


def test_une_suggestion_de_personne_se_trouve_sans_accents(client):
    dispositif = DispositifFactory()
    chloe = MembreFactory(
        dispositif=dispositif,
        role=Role.TRAVAILLEUR_SOCIAL,
        user=UserFactory(first_name="Chloé", last_name="Bénard"),
    ).user
    client.force_login(MembreFactory(dispositif=dispositif, role=Role.COORDINATEUR).user)

    reponse = client.get(
        reverse("equipes:personnes", args=[dispositif.slug]),
        {
            "liste": "referent",
            "q": "chloe benard",
        },
    )

    assert json.loads(reponse.content)["resultats"] == [
        {"value": str(chloe.pk), "text": "Chloé Bénard"}
    ]


def _plan(queryset):
    sql, parametres = queryset.query.sql_with_params()
    with connection.cursor() as curseur:
        # Sur quelques lignes, PostgreSQL lirait la table : on lui demande s'il *peut* se
        # servir de l'index, c'est-à-dire si l'expression cherchée est bien celle de l'index
        # (ni la table entière, ni un autre index parcouru en entier).
        curseur.execute("SET LOCAL enable_seqscan = off")
        curseur.execute("SET LOCAL enable_indexscan = off")
        curseur.execute(f"EXPLAIN {sql}", parametres)
        return "\n".join(ligne for (ligne,) in curseur.fetchall())


def test_un_mot_de_trois_lettres_cherche_les_menages_par_leur_index(postgresql):
    oriente(DispositifFactory(), "Ménard", "Hélène")

    plan = _plan(
        chercher_les_mots(
            Menage.objects.all(),
            "menard",
            CHAMPS_DE_RECHERCHE,
            par_trigrammes=CHAMPS_DE_RECHERCHE,
        )
    )

    for champ in CHAMPS_DE_RECHERCHE:
        assert f"Bitmap Index Scan on menage_{champ}_trigrammes" in plan


def test_un_mot_trop_court_ou_un_champ_sans_index_garde_unaccent(postgresql):
    # « hé » n'a pas de trigramme : l'index lirait tout ; la fonction immutable, ligne à ligne,
    # coûterait quatre fois `unaccent`.
    court = chercher_les_mots(
        Menage.objects.all(), "hé", CHAMPS_DE_RECHERCHE, par_trigrammes=CHAMPS_DE_RECHERCHE
    )
    sans_index = chercher_les_mots(Menage.objects.all(), "menard", CHAMPS_DE_RECHERCHE)
    for queryset in (court, sans_index):
        sql = str(queryset.query).upper()
        assert "SANS_ACCENTS_IMMUABLE" not in sql
        assert "UNACCENT('UNACCENT'::REGDICTIONARY" in sql


def test_les_index_des_menages_n_ont_pas_de_liste_d_attente(postgresql):
    # Une liste d'attente relue à chaque recherche jusqu'au prochain VACUUM : voir la migration.
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname LIKE 'menage_%_trigrammes'"
        )
        options = dict(curseur.fetchall())
    assert set(options) == {f"menage_{champ}_trigrammes" for champ in CHAMPS_DE_RECHERCHE}
    assert all(valeurs == ["fastupdate=off"] for valeurs in options.values())
