"""Toutes les recherches du produit passent par `core.listes.chercher_les_mots` : sans tenir
compte des accents ni de la casse, dans les deux sens, sous PostgreSQL (extension unaccent)
comme sous SQLite. Le filtre ne s'élargit pas pour autant au-delà de ce qui est visible."""

import json

import pytest
from django.urls import reverse

from core.enums import Role
from core.factories import DispositifFactory, MembreFactory, UserFactory
from core.listes import chercher_les_mots
from core.sans_accents import sans_accents
from menages.models import Menage
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
    ],
)
def test_chercher_les_mots_ignore_accents_et_casse(tape, trouve):
    dispositif = DispositifFactory()
    menage = oriente(dispositif, "Ménard", "Hélène")
    Menage.objects.filter(pk=menage.pk).update(reference_locataire="Cœur-12")
    oriente(dispositif, "Martin", "Paul")

    resultat = chercher_les_mots(
        Menage.objects.all(), tape, ("nom", "prenom", "reference_locataire")
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
