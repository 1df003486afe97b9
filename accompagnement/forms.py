from datetime import timedelta

from dateutil.relativedelta import relativedelta
from django import forms
from django.db.models import Case, OuterRef, Q, Subquery, When
from django.urls import reverse
from django.utils import timezone

from core import bornes
from core.enums import LIBELLES_DES_PROFESSIONS, ROLES_TERRAIN, Role
from core.forms import (
    ChoixModele,
    ChoixModeles,
    DateBornee,
    DateHeureBornee,
    EntierBorne,
    champ_montant,
    champ_oui_non,
    listes_ou_recherche,
)
from core.listes import ListeCherchee, ListesALaDemande
from core.models import Membre, User
from menages.enums import StadeProcedure

from .enums import (
    Adhesion,
    Axe,
    Confidentialite,
    DecisionBilan,
    DestinationPartenaire,
    MotifCloture,
    StatutObjectif,
    TypeIntervention,
)
from .services import DUREE_VISITE_SANS_REPONSE, ROLES_EQUIPE

VIDE = [("", "—")]


def champ_uuid_client():
    """L'identifiant que l'appareil tire pour une saisie (static/js/horsligne.js) : un second
    envoi de la même saisie ramène à celle déjà enregistrée, sans doublon."""
    return forms.UUIDField(required=False, widget=forms.HiddenInput)


ECHEANCE_MAXIMUM = relativedelta(years=5)


def personnes_de_l_equipe(dispositif, roles=ROLES_EQUIPE):
    """Les personnes qui peuvent faire partie d'une équipe d'accompagnement du dispositif,
    chacune avec sa profession dans ce dispositif (`profession_ici`), pour les listes de choix.

    `roles=ROLES_TERRAIN` : les seuls intervenants de terrain (la coordination n'y est pas
    proposée, sauf si la personne a aussi un rôle de terrain)."""
    adhesions = Membre.objects.actifs().filter(dispositif=dispositif, role__in=roles)
    de_terrain = Q(role__in=ROLES_TERRAIN)
    return (
        User.objects.filter(pk__in=adhesions.values("user_id"))
        .annotate(
            # La profession de terrain d'abord : l'infirmière qui coordonne aussi est infirmière.
            profession_ici=Subquery(
                adhesions.filter(user=OuterRef("pk"))
                .annotate(rang=Case(When(de_terrain, then=0), default=1))
                .order_by("rang", "role")
                .values("profession")[:1]
            ),
        )
        .order_by("last_name", "first_name")
    )


def intervenants_de_terrain(dispositif):
    """Travailleurs sociaux, infirmiers et psychologues du dispositif, avec leur profession."""
    return personnes_de_l_equipe(dispositif, roles=ROLES_TERRAIN)


def nom_et_profession(user):
    """« Camille Martin · Infirmier·ère » : le nom, et la profession quand elle est connue."""
    nom = user.get_full_name() or user.email
    profession = LIBELLES_DES_PROFESSIONS.get(getattr(user, "profession_ici", None))
    return f"{nom} · {profession}" if profession else nom


def liste_de_personnes(personnes, *cle):
    """Une liste de personnes d'un formulaire, nommées avec leur profession ; `cle` dit ce
    qu'elle propose (ce qui la fait, le dispositif) : elle garde sous cette clé le verdict
    « trop longue pour être rendue » (`core.widgets.sue_longue`)."""
    return ListeCherchee(personnes, nom_et_profession, memoire=cle)


def liste_des_intervenants(dispositif):
    """Les intervenants de terrain du dispositif comme liste de choix : l'équipe que nomment
    l'ouverture d'un accompagnement et la décision d'un point (une seule clé pour les deux)."""
    return liste_de_personnes(
        intervenants_de_terrain(dispositif), "intervenants_de_terrain", dispositif.pk
    )


class ChoixPersonne(ChoixModele):
    def label_from_instance(self, user):
        return nom_et_profession(user)


class ChoixPersonnes(ChoixModeles):
    def label_from_instance(self, user):
        return nom_et_profession(user)


class OuvrirAccompagnementForm(forms.Form):
    date_debut = DateBornee(label="Début", initial=timezone.localdate, futur=bornes.UN_AN)
    referent = ChoixPersonne(label="Référent·e", queryset=User.objects.none())
    equipe = ChoixPersonnes(
        label="Équipe",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Les professions qui interviendront (le ou la référent·e en fait partie).",
    )

    def __init__(self, *args, menage, **kwargs):
        super().__init__(*args, **kwargs)
        listes_ou_recherche(
            self,
            self.personnes_proposees(menage.dispositif),
            reverse("accompagnement:personnes", args=[menage.public_id]),
        )

    @staticmethod
    def personnes_proposees(dispositif):
        """Ce que propose chaque champ de personnes ; sa recherche lit les mêmes."""
        return ListesALaDemande(
            referent=lambda: liste_de_personnes(
                personnes_de_l_equipe(dispositif).filter(
                    pk__in=Membre.objects.actifs()
                    .filter(
                        dispositif=dispositif,
                        role__in=[Role.TRAVAILLEUR_SOCIAL, Role.COORDINATEUR],
                    )
                    .values("user_id")
                ),
                "referents_d_un_accompagnement",
                dispositif.pk,
            ),
            equipe=lambda: liste_des_intervenants(dispositif),
        )


class InterventionForm(forms.Form):
    """La fiche de suivi, pensée pour un téléphone : tout a une valeur par défaut sauf la note."""

    type = forms.ChoiceField(
        label="Type", choices=TypeIntervention.choices, initial=TypeIntervention.VISITE_DOMICILE
    )
    date_heure = DateHeureBornee(
        label="Date et heure",
        initial=lambda: timezone.localtime().replace(second=0, microsecond=0),
    )
    duree_minutes = forms.TypedChoiceField(
        label="Durée",
        coerce=int,
        choices=[
            (15, "15 min"),
            (30, "30 min"),
            (45, "45 min"),
            (60, "1 h"),
            (90, "1 h 30"),
            (120, "2 h"),
            (180, "3 h"),
        ],
        initial=45,
    )
    participants = ChoixPersonnes(
        label="Collègues présents",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    autres_participants = forms.CharField(
        label="Autres personnes présentes", max_length=250, required=False
    )
    objectifs = ChoixModeles(
        label="Objectifs travaillés",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    destinations = forms.MultipleChoiceField(
        label="Orientations vers des partenaires",
        choices=DestinationPartenaire.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    confidentialite = forms.ChoiceField(
        label="Qui peut lire la note",
        choices=Confidentialite.choices,
        initial=Confidentialite.EQUIPE,
        widget=forms.RadioSelect,
    )
    uuid_client = champ_uuid_client()

    def __init__(self, *args, accompagnement, soignant, **kwargs):
        super().__init__(*args, **kwargs)
        equipe = accompagnement.equipe.en_cours()
        self.fields["participants"].queryset = (
            User.objects.filter(pk__in=equipe.values("user_id"))
            .annotate(
                profession_ici=Subquery(equipe.filter(user=OuterRef("pk")).values("profession")[:1])
            )
            .order_by("last_name")
        )
        self.fields["objectifs"].queryset = accompagnement.objectifs.exclude(
            statut__in=[StatutObjectif.ATTEINT, StatutObjectif.ABANDONNE]
        )
        if not soignant:
            self.fields["confidentialite"].choices = [
                choix for choix in Confidentialite.choices if choix[0] != Confidentialite.SOIGNANTS
            ]

    def clean_date_heure(self):
        moment = self.cleaned_data["date_heure"]
        if moment > timezone.now() + timedelta(minutes=5):
            raise forms.ValidationError("Une intervention ne peut pas être datée dans le futur.")
        return moment


class CorrectionInterventionForm(InterventionForm):
    """La même fiche, remplie de ce qui était enregistré, avec la raison de la correction."""

    # Une correction n'est pas une nouvelle saisie d'appareil : pas d'identifiant de saisie.
    uuid_client = None
    duree_minutes = EntierBorne(label="Durée (minutes)", min_value=0, max_value=24 * 60)
    motif = forms.CharField(
        label="Ce qui est corrigé",
        max_length=250,
        required=False,
        help_text="Facultatif : « mauvaise date », « note complétée »…",
    )

    def __init__(self, *args, intervention, soignant, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "type": intervention.type,
                "date_heure": timezone.localtime(intervention.date_heure).replace(
                    second=0, microsecond=0
                ),
                "duree_minutes": intervention.duree_minutes,
                "participants": list(intervention.participants.all()),
                "autres_participants": intervention.autres_participants,
                "objectifs": list(intervention.objectifs.all()),
                "destinations": list(
                    intervention.orientations_partenaires.values_list("destination", flat=True)
                ),
                "note": intervention.note,
                "confidentialite": intervention.confidentialite,
            },
        )
        super().__init__(
            *args, accompagnement=intervention.accompagnement, soignant=soignant, **kwargs
        )
        # Un objectif atteint depuis reste coché s'il l'était.
        self.fields["objectifs"].queryset = intervention.accompagnement.objectifs.filter(
            Q(pk__in=self.fields["objectifs"].queryset.values("pk"))
            | Q(pk__in=intervention.objectifs.values("pk"))
        )


class AnnulationInterventionForm(forms.Form):
    motif = forms.CharField(
        label="Pourquoi l'annuler ?",
        max_length=250,
        required=False,
        help_text="Facultatif : « saisie en double », « mauvais ménage »…",
    )


class VisiteSansReponseForm(forms.Form):
    # Facultative : un envoi sans durée (le bouton seul) compte les 15 minutes habituelles.
    duree_minutes = EntierBorne(
        label="Durée (minutes)",
        min_value=1,
        max_value=24 * 60,
        initial=DUREE_VISITE_SANS_REPONSE,
        required=False,
    )

    def clean_duree_minutes(self):
        return self.cleaned_data["duree_minutes"] or DUREE_VISITE_SANS_REPONSE


class AdhesionForm(forms.Form):
    adhesion = forms.ChoiceField(label="Adhésion du ménage", choices=Adhesion.choices)


class ObjectifForm(forms.Form):
    axe = forms.ChoiceField(label="Axe", choices=Axe.choices)
    libelle = forms.CharField(label="Objectif", max_length=250)
    indicateur = forms.CharField(label="Indicateur de progression", max_length=250, required=False)
    # Une échéance peut tomber au terme d'un plan (60 mois au plus).
    echeance = DateBornee(label="Échéance", required=False, futur=ECHEANCE_MAXIMUM)


class SuiviObjectifForm(forms.Form):
    statut = forms.ChoiceField(label="Statut", choices=StatutObjectif.choices)
    avancement = EntierBorne(label="Avancement (%)", min_value=0, max_value=100)


class ValidationPlanForm(forms.Form):
    date_validation = DateBornee(label="Validé avec le ménage le", initial=timezone.localdate)
    duree_prevue_mois = EntierBorne(
        label="Durée prévue (mois)", min_value=1, max_value=60, required=False
    )
    structures_autour = forms.CharField(
        label="Structures autour du ménage",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BilanForm(forms.Form):
    date_realisation = DateBornee(label="Réalisé le", initial=timezone.localdate)
    synthese = forms.CharField(label="Synthèse", widget=forms.Textarea(attrs={"rows": 5}))
    decision = forms.ChoiceField(label="Décision", choices=DecisionBilan.choices)
    dette = champ_montant("Dette locative à cette date (€)")
    stade_procedure = forms.ChoiceField(
        label="Procédure à cette date", choices=VIDE + StadeProcedure.choices, required=False
    )
    uuid_client = champ_uuid_client()
    loyer_paye_3_mois = champ_oui_non(
        "Loyer courant payé au moins 3 mois consécutifs",
        "Les trois derniers loyers (part restant due après l'APL) payés en entier.",
    )
    dans_le_logement = champ_oui_non("Le ménage vit-il toujours dans son logement ?")

    def __init__(self, *args, objectifs=(), voit_dette=True, post_cloture=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not post_cloture:
            del self.fields["dans_le_logement"]
        self.objectifs = list(objectifs)
        for objectif in self.objectifs:
            self.fields[f"statut_{objectif.pk}"] = forms.ChoiceField(
                label=objectif.libelle, choices=StatutObjectif.choices, initial=objectif.statut
            )
            self.fields[f"avancement_{objectif.pk}"] = EntierBorne(
                label="Avancement (%)", min_value=0, max_value=100, initial=objectif.avancement
            )
        if not voit_dette:
            del self.fields["dette"]
            del self.fields["stade_procedure"]
            del self.fields["loyer_paye_3_mois"]

    def progressions(self):
        return [
            (
                objectif,
                self.cleaned_data[f"statut_{objectif.pk}"],
                self.cleaned_data[f"avancement_{objectif.pk}"],
                "",
            )
            for objectif in self.objectifs
        ]

    def champs_objectifs(self):
        return [
            (objectif, self[f"statut_{objectif.pk}"], self[f"avancement_{objectif.pk}"])
            for objectif in self.objectifs
        ]


class ClotureForm(forms.Form):
    date = DateBornee(label="Date de clôture", initial=timezone.localdate)
    motif = forms.ChoiceField(label="Motif", choices=MotifCloture.choices)
    maintien_dans_logement = forms.TypedChoiceField(
        label="Le ménage est-il resté dans son logement ?",
        choices=[("oui", "Oui"), ("non", "Non")],
        coerce=lambda valeur: valeur == "oui",
        widget=forms.RadioSelect,
    )
    dette = champ_montant("Dette à la clôture (€)")
    plan_apurement_en_place = forms.BooleanField(
        label="Un plan d'apurement est en place", required=False
    )
    commentaire = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class InformationPartageForm(forms.Form):
    date_information = DateBornee(label="Informé le", initial=timezone.localdate)
    opposition = forms.BooleanField(
        label="Le ménage s'oppose au partage de ses informations",
        required=False,
        help_text="Les notes restent alors dans la profession de leur auteur.",
    )
