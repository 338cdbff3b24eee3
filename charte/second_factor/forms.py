from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from charte.accounts.models import User
from charte.core.cards import RefusesCardNumbers


class CodeForm(RefusesCardNumbers, forms.Form):
    code = forms.CharField(
        label=_("Code à 6 chiffres"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "pattern": "[0-9 ]*",
            }
        ),
        help_text=_("Le code affiché en ce moment par votre application d'authentification."),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) != 6:
            raise forms.ValidationError(_("Tapez les 6 chiffres affichés, sans lettre."))
        return code


class RecoveryCodeForm(RefusesCardNumbers, forms.Form):
    code = forms.CharField(
        label=_("Code de secours"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
        help_text=_(
            "Un des codes reçus quand vous avez activé le second facteur (ex. : abcd-efgh-jkmn)."
        ),
    )


class PasswordForm(RefusesCardNumbers, forms.Form):
    """The person types their password again before a change to their second factor."""

    password = forms.CharField(
        label=_("Votre mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("Ce n'est pas votre mot de passe."), code="wrong")
        return password


class ResetLookupForm(RefusesCardNumbers, forms.Form):
    login = forms.CharField(
        label=_("Adresse e-mail ou identifiant de la personne"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
