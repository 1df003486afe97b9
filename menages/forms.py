from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row, Submit
from django import forms
from django.conf import settings
from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils import timezone

from core import bornes
from core.enums import Parcours
from core.forms import (
    ChoixModele,
    DateBornee,
    EntierBorne,
    MontantField,
    champ_montant,
    champ_oui_non,
    listes_ou_recherche,
)
from core.listes import structures
from core.models import Organisation, Territoire

from .enums import (
    SOURCES_BAILLEUR,
    Composition,
    MesureProtection,
    Problematique,
    Source,
    StadeProcedure,
    StatutOccupation,
    StatutOrientation,
    Typologie,
)
from .importation import Referentiel
from .services import FicheOrientation

VIDE = [("", "—")]


class FicheOrientationForm(forms.Form):
    """La fiche d'orientation : le ménage, son logement et la situation qui motive l'orientation."""

    date_orientation = DateBornee(label="Date de l'orientation", initial=timezone.localdate)
    parcours = forms.ChoiceField(label="Parcours", choices=Parcours.choices)
    source = forms.ChoiceField(label="Qui oriente", choices=Source.choices)
    prescripteur = ChoixModele(
        label="Structure qui oriente",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="—",
        help_text="Pour une orientation par un partenaire (SIAO, association, CCAS…).",
    )
    contact_prescripteur = forms.CharField(
        label="Personne à contacter chez le partenaire", max_length=200, required=False
    )
    reference_locataire = forms.CharField(
        label="Référence locataire",
        max_length=30,
        required=False,
        help_text="Numéro du locataire chez le bailleur (obligatoire pour le maintien).",
    )
    nom = forms.CharField(label="Nom", max_length=150)
    prenom = forms.CharField(label="Prénom", max_length=150, required=False)
    composition = forms.ChoiceField(
        label="Composition", choices=VIDE + Composition.choices, required=False
    )
    nb_adultes = EntierBorne(label="Adultes", min_value=0, max_value=20, required=False)
    nb_enfants = EntierBorne(label="Enfants", min_value=0, max_value=20, required=False)
    telephone = forms.CharField(label="Téléphone", max_length=30, required=False)
    mesure_protection = forms.ChoiceField(
        label="Mesure de protection",
        choices=MesureProtection.choices,
        initial=MesureProtection.AUCUNE,
    )
    ressources_mensuelles = champ_montant("Ressources mensuelles du ménage (€)")
    adresse = forms.CharField(label="Adresse", max_length=250, required=False)
    code_postal = forms.CharField(
        label="Code postal",
        max_length=5,
        required=False,
        validators=[RegexValidator(r"^\d{5}$", "Le code postal compte cinq chiffres.")],
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    commune = forms.CharField(label="Commune", max_length=120, required=False)
    territoire = ChoixModele(
        label="Territoire",
        queryset=Territoire.objects.none(),
        required=False,
        empty_label="— (déduit de la commune)",
    )
    typologie = forms.ChoiceField(
        label="Typologie", choices=VIDE + Typologie.choices, required=False
    )
    statut_occupation = forms.ChoiceField(
        label="Statut d'occupation",
        choices=StatutOccupation.choices,
        initial=StatutOccupation.LOCATAIRE_EN_TITRE,
    )
    loyer = champ_montant("Loyer mensuel (€)")
    charges = champ_montant("Charges mensuelles (€)")
    apl = champ_montant("APL mensuelle (€)")
    problematiques = forms.MultipleChoiceField(
        label="Problématiques",
        choices=Problematique.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une problématique."},
    )
    description = forms.CharField(
        label="Description de la situation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Les faits utiles à l'examen ; pas de diagnostic médical.",
    )
    dette_locative = champ_montant("Dette locative à ce jour (€)")
    stade_procedure = forms.ChoiceField(
        label="Procédure d'expulsion", choices=StadeProcedure.choices, initial=StadeProcedure.AUCUNE
    )
    lien_rompu = forms.BooleanField(label="Le contact avec le bailleur est rompu", required=False)

    def __init__(self, *args, dispositif, structure=None, **kwargs):
        """`structure` : la structure d'un prescripteur qui oriente. La fiche n'a alors ni
        dette ni procédure (le bailleur les complète), ni « qui oriente » (c'est elle)."""
        super().__init__(*args, **kwargs)
        self.dispositif = dispositif
        self.structure = structure
        self.fields["territoire"].queryset = Territoire.objects.filter(dispositif=dispositif)
        if structure is None:
            listes_ou_recherche(
                self,
                self.choix_proposes(dispositif),
                reverse("menages:structures_qui_orientent", args=[dispositif.slug]),
            )
        self.fields["parcours"].choices = [(p.value, p.label) for p in dispositif.parcours]
        if len(dispositif.parcours) == 1:
            self.fields["parcours"].initial = dispositif.parcours[0].value
        self.helper = FormHelper()
        self.helper.attrs = {"data-envoi-unique": ""}
        self.helper.layout = Layout(
            Fieldset(
                "Orientation",
                Row(Column("date_orientation"), Column("parcours")),
                Row(Column("source"), Column("prescripteur")),
                "contact_prescripteur",
            )
            if structure is None
            else Fieldset(
                f"Orientation par {structure}",
                Row(Column("date_orientation"), Column("parcours")),
                "contact_prescripteur",
            ),
            Fieldset(
                "Ménage",
                Row(Column("reference_locataire"), Column("nom"), Column("prenom")),
                Row(Column("composition"), Column("nb_adultes"), Column("nb_enfants")),
                Row(
                    Column("telephone"),
                    Column("mesure_protection"),
                    Column("ressources_mensuelles"),
                ),
            ),
            Fieldset(
                "Logement",
                "adresse",
                Row(Column("code_postal"), Column("commune"), Column("territoire")),
                Row(Column("typologie"), Column("statut_occupation")),
                Row(Column("loyer"), Column("charges"), Column("apl")),
            ),
            Fieldset(
                "Situation",
                Div("problematiques", css_class="colonnes-problematiques"),
                "description",
                Row(Column("dette_locative"), Column("stade_procedure"))
                if structure is None
                else HTML(
                    '<p class="small text-muted">La dette locative et la procédure éventuelles '
                    "sont complétées par le bailleur.</p>"
                ),
                "lien_rompu" if structure is None else HTML(""),
            ),
            HTML('<p class="small text-muted">La fiche part à la coordination du dispositif.</p>'),
            Submit("envoyer", "Envoyer l'orientation"),
        )
        if structure is not None:
            # Ce que sait le bailleur : la dette, la procédure, le contact rompu avec lui.
            for nom in (
                "source",
                "prescripteur",
                "dette_locative",
                "stade_procedure",
                "lien_rompu",
            ):
                del self.fields[nom]
            self.fields["contact_prescripteur"].label = "Personne à contacter dans votre structure"

    @staticmethod
    def choix_proposes(dispositif):
        """Les structures partenaires du dispositif (un programme national en compte des
        centaines : SIAO, CCAS, associations de chaque département)."""
        return {
            "prescripteur": structures(
                Organisation.objects.filter(dispositifs=dispositif).distinct().order_by("nom"),
                "structures_du_dispositif",
                dispositif.pk,
            )
        }

    def clean_date_orientation(self):
        date = self.cleaned_data["date_orientation"]
        if date > timezone.localdate():
            raise forms.ValidationError("La date d'orientation ne peut pas être dans le futur.")
        return date

    def clean(self):
        donnees = super().clean()
        if donnees.get("parcours") == Parcours.MAINTIEN and not donnees.get("reference_locataire"):
            self.add_error(
                "reference_locataire",
                "Pour un maintien dans le logement, indiquez la référence du locataire.",
            )
        source = donnees.get("source") if self.structure is None else None
        partenaire = source and source not in SOURCES_BAILLEUR and source != Source.AUTRE
        if partenaire and not (donnees.get("prescripteur") or donnees.get("contact_prescripteur")):
            self.add_error(
                "prescripteur",
                "Indiquez la structure qui oriente, ou au moins la personne à contacter.",
            )
        if donnees.get("commune"):
            self._situer(donnees)
        return donnees

    def _situer(self, donnees):
        """Rattache le logement à une commune du dispositif et, faute de territoire, au sien.

        La même règle que l'import : nom et code postal, sans tenir compte des accents, de la
        casse ni des traits d'union.
        """
        commune = Referentiel(self.dispositif).commune(
            donnees["commune"], donnees.get("code_postal") or "", donnees.get("territoire")
        )
        donnees["commune_du_dispositif"] = commune
        if donnees.get("territoire") is None and commune is not None:
            donnees["territoire"] = commune.territoire

    def fiche(self):
        """La fiche à transmettre au service `orienter_menage`."""
        d = self.cleaned_data
        textes = {
            nom: d.get(nom) or ""
            for nom in (
                "reference_locataire",
                "prenom",
                "composition",
                "telephone",
                "mesure_protection",
                "adresse",
                "code_postal",
                "commune",
                "typologie",
                "statut_occupation",
                "stade_procedure",
                "description",
                "contact_prescripteur",
            )
        }
        return FicheOrientation(
            date_orientation=d["date_orientation"],
            parcours=d["parcours"],
            # Pour un prescripteur, le service pose sa structure et la source qui va avec.
            source=d.get("source") or Source.AUTRE,
            problematiques=d["problematiques"],
            nom=d["nom"],
            nb_adultes=d.get("nb_adultes"),
            nb_enfants=d.get("nb_enfants"),
            territoire=d.get("territoire"),
            commune_du_dispositif=d.get("commune_du_dispositif"),
            loyer=d.get("loyer"),
            charges=d.get("charges"),
            apl=d.get("apl"),
            ressources_mensuelles=d.get("ressources_mensuelles"),
            dette_locative=d.get("dette_locative"),
            lien_rompu=d.get("lien_rompu", False),
            prescripteur=d.get("prescripteur"),
            **textes,
        )


class CompleterDetteForm(forms.Form):
    """La dette et la procédure d'une orientation faite par un prescripteur, que le bailleur
    (ou la coordination) complète."""

    dette_locative = MontantField(label="Dette locative à l'orientation (€)")
    stade_procedure = forms.ChoiceField(
        label="Procédure d'expulsion", choices=StadeProcedure.choices, initial=StadeProcedure.AUCUNE
    )


class StatutOrientationForm(forms.Form):
    statut = forms.ChoiceField(label="Nouveau statut", choices=StatutOrientation.choices)
    motif = forms.CharField(label="Motif", required=False, max_length=500, widget=forms.TextInput())

    def __init__(self, *args, statuts_possibles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["statut"].choices = [(s.value, s.label) for s in statuts_possibles]


class ReleveDetteForm(forms.Form):
    date = DateBornee(label="Date du relevé", initial=timezone.localdate)
    montant = champ_montant("Dette (€)")
    stade_procedure = forms.ChoiceField(
        label="Procédure à cette date", choices=VIDE + StadeProcedure.choices, required=False
    )
    loyer_paye_3_mois = champ_oui_non(
        "Loyer courant payé au moins 3 mois consécutifs",
        "Les trois derniers loyers (part restant due après l'APL) payés en entier.",
    )

    def clean_montant(self):
        montant = self.cleaned_data["montant"]
        if montant is None:
            raise forms.ValidationError("Indiquez le montant de la dette (0 si elle est soldée).")
        return montant

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("La date du relevé ne peut pas être dans le futur.")
        return date


class ImportOrientationsForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier CSV",
        help_text="UTF-8 ou Windows-1252, séparateur « ; » ou « , », une ligne d'en-tête.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        plafond = settings.IMPORT_TAILLE_MAX_OCTETS
        if fichier.size > plafond:
            raise forms.ValidationError(
                f"Le fichier dépasse {plafond // (1024 * 1024) or 1} Mo : découpez-le."
            )
        return fichier


class PlanApurementForm(forms.Form):
    date_debut = DateBornee(label="Début", initial=timezone.localdate, futur=bornes.UN_AN)
    montant_mensuel = champ_montant("Mensualité (€)")
    respecte = forms.NullBooleanField(
        label="Respecté",
        required=False,
        widget=forms.Select(
            choices=[("unknown", "On ne sait pas encore"), ("true", "Oui"), ("false", "Non")]
        ),
    )
    aide_fsl = champ_montant("Aide FSL obtenue (€)")
    autres_aides = forms.CharField(label="Autres aides", max_length=250, required=False)

    def clean_montant_mensuel(self):
        montant = self.cleaned_data["montant_mensuel"]
        if not montant:
            raise forms.ValidationError("Indiquez la mensualité du plan.")
        return montant
