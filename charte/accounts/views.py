import re
import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from charte import audit
from charte.accounts import actions, signin
from charte.accounts import devices as device_list
from charte.accounts.forms import ChangePasswordForm, LoginForm, RequestResetForm, ResetPasswordForm
from charte.accounts.models import User
from charte.accounts.queries import access_person_by_viewer, people_represented_by
from charte.core import navigation
from charte.core.errors import NotFound


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


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ChangePasswordForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "meta": audit.request_meta(self.request)}


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


class PasswordResetView(auth_views.PasswordResetView):
    form_class = RequestResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


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


@login_required
def devices(request: HttpRequest) -> HttpResponse:
    """ "Mes appareils": where the person is signed in, and signing out any or all others."""
    user = request.user
    assert isinstance(user, User)
    open_now = device_list.open_sessions(user, current_key=request.session.session_key)
    return render(
        request,
        "accounts/devices.html",
        {"devices": open_now, "others": sum(1 for d in open_now if not d.current)},
    )


@login_required
@require_POST
def end_session(request: HttpRequest, handle: str) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    session = device_list.find(user, handle)
    if session is None or session.session_key == request.session.session_key:
        raise Http404(_("Cette session n'existe pas, ou elle est déjà fermée."))
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


@login_required
@require_POST
def end_other_sessions(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
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
