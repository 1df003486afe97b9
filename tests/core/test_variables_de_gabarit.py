"""Les tests refusent qu'un gabarit du produit affiche une variable absente de son contexte ; les
gabarits des bibliothèques (admin, crispy-forms) gardent le rendu de la production."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.template import Context, engines
from django.template.base import Origin, Template
from django.urls import reverse

from logisens_suivi.settings_test import VariableDeGabaritInconnue


def gabarit(code, dossier):
    moteur = engines["django"].engine
    return Template(code, origin=Origin(str(Path(dossier) / "essai.html")), engine=moteur)


def du_produit(code):
    return gabarit(code, settings.BASE_DIR / "templates" / "core")


def d_une_bibliotheque(code):
    return gabarit(code, Path(pytest.__file__).parent / "templates")


class SansCloture:
    """Un objet dont la relation manque, comme `accompagnement.cloture` avant la clôture."""

    @property
    def cloture(self):
        raise ObjectDoesNotExist


def rendu(modele, **contexte):
    return modele.render(Context(contexte))


def test_une_variable_absente_d_un_gabarit_du_produit_fait_echouer_le_test():
    with pytest.raises(VariableDeGabaritInconnue, match="absente"):
        rendu(du_produit("<p>{{ absente }}</p>"))
    with pytest.raises(VariableDeGabaritInconnue, match="menage.nom"):
        rendu(du_produit("{{ menage.nom|upper }}"))
    with pytest.raises(VariableDeGabaritInconnue):
        rendu(du_produit("{% url 'menages:menage' absente %}"))


def test_un_gabarit_du_produit_dit_explicitement_ce_qui_peut_manquer():
    assert rendu(du_produit("{% if absente %}oui{% else %}non{% endif %}")) == "non"
    assert rendu(du_produit("{{ absente|default:'—' }}")) == "—"
    assert rendu(du_produit("{% firstof absente 'aucun' %}")) == "aucun"
    assert rendu(du_produit("{% for x in absente %}{{ x }}{% empty %}vide{% endfor %}")) == "vide"
    assert rendu(du_produit("[{{ present }}]"), present="ici") == "[ici]"


def test_une_relation_absente_reste_vide_et_fausse_comme_en_production():
    modele = du_produit(
        "[{{ objet.cloture }}]{% if objet.cloture %}close{% else %}ouverte{% endif %}"
    )
    assert rendu(modele, objet=SansCloture()) == "[]ouverte"


def test_les_gabarits_des_bibliotheques_gardent_le_rendu_de_la_production():
    modele = d_une_bibliotheque("[{{ absente }}][{{ absente|default:'d' }}][{{ absente|length }}]")
    assert rendu(modele) == "[][d][0]"
    assert engines["django"].from_string("[{{ absente }}]").render({}) == "[]"


@pytest.mark.django_db
def test_l_administration_s_affiche(admin_client):
    assert admin_client.get(reverse("admin:index")).status_code == 200
    assert admin_client.get(reverse("admin:core_user_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:core_user_add")).status_code == 200
