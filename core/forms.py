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
