from typing import Any

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils.translation import gettext_lazy as _

from charte.accounts import actions
from charte.accounts.models import User
from charte.audit.journal import RequestMeta
from charte.core.actors import ANONYMOUS


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Adresse e-mail ou identifiant"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    # Read at sign-in by the cookies app, which records the consent that ticking it gives.
    remember_me = forms.BooleanField(
        label=_("Rester connecté 30 jours sur cet appareil"),
        required=False,
        help_text=_(
            "Sinon, vous êtes déconnecté quand vous fermez le navigateur. Cocher cette case, "
            "c'est accepter le cookie de connexion persistante (vous pourrez changer d'avis "
            "dans « Cookies », en bas de page). Ne la cochez pas sur un ordinateur partagé."
        ),
    )
    error_messages = {
        "invalid_login": _(
            "Adresse e-mail, identifiant ou mot de passe incorrect. Les majuscules comptent "
            "dans le mot de passe."
        ),
        "inactive": _("Ce compte n'est pas encore actif."),
    }


class ChangePasswordForm(PasswordChangeForm):
    """Django's form, with the change written by our action (and journalled)."""

    def __init__(
        self, user: User, *args: Any, meta: RequestMeta | None = None, **kwargs: Any
    ) -> None:
        super().__init__(user, *args, **kwargs)
        self.meta = meta

    def save(self, commit: bool = True) -> User:
        return actions.change_password(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            actor=self.user,
            meta=self.meta,
        )


class ResetPasswordForm(SetPasswordForm):
    def __init__(
        self, user: User, *args: Any, meta: RequestMeta | None = None, **kwargs: Any
    ) -> None:
        super().__init__(user, *args, **kwargs)
        self.meta = meta

    def save(self, commit: bool = True) -> User:
        return actions.change_password(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            actor=self.user,
            reason="reset",
            meta=self.meta,
        )


class RequestResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Adresse e-mail du compte"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Through the notifications app, like every email: it decides who receives it."""
        from charte.notifications.actions import notify

        user = context["user"]
        notify(
            kind="accounts.password_reset",
            person=user,
            actor=ANONYMOUS,
            # The link names the account by its public id, never by its sequential key, and is
            # built on our own address, never on the Host header of the request.
            context={"uid": user.public_id.hex, "token": context["token"]},
        )
