import uuid
from collections import Counter
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from charte import audit
from charte.accounts.models import User
from charte.accounts.queries import access_person_by_viewer, access_ward_by_guardian
from charte.accounts.views import SIGN_UP_NEXT_KEY
from charte.consent import actions
from charte.consent.forms import QuestionsForm, SignUpForm
from charte.consent.middleware import GATE_KEY, TOLD_KEY
from charte.consent.models import Channel, CharterVersion, Verification
from charte.consent.purposes import purpose as find_purpose
from charte.consent.queries import (
    access_parental_checks,
    latest_records,
    latest_version,
    questions_for,
    versions_since,
)
from charte.consent.tokens import read_unsubscribe_token
from charte.core import ratelimit, timing
from charte.core.access import signed_in_view, viewer_of
from charte.core.cards import checks_card_numbers
from charte.core.errors import ActionError
from charte.core.paths import safe_path
from charte.core.views import act, attempt
from charte.privacy.views import charter_context

# Signing up sends an email: a few an hour for one address, more from one network (a school's
# teachers may sign up together at a training day).
SIGN_UP_LIMIT = ratelimit.Limit("sign_up", per_address="30/h", per_target="5/h")


def _next(request: HttpRequest, default: str) -> str:
    return safe_path(request.POST.get("next") or request.GET.get("next"), default)


@checks_card_numbers
@timing.at_least(timing.SIGN_UP_FLOOR)
def sign_up(request: HttpRequest) -> HttpResponse:
    """Sign up a parent, teacher or school staff member, with their consents, in one form.

    The answer is "check your mailbox" whether or not the address already has an account
    (`actions.sign_up`): the account opens from the link sent there.
    """
    if request.user.is_authenticated:
        return redirect("home")
    role = request.GET.get("role", "")
    initial = {"role": role, "email": request.session.get("invited_email", "")}
    form = SignUpForm(request.POST or None, role=role, initial=initial)
    refusal = None
    if request.method == "POST" and form.is_valid():
        refusal = ratelimit.check(SIGN_UP_LIMIT, request=request, target=form.cleaned_data["email"])
    if refusal is not None:
        form.add_error(None, refusal.message)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        choices, texts = form.consent_choices()
        outcome = attempt(
            request,
            lambda: actions.sign_up(
                role=data["role"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password"],
                phone=data["phone"],
                language=translation.get_language() or "fr",
                choices=choices,
                texts=texts,
                meta=audit.request_meta(request),
            ),
            form=form,
        )
        if outcome.done:
            # Where to go once the account is open, if it is opened from this browser.
            request.session[SIGN_UP_NEXT_KEY] = _next(request, "")
            return render(
                request, "consent/sign_up_sent.html", {"email": data["email"].strip().lower()}
            )
    response = render(
        request,
        "consent/sign_up.html",
        {"form": form, "version": latest_version(), "next": _next(request, "")},
    )
    return response if refusal is None else ratelimit.refuse(response, refusal)


@checks_card_numbers
@signed_in_view
def questions(request: HttpRequest) -> HttpResponse:
    """At sign-in: the consents the person must give themself, or renew after a change."""
    user = viewer_of(request)
    asked = questions_for(user)
    destination = _next(request, reverse("home"))
    if not asked:
        request.session.pop(GATE_KEY, None)
        return HttpResponseRedirect(destination)
    form = QuestionsForm(request.POST or None, purposes=asked)
    if request.method == "POST" and form.is_valid():
        choices, texts = form.consent_choices()
        outcome = attempt(
            request,
            lambda: actions.record_choices(
                person=user,
                choices=choices,
                actor=user,
                channel=Channel.SIGN_IN,
                language=translation.get_language(),
                texts=texts,
                meta=audit.request_meta(request),
            ),
            success=_("Merci : vos choix sont enregistrés."),
            form=form,
        )
        if outcome.done:
            request.session.pop(GATE_KEY, None)
            return HttpResponseRedirect(destination)
    version = latest_version()
    return render(
        request,
        "consent/questions.html",
        {
            "form": form,
            "version": version,
            "own_consent": any(record.on_behalf for record in latest_records(user).values()),
            "next": destination,
        },
    )


@signed_in_view
@require_POST
def choose(request: HttpRequest, person: uuid.UUID) -> HttpResponse:
    """The privacy centre's one-click give or withdraw, for oneself or for one's child."""
    viewer = viewer_of(request)
    subject = access_person_by_viewer(viewer=viewer, public_id=person)
    code = request.POST.get("purpose", "")
    give = request.POST.get("give") == "1"
    found = find_purpose(code)
    name = str(found.name) if found else code
    return act(
        request,
        lambda: actions.record_choices(
            person=subject,
            choices={code: give},
            actor=viewer,
            channel=Channel.PRIVACY_CENTRE,
            language=translation.get_language(),
            only_separable=True,
            meta=audit.request_meta(request),
        ),
        success=_("Consentement donné : %(name)s.") % {"name": name}
        if give
        else _("Consentement retiré : %(name)s. Ce traitement s'arrête dès maintenant.")
        % {"name": name},
        to=_centre_url(viewer, subject),
    )


@signed_in_view
@require_POST
def withdraw_child(request: HttpRequest, person: uuid.UUID) -> HttpResponse:
    """A guardian withdraws their consent for their child: the account closes at once."""
    viewer = viewer_of(request)
    child = access_ward_by_guardian(viewer=viewer, public_id=person)
    return act(
        request,
        lambda: actions.withdraw_for_child(child=child, actor=viewer),
        success=_(
            "Votre consentement est retiré. Le compte de %(name)s est fermé dès maintenant ; "
            "ses données seront effacées dans 30 jours."
        )
        % {"name": child.first_name},
        to=_centre_url(viewer, child),
    )


def _centre_url(viewer: User, person: User) -> str:
    if viewer.pk == person.pk:
        return reverse("accounts:privacy_centre") + "#consentements"
    return reverse("accounts:privacy_centre_person", args=[person.public_id]) + "#consentements"


@csrf_exempt  # the signed token is the credential; mail providers POST without a form (RFC 8058)
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One-click unsubscribe: GET shows what the link does and changes nothing; POST withdraws."""
    found = read_unsubscribe_token(token)
    if found is None:
        return render(request, "consent/unsubscribe.html", {"invalid": True}, status=404)
    person, code = found
    purpose = find_purpose(code)
    context: dict[str, Any] = {"person": person, "purpose": purpose, "done": False}
    if request.method == "POST":
        try:
            actions.record_choices(
                person=person,
                choices={code: False},
                actor=person,
                channel=Channel.EMAIL_LINK,
                only_separable=True,
                meta=audit.request_meta(request),
            )
        except ActionError:
            return render(request, "consent/unsubscribe.html", {"invalid": True}, status=400)
        context["done"] = True
    return render(request, "consent/unsubscribe.html", context)


def versions(request: HttpRequest) -> HttpResponse:
    """Every published version of the charter, each with its dated summary of changes."""
    return render(
        request,
        "consent/versions.html",
        {"versions": CharterVersion.objects.order_by("-number")},
    )


def version(request: HttpRequest, number: int) -> HttpResponse:
    """One version of the charter, as it was published, in the visitor's language."""
    found = CharterVersion.objects.filter(number=number).first()
    if found is None:
        raise Http404(_("Cette version de la charte n'existe pas."))
    language = translation.get_language() or "fr"
    document = found.snapshot.get(language) or found.snapshot["fr"]
    return render(
        request,
        "consent/version.html",
        {**charter_context(document), "version": found, "latest": latest_version()},
    )


def tell_of_versions(request: HttpRequest, last: CharterVersion) -> None:
    """Tell the signed-in person that the charter changed, with a link to what changed."""
    messages.info(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _("Notre charte a été mise à jour le %(date)s (version %(number)s).")
            % {
                "date": date_format(timezone.localtime(last.published_at), "DATE_FORMAT"),
                "number": last.number,
            },
            reverse("consent:versions"),
            _("Voir ce qui a changé"),
        ),
    )


def sign_in_step(request: HttpRequest, user: User, previous_login: datetime | None) -> str | None:
    """Ask for the consents the person owes at sign-in; tell them of a minor change."""
    latest = latest_version()
    if latest is not None:
        request.session[TOLD_KEY] = latest.number  # told below, asked again, or known already
    if questions_for(user):
        request.session[GATE_KEY] = True
        return reverse("consent:questions")
    newer = versions_since(previous_login)
    if newer:
        tell_of_versions(request, newer[-1])
    return None


@signed_in_view
def parental_checks(request: HttpRequest) -> HttpResponse:
    """The DPO sees, for each child a guardian consented for, how that guardian's authority
    was checked (D3): weakest checks first, filterable by way of checking, 50 a page."""
    viewer = viewer_of(request)
    method = request.GET.get("methode", "")
    rows = access_parental_checks(viewer=viewer, method=method)
    counts = Counter(row.verification for row in access_parental_checks(viewer=viewer))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    audit.record(
        event="consent.parental_checks_viewed",
        actor=viewer,
        data={"children": len(page.object_list), "method": method[:20]},
    )
    return render(
        request,
        "consent/parental_checks.html",
        {
            "page": page,
            "method": method,
            "methods": [
                (value, label, counts.get(value, 0))
                for value, label in Verification.choices
                if value != Verification.SELF
            ],
        },
    )
