import re
import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.html import strip_tags

from charte import audit
from charte.accounts import reentry, signin
from charte.accounts.forms import ChangePasswordForm, LoginForm, RequestResetForm, ResetPasswordForm
from charte.accounts.models import User
from charte.accounts.queries import access_person_by_viewer, people_represented_by
from charte.core import navigation, ratelimit
from charte.core.errors import NotFound

# Each request for a reset link sends an email: a few an hour for one mailbox.
PASSWORD_RESET_LIMIT = ratelimit.Limit("password_reset", per_address="30/h", per_target="5/h")


class LoginView(auth_views.LoginView):
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


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "request": self.request,
            "meta": audit.request_meta(self.request),
        }

    def form_invalid(self, form: ChangePasswordForm) -> HttpResponse:  # type: ignore[override]
        return reentry.answer_too_soon(super().form_invalid(form), form)


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
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
        return {**super().get_form_kwargs(), "meta": audit.request_meta(self.request)}


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
def privacy_centre(request: HttpRequest, person: uuid.UUID | None = None) -> HttpResponse:
    """ "Mes données": what we hold about a person and what they can do, for them or their child."""
    viewer = request.user
    assert isinstance(viewer, User)
    try:
        subject = (
            viewer if person is None else access_person_by_viewer(viewer=viewer, public_id=person)
        )
    except NotFound as exc:
        raise Http404(str(exc)) from exc
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
