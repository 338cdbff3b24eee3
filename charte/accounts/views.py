import re
import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from charte import audit
from charte.accounts import actions, reentry, signin, tokens, waiting
from charte.accounts import devices as device_list
from charte.accounts.forms import (
    ChangePasswordForm,
    ConfirmSignUpForm,
    LoginForm,
    RequestResetForm,
    ResetPasswordForm,
)
from charte.accounts.models import User
from charte.accounts.queries import (
    access_other_session,
    access_person_by_viewer,
    awaiting_confirmation,
    people_represented_by,
)
from charte.core import navigation, ratelimit, timing
from charte.core.access import signed_in_view, viewer_of
from charte.core.cards import checks_card_numbers
from charte.core.errors import ActionError
from charte.core.paths import safe_path
from charte.core.views import attempt

# The account whose right password this browser typed while it was closed (for `waiting_resend`).
WAITING_KEY = "accounts.waiting"
# Sending again the email a closed account waits on: a few a day for one account.
WAITING_RESEND_LIMIT = ratelimit.Limit("waiting_resend", per_address="30/h", per_target="3/d")

# Each request for a reset link sends an email: a few an hour for one mailbox.
PASSWORD_RESET_LIMIT = ratelimit.Limit("password_reset", per_address="30/h", per_target="5/h")


class SafeNext(auth_views.RedirectURLMixin):
    """Django's `next`, kept only if it is a page of ours (`safe_path`)."""

    def get_redirect_url(self, request: HttpRequest | None = None) -> str:
        request = request or self.request  # type: ignore[attr-defined]
        field = self.redirect_field_name
        return safe_path(request.POST.get(field) or request.GET.get(field))


class LoginView(SafeNext, auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        """Sign in, then let the apps ask their question first (a consent to give, say)."""
        user = form.get_user()
        previous_login = user.last_login
        response = super().form_valid(form)
        stop = signin.first_stop(self.request, user, previous_login)
        if stop is None:
            return response
        return HttpResponseRedirect(f"{stop}?{urlencode({'next': self.get_success_url()})}")

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]
        """While tries must wait: 429 Too Many Requests on a page of its own, saying until
        when; it is light on purpose, since scripts get it by the thousand."""
        if form.waiting_account is not None:
            # Whoever typed the right password may ask for the email it waits on again.
            self.request.session[WAITING_KEY] = form.waiting_account.public_id.hex
            return self.render_to_response(
                self.get_context_data(form=form, waiting=waiting.explain(form.waiting_account))
            )
        if reentry.slowed_until(form) is None:
            return super().form_invalid(form)
        next_page = self.get_redirect_url()
        login_url = reverse("accounts:login")
        if next_page:
            login_url += "?" + urlencode({"next": next_page})
        response = render(
            self.request,
            "accounts/slowed_down.html",
            {"errors": form.non_field_errors(), "login_url": login_url},
        )
        return reentry.answer_too_soon(response, form)


@require_POST
def waiting_resend(request: HttpRequest) -> HttpResponse:
    """Send again the email a closed account waits on, for whoever just typed its password."""
    public_id = request.session.get(WAITING_KEY, "")
    person = (
        User.objects.filter(public_id=public_id, is_active=False).first() if public_id else None
    )
    explained = waiting.explain(person) if person is not None else None
    if person is None or explained is None or explained.resend is None:
        messages.error(request, _("Connectez-vous d'abord avec le mot de passe du compte."))
        return redirect("accounts:login")
    refusal = ratelimit.check(WAITING_RESEND_LIMIT, request=request, target=person.public_id.hex)
    if refusal is not None:
        messages.error(request, refusal.message)
        return ratelimit.refuse(redirect("accounts:login"), refusal)
    explained.resend(person)
    request.session.pop(WAITING_KEY, None)
    messages.success(
        request, _("C'est renvoyé. Le message peut mettre quelques minutes à arriver.")
    )
    return redirect("accounts:login")


class LogoutView(SafeNext, auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's view: this session stays signed in (`update_session_auth_hash`), others end."""

    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "request": self.request,
            "meta": audit.request_meta(self.request),
            "keep_session": self.request.session.session_key,
        }

    def form_invalid(self, form: ChangePasswordForm) -> HttpResponse:  # type: ignore[override]
        return reentry.answer_too_soon(super().form_invalid(form), form)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


@method_decorator(timing.at_least(timing.PASSWORD_RESET_FLOOR), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """The same answer, in the same time, whether or not an account uses the address."""

    form_class = RequestResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form: RequestResetForm) -> HttpResponse:  # type: ignore[override]
        """Counted per address and per typed email before anything is sent; refused alike
        whether or not an account has that address."""
        refusal = ratelimit.check(
            PASSWORD_RESET_LIMIT, request=self.request, target=form.cleaned_data["email"]
        )
        if refusal is None:
            return super().form_valid(form)
        form.add_error(None, refusal.message)
        return ratelimit.refuse(self.form_invalid(form), refusal)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ResetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_user(self, uidb64: str) -> User | None:
        try:
            public_id = uuid.UUID(hex=uidb64)
        except ValueError:
            return None
        return User.objects.filter(public_id=public_id, is_active=True).first()

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "meta": audit.request_meta(self.request),
            "keep_session": self._own_session(),
        }

    def _own_session(self) -> str | None:
        """The browser's session, if it is the person's own: it stays, every other one ends."""
        if self.user is not None and self.request.user.pk == self.user.pk:
            return self.request.session.session_key
        return None

    def form_valid(self, form: ResetPasswordForm) -> HttpResponse:  # type: ignore[override]
        kept = form.keep_session is not None
        response = super().form_valid(form)
        if kept:
            update_session_auth_hash(self.request, form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@signed_in_view
def privacy_centre(request: HttpRequest, person: uuid.UUID | None = None) -> HttpResponse:
    """ "Mes données": what we hold about a person and what they can do, for them or their child."""
    viewer = viewer_of(request)
    subject = viewer if person is None else access_person_by_viewer(viewer=viewer, public_id=person)
    people = people_represented_by(viewer)
    sections = []
    for number, section in enumerate(navigation.privacy_sections(), start=1):
        context = section.context(viewer, subject)
        if context is None:
            continue
        html = render_to_string(
            section.template, {"section": context, "person": subject, "people": people}, request
        )
        # The section's own heading names it in the page's table of contents.
        heading = SECTION_HEADING.search(html)
        title = strip_tags(heading.group(1)).strip() if heading else ""
        sections.append({"id": f"rubrique-{number}", "title": title, "html": html})
    return render(
        request,
        "accounts/privacy_centre.html",
        {"person": subject, "people": people, "sections": sections},
    )


SECTION_HEADING = re.compile(r"<h2[^>]*>(.*?)</h2>", re.S)


# The links sent to an address: they need no sign-in, the signed token is the credential. ------
# Following one (GET) only shows what it does; the button (POST) does it, so that a mail
# scanner that opens every link changes nothing.

SIGN_UP_NEXT_KEY = "accounts.sign_up_next"
BACKEND = "charte.accounts.backends.EmailOrUsernameBackend"


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/link_invalid.html", status=404)


@checks_card_numbers
def sign_up_confirm(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    """A new account's address confirmed: the password typed at sign-up opens it and signs in."""
    person = tokens.person_for(uid)
    if (
        person is None
        or not awaiting_confirmation(person)
        or not tokens.sign_up_tokens.check_token(user=person, token=token)
    ):
        return _invalid_link(request)
    form = ConfirmSignUpForm(
        request.POST if request.method == "POST" else None, user=person, request=request
    )
    if request.method == "POST" and form.is_valid():
        confirmed = attempt(
            request,
            lambda: actions.confirm_sign_up(
                person=person, actor=person, meta=audit.request_meta(request)
            ),
            form=form,
        )
        if confirmed.done:
            destination = safe_path(request.session.pop(SIGN_UP_NEXT_KEY, ""), reverse("home"))
            if request.user.is_authenticated:
                logout(request)
            login(request, person, backend=BACKEND)
            messages.success(request, _("Votre adresse est confirmée et votre compte ouvert."))
            stop = signin.first_stop(request, person, None)
            if stop is not None:
                return HttpResponseRedirect(f"{stop}?{urlencode({'next': destination})}")
            return HttpResponseRedirect(destination)
    response = render(request, "accounts/sign_up_confirm.html", {"form": form, "person": person})
    return reentry.answer_too_soon(response, form)


def email_change_confirm(request: HttpRequest, uid: str, address: str, token: str) -> HttpResponse:
    """The new address's link: one button, and it becomes the account's sign-in address."""
    person = tokens.person_for(uid)
    values = tokens.decode_values(address, 1)
    if (
        person is None
        or not person.is_active  # a closed account's address waits for it to open again
        or values is None
        or not tokens.email_change_tokens.check_token(user=person, values=values, token=token)
    ):
        return _invalid_link(request)
    (new,) = values
    context: dict[str, Any] = {"person": person, "new_email": new, "done": False}
    if request.method == "POST":
        own = request.user.is_authenticated and request.user.pk == person.pk
        try:
            actions.confirm_email_change(
                person=person,
                new_email=new,
                actor=person,
                keep_session=request.session.session_key if own else None,
                meta=audit.request_meta(request),
            )
        except ActionError as exc:
            context["error"] = str(exc)
            return render(request, "accounts/email_change_confirm.html", context, status=409)
        if own:
            messages.success(request, _("Votre adresse e-mail est changée."))
            return redirect("subject_requests:information", person.public_id)
        context["done"] = True
    return render(request, "accounts/email_change_confirm.html", context)


def email_change_cancel(request: HttpRequest, uid: str, addresses: str, token: str) -> HttpResponse:
    """The old address's link: the address stays (or comes back), every session ends."""
    person = tokens.person_for(uid)
    values = tokens.decode_values(addresses, 2)
    if (
        person is None
        or values is None
        or not tokens.cancel_tokens.check_token(user=person, values=values, token=token)
    ):
        return _invalid_link(request)
    old, new = values
    context: dict[str, Any] = {"person": person, "old_email": old, "new_email": new}
    if request.method == "POST":
        signed_in_here = request.user.is_authenticated and request.user.pk == person.pk
        try:
            context["restored"] = actions.cancel_email_change(
                person=person, old_email=old, actor=person, meta=audit.request_meta(request)
            )
        except ActionError as exc:
            context["error"] = str(exc)
            return render(request, "accounts/email_change_cancel.html", context, status=409)
        if signed_in_here:  # its session is gone with the others: say so to this browser too
            logout(request)
        context["done"] = True
    return render(request, "accounts/email_change_cancel.html", context)


@signed_in_view
def devices(request: HttpRequest) -> HttpResponse:
    """ "Mes appareils": where the person is signed in, and signing out any or all others."""
    user = viewer_of(request)
    open_now = device_list.open_sessions(user, current_key=request.session.session_key)
    return render(
        request,
        "accounts/devices.html",
        {"devices": open_now, "others": sum(1 for d in open_now if not d.current)},
    )


@signed_in_view
@require_POST
def end_session(request: HttpRequest, handle: str) -> HttpResponse:
    user = viewer_of(request)
    session = access_other_session(
        viewer=user, handle=handle, current_key=request.session.session_key
    )
    device = next(
        (d for d in device_list.open_sessions(user, current_key=None) if d.handle == handle), None
    )
    actions.end_session(
        session=session,
        actor=user,
        meta=audit.request_meta(request),
        device=device.description if device else "",
    )
    messages.success(request, _("Cet appareil est déconnecté."))
    return redirect("accounts:devices")


@signed_in_view
@require_POST
def end_other_sessions(request: HttpRequest) -> HttpResponse:
    user = viewer_of(request)
    ended = actions.end_other_sessions(
        user=user,
        keep=request.session.session_key or "",
        actor=user,
        meta=audit.request_meta(request),
    )
    messages.success(
        request,
        ngettext(
            "%(count)d autre appareil est déconnecté.",
            "%(count)d autres appareils sont déconnectés.",
            ended,
        )
        % {"count": ended},
    )
    return redirect("accounts:devices")
