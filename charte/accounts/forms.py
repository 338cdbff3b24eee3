from datetime import timedelta
from typing import Any

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from charte import audit
from charte.accounts import actions
from charte.accounts.models import User
from charte.accounts.receivers import login_digest
from charte.audit import events, watch
from charte.audit.journal import RequestMeta
from charte.core.actors import ANONYMOUS
from charte.core.cards import RefusesCardNumbers


class LoginForm(RefusesCardNumbers, AuthenticationForm):
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
        "locked_account": _(
            "Trop de tentatives de connexion ont échoué pour ce compte : par sécurité, il est "
            "bloqué jusqu'à %(time)s. Vous pourrez réessayer à partir de cette heure, ou "
            "réinitialiser votre mot de passe dès maintenant."
        ),
        "locked_address": _(
            "Trop de tentatives de connexion ont échoué depuis votre réseau : par sécurité, les "
            "connexions qui en viennent sont bloquées jusqu'à %(time)s. Vous pourrez réessayer "
            "à partir de cette heure."
        ),
    }

    def clean(self) -> dict[str, Any]:
        """Refuse at once, saying until when, while a lockout holds (no password is checked)."""
        login = self.cleaned_data.get("username")
        if login and self.request is not None:
            account = User.objects.by_login(login).first()
            meta = audit.request_meta(self.request)
            lock = watch.current_lock(
                account=account, login_digest=login_digest(login), ip=meta["ip"]
            )
            if lock is not None:
                audit.record(
                    event=events.LOGIN_BLOCKED,
                    actor=ANONYMOUS,
                    subject=account,
                    data={"login": login_digest(login), "scope": lock.scope},
                    meta=meta,
                )
                until = timezone.localtime(lock.until + timedelta(seconds=59))
                raise forms.ValidationError(
                    self.error_messages[f"locked_{lock.scope}"],
                    code="locked",
                    params={"time": formats.time_format(until, "H:i")},
                )
        return super().clean()


class ChangePasswordForm(RefusesCardNumbers, PasswordChangeForm):
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


class ResetPasswordForm(RefusesCardNumbers, SetPasswordForm):
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


class RequestResetForm(RefusesCardNumbers, PasswordResetForm):
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
