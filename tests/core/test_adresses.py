"""`{% adresse %}` donne l'adresse même de `{% url %}`, pour toute ligne, dans toute requête."""

import uuid

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse, set_script_prefix

from core.templatetags.adresses import TEMOIN

# Les liens de lignes que les listes posent (un nom de vue, ce qui précède l'identifiant).
LIENS_DE_LIGNES = [
    ("ecrans:menage", ()),
    ("accompagnement:detail", ()),
    ("accompagnement:corriger_intervention", ()),
    ("accompagnement:annuler_intervention", ()),
    ("comites:decider", ()),
    ("comites:corriger_decision", ()),
    ("comites:seance", ()),
    ("acces:logement_vacant", ()),
    ("equipes:modifier", ("cantal",)),
    ("equipes:terminer", ("bas-rhin",)),
    ("core:reinitialiser_facteur", ("cantal",)),
]


def rendre(source, **contexte):
    return Template("{% load adresses %}" + source).render(Context(contexte))


@pytest.mark.parametrize(("nom", "debut"), LIENS_DE_LIGNES)
def test_la_meme_adresse_que_url_pour_chaque_ligne(nom, debut):
    requete = RequestFactory().get("/")
    lignes = [uuid.uuid4() for _ in range(3)]
    avant = "".join(f"debut.{i} " for i in range(len(debut)))
    source = f"{{% for ligne in lignes %}}{{% adresse nom {avant}ligne %}}|{{% endfor %}}"

    rendu = rendre(source, request=requete, lignes=lignes, nom=nom, debut=debut)

    attendu = "".join(f"{reverse(nom, args=[*debut, ligne])}|" for ligne in lignes)
    assert rendu == attendu
    # Le modèle de l'adresse a été cherché une fois pour la requête, pas une par ligne.
    assert list(requete._modeles_d_adresse) == [(nom, None, *debut)]


def test_chaque_requete_a_ses_modeles_et_le_prefixe_du_site_est_suivi():
    ligne = uuid.uuid4()
    source = "{% adresse 'ecrans:menage' ligne %}"
    set_script_prefix("/suivi/")
    try:
        sous_prefixe = rendre(source, request=RequestFactory().get("/"), ligne=ligne)
    finally:
        set_script_prefix("/")
    a_la_racine = rendre(source, request=RequestFactory().get("/"), ligne=ligne)

    assert sous_prefixe == f"/suivi/menages/{ligne}/"
    assert a_la_racine == f"/menages/{ligne}/"


def test_sans_requete_ou_sans_uuid_c_est_url():
    ligne = uuid.uuid4()
    requete = RequestFactory().get("/")

    assert rendre("{% adresse 'ecrans:menage' ligne %}", ligne=ligne) == f"/menages/{ligne}/"
    # Un dernier argument qui n'est pas un UUID : l'adresse de `reverse`, sans modèle gardé.
    assert rendre("{% adresse 'equipes:membres' 'cantal' %}", request=requete) == reverse(
        "equipes:membres", args=["cantal"]
    )
    assert not getattr(requete, "_modeles_d_adresse", {})


def test_un_nom_inconnu_ou_des_arguments_faux_echouent_comme_url():
    requete = RequestFactory().get("/")
    with pytest.raises(NoReverseMatch):
        rendre("{% adresse 'ecrans:inconnue' ligne %}", request=requete, ligne=uuid.uuid4())
    with pytest.raises(NoReverseMatch):
        rendre("{% adresse 'ecrans:menage' 'cantal' ligne %}", request=requete, ligne=TEMOIN)


def test_dans_une_page_l_application_courante_est_celle_de_url():
    """Rendu par une vue (un `RequestContext`) : l'espace de noms de la page demandée est
    l'application courante, comme pour `{% url %}`."""
    from django.template import RequestContext
    from django.urls import resolve

    ligne = uuid.uuid4()
    requete = RequestFactory().get(f"/menages/{ligne}/")
    requete.resolver_match = resolve(requete.path)
    gabarit = Template(
        "{% load adresses %}{% adresse 'ecrans:menage' ligne %}|{% url 'ecrans:menage' ligne %}"
    )

    adresse, url = gabarit.render(RequestContext(requete, {"ligne": ligne})).split("|")

    assert adresse == url == f"/menages/{ligne}/"
    assert list(requete._modeles_d_adresse) == [("ecrans:menage", "ecrans")]
