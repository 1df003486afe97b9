from django import forms
from django.contrib.auth import password_validation
from django.urls import reverse
from django.utils import timezone

from accompagnement.forms import nom_et_profession
from core import widgets
from core.enums import Profession
from core.forms import ChoixModele, DateBornee, listes_ou_recherche
from core.listes import structures
from core.models import Organisation, User

from .services import roles_attribuables


class _AdhesionForm(forms.Form):
    role = forms.ChoiceField(label="Rôle")
    profession = forms.ChoiceField(
        label="Profession", choices=[("", "— Choisir —"), *Profession.choices]
    )
    organisation = ChoixModele(
        label="Structure",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="— Aucune —",
    )
    territoire = ChoixModele(
        label="Territoire",
        queryset=None,
        required=False,
        empty_label="— Tout le dispositif —",
        help_text="Pour un coordinateur territorial ou une équipe de secteur.",
    )

    def __init__(self, *args, dispositif, **kwargs):
        super().__init__(*args, **kwargs)
        # Tous les rôles du dispositif, dans l'ordre où le produit les déclare.
        # Aucun rôle choisi d'avance : le premier de la liste est celui de coordinateur.
        self.fields["role"].choices = [
            ("", "— Choisir —"),
            *((role.value, role.label) for role in roles_attribuables()),
        ]
        listes_ou_recherche(
            self, self.choix_proposes(), reverse("equipes:structures", args=[dispositif.slug])
        )
        territoires = dispositif.territoires.order_by("nom")
        self.fields["territoire"].queryset = territoires
        if not territoires.exists():
            del self.fields["territoire"]

    @staticmethod
    def choix_proposes():
        """Toutes les structures de l'instance : des centaines dans un programme national."""
        return {"organisation": structures(Organisation.objects.order_by("nom"), "structures")}


class InvitationForm(_AdhesionForm):
    email = forms.EmailField(label="Adresse électronique", max_length=254)
    prenom = forms.CharField(label="Prénom", max_length=150, required=False)
    nom = forms.CharField(label="Nom", max_length=150, required=False)
    field_order = ["email", "prenom", "nom", "role", "profession", "organisation", "territoire"]


class ModificationForm(_AdhesionForm):
    pass


class DepartForm(forms.Form):
    date_fin = DateBornee(
        label="Date du départ",
        initial=timezone.localdate,
        help_text="À partir de ce jour, plus aucun accès. Une date passée ferme les accès tout "
        "de suite.",
    )


class _MotDePasseForm(forms.Form):
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class AcceptationForm(_MotDePasseForm):
    """Une nouvelle personne : son nom et le mot de passe qu'elle choisit, aux règles du produit."""

    prenom = forms.CharField(label="Prénom", max_length=150)
    nom = forms.CharField(label="Nom", max_length=150)
    field_order = ["prenom", "nom", "password1", "password2"]

    def __init__(self, *args, invitation, **kwargs):
        self.invitation = invitation
        super().__init__(*args, **kwargs)
        self.fields["prenom"].initial = invitation.prenom
        self.fields["nom"].initial = invitation.nom

    def clean(self):
        donnees = super().clean()
        premier, second = donnees.get("password1"), donnees.get("password2")
        if premier and second and premier != second:
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif premier:
            futur = User(
                email=self.invitation.email,
                first_name=donnees.get("prenom", ""),
                last_name=donnees.get("nom", ""),
            )
            try:
                password_validation.validate_password(premier, futur)
            except forms.ValidationError as refus:
                self.add_error("password1", refus)
        return donnees


class AcceptationCompteExistantForm(forms.Form):
    """Une personne qui a déjà un compte : son mot de passe actuel prouve qu'elle en est
    titulaire."""

    mot_de_passe_actuel = forms.CharField(
        label="Votre mot de passe actuel",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class ReaffectationForm(forms.Form):
    """Un choix par accompagnement et par orientation à confier ; vide = ne rien changer."""

    # La sorte d'une ligne (la lettre de ses champs : « a » un accompagnement, « o » une
    # orientation) → la liste de `selectors.personnes_a_qui_confier` qui lui propose des personnes.
    LISTES = {"a": "referent", "o": "suiveur"}

    def __init__(self, *args, a_reaffecter, **kwargs):
        super().__init__(*args, **kwargs)
        self.a_reaffecter = a_reaffecter
        # Le nom, ou l'adresse à défaut : le libellé que donne aussi la recherche de la page.
        referents = [(u.pk, nom_et_profession(u)) for u in a_reaffecter.referents_possibles]
        suiveurs = [(u.pk, nom_et_profession(u)) for u in a_reaffecter.suiveurs_possibles]
        for accompagnement in a_reaffecter.accompagnements:
            self.fields[f"a_{accompagnement.public_id.hex}"] = forms.TypedChoiceField(
                label=str(accompagnement.menage),
                choices=[("", "— Ne pas changer —"), *referents],
                coerce=int,
                required=False,
                empty_value=None,
            )
        for orientation in a_reaffecter.orientations:
            self.fields[f"o_{orientation.public_id.hex}"] = forms.TypedChoiceField(
                label=str(orientation.menage),
                choices=[("", "— Ne pas changer —"), *suiveurs],
                coerce=int,
                required=False,
                empty_value=None,
            )

    def champ_accompagnement(self, accompagnement):
        return self[f"a_{accompagnement.public_id.hex}"]

    def champ_orientation(self, orientation):
        return self[f"o_{orientation.public_id.hex}"]

    def par_recherche(self, sorte):
        """Vrai si les personnes proposées aux lignes de cette sorte (« a » : référent·es, « o » :
        suivi des orientations) sont trop nombreuses pour être rendues sur chaque ligne."""
        possibles = (
            self.a_reaffecter.referents_possibles
            if sorte == "a"
            else self.a_reaffecter.suiveurs_possibles
        )
        return len(possibles) > widgets.LISTE_ENTIERE_JUSQU_A

    def options(self, champ):
        """(valeur, libellé, choisie) des options que la ligne de `champ` rend : toutes, ou,
        au-delà de `LISTE_ENTIERE_JUSQU_A` personnes, « Ne pas changer » et la personne choisie
        (les autres viennent de la recherche). La validation lit toujours toute la liste."""
        valeur = "" if champ.value() is None else str(champ.value())
        choix = champ.field.choices
        if self.par_recherche(champ.name[0]):
            choix = [(code, libelle) for code, libelle in choix if str(code) in ("", valeur)]
        return [(code, libelle, str(code) == valeur) for code, libelle in choix]

    def choix(self):
        """(accompagnements, orientations) : les couples (objet, personne) choisis."""
        personnes = {
            u.pk: u
            for u in [*self.a_reaffecter.referents_possibles, *self.a_reaffecter.suiveurs_possibles]
        }
        referents = [
            (a, personnes[self.cleaned_data[f"a_{a.public_id.hex}"]])
            for a in self.a_reaffecter.accompagnements
            if self.cleaned_data.get(f"a_{a.public_id.hex}")
        ]
        orientations = [
            (o, personnes[self.cleaned_data[f"o_{o.public_id.hex}"]])
            for o in self.a_reaffecter.orientations
            if self.cleaned_data.get(f"o_{o.public_id.hex}")
        ]
        return referents, orientations
