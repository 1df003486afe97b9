from django import forms
from django.urls import reverse
from django.utils import timezone

from accompagnement.enums import MotifCloture
from accompagnement.forms import (
    ChoixPersonne,
    ChoixPersonnes,
    liste_de_personnes,
    liste_des_intervenants,
    personnes_de_l_equipe,
)
from core.forms import ChoixModeles, DateHeureBornee, listes_ou_recherche
from core.listes import ListesALaDemande
from core.models import User

from .enums import DECISIONS_PAR_NATURE, NaturePoint, TypeDecision


class DecisionForm(forms.Form):
    type = forms.ChoiceField(label="Décision", choices=TypeDecision.choices)
    motifs = forms.CharField(
        label="Motifs / contenu",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    referent = ChoixPersonne(label="Référent·e", queryset=User.objects.none(), required=False)
    equipe = ChoixPersonnes(
        label="Équipe",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    motif_cloture = forms.ChoiceField(
        label="Motif de clôture", choices=[("", "—"), *MotifCloture.choices], required=False
    )
    maintien_dans_logement = forms.BooleanField(
        label="Le ménage reste dans son logement", required=False, initial=True
    )
    explication_prescripteur = forms.CharField(
        label="Explication à transmettre au prescripteur",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="La structure qui a orienté la lit avec la décision et l'explique au ménage.",
    )

    @staticmethod
    def personnes_proposees(point):
        """Ce que propose chaque champ de personnes ; sa recherche lit les mêmes. L'équipe : des
        intervenants de terrain ; la coordination n'y est pas proposée."""
        dispositif = point.seance.comite.dispositif
        return ListesALaDemande(
            referent=lambda: liste_de_personnes(
                personnes_de_l_equipe(dispositif), "personnes_de_l_equipe", dispositif.pk
            ),
            equipe=lambda: liste_des_intervenants(dispositif),
        )

    def __init__(self, *args, point, **kwargs):
        super().__init__(*args, prefix=f"p{point.public_id.hex[:8]}", **kwargs)
        nature = NaturePoint(point.nature)
        self.fields["type"].choices = [(t.value, t.label) for t in DECISIONS_PAR_NATURE[nature]]
        if nature != NaturePoint.CLOTURE_PROPOSEE:
            del self.fields["motif_cloture"]
            del self.fields["maintien_dans_logement"]
            listes_ou_recherche(
                self,
                self.personnes_proposees(point),
                reverse("comites:personnes", args=[point.public_id]),
                # Les intervenants de terrain de l'équipe sont aussi proposés comme référent·e.
                incluses=[("equipe", "referent")],
            )
        else:
            del self.fields["referent"]
            del self.fields["equipe"]
        # Seulement pour une orientation faite par une structure : c'est elle qui la lira.
        orientation = point.orientation if point.orientation_id else None
        if orientation is None or orientation.organisation_id is None:
            del self.fields["explication_prescripteur"]


class SeanceForm(forms.Form):
    date = DateHeureBornee(
        label="Date et heure",
        initial=lambda: timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0),
    )
    lieu = forms.CharField(label="Lieu", max_length=200, required=False)


class PresencesForm(forms.Form):
    presents = ChoixPersonnes(
        label="Personnes présentes",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organisations = ChoixModeles(
        label="Structures représentées",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, seance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["presents"].queryset = seance.comite.membres.order_by("last_name")
        self.fields["organisations"].queryset = seance.comite.organisations.order_by("nom")
        self.initial.setdefault("presents", list(seance.presents.all()))
        self.initial.setdefault("organisations", list(seance.organisations_presentes.all()))


class CorrectionDecisionForm(forms.Form):
    motifs = forms.CharField(
        label="Motifs / contenu corrigés",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    motif_correction = forms.CharField(
        label="Pourquoi corriger",
        max_length=250,
        help_text="Gardé dans l'historique de la décision : « faute de frappe », « motif "
        "incomplet »…",
    )
