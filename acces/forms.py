from django import forms
from django.urls import reverse
from django.utils import timezone

from accompagnement.forms import ChoixPersonne, liste_de_personnes
from core import bornes
from core.enums import Role, TypeOrganisation
from core.forms import (
    ChoixModele,
    ChoixModeles,
    DateBornee,
    EntierBorne,
    MontantField,
    listes_ou_recherche,
)
from core.listes import ListeCherchee, structures
from core.models import Commune, LigneBudgetaire, Membre, Organisation, Territoire, User
from menages.enums import Typologie

from .enums import IssueCAL, MotifRetrait, ReponseMenage, TypeBail
from .models import LogementVacant

VIDE = [("", "—")]
TYPOLOGIES = VIDE + list(Typologie.choices)


class _ChoixOrganisation(ChoixModele):
    def label_from_instance(self, organisation):
        return organisation.nom


class BesoinsForm(forms.Form):
    date_besoins = DateBornee(
        label="Besoins exprimés le", initial=timezone.localdate, futur=bornes.AUCUN_FUTUR
    )
    secteurs_souhaites = ChoixModeles(
        label="Secteurs souhaités",
        queryset=Territoire.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    secteurs_evites = ChoixModeles(
        label="Secteurs à éviter",
        queryset=Territoire.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    communes_souhaitees = ChoixModeles(
        label="Communes souhaitées", queryset=Commune.objects.none(), required=False
    )
    communes_evitees = ChoixModeles(
        label="Communes à éviter", queryset=Commune.objects.none(), required=False
    )
    typologie_min = forms.ChoiceField(
        label="Typologie au moins", choices=TYPOLOGIES, required=False
    )
    typologie_max = forms.ChoiceField(label="Typologie au plus", choices=TYPOLOGIES, required=False)
    etage_max = EntierBorne(
        label="Étage au plus sans ascenseur",
        min_value=0,
        max_value=60,
        required=False,
        help_text="Vide : indifférent.",
    )
    ascenseur_necessaire = forms.BooleanField(
        label="Ascenseur nécessaire quel que soit l'étage", required=False
    )
    accessibilite_pmr = forms.BooleanField(
        label="Logement accessible (mobilité réduite)", required=False
    )
    proximite_transports = forms.BooleanField(label="Proche des transports", required=False)
    proximite_soins = forms.BooleanField(label="Proche des lieux de soins", required=False)
    proximite_reseau = forms.BooleanField(
        label="Proche du réseau du ménage (famille, amis)", required=False
    )
    animaux = forms.BooleanField(label="Le ménage a des animaux", required=False)
    date_au_plus_tot = DateBornee(label="Entrée possible au plus tôt", required=False)
    ressources_mensuelles = MontantField(label="Ressources mensuelles (€)", required=False)
    commentaire = forms.CharField(
        label="Précisions",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, menage, **kwargs):
        super().__init__(*args, **kwargs)
        territoires = Territoire.objects.filter(dispositif=menage.dispositif)
        for nom in ("secteurs_souhaites", "secteurs_evites"):
            self.fields[nom].queryset = territoires
        listes_ou_recherche(self, self.choix_proposes(menage.dispositif), _choix_du_menage(menage))

    @staticmethod
    def choix_proposes(dispositif):
        """Les communes du dispositif (celles d'un département : des centaines), cherchées par
        le nom ou le code postal."""
        communes = ListeCherchee(
            Commune.objects.filter(territoire__dispositif=dispositif).order_by("nom", "pk"),
            champs=("nom", "code_postal"),
            aide="Tapez au moins deux lettres du nom ou du code postal, puis choisissez dans les "
            "suggestions.",
            invite="Rechercher une commune",
            aucun="Aucune commune du dispositif ne correspond.",
            memoire=("communes", dispositif.pk),
        )
        return {"communes_souhaitees": communes, "communes_evitees": communes}

    @classmethod
    def initial_de(cls, besoins):
        """Pré-remplit le formulaire avec la fiche en vigueur (on la met à jour, on ne repart
        pas de rien)."""
        if besoins is None:
            return {}
        initial = {
            nom: getattr(besoins, nom)
            for nom in (
                "typologie_min",
                "typologie_max",
                "etage_max",
                "ascenseur_necessaire",
                "accessibilite_pmr",
                "proximite_transports",
                "proximite_soins",
                "proximite_reseau",
                "animaux",
                "date_au_plus_tot",
                "ressources_mensuelles",
                "commentaire",
            )
        }
        for nom in ("secteurs_souhaites", "secteurs_evites", "communes_souhaitees"):
            initial[nom] = list(getattr(besoins, nom).all())
        initial["communes_evitees"] = list(besoins.communes_evitees.all())
        return initial

    def champs_du_service(self):
        donnees = dict(self.cleaned_data)
        donnees["etage_max"] = donnees.get("etage_max")
        return donnees


def _choix_du_menage(menage):
    """L'adresse des suggestions des listes de la page du ménage et de ses besoins."""
    return reverse("acces:choix_du_menage", args=[menage.public_id])


class LogementVacantForm(forms.Form):
    reference = forms.CharField(label="Référence du logement", max_length=40)
    adresse = forms.CharField(max_length=250)
    code_postal = forms.RegexField(
        label="Code postal",
        regex=r"^\d{5}$",
        error_messages={"invalid": "Le code postal compte cinq chiffres."},
    )
    commune = forms.CharField(max_length=120)
    territoire = ChoixModele(label="Secteur", queryset=Territoire.objects.none())
    typologie = forms.ChoiceField(choices=Typologie.choices)
    etage = EntierBorne(label="Étage", min_value=0, max_value=60, initial=0)
    ascenseur = forms.BooleanField(required=False)
    accessible_pmr = forms.BooleanField(label="Accessible (mobilité réduite)", required=False)
    proche_transports = forms.BooleanField(label="Proche des transports", required=False)
    proche_soins = forms.BooleanField(label="Proche des lieux de soins", required=False)
    animaux_acceptes = forms.BooleanField(label="Animaux acceptés", required=False, initial=True)
    loyer = MontantField(label="Loyer (€)")
    charges = MontantField(label="Charges (€)", initial=0)
    apl_estimee = MontantField(label="APL estimée (€)", initial=0)
    disponible_le = DateBornee(label="Disponible le", initial=timezone.localdate)

    def __init__(self, *args, dispositif, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["territoire"].queryset = Territoire.objects.filter(dispositif=dispositif)


class ImportLogementsForm(forms.Form):
    fichier = forms.FileField(label="Fichier CSV")


class ProposerForm(forms.Form):
    logement = ChoixModele(
        queryset=LogementVacant.objects.none(), to_field_name="public_id", widget=forms.HiddenInput
    )
    date_proposition = DateBornee(
        label="Proposé le", initial=timezone.localdate, futur=bornes.AUCUN_FUTUR
    )

    def __init__(self, *args, dispositif, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["logement"].queryset = LogementVacant.objects.filter(dispositif=dispositif)


class DateForm(forms.Form):
    date = DateBornee(label="Date", initial=timezone.localdate, futur=bornes.AUCUN_FUTUR)


class PieceForm(forms.Form):
    recue_le = DateBornee(label="Reçue le", required=False, futur=bornes.AUCUN_FUTUR)


class ReponseForm(forms.Form):
    reponse = forms.ChoiceField(
        label="Réponse du ménage",
        choices=[(ReponseMenage.ACCEPTEE, "Acceptée"), (ReponseMenage.REFUSEE, "Refusée")],
    )
    date_reponse = DateBornee(
        label="Réponse le", initial=timezone.localdate, futur=bornes.AUCUN_FUTUR
    )
    visite_le = DateBornee(label="Visite le", required=False, futur=bornes.AUCUN_FUTUR)
    motif = forms.CharField(label="Motif d'un refus", required=False, max_length=1000)


class DecisionCALForm(forms.Form):
    date_seance = DateBornee(
        label="Séance de la CAL du", initial=timezone.localdate, futur=bornes.AUCUN_FUTUR
    )
    bailleur = _ChoixOrganisation(queryset=Organisation.objects.none())
    issue = forms.ChoiceField(label="Décision", choices=IssueCAL.choices)
    motif = forms.CharField(
        label="Condition ou motif",
        required=False,
        max_length=1000,
        help_text="Obligatoire pour une attribution sous condition ou une non-attribution.",
    )
    explication = forms.CharField(
        label="Explication à transmettre au prescripteur",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, proposition, **kwargs):
        super().__init__(*args, **kwargs)
        listes_ou_recherche(self, self.choix_proposes(), _choix_de_la_proposition(proposition))
        self.fields["bailleur"].initial = proposition.menage.dispositif.porteur_id

    @staticmethod
    def choix_proposes():
        return {
            "bailleur": structures(
                Organisation.objects.filter(type=TypeOrganisation.BAILLEUR), "bailleurs"
            )
        }


def _choix_de_la_proposition(proposition):
    """L'adresse des suggestions des listes de la décision de la CAL et du bail."""
    return reverse("acces:choix_de_la_proposition", args=[proposition.public_id])


class BailForm(forms.Form):
    date_signature = DateBornee(
        label="Bail signé le", initial=timezone.localdate, futur=bornes.AUCUN_FUTUR
    )
    type_bail = forms.ChoiceField(label="Bail", choices=TypeBail.choices)
    reference_locataire = forms.CharField(
        label="Référence locataire", max_length=30, required=False
    )
    association_preneuse = _ChoixOrganisation(
        label="Association preneuse (bail glissant)",
        queryset=Organisation.objects.none(),
        required=False,
    )
    glissement_prevu_le = DateBornee(
        label="Glissement prévu le", required=False, futur=bornes.UN_AN * 3
    )
    referent_bailleur = ChoixPersonne(
        label="Référent du bailleur", queryset=User.objects.none(), required=False
    )
    ligne_budgetaire = ChoixModele(
        label="Ligne budgétaire de l'aide bail glissant",
        queryset=LigneBudgetaire.objects.none(),
        required=False,
    )

    def __init__(self, *args, proposition, **kwargs):
        super().__init__(*args, **kwargs)
        dispositif = proposition.menage.dispositif
        listes_ou_recherche(
            self, self.choix_proposes(dispositif), _choix_de_la_proposition(proposition)
        )
        self.fields["ligne_budgetaire"].queryset = dispositif.lignes_budgetaires.all()

    @staticmethod
    def choix_proposes(dispositif):
        return {
            "association_preneuse": structures(
                Organisation.objects.filter(type=TypeOrganisation.ASSOCIATION), "associations"
            ),
            "referent_bailleur": liste_de_personnes(
                User.objects.filter(
                    pk__in=Membre.objects.actifs()
                    .filter(dispositif=dispositif, role=Role.AGENT_BAILLEUR)
                    .values("user_id")
                ).order_by("last_name", "first_name", "pk"),
                "referents_bailleur",
                dispositif.pk,
            ),
        }


class AideForm(forms.Form):
    date_versement = DateBornee(
        label="Versée le", initial=timezone.localdate, futur=bornes.AUCUN_FUTUR
    )
    montant = MontantField(label="Montant (€)")


class OuvrirSuiviForm(forms.Form):
    travailleur_social = ChoixPersonne(
        label="Travailleur·se social·e (référent·e)", queryset=User.objects.none()
    )
    date_debut = DateBornee(label="Début", initial=timezone.localdate)

    def __init__(self, *args, proposition, **kwargs):
        super().__init__(*args, **kwargs)
        listes_ou_recherche(
            self,
            self.personnes_proposees(proposition.menage.dispositif),
            reverse("acces:personnes", args=[proposition.public_id]),
        )

    @staticmethod
    def personnes_proposees(dispositif):
        """Ce que propose le champ du travailleur social (sa recherche lit le même)."""
        return {
            "travailleur_social": liste_de_personnes(
                User.objects.filter(
                    pk__in=Membre.objects.actifs()
                    .filter(dispositif=dispositif, role=Role.TRAVAILLEUR_SOCIAL)
                    .values("user_id")
                ).order_by("last_name", "first_name"),
                "travailleurs_sociaux",
                dispositif.pk,
            )
        }


class MutationForm(forms.Form):
    logement = ChoixModele(
        label="Nouveau logement",
        queryset=LogementVacant.objects.none(),
        to_field_name="public_id",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    nouvelle_reference = forms.CharField(
        label="Nouvelle référence locataire",
        max_length=30,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    date_mutation = DateBornee(
        label="Date",
        initial=timezone.localdate,
        futur=bornes.AUCUN_FUTUR,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, menage, **kwargs):
        super().__init__(*args, **kwargs)
        listes_ou_recherche(self, self.choix_proposes(menage.dispositif), _choix_du_menage(menage))

    @staticmethod
    def choix_proposes(dispositif):
        """Les logements vacants disponibles du dispositif, cherchés par la référence, l'adresse,
        la commune ou le code postal."""
        return {
            "logement": ListeCherchee(
                LogementVacant.objects.filter(dispositif=dispositif, etat="disponible").order_by(
                    "disponible_le", "commune", "adresse", "pk"
                ),
                champs=("reference", "adresse", "commune", "code_postal"),
                valeur="public_id",
                aide="Tapez au moins deux lettres de l'adresse, de la commune ou de la référence "
                "du logement, puis choisissez dans les suggestions.",
                invite="Rechercher un logement",
                aucun="Aucun logement disponible ne correspond.",
                memoire=("logements_disponibles", dispositif.pk),
            )
        }


class OrganisationAutourForm(forms.Form):
    organisation = _ChoixOrganisation(
        label="Structure",
        queryset=Organisation.objects.none(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    role = forms.CharField(
        label="Ce qu'elle fait auprès du ménage",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )

    def __init__(self, *args, menage, **kwargs):
        super().__init__(*args, **kwargs)
        listes_ou_recherche(self, self.choix_proposes(), _choix_du_menage(menage))

    @staticmethod
    def choix_proposes():
        """Toutes les structures de l'instance (bailleurs, associations, services : des
        centaines dans un programme national)."""
        return {"organisation": structures(Organisation.objects.order_by("nom"), "structures")}


class RetraitForm(forms.Form):
    motif = forms.ChoiceField(label="Motif du retrait", choices=VIDE + list(MotifRetrait.choices))
    precision = forms.CharField(
        label="Précision",
        max_length=500,
        required=False,
        help_text="Obligatoire pour « Autre motif ». Pas de nom de ménage ici.",
    )
    date_retrait = DateBornee(
        label="Retiré le", initial=timezone.localdate, futur=bornes.AUCUN_FUTUR
    )
