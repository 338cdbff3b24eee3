from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from charte import audit
from charte.accounts import actions, reentry, trusted_devices, waiting
from charte.accounts.models import Role, User
from charte.accounts.receivers import login_digest
from charte.audit import watch
from charte.audit.journal import RequestMeta
from charte.core.actors import ANONYMOUS
from charte.core.cards import RefusesCardNumbers
from charte.core.ratelimit import retry_phrase


class LoginForm(RefusesCardNumbers, AuthenticationForm):
    # A closed account whose right password was typed (see `confirm_login_allowed`).
    waiting_account: User | None = None

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
        "locked_account": _(
            "Trop de tentatives de connexion ont échoué pour ce compte : par sécurité, le mot "
            "de passe ne sera vérifié à nouveau que %(when)s, et ce délai double à chaque "
            "nouvel échec. Sur un appareil où vous vous êtes déjà connecté à ce compte, vous "
            "pouvez vous connecter sans attendre ; vous pouvez aussi réinitialiser votre mot "
            "de passe dès maintenant."
        ),
        "locked_device": _(
            "Trop de tentatives de connexion ont échoué sur cet appareil pour ce compte : par "
            "sécurité, le mot de passe ne sera vérifié à nouveau que %(when)s. Vous pouvez "
            "aussi réinitialiser votre mot de passe dès maintenant."
        ),
        "locked_address": _(
            "Trop de tentatives de connexion ont échoué depuis votre réseau : par sécurité, "
            "les mots de passe qui en viennent ne seront vérifiés à nouveau que %(when)s. Sur un "
            "appareil où vous vous êtes déjà connecté à votre compte, vous pouvez vous "
            "connecter sans attendre."
        ),
    }

    def clean(self) -> dict[str, Any]:
        """Refuse at once, saying until when, while tries must wait (no password is checked)."""
        login = self.cleaned_data.get("username")
        if login and self.request is not None:
            account = User.objects.by_login(login).first()
            meta = audit.request_meta(self.request)
            device = trusted_devices.trusted_device(self.request, account)
            lock = watch.current_lock(
                account=account, login_digest=login_digest(login), ip=meta["ip"], device=device
            )
            if lock is not None:
                data = {"login": login_digest(login)}
                if device:
                    data["device"] = device
                watch.record_refusal(lock, actor=ANONYMOUS, subject=account, data=data, meta=meta)
                raise forms.ValidationError(
                    self.error_messages[f"locked_{lock.scope}"],
                    code="slowed",
                    params={"when": retry_phrase(lock.until), "until": lock.until},
                )
        return super().clean()

    def confirm_login_allowed(self, user: User) -> None:
        """The password was right and the account is closed: say why, and what to do.

        Only here, after the right password: a wrong one reads the same for every login.
        """
        if not user.is_active:
            self.waiting_account = user
            raise forms.ValidationError(waiting.explain(user).message, code="inactive")
        super().confirm_login_allowed(user)


class ChangePasswordForm(RefusesCardNumbers, PasswordChangeForm):
    """Django's form, with the change written by our action (and journalled), and the current
    password checked, counted and slowed like a sign-in (charte.accounts.reentry).

    `keep_session` is the session the change is made from: it stays, every other one ends.
    """

    def __init__(
        self,
        user: User,
        *args: Any,
        request: HttpRequest | None = None,
        meta: RequestMeta | None = None,
        keep_session: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(user, *args, **kwargs)
        self.request = request
        self.meta = meta
        self.keep_session = keep_session
        if user.role == Role.PUPIL:  # pupils are spoken to in "tu", the validators' rules too
            self.fields["new_password1"].help_text = _(
                "Au moins 10 caractères, pas seulement des chiffres ; ni un mot de passe courant, "
                "ni un mot de passe qui ressemble à ton nom ou à ton identifiant."
            )

    def clean_old_password(self) -> str:
        password = str(self.cleaned_data.get("old_password") or "")
        if self.request is None:
            raise ValueError("ChangePasswordForm needs the request, to count wrong passwords.")
        reentry.check_again(
            request=self.request, user=self.user, password=password, purpose="password_change"
        )
        return password

    def save(self, commit: bool = True) -> User:
        return actions.change_password(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            actor=self.user,
            meta=self.meta,
            keep_session=self.keep_session,
        )


class ResetPasswordForm(RefusesCardNumbers, SetPasswordForm):
    def __init__(
        self,
        user: User,
        *args: Any,
        meta: RequestMeta | None = None,
        keep_session: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(user, *args, **kwargs)
        self.meta = meta
        self.keep_session = keep_session

    def save(self, commit: bool = True) -> User:
        return actions.change_password(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            actor=self.user,
            reason="reset",
            meta=self.meta,
            keep_session=self.keep_session,
        )


class RequestResetForm(RefusesCardNumbers, PasswordResetForm):
    email = forms.EmailField(
        label=_("Adresse e-mail du compte"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_users(self, email: str) -> Iterator[User]:
        """Django's choice, and also an account whose password was disabled (after a change of
        address was cancelled from the old address): a reset is how it gets a new one."""
        for user in User.objects.filter(email__iexact=email, is_active=True):
            if (user.email or "").casefold() == email.casefold():
                yield user

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
        from charte.core import notices

        user = context["user"]
        notices.sender().notify(
            kind="accounts.password_reset",
            person=user,
            actor=ANONYMOUS,
            # The link names the account by its public id, never by its sequential key, and is
            # built on our own address, never on the Host header of the request.
            context={"uid": user.public_id.hex, "token": context["token"]},
        )


class ConfirmSignUpForm(RefusesCardNumbers, forms.Form):
    """Confirming a new account: the link proves the mailbox, the password proves the sign-up.

    Asking for the password here means that an account someone else created with this address
    (and whose password they know) cannot be opened by its holder by mistake, and that whoever
    opens it is the person who will sign in with it. A wrong password counts as a failed
    sign-in: journalled, counted and slowed like one (charte.accounts.reentry).
    """

    password = forms.CharField(
        label=_("Le mot de passe choisi à l'inscription"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )

    def __init__(
        self, *args: Any, user: User, request: HttpRequest | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request

    def clean_password(self) -> str:
        password: str = self.cleaned_data["password"]
        if self.request is None:
            raise ValueError("ConfirmSignUpForm needs the request, to count wrong passwords.")
        reentry.check_again(
            request=self.request, user=self.user, password=password, purpose="sign_up_confirmation"
        )
        return password
