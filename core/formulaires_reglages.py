"""Les formulaires de la page « Réglages du programme » (services : `core.reglages`).

Chaque saisie est bornée (`EntierBorne`, `MontantField`, `ChoixModele` limité au dispositif) :
aucune valeur ne produit d'erreur serveur, et un formulaire refusé garde la saisie.
"""

from django import forms

from .enums import IndicateurCible, NatureDepense, Profession
from .forms import ChoixModele, EntierBorne, MontantField
from .models import Commune, LigneBudgetaire, Territoire
from .reglages import CAPACITE_MAXIMUM, CHAMPS_REGLABLES


def _montant(label, **kwargs):
    return MontantField(label=label, max_digits=12, **kwargs)


class ReglagesForm(forms.Form):
    capacite_acces = EntierBorne(
        label="Capacité du parcours accès (ménages par an)", min_value=0, max_value=CAPACITE_MAXIMUM
    )
    capacite_maintien = EntierBorne(
        label="Capacité du parcours maintien (ménages par an)",
        min_value=0,
        max_value=CAPACITE_MAXIMUM,
    )
    cout_diagnostic = _montant("Coût du diagnostic par ménage (€)")
    cout_gestion_locative_adaptee = _montant(
        "Coût de la gestion locative adaptée (€ par ménage et par an)"
    )
    cout_menage_prevu = _montant("Coût prévu par ménage et par an (€)")
    financement_demande = _montant("Financement demandé (€ par an)")
    cofinancement = _montant("Cofinancements (€ par an)")

    @classmethod
    def pour(cls, dispositif, data=None):
        initial = {champ: getattr(dispositif, champ) for champ in CHAMPS_REGLABLES}
        return cls(data, initial=initial, prefix="reglages")


class CiblesForm(forms.Form):
    """Un champ par chiffre suivi ; vide = pas de cible."""

    def __init__(self, *args, cibles=None, **kwargs):
        super().__init__(*args, **kwargs)
        cibles = cibles or {}
        for indicateur in IndicateurCible:
            self.fields[indicateur.value] = _montant(
                indicateur.label, required=False, initial=cibles.get(indicateur.value)
            )

    def valeurs(self):
        return {IndicateurCible(cle): valeur for cle, valeur in self.cleaned_data.items()}


class LigneBudgetaireForm(forms.Form):
    poste = forms.ChoiceField(label="Poste", choices=Profession.choices)
    nature = forms.ChoiceField(label="Nature", choices=NatureDepense.choices)
    libelle = forms.CharField(label="Libellé", max_length=200, required=False)
    montant_annuel = _montant("Montant annuel (€)")


class ModifierLigneForm(forms.Form):
    ligne = ChoixModele(queryset=LigneBudgetaire.objects.none(), widget=forms.HiddenInput)
    montant_annuel = _montant("Montant annuel (€)")

    def __init__(self, *args, dispositif, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ligne"].queryset = LigneBudgetaire.objects.filter(dispositif=dispositif)


class SupprimerLigneForm(forms.Form):
    ligne = ChoixModele(queryset=LigneBudgetaire.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, dispositif, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ligne"].queryset = LigneBudgetaire.objects.filter(dispositif=dispositif)


class TerritoireForm(forms.Form):
    nom = forms.CharField(label="Nouveau territoire", max_length=120)


class RenommerTerritoireForm(forms.Form):
    """Le nom et la capacité cible d'un territoire (capacité laissée vide : inchangée)."""

    territoire = ChoixModele(queryset=Territoire.objects.none(), widget=forms.HiddenInput)
    nom = forms.CharField(label="Nom du territoire", max_length=120)
    capacite = EntierBorne(
        label="Capacité cible du territoire",
        min_value=0,
        max_value=CAPACITE_MAXIMUM,
        required=False,
    )

    def __init__(self, *args, dispositif, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].queryset = Territoire.objects.filter(dispositif=dispositif)


class CommuneForm(forms.Form):
    territoire = ChoixModele(
        label="Territoire", queryset=Territoire.objects.none(), empty_label="Choisir un territoire"
    )
    nom = forms.CharField(label="Commune", max_length=120)
    code_postal = forms.RegexField(
        label="Code postal",
        regex=r"^\d{5}$",
        max_length=5,
        error_messages={"invalid": "Le code postal a 5 chiffres."},
    )

    def __init__(self, *args, dispositif, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].queryset = Territoire.objects.filter(dispositif=dispositif)


class RetirerCommuneForm(forms.Form):
    commune = ChoixModele(queryset=Commune.objects.none(), widget=forms.HiddenInput)

    def __init__(self, *args, dispositif, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(territoire__dispositif=dispositif)
