"""The second factor's pages: set up, verify, recovery codes, the person's settings, passkeys,
and the DPO's or IT's reset of another person's factors.

Thin: each view parses, calls one action or query, and renders; the session's side of things
lives in `state`, the WebAuthn ceremony in `passkeys`.
"""

import uuid
from base64 import b32encode
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from charte import audit
from charte.accounts import signin
from charte.accounts.models import User
from charte.core.access import signed_in_view, viewer_of
from charte.core.cards import checks_card_numbers
from charte.core.errors import ActionError
from charte.core.paths import safe_path
from charte.core.views import act, attempt
from charte.second_factor import actions, passkeys, state
from charte.second_factor.forms import CodeForm, PasswordForm, RecoveryCodeForm, ResetLookupForm
from charte.second_factor.queries import (
    access_passkey_by_owner,
    access_person_to_reset,
    access_reset,
    access_second_factor,
    access_totp_by_owner,
    access_turn_off,
    factors_of,
    has_factor,
    offered_to,
    required_for,
)


def _me(request: HttpRequest) -> User:
    return access_second_factor(viewer_of(request))


def _next(request: HttpRequest, default: str | None = None) -> str:
    return safe_path(
        request.POST.get("next") or request.GET.get("next"), default or reverse("home")
    )


def _with_next(url: str, target: str) -> str:
    return f"{url}?{urlencode({'next': target})}"


def sign_in_step(request: HttpRequest, user: User, previous_login: datetime | None) -> str | None:
    """After the password: staff, and anyone who turned a factor on, pass it before any page."""
    if state.is_verified(request):
        return None
    if not required_for(user) and not (offered_to(user) and has_factor(user)):
        return None
    request.session[state.REQUIRED] = True
    request.session[state.PREVIOUS_LOGIN] = previous_login.isoformat() if previous_login else ""
    state.note_password(request)
    return reverse("second_factor:verify" if has_factor(user) else "second_factor:setup")


def _continue(request: HttpRequest) -> HttpResponse:
    """Verified: on to the page the person was going to, after the other sign-in steps."""
    user = viewer_of(request)
    target = _next(request)
    stop = signin.first_stop(request, user, state.previous_login(request))
    return HttpResponseRedirect(_with_next(stop, target) if stop else target)


def _failed(request: HttpRequest, user: User) -> HttpResponse | None:
    """A wrong code counts as a failed sign-in; too many in a session end the session."""
    user_login_failed.send(sender=__name__, credentials={"username": user.login}, request=request)
    if state.count_failure(request) < state.MAX_FAILURES:
        return None
    logout(request)
    messages.error(
        request,
        _(
            "Trop de codes erronés : par sécurité, vous avez été déconnecté. Reconnectez-vous, "
            "ou utilisez un code de secours. Si vous avez perdu votre téléphone, le service "
            "informatique peut réinitialiser votre second facteur."
        ),
    )
    return redirect("accounts:login")


def _wait_message(until: datetime) -> str:
    when = formats.time_format(timezone.localtime(until), "H:i:s")
    return _("Trop d'essais à la suite : attendez %(time)s avant de réessayer.") % {"time": when}


def _left_message(request: HttpRequest) -> str:
    left = state.MAX_FAILURES - int(request.session.get(state.FAILURES, 0))
    return _(
        "Ce code ne correspond pas. Encore %(left)d essai(s) avant que la session soit fermée."
    ) % {"left": left}


@checks_card_numbers
@signed_in_view
def verify(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if state.is_verified(request):
        return _continue(request)
    factors = factors_of(user)
    if not factors.any:
        return redirect(_with_next(reverse("second_factor:setup"), _next(request)))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and factors.totp is not None and form.is_valid():
        outcome = actions.check_totp(
            user=user, code=form.cleaned_data["code"], meta=audit.request_meta(request)
        )
        if outcome.device is not None:
            state.mark_verified(request, outcome.device)
            return _continue(request)
        stop = _failed(request, user)
        if stop is not None:
            return stop
        form.add_error(
            "code",
            _wait_message(outcome.wait_until) if outcome.wait_until else _left_message(request),
        )
    return render(
        request,
        "second_factor/verify.html",
        {
            "form": form,
            "factors": factors,
            "next": _next(request),
            "passkeys_available": passkeys.available(request),
        },
    )


@checks_card_numbers
@signed_in_view
def recovery(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if state.is_verified(request):
        return _continue(request)
    if not factors_of(user).any:
        return redirect("second_factor:settings")
    form = RecoveryCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = actions.check_recovery_code(
            user=user, code=form.cleaned_data["code"], meta=audit.request_meta(request)
        )
        if outcome.device is not None:
            state.mark_verified(request, outcome.device)
            left = outcome.left or 0
            message = _("Code de secours accepté : il vous en reste %(left)d.") % {"left": left}
            if left <= 3:
                message += " " + _(
                    "Créez-en de nouveaux dans « Double authentification » dès que possible."
                )
            messages.warning(request, message)
            return _continue(request)
        stop = _failed(request, user)
        if stop is not None:
            return stop
        form.add_error(
            "code",
            _wait_message(outcome.wait_until)
            if outcome.wait_until
            else _(
                "Ce code de secours n'est pas valable (chaque code ne sert qu'une fois). "
                "Encore %(left)d essai(s) avant que la session soit fermée."
            )
            % {"left": state.MAX_FAILURES - int(request.session.get(state.FAILURES, 0))},
        )
    return render(request, "second_factor/recovery.html", {"form": form, "next": _next(request)})


def _may_set_up(request: HttpRequest, user: User) -> bool:
    """Adding a factor needs a verified session, or no factor yet: else a stolen password
    could add the thief's own factor beside the person's."""
    return state.is_verified(request) or not has_factor(user)


@checks_card_numbers
@signed_in_view
def setup(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if not _may_set_up(request, user):
        return redirect(_with_next(reverse("second_factor:verify"), _next(request)))
    if not state.password_is_recent(request):
        return redirect(_with_next(reverse("second_factor:confirm_password"), request.path))
    device = actions.start_totp(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: actions.confirm_totp(
                device=device,
                code=form.cleaned_data["code"],
                actor=user,
                meta=audit.request_meta(request),
            ),
            form=form,
            field="code",
        )
        if outcome.done:
            state.mark_verified(request, device)
            codes = outcome.value or []
            return _after_adding(request, codes, _("Votre application est configurée."))
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "second_factor/setup.html",
        {
            "form": form,
            "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": required_for(user),
            "replacing": factors_of(user).totp is not None,
            "next": _next(request),
            "passkeys_available": passkeys.available(request),
        },
    )


def _after_adding(request: HttpRequest, codes: list[str], done: str) -> HttpResponse:
    messages.success(request, done)
    target = _next(request, reverse("second_factor:settings"))
    if codes:
        request.session[state.NEW_CODES] = codes
        return redirect(_with_next(reverse("second_factor:recovery_codes"), target))
    return HttpResponseRedirect(target)


@signed_in_view
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; POST makes new ones (the old ones stop working)."""
    user = _me(request)
    if request.method == "POST":
        if not state.password_is_recent(request):
            return _ask_password(request, reverse("second_factor:settings"))
        codes = actions.renew_recovery_codes(
            user=user, actor=user, meta=audit.request_meta(request)
        )
        request.session[state.NEW_CODES] = codes
        return redirect("second_factor:recovery_codes")
    codes = request.session.pop(state.NEW_CODES, None)
    if not codes:
        return redirect("second_factor:settings")
    return render(
        request,
        "second_factor/recovery_codes.html",
        {"codes": codes, "next": _next(request, reverse("second_factor:settings"))},
    )


def _ask_password(request: HttpRequest, then: str) -> HttpResponse:
    messages.info(request, _("Pour cette modification, tapez d'abord votre mot de passe."))
    return redirect(_with_next(reverse("second_factor:confirm_password"), then))


@checks_card_numbers
@signed_in_view
def confirm_password(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = PasswordForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            state.note_password(request)
            return HttpResponseRedirect(_next(request, reverse("second_factor:settings")))
        stop = _failed(request, user)
        if stop is not None:
            return stop
    return render(
        request, "second_factor/confirm_password.html", {"form": form, "next": _next(request)}
    )


@signed_in_view
def settings_page(request: HttpRequest) -> HttpResponse:
    """ "Double authentification": the person's factors, and what they can do with them."""
    user = _me(request)
    return render(
        request,
        "second_factor/settings.html",
        {
            "factors": factors_of(user),
            "required": required_for(user),
            "passkeys_available": passkeys.available(request),
            "password_recent": state.password_is_recent(request),
        },
    )


@signed_in_view
@require_POST
def remove_totp(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if not state.password_is_recent(request):
        return _ask_password(request, reverse("second_factor:settings"))
    access_totp_by_owner(owner=user)
    return act(
        request,
        lambda: actions.remove_totp(user=user, actor=user, meta=audit.request_meta(request)),
        success=_("L'application d'authentification est retirée."),
        to="second_factor:settings",
    )


@signed_in_view
@require_POST
def remove_passkey(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    user = _me(request)
    passkey = access_passkey_by_owner(owner=user, public_id=public_id)
    if not state.password_is_recent(request):
        return _ask_password(request, reverse("second_factor:settings"))
    return act(
        request,
        lambda: actions.remove_passkey(
            passkey=passkey, actor=user, meta=audit.request_meta(request)
        ),
        success=_("La clé d'accès est retirée."),
        to="second_factor:settings",
    )


@checks_card_numbers
@signed_in_view
def turn_off(request: HttpRequest) -> HttpResponse:
    """A teacher or parent turns the second factor off, typing their password again."""
    user = access_turn_off(_me(request))
    if not factors_of(user).any:
        return redirect("second_factor:settings")
    form = PasswordForm(request.POST or None, user=user)
    if request.method == "POST":
        if form.is_valid():
            actions.turn_off(user=user, actor=user, meta=audit.request_meta(request))
            state.forget_verification(request)
            request.session.pop(state.REQUIRED, None)
            messages.success(request, _("La double authentification est désactivée."))
            return redirect("second_factor:settings")
        stop = _failed(request, user)
        if stop is not None:
            return stop
    return render(request, "second_factor/turn_off.html", {"form": form})


# Passkeys: JSON endpoints called by static/second_factor/passkeys.js --------------------------


def _credential(request: HttpRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    """What the script posted, and the browser's credential in it (`PasskeyError` if none)."""
    data = passkeys.parse(request)
    credential = data.get("credential")
    if not isinstance(credential, dict):
        raise passkeys.PasskeyError("no credential")
    return data, credential


def _json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@signed_in_view
@require_POST
def passkey_register_options(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if not _may_set_up(request, user) or not state.password_is_recent(request):
        return _json_error(_("Rechargez la page et confirmez votre mot de passe."), 403)
    if not passkeys.available(request):
        return _json_error(_("Les clés d'accès ne fonctionnent pas sur cette adresse."))
    return HttpResponse(
        passkeys.registration_options(request, user), content_type="application/json"
    )


@signed_in_view
@require_POST
def passkey_register(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if not _may_set_up(request, user) or not state.password_is_recent(request):
        return _json_error(_("Rechargez la page et confirmez votre mot de passe."), 403)
    try:
        data, credential = _credential(request)
        registered = passkeys.verify_registration(request, credential)
        passkey, codes = actions.add_passkey(
            user=user,
            credential_id=registered.credential_id,
            public_key=registered.public_key,
            sign_count=registered.sign_count,
            transports=registered.transports,
            name=str(data.get("name") or ""),
            actor=user,
            meta=audit.request_meta(request),
        )
    except passkeys.PasskeyError:
        return _json_error(_("La clé d'accès n'a pas pu être enregistrée. Réessayez."))
    except ActionError as exc:
        return _json_error(str(exc))
    if not state.is_verified(request):
        state.mark_verified(request, passkey)
    response = _after_adding(request, codes, _("Votre clé d'accès est enregistrée."))
    return JsonResponse({"redirect": response["Location"]})


@signed_in_view
@require_POST
def passkey_options(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    if not factors_of(user).passkeys:
        return _json_error(_("Aucune clé d'accès n'est enregistrée pour ce compte."))
    return HttpResponse(
        passkeys.authentication_options(request, user), content_type="application/json"
    )


@signed_in_view
@require_POST
def passkey_verify(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    try:
        _data, credential = _credential(request)
        passkey, sign_count = passkeys.verify_authentication(request, user, credential)
    except passkeys.PasskeyError:
        actions.passkey_failed(user=user, meta=audit.request_meta(request))
        stop = _failed(request, user)
        if stop is not None:
            return JsonResponse({"redirect": stop["Location"]}, status=400)
        return _json_error(_("Cette clé d'accès n'a pas été reconnue. Réessayez."))
    actions.passkey_used(passkey=passkey, sign_count=sign_count, meta=audit.request_meta(request))
    state.mark_verified(request, passkey)
    return JsonResponse({"redirect": _continue(request)["Location"]})


# The DPO's or IT's reset of another person's factors ----------------------------------------


def _resetter(request: HttpRequest) -> User:
    return access_reset(viewer_of(request))


@checks_card_numbers
@signed_in_view
def reset(request: HttpRequest) -> HttpResponse:
    viewer = _resetter(request)
    form = ResetLookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = User.objects.by_login(form.cleaned_data["login"]).first()
        if person is not None and person.pk == viewer.pk:
            form.add_error(
                "login",
                _(
                    "Vous ne pouvez pas réinitialiser votre propre second facteur : demandez-le "
                    "à un collègue du service informatique ou au délégué à la protection des "
                    "données."
                ),
            )
        elif person is None or not offered_to(person):
            form.add_error("login", _("Aucun compte avec un second facteur ne répond à cela."))
        else:
            return redirect("second_factor:reset_person", person=person.public_id)
    return render(request, "second_factor/reset.html", {"form": form})


@signed_in_view
def reset_person(request: HttpRequest, person: uuid.UUID) -> HttpResponse:
    viewer = _resetter(request)
    subject = access_person_to_reset(viewer=viewer, public_id=person)
    if request.method == "POST":
        return act(
            request,
            lambda: actions.reset_factors(
                person=subject, actor=viewer, meta=audit.request_meta(request)
            ),
            success=lambda removed: (
                _(
                    "Second facteur de %(name)s réinitialisé (%(count)d retiré(s)) ; ses sessions "
                    "sont fermées et un e-mail l'en informe."
                )
                % {"name": subject.full_name, "count": removed}
            ),
            to="second_factor:reset",
        )
    if subject.pk != viewer.pk:
        audit.record_read(viewer=viewer, subject=subject, what="second_factor")
    return render(
        request,
        "second_factor/reset_person.html",
        {"subject": subject, "factors": factors_of(subject), "own": subject.pk == viewer.pk},
    )
