"""Le filtre `champ` : le rendu de crispy-forms, gardé pour un champ d'un formulaire vierge sous une
clé qui porte tout ce dont il dépend ; jamais pour une saisie, des choix tirés d'une requête ou
un formulaire à `helper`."""

from datetime import timedelta

import pytest
import time_machine
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.utils import timezone

from accompagnement.enums import Adhesion
from accompagnement.forms import AdhesionForm, InformationPartageForm, ObjectifForm
from core.models import User
from core.templatetags import champs
from menages import services as menage_services
from menages.enums import StatutOrientation
from menages.forms import (
    CompleterDetteForm,
    PlanApurementForm,
    ReleveDetteForm,
    StatutOrientationForm,
)


@pytest.fixture(autouse=True)
def memoire_vide():
    champs._RENDUS.clear()
    yield
    champs._RENDUS.clear()


@pytest.fixture
def rendus_par_crispy(monkeypatch):
    """Les champs que crispy-forms rend vraiment (le filtre l'appelle quand rien n'est gardé)."""
    rendus = []

    def compter(champ):
        rendus.append(champ.name)
        return as_crispy_field(champ)

    monkeypatch.setattr(champs, "as_crispy_field", compter)
    return rendus


def formulaires_vierges():
    statut = StatutOrientation.A_EXAMINER
    return [
        ReleveDetteForm(),
        PlanApurementForm(),
        CompleterDetteForm(auto_id="id_completer_abc_%s"),
        StatutOrientationForm(statuts_possibles=menage_services.TRANSITIONS[statut]),
        AdhesionForm(initial={"adhesion": Adhesion.choices[0][0]}),
        ObjectifForm(),
        InformationPartageForm(),
    ]


def test_un_champ_vierge_se_rend_comme_crispy_puis_se_sert_de_la_memoire(rendus_par_crispy):
    premiers = {
        (type(form), champ.name): str(champs.champ(champ))
        for form in formulaires_vierges()
        for champ in form
    }
    for form in formulaires_vierges():
        for champ in form:
            assert premiers[type(form), champ.name] == str(as_crispy_field(champ))
    rendus_au_premier_tour = len(rendus_par_crispy)
    assert rendus_au_premier_tour == len(premiers)

    seconds = {
        (type(form), champ.name): str(champs.champ(champ))
        for form in formulaires_vierges()
        for champ in form
    }
    assert seconds == premiers
    # Au second tour, crispy-forms ne rend plus rien, pas même la case à cocher (son widget
    # porte la fonction d'un module, qui entre dans la clé par son nom).
    assert rendus_par_crispy[rendus_au_premier_tour:] == []


def test_des_entrees_differentes_ne_partagent_jamais_un_rendu():
    choix = [valeur for valeur, _ in Adhesion.choices]
    premier = str(champs.champ(AdhesionForm(initial={"adhesion": choix[0]})["adhesion"]))
    second = str(champs.champ(AdhesionForm(initial={"adhesion": choix[1]})["adhesion"]))
    assert f'value="{choix[0]}" selected' in premier
    assert f'value="{choix[1]}" selected' in second

    ici = str(champs.champ(CompleterDetteForm(auto_id="id_ici_%s")["dette_locative"]))
    ailleurs = str(champs.champ(CompleterDetteForm(auto_id="id_ailleurs_%s")["dette_locative"]))
    assert 'id="id_ici_dette_locative"' in ici
    assert 'id="id_ailleurs_dette_locative"' in ailleurs

    def options(statut):
        possibles = menage_services.TRANSITIONS[statut]
        return str(champs.champ(StatutOrientationForm(statuts_possibles=possibles)["statut"]))

    a_examiner = options(StatutOrientation.A_EXAMINER)
    for statut in menage_services.TRANSITIONS[StatutOrientation.A_EXAMINER]:
        assert f'value="{statut.value}"' in a_examiner
    autres = [s for s, possibles in menage_services.TRANSITIONS.items() if possibles]
    autre = next(
        s
        for s in autres
        if set(menage_services.TRANSITIONS[s])
        != set(menage_services.TRANSITIONS[StatutOrientation.A_EXAMINER])
    )
    assert options(autre) != a_examiner


def test_la_date_du_jour_entre_dans_la_cle():
    aujourd_hui = timezone.localdate()
    assert f'value="{aujourd_hui:%Y-%m-%d}"' in str(champs.champ(ReleveDetteForm()["date"]))
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        demain = timezone.localdate()
        rendu = str(champs.champ(ReleveDetteForm()["date"]))
    assert f'value="{demain:%Y-%m-%d}"' in rendu


def test_une_saisie_n_est_jamais_gardee_et_reste_affichee():
    form = ReleveDetteForm(data={"montant": "douze euros", "date": ""})
    assert not form.is_valid()
    assert champs.cle_du_rendu(form["montant"]) is None
    rendu = str(champs.champ(form["montant"]))
    assert 'value="douze euros"' in rendu
    assert "is-invalid" in rendu
    assert len(champs._RENDUS) == 0


@pytest.mark.django_db
def test_des_choix_tires_d_une_requete_ou_un_helper_ne_se_gardent_pas():
    class ChoixDePersonnes(forms.Form):
        personne = forms.ModelChoiceField(queryset=User.objects.all())

    class AvecHelper(forms.Form):
        nom = forms.CharField()

        def __init__(self, *args, **kwargs):
            from crispy_forms.helper import FormHelper

            super().__init__(*args, **kwargs)
            self.helper = FormHelper()

    assert champs.cle_du_rendu(ChoixDePersonnes()["personne"]) is None
    assert champs.cle_du_rendu(AvecHelper()["nom"]) is None

    class CaseLocale(forms.Form):
        # Une fonction locale peut porter des valeurs : elle n'entre jamais dans une clé.
        case = forms.BooleanField(widget=forms.CheckboxInput(check_test=lambda v: bool(v)))

    assert champs.cle_du_rendu(CaseLocale()["case"]) is None
    assert champs.cle_du_rendu(InformationPartageForm()["opposition"]) is not None
    champs.champ(ChoixDePersonnes()["personne"])
    assert len(champs._RENDUS) == 0


def test_un_texte_venu_d_une_ligne_n_entre_jamais_dans_la_memoire():
    """La synthèse d'un plan, la note d'une intervention à corriger : une valeur initiale donnée
    au formulaire qui n'est pas l'un des choix du champ se rend à chaque fois."""
    form = ObjectifForm(initial={"libelle": "Reprendre contact avec la CAF", "axe": "logement"})
    assert champs.cle_du_rendu(form["libelle"]) is None
    assert "Reprendre contact avec la CAF" in str(champs.champ(form["libelle"]))
    # Un choix du champ, lui, se garde ; une valeur hors des choix non.
    choix = ObjectifForm.base_fields["axe"].choices
    valeur = next(v for v, _ in choix if v)
    assert champs.cle_du_rendu(ObjectifForm(initial={"axe": valeur})["axe"]) is not None
    assert champs.cle_du_rendu(ObjectifForm(initial={"axe": "inconnu"})["axe"]) is None
    assert not any("Reprendre contact" in str(cle) for cle in champs._RENDUS)


def test_un_formulaire_vierge_se_rend_comme_crispy_puis_se_sert_de_la_memoire():
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form

    premier = str(champs.formulaire(ObjectifForm()))
    assert premier == str(as_crispy_form(ObjectifForm()))
    assert any(cle[0] == "formulaire" for cle in champs._RENDUS)
    assert str(champs.formulaire(ObjectifForm())) == premier
    # Saisi, il se rend avec ce qui a été tapé et ses erreurs, sans rien garder de plus.
    gardes = len(champs._RENDUS)
    saisi = str(champs.formulaire(ObjectifForm(data={"libelle": "Ouvrir les droits"})))
    assert "Ouvrir les droits" in saisi and "is-invalid" in saisi
    assert len(champs._RENDUS) == gardes


def test_une_cle_se_fait_de_tout_dictionnaire_d_attributs():
    """Des attributs dont deux noms ont le même texte, de valeurs de types différents : une clé
    quand même, et deux ordres d'écriture du même dictionnaire font la même."""
    assert champs._figee({1: "a", "1": 2}) is not None
    assert champs._figee({"b": 1, "a": "x"}) == champs._figee({"a": "x", "b": 1})
    assert champs._figee({"a": 1}) != champs._figee({"a": "1"})
