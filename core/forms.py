import re

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from . import bornes, widgets
from .listes import ListeCherchee
from .selects import ChoixEnUneRequete, ChoixRetenus
from .widgets import champ_de_cle


class ConnexionForm(AuthenticationForm):
    username = forms.EmailField(
        label="Adresse électronique",
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }

    def get_invalid_login_error(self):
        # Essai refusé avant toute vérification (core.limitation) : dire pourquoi et combien
        # de temps attendre, plutôt que « mot de passe incorrect ».
        refus = getattr(self.request, "limitation_refus", None)
        if refus is not None:
            return forms.ValidationError(refus.message, code="limitation")
        return super().get_invalid_login_error()


class CodeForm(forms.Form):
    """Le code de l'application d'authentification, ou un code de secours."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="Les 6 chiffres affichés par l'application, ou l'un de vos codes de secours.",
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )


class ActivationForm(forms.Form):
    code = forms.CharField(
        label="Code affiché par l'application",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}
        ),
    )


# --- Champs bornés --------------------------------------------------------------------------
#
# Tous les formulaires du produit passent par ces champs pour les dates, les identifiants et les
# nombres : une saisie hors bornes (un identifiant de vingt chiffres, une date de l'an 9999, un
# nombre de 5 000 chiffres) devient une erreur de formulaire en français, jamais une exception de
# la base ni une erreur 500.

CHAMP_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHAMP_DATE_HEURE = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _trop_longue(valeur):
    return isinstance(valeur, str) and len(valeur) > bornes.LONGUEUR_MAXIMUM_D_UNE_VALEUR


class _DateBorneeMixin:
    """Une date entre le 1er janvier 2000 et `futur` après aujourd'hui (un an par défaut ;
    `bornes.AUCUN_FUTUR` pour ce qui a déjà eu lieu)."""

    def __init__(self, *args, futur=bornes.UN_AN, **kwargs):
        self.futur = futur
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if _trop_longue(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)

    def validate(self, value):
        super().validate(value)
        if value not in self.empty_values:
            message = bornes.erreur_de_date(self.jour(value), self.futur)
            if message:
                raise forms.ValidationError(message, code="date_hors_bornes")


class DateBornee(_DateBorneeMixin, forms.DateField):
    widget = CHAMP_DATE

    def jour(self, value):
        return value


class DateHeureBornee(_DateBorneeMixin, forms.DateTimeField):
    widget = CHAMP_DATE_HEURE

    def to_python(self, value):
        moment = super().to_python(value)
        # L'année est vérifiée avant toute conversion de fuseau : l'an 1 passé en UTC sort du
        # calendrier, et l'an 9999 aussi dès qu'on lui ajoute un jour.
        if moment is not None and not (
            bornes.DATE_MINIMUM.year <= moment.year <= bornes.date_maximum(self.futur).year
        ):
            message = bornes.erreur_de_date(moment.date(), self.futur)
            raise forms.ValidationError(message, code="date_hors_bornes")
        return moment

    def jour(self, value):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


class EntierBorne(forms.IntegerField):
    """Un entier entre `min_value` et `max_value` (obligatoires), sa longueur vérifiée avant la
    conversion."""

    def __init__(self, *args, min_value, max_value, **kwargs):
        super().__init__(*args, min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        if _trop_longue(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class MontantField(forms.DecimalField):
    """Euros saisis à la française : « 1 234,56 », « 1234.56 », « 12 € » ; dix chiffres dont
    deux décimales au plus, jamais négatif."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s\u00a0\u202f€]", "", value)
            if _trop_longue(value):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


def champ_montant(label, **kwargs):
    return MontantField(label=label, required=False, **kwargs)


CHOIX_INVALIDE = "Ce choix n'est pas proposé : rechargez la page et choisissez dans la liste."


CHOIX_OUI_NON = [("", "Non renseigné"), ("oui", "Oui"), ("non", "Non")]


def champ_oui_non(label, help_text=""):
    """Oui, non, ou « non renseigné » (None) : une valeur hors de la liste est refusée."""
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=CHOIX_OUI_NON,
        coerce=lambda valeur: valeur == "oui",
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": CHOIX_INVALIDE},
    )


class ChoixModele(ChoixRetenus, forms.ModelChoiceField):
    """Un `ModelChoiceField` qui vérifie la forme et l'intervalle de l'identifiant reçu avant de
    le chercher en base ; ses choix se lisent en une requête (`ChoixEnUneRequete`)."""

    iterator = ChoixEnUneRequete

    def to_python(self, value):
        if value not in self.empty_values and not bornes.cle_valide(champ_de_cle(self), value):
            raise forms.ValidationError(CHOIX_INVALIDE, code="invalid_choice")
        return super().to_python(value)


class ChoixModeles(ChoixRetenus, forms.ModelMultipleChoiceField):
    """Un `ModelMultipleChoiceField` qui vérifie chaque identifiant reçu (forme, intervalle,
    nombre) avant de les chercher en base : un entier hors des 64 bits fait échouer SQLite ;
    ses choix se lisent en une requête (`ChoixEnUneRequete`)."""

    iterator = ChoixEnUneRequete

    NOMBRE_MAXIMUM = 1000

    def _check_values(self, value):
        valeurs = list(value)
        cle = champ_de_cle(self)
        if len(valeurs) > self.NOMBRE_MAXIMUM or not all(
            bornes.cle_valide(cle, valeur) for valeur in valeurs
        ):
            raise forms.ValidationError(CHOIX_INVALIDE, code="invalid_choice")
        return super()._check_values(valeurs)


def listes_ou_recherche(formulaire, listes, adresse, incluses=()):
    """`choix_ou_recherche` pour chaque champ de `listes` (nom du champ → ce qu'il propose),
    cherchés à la même `adresse`, qui reconnaît chaque liste par `?liste=<nom du champ>`.

    `incluses` : des couples `(partie, tout)` de champs dont la liste `partie` (un choix
    multiple, décidé ici) est contenue dans la liste `tout` (un choix simple, décidé au rendu).
    Quand `partie` se cherche, `tout` se cherche aussi sans être relue au rendu."""
    for nom, liste in listes.items():
        choix_ou_recherche(formulaire.fields[nom], liste, f"{adresse}?liste={nom}")
    for partie, tout in incluses:
        if isinstance(formulaire.fields[partie].widget, widgets.SelectMultipleParRecherche):
            formulaire.fields[tout].widget.longue = True


def choix_ou_recherche(champ, liste, recherche, aide=True):
    """Pose `liste` (un queryset trié de personnes, ou une `listes.ListeCherchee`, qui dit aussi
    l'aide, l'invite et la réponse vide de sa recherche) comme choix de `champ` : la liste
    entière jusqu'à `widgets.LISTE_ENTIERE_JUSQU_A` lignes, une recherche au-delà (les autres
    choix proposés d'après ce qu'on tape, lus à l'adresse `recherche`). Dans les deux cas, la
    valeur reçue est vérifiée contre toute la liste. `aide=False` : sans la phrase d'aide sous
    le champ (une barre de filtres, où la saisie dit déjà « Rechercher par le nom »).

    Un choix simple le décide au rendu (`widgets.SelectOuRecherche`). Un choix multiple le
    décide ici, en une requête d'au plus `LISTE_ENTIERE_JUSQU_A` + 1 lignes, parce que sa
    liste entière est faite de cases à cocher, que le formulaire rend autrement qu'une liste.
    Une liste qui a une clé (`ListeCherchee.memoire`) et qu'on vient de trouver trop longue ne
    se relit pas pour le savoir (`widgets.premieres_lignes`)."""
    if not isinstance(liste, ListeCherchee):
        liste = ListeCherchee(liste)
    champ.queryset = liste.queryset
    if not isinstance(champ, forms.ModelMultipleChoiceField):
        widget = widgets.SelectOuRecherche(
            recherche,
            attrs=champ.widget.attrs,
            aide=liste.aide if aide else None,
            invite=liste.invite,
            aucun=liste.aucun,
            memoire=liste.memoire,
        )
    else:
        lignes, trop_longue = widgets.premieres_lignes(liste.queryset, liste.memoire)
        if not trop_longue:
            # Le widget rend ces lignes-ci, déjà lues ; la validation lit toujours le queryset.
            iterateur = champ.iterator(champ)
            champ.widget.choices = [iterateur.choice(ligne) for ligne in lignes]
            return
        widget = widgets.SelectMultipleParRecherche(
            recherche, invite=liste.invite, aucun=liste.aucun
        )
        champ.help_text = " ".join(filter(None, [str(champ.help_text), liste.aide]))
    widget.is_required = champ.required
    widget.choices = champ.choices
    champ.widget = widget
