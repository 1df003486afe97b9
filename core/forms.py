from django import forms
from django.contrib.auth.forms import AuthenticationForm


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
