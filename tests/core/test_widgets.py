"""Le `<select>` écrit en Python rend le même HTML que celui de Django, textes échappés."""

import re

import django_filters
import pytest
from django import forms

from core import widgets as core_widgets
from core.factories import UserFactory
from core.listes import FiltresDeListe
from core.models import User
from core.selects import CSVSelectRapide, SelectRapide, listes_rapides
from core.widgets import SelectOuRecherche

CHOIX = [
    ("", "Tous"),
    (1, 'Dupont « l\'aîné » <script>alert("x")</script>'),
    (2, "Martin & fils"),
    ("Groupe <b>", [("a", "Premier"), ("b", "Second")]),
]


def normalise(html):
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize("valeur", [None, "", 1, "2", "b", "inconnue"])
@pytest.mark.parametrize(
    "attrs", [{}, {"class": "form-select", "id": "id_x", "required": True, "disabled": False}]
)
def test_meme_html_que_le_select_de_django(valeur, attrs):
    django = forms.Select(choices=CHOIX).render("x", valeur, attrs=attrs)
    rapide = SelectRapide(choices=CHOIX).render("x", valeur, attrs=attrs)
    assert normalise(rapide) == normalise(django)
    assert "<script>" not in rapide


def test_un_formulaire_garde_ses_attributs_et_ses_choix():
    class Formulaire(forms.Form):
        quoi = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
        texte = forms.CharField()

    formulaire = Formulaire(data={"quoi": "b"})
    formulaire.fields["quoi"].widget.attrs["class"] = "form-select"
    avant = str(formulaire["quoi"])

    listes_rapides(formulaire)

    assert isinstance(formulaire.fields["quoi"].widget, SelectRapide)
    assert not isinstance(formulaire.fields["texte"].widget, SelectRapide)
    assert normalise(formulaire["quoi"]) == normalise(avant)
    assert 'value="b" selected' in str(formulaire["quoi"])


@pytest.mark.parametrize("valeur", [None, "", ["nom"], ["-date"], ["nom", "-date"]])
def test_la_liste_d_un_tri_rend_le_meme_html_que_celle_de_django_filters(valeur):
    choix = [("", "Par défaut"), ("nom", "Nom"), ("-date", "Date <récente>")]
    attrs = {"class": "form-select form-select-sm", "id": "id_tri"}
    # La liste que django-filters fait d'elle-même pour un tri (un `CSVSelect`).
    csv_select = type(django_filters.OrderingFilter(fields=["nom"]).field.widget)
    assert csv_select.__name__ == "CSVSelect"
    django = csv_select(choices=choix).render("tri", valeur, attrs=attrs)
    rapide = CSVSelectRapide(choices=choix).render("tri", valeur, attrs=attrs)
    assert normalise(rapide) == normalise(django)
    # Deux valeurs à la fois ne tiennent pas dans une liste : une saisie les garde.
    assert ("<select" in rapide) == (not valeur or len(valeur) < 2)
    donnees = {"tri": "nom,-date"}
    assert CSVSelectRapide().value_from_datadict(donnees, {}, "tri") == ["nom", "-date"]


def test_le_tri_de_django_filters_garde_la_liste_ecrite_sans_gabarit():
    tri = django_filters.OrderingFilter(fields=["nom"], widget=CSVSelectRapide)
    assert type(tri.field.widget) is CSVSelectRapide


def _champ_des_personnes():
    champ = forms.ModelChoiceField(
        queryset=User.objects.order_by("last_name", "pk"), empty_label="Tout le monde"
    )
    champ.widget = SelectOuRecherche("/recherche/", attrs={"class": "form-select"})
    champ.widget.choices = champ.choices
    return champ


@pytest.mark.django_db
def test_une_liste_courte_se_montre_entiere_avec_le_html_du_select_de_django():
    personnes = [UserFactory(last_name=nom) for nom in ("Martin & fils", "<b>Durand</b>")]
    champ = _champ_des_personnes()
    rendu = champ.widget.render("p", personnes[1].pk, attrs={"id": "id_p"})
    django = forms.Select(choices=list(champ.choices), attrs={"class": "form-select"})
    assert normalise(rendu) == normalise(django.render("p", personnes[1].pk, {"id": "id_p"}))
    assert f'value="{personnes[1].pk}" selected' in rendu
    assert "data-recherche" not in rendu
    assert "<b>" not in rendu


@pytest.mark.django_db
def test_une_liste_longue_ne_porte_que_l_option_choisie_et_sa_recherche(monkeypatch):
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", 1)
    choisie, autre = UserFactory(last_name="Choisie"), UserFactory(last_name="Autre")
    champ = _champ_des_personnes()
    rendu = champ.widget.render("p", choisie.pk, attrs={"id": "id_p"})
    assert 'data-recherche="/recherche/"' in rendu
    assert f'value="{choisie.pk}" selected' in rendu
    assert f'value="{autre.pk}"' not in rendu
    assert '<option value="">Tout le monde</option>' in rendu
    assert core_widgets.SANS_JAVASCRIPT in rendu
    # Le widget rend la liste suivante à neuf (il ne garde pas les options de ce rendu).
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", 60)
    assert f'value="{autre.pk}"' in champ.widget.render("p", None)


@pytest.mark.django_db
def test_une_liste_sue_longue_se_cherche_sans_etre_lue(django_assert_num_queries):
    """`longue` : le formulaire sait déjà la liste trop longue ; le rendu ne lit que l'option
    choisie (aucune requête sans valeur), comme une liste trouvée longue au rendu."""
    choisie, autre = UserFactory(last_name="Choisie"), UserFactory(last_name="Autre")
    champ = _champ_des_personnes()
    champ.widget.longue = True
    with django_assert_num_queries(0):
        vide = champ.widget.render("p", None, attrs={"id": "id_p"})
    assert 'data-recherche="/recherche/"' in vide
    assert f'value="{autre.pk}"' not in vide
    with django_assert_num_queries(1):
        rendu = champ.widget.render("p", choisie.pk, attrs={"id": "id_p"})
    assert f'value="{choisie.pk}" selected' in rendu
    assert f'value="{autre.pk}"' not in rendu
    assert core_widgets.SANS_JAVASCRIPT in rendu


def _champ_qui_retient(memoire):
    champ = _champ_des_personnes()
    champ.widget = SelectOuRecherche("/recherche/", memoire=memoire)
    champ.widget.choices = champ.choices
    return champ


@pytest.mark.django_db
def test_une_liste_trouvee_longue_ne_se_relit_pas_un_moment(monkeypatch, django_assert_num_queries):
    """Une liste qui a une clé (`memoire`) et qu'un rendu vient de trouver trop longue se
    cherche aux rendus suivants sans être relue, sous cette clé seulement, jusqu'à
    `DUREE_D_UNE_LISTE_LONGUE` ; une liste sans clé se relit à chaque rendu."""
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", 1)
    autre = UserFactory(last_name="Autre")
    UserFactory(last_name="Bis")
    with django_assert_num_queries(1):
        assert "data-recherche" in _champ_qui_retient(("equipe", 1)).widget.render("p", None)
    with django_assert_num_queries(0):
        rendu = _champ_qui_retient(("equipe", 1)).widget.render("p", None)
    assert "data-recherche" in rendu
    assert f'value="{autre.pk}"' not in rendu
    # Une autre clé (un autre dispositif), ou pas de clé : lue.
    with django_assert_num_queries(1):
        _champ_qui_retient(("equipe", 2)).widget.render("p", None)
    for sans_cle in (None, (), None, ()):
        with django_assert_num_queries(1):
            _champ_qui_retient(sans_cle).widget.render("p", None)
    # Le moment passé, la liste se relit.
    instant = core_widgets.time.monotonic()
    monkeypatch.setattr(
        core_widgets.time,
        "monotonic",
        lambda: instant + core_widgets.DUREE_D_UNE_LISTE_LONGUE + 1,
    )
    with django_assert_num_queries(1):
        _champ_qui_retient(("equipe", 1)).widget.render("p", None)


@pytest.mark.django_db
def test_une_liste_courte_se_relit_et_se_montre_a_chaque_rendu(django_assert_num_queries):
    """Seul le verdict « trop longue » se garde : une liste courte se relit à chaque rendu et
    montre ses lignes du moment (une personne ajoutée y paraît aussitôt)."""
    UserFactory(last_name="Première")
    with django_assert_num_queries(1):
        _champ_qui_retient(("equipe", 1)).widget.render("p", None)
    nouvelle = UserFactory(last_name="Nouvelle")
    with django_assert_num_queries(1):
        rendu = _champ_qui_retient(("equipe", 1)).widget.render("p", None)
    assert f'value="{nouvelle.pk}"' in rendu
    assert "data-recherche" not in rendu


@pytest.mark.django_db
def test_le_verdict_depend_du_seuil(monkeypatch, django_assert_num_queries):
    """Trouvée longue à un seuil, la liste se relit à un autre : le seuil fait partie de la
    clé."""
    UserFactory(last_name="Une")
    UserFactory(last_name="Deux")
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", 1)
    _champ_qui_retient(("equipe", 1)).widget.render("p", None)
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", 60)
    with django_assert_num_queries(1):
        rendu = _champ_qui_retient(("equipe", 1)).widget.render("p", None)
    assert "data-recherche" not in rendu


@pytest.mark.django_db
def test_une_liste_sue_longue_qui_a_raccourci_se_cherche_et_valide_toujours(
    monkeypatch, django_assert_num_queries
):
    """Une liste sue longue qui a raccourci entre-temps se cherche encore un moment, sans rien
    fausser : la valeur reçue se vérifie contre la liste du moment (une personne sortie de la
    liste est refusée, une autre acceptée), et seule l'option choisie se rend."""
    monkeypatch.setattr(core_widgets, "LISTE_ENTIERE_JUSQU_A", 1)
    restante, sortie = UserFactory(last_name="Restante"), UserFactory(last_name="Sortie")
    _champ_qui_retient(("equipe", 1)).widget.render("p", None)
    # Il ne reste qu'une personne : la liste tiendrait entière.
    sortie.delete()

    class Formulaire(forms.Form):
        p = forms.ModelChoiceField(queryset=User.objects.order_by("last_name", "pk"))

    formulaire = Formulaire(data={"p": str(restante.pk)})
    formulaire.fields["p"].widget = SelectOuRecherche("/recherche/", memoire=("equipe", 1))
    formulaire.fields["p"].widget.choices = formulaire.fields["p"].choices
    assert formulaire.is_valid()
    # La seule option choisie (ce champ-ci ne retient pas ce qu'il a validé).
    with django_assert_num_queries(1):
        rendu = str(formulaire["p"])
    assert "data-recherche" in rendu
    assert f'value="{restante.pk}" selected' in rendu
    refuse = Formulaire(data={"p": str(sortie.pk)})
    assert not refuse.is_valid()


def test_une_barre_de_filtres_ecrit_ses_listes_sans_gabarit():
    class Filtres(FiltresDeListe):
        etat = django_filters.ChoiceFilter(choices=[("a", "A"), ("b", "B")], empty_label="Tous")
        q = django_filters.CharFilter()

    filtres = Filtres({"etat": "b"}, queryset=User.objects.none())

    assert type(filtres.form.fields["etat"].widget) is SelectRapide
    assert 'class="form-select form-select-sm"' in str(filtres.form["etat"])
    assert 'value="b" selected' in str(filtres.form["etat"])
    assert not isinstance(filtres.form.fields["q"].widget, SelectRapide)


def _formulaire_des_personnes():
    """Un formulaire du projet dont les listes de personnes se cherchent : le choix simple se
    sait long (`longue`), le choix multiple ne rend que ses options choisies."""
    from core.forms import ChoixModele, ChoixModeles
    from core.widgets import SelectMultipleParRecherche

    cherchee = SelectOuRecherche("/recherche/")
    cherchee.longue = True

    class Formulaire(forms.Form):
        personne = ChoixModele(
            queryset=User.objects.order_by("last_name", "pk"), required=False, widget=cherchee
        )
        personnes = ChoixModeles(
            queryset=User.objects.order_by("last_name", "pk"),
            required=False,
            widget=SelectMultipleParRecherche("/recherche/"),
        )

    return Formulaire


@pytest.mark.django_db
def test_une_option_choisie_que_le_champ_a_validee_ne_se_relit_pas(django_assert_num_queries):
    """Le champ a lu la personne choisie en validant (par son queryset, donc selon les droits) :
    la liste qui se cherche la rend sans la relire ; une valeur refusée, ou un formulaire non
    validé, se lit comme avant."""
    choisie, autre = UserFactory(last_name="Choisie"), UserFactory(last_name="Autre")
    Formulaire = _formulaire_des_personnes()

    formulaire = Formulaire(data={"personne": str(choisie.pk)})
    with django_assert_num_queries(1):
        assert formulaire.is_valid()
    with django_assert_num_queries(0):
        rendu = str(formulaire["personne"])
    assert f'<option value="{choisie.pk}" selected>{choisie}</option>' in rendu
    assert f'value="{autre.pk}"' not in rendu

    # Non validé : la personne choisie se lit au rendu.
    non_valide = Formulaire(data={"personne": str(choisie.pk)})
    with django_assert_num_queries(1):
        assert str(non_valide["personne"]) == rendu

    # Refusée (aucune personne n'a cette clé) : rien n'est retenu, le rendu relit et ne montre
    # aucune option choisie.
    refusee = Formulaire(data={"personne": str(autre.pk + 1000)})
    assert not refusee.is_valid()
    assert not hasattr(refusee.fields["personne"], "choix_retenus")
    with django_assert_num_queries(1):
        assert " selected" not in str(refusee["personne"])


@pytest.mark.django_db
def test_des_options_validees_se_rendent_dans_l_ordre_de_la_liste_sans_relecture(
    django_assert_num_queries,
):
    personnes = [UserFactory(last_name=nom) for nom in ("Bernard", "Aubry", "Carel")]
    Formulaire = _formulaire_des_personnes()
    choisies = [str(personnes[2].pk), str(personnes[0].pk)]

    formulaire = Formulaire(data={"personnes": choisies})
    with django_assert_num_queries(1):
        assert formulaire.is_valid()
    with django_assert_num_queries(0):
        rendu = str(formulaire["personnes"])

    relu = Formulaire(data={"personnes": choisies})
    with django_assert_num_queries(1):
        assert str(relu["personnes"]) == rendu
    assert rendu.index("Bernard") < rendu.index("Carel")
    assert "Aubry" not in rendu


@pytest.mark.django_db
def test_chaque_formulaire_retient_ses_propres_choix():
    """Deux formulaires de la même classe (deux personnes servies par le même processus) ne
    partagent pas ce que leurs champs ont validé."""
    une, autre = UserFactory(last_name="Une"), UserFactory(last_name="Autre")
    Formulaire = _formulaire_des_personnes()
    premier = Formulaire(data={"personne": str(une.pk)})
    assert premier.is_valid()
    second = Formulaire(data={})
    assert second.is_valid()

    assert premier.fields["personne"].choix_retenus == {str(une.pk): une}
    assert not hasattr(second.fields["personne"], "choix_retenus")
    assert not hasattr(Formulaire.base_fields["personne"], "choix_retenus")
    assert autre.pk not in [objet.pk for objet in premier.fields["personne"].choix_retenus.values()]


@pytest.mark.django_db
def test_un_autre_queryset_fait_oublier_les_choix_retenus(django_assert_num_queries):
    """Un queryset posé après la validation (d'autres droits, une autre liste) : l'option
    choisie se relit par lui, et ne s'affiche pas s'il ne la contient pas."""
    choisie = UserFactory(last_name="Choisie")
    formulaire = _formulaire_des_personnes()(data={"personnes": [str(choisie.pk)]})
    assert formulaire.is_valid()
    assert formulaire.fields["personnes"].choix_retenus

    formulaire.fields["personnes"].queryset = User.objects.exclude(pk=choisie.pk)

    assert not hasattr(formulaire.fields["personnes"], "choix_retenus")
    with django_assert_num_queries(1):
        rendu = str(formulaire["personnes"])
    assert "Choisie" not in rendu
