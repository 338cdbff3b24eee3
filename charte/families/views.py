import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from charte import audit
from charte.accounts.consent_age import digital_consent_age
from charte.accounts.models import Role, User
from charte.consent.queries import consent_lines, latest_version
from charte.core import ratelimit
from charte.core.access import signed_in_view, viewer_of
from charte.core.actors import ANONYMOUS
from charte.core.cards import checks_card_numbers
from charte.core.errors import ActionError
from charte.core.views import act, attempt
from charte.families import actions
from charte.families.forms import (
    ChildFactsForm,
    ChildForm,
    ChildPasswordForm,
    GuardianConfirmForm,
    InvitationConsentForm,
    InviteGuardianForm,
    LetterCodeForm,
    PupilSignUpForm,
    RenameForm,
)
from charte.families.models import Invitation
from charte.families.queries import (
    access_child_by_guardian,
    access_family,
    access_invitation_by_guardian,
    family_of,
    invitations_sent_for,
    other_guardians,
)
from charte.families.tokens import open_letter, read_invitation_token

type View = Callable[..., HttpResponseBase]

# Each sends an email to the address typed. A whole class may sign up from the school's one
# address in a lesson, and siblings share a parent: generous per address, tight per mailbox.
PUPIL_SIGN_UP_LIMIT = ratelimit.Limit("pupil_sign_up", per_address="100/h", per_target="5/h")
# A letter's code typed by a parent: a few mistakes an hour, nowhere near enough to guess one.
LETTER_CODE_LIMIT = ratelimit.Limit("letter_code", per_address="20/h", per_person="10/h")
INVITE_LIMIT = ratelimit.Limit(
    "guardian_invitation", per_address="30/h", per_person="10/h", per_target="3/h"
)


def parent_required(view: View) -> View:
    """A parent's page: signed in (`signed_in_view`), as a parent (`access_family`)."""

    @signed_in_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        access_family(viewer=viewer_of(request))
        return view(request, *args, **kwargs)

    return wrapper


@parent_required
def home(request: HttpRequest) -> HttpResponse:
    """ "Ma famille": the parent's children, what they can do for each, pending invitations."""
    parent = viewer_of(request)
    children = family_of(parent)
    today = timezone.localdate()
    rows = [
        {
            "child": child,
            "age": child.age_on(today),
            "needs_guardian": child.needs_guardian(today),
            "others": other_guardians(child, parent),
            "consents": [line for line in consent_lines(child) if line.holds],
        }
        for child in children
    ]
    return render(
        request,
        "families/home.html",
        {"rows": rows, "invitations": invitations_sent_for(children)},
    )


@checks_card_numbers
@parent_required
def create_child(request: HttpRequest) -> HttpResponse:
    parent = viewer_of(request)
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        choices, texts = form.consent_choices()
        outcome = attempt(
            request,
            lambda: actions.create_child(
                parent=parent,
                first_name=data["first_name"],
                last_name=data["last_name"],
                birth_date=data["birth_date"],
                username=data["username"],
                password=data["password1"],
                choices=choices,
                texts=texts,
                language=translation.get_language() or "fr",
                meta=audit.request_meta(request),
            ),
            success=lambda child: (
                _(
                    "Le compte de %(name)s est prêt : il se connecte avec l'identifiant "
                    "« %(login)s » et le mot de passe que vous avez choisi."
                )
                % {"name": child.first_name, "login": child.username}
            ),
            form=form,
        )
        if outcome.value is not None:
            return redirect("families:child", outcome.value.public_id)
    return render(
        request, "families/create_child.html", {"form": form, "version": latest_version()}
    )


@parent_required
def child(request: HttpRequest, child: uuid.UUID) -> HttpResponse:
    parent = viewer_of(request)
    person = access_child_by_guardian(viewer=parent, public_id=child)
    return _child_page(request, parent, person)


def _child_page(
    request: HttpRequest, parent: User, person: User, **forms: BaseForm
) -> HttpResponse:
    context = {
        "person": person,
        "age": person.age_on(timezone.localdate()),
        "needs_guardian": person.needs_guardian(timezone.localdate()),
        "others": other_guardians(person, parent),
        "invitations": invitations_sent_for([person]),
        "rename_form": forms.get("rename_form")
        or RenameForm(initial={"first_name": person.first_name, "last_name": person.last_name}),
        "password_form": forms.get("password_form") or ChildPasswordForm(),
        "facts_form": forms.get("facts_form") or ChildFactsForm(child=person),
        "consent_age": digital_consent_age(person.country),
        "invite_form": forms.get("invite_form") or InviteGuardianForm(),
    }
    status = 400 if forms else 200
    return render(request, "families/child.html", context, status=status)


@checks_card_numbers
@parent_required
@require_POST
def rename(request: HttpRequest, child: uuid.UUID) -> HttpResponse:
    parent = viewer_of(request)
    person = access_child_by_guardian(viewer=parent, public_id=child)
    form = RenameForm(request.POST)
    if not form.is_valid():
        return _child_page(request, parent, person, rename_form=form)
    return act(
        request,
        lambda: actions.rename_child(child=person, actor=parent, **form.cleaned_data),
        success=_("Le nom est corrigé."),
        to="families:child",
        args=(person.public_id,),
    )


@checks_card_numbers
@parent_required
@require_POST
def correct_facts(request: HttpRequest, child: uuid.UUID) -> HttpResponse:
    """A guardian corrects their child's birth date or country (never the child themself)."""
    parent = viewer_of(request)
    person = access_child_by_guardian(viewer=parent, public_id=child)
    form = ChildFactsForm(request.POST, child=person)
    if not form.is_valid():
        return _child_page(request, parent, person, facts_form=form)
    outcome = attempt(
        request,
        lambda: actions.correct_child_facts(child=person, actor=parent, **form.cleaned_data),
        success=lambda changed: (
            _("C'est corrigé. Les responsables légaux de %(name)s en sont informés par e-mail.")
            % {"name": person.first_name}
            if changed
            else None
        ),
        form=form,
    )
    if not outcome.done:
        return _child_page(request, parent, person, facts_form=form)
    if not outcome.value:
        messages.info(request, _("Rien n'a changé."))
    return redirect("families:child", person.public_id)


@parent_required
@require_POST
def set_password(request: HttpRequest, child: uuid.UUID) -> HttpResponse:
    parent = viewer_of(request)
    person = access_child_by_guardian(viewer=parent, public_id=child)
    form = ChildPasswordForm(request.POST)
    if not form.is_valid():
        return _child_page(request, parent, person, password_form=form)
    actions.set_child_password(child=person, password=form.cleaned_data["password1"], actor=parent)
    messages.success(
        request,
        _("Le nouveau mot de passe de %(name)s est enregistré.") % {"name": person.first_name},
    )
    return redirect("families:child", person.public_id)


@checks_card_numbers
@parent_required
@require_POST
def invite(request: HttpRequest, child: uuid.UUID) -> HttpResponse:
    parent = viewer_of(request)
    person = access_child_by_guardian(viewer=parent, public_id=child)
    form = InviteGuardianForm(request.POST)
    if not form.is_valid():
        return _child_page(request, parent, person, invite_form=form)
    refusal = ratelimit.check(INVITE_LIMIT, request=request, target=form.cleaned_data["email"])
    if refusal is not None:
        messages.error(request, refusal.message)
        return ratelimit.refuse(_child_page(request, parent, person), refusal)
    return act(
        request,
        lambda: actions.invite_guardian(
            child=person, inviter=parent, email=form.cleaned_data["email"]
        ),
        success=_("Invitation envoyée. Le lien sera établi quand l'autre parent l'aura confirmé."),
        to="families:child",
        args=(person.public_id,),
    )


@parent_required
@require_POST
def cancel_invitation(request: HttpRequest, invitation: uuid.UUID) -> HttpResponse:
    parent = viewer_of(request)
    found = access_invitation_by_guardian(viewer=parent, public_id=invitation)
    actions.cancel_invitation(invitation=found, actor=parent)
    messages.success(request, _("Invitation annulée : son lien ne fonctionne plus."))
    return redirect("families:child", found.child.public_id)


@parent_required
@require_POST
def remove(request: HttpRequest, child: uuid.UUID) -> HttpResponse:
    parent = viewer_of(request)
    person = access_child_by_guardian(viewer=parent, public_id=child)
    outcome = attempt(
        request,
        lambda: actions.remove_child(child=person, actor=parent),
        success=_(
            "Le compte de %(name)s est fermé. Ses données seront effacées dans 30 jours ; "
            "d'ici là, rien n'est traité."
        )
        % {"name": person.first_name},
    )
    if not outcome.done:
        return redirect("families:child", person.public_id)
    return redirect("families:home")


@checks_card_numbers
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Where the invitation's link leads: sign in or create a parent account, then answer."""
    found = read_invitation_token(token)
    if found is None:
        return render(request, "families/invitation_invalid.html", status=404)
    person = found.child
    user = request.user
    if request.method == "POST" and request.POST.get("do") in REFUSALS:
        return _refuse(request, found)
    if not user.is_authenticated:
        request.session["invited_email"] = found.email
        here = request.get_full_path()
        return render(
            request,
            "families/invitation_welcome.html",
            {
                "invitation": found,
                "person": person,
                "login_url": f"{reverse('accounts:login')}?next={here}",
                "sign_up_url": f"{reverse('consent:sign_up')}?role=parent&next={here}",
            },
        )
    assert isinstance(user, User)
    if user.role != Role.PARENT or user.pk == person.pk:
        return render(
            request,
            "families/invitation_welcome.html",
            {"invitation": found, "person": person, "wrong_account": True},
            status=403,
        )
    consent_kind = found.kind in actions.WAITING_KINDS
    form: InvitationConsentForm | GuardianConfirmForm = (
        InvitationConsentForm(request.POST or None, child=person)
        if consent_kind
        else GuardianConfirmForm(request.POST or None, child=person)
    )
    if request.method == "POST" and form.is_valid():
        accepted = _accept(
            request,
            invitation=found,
            guardian=user,
            form=form,
            success=_("Merci ! Le compte de %(name)s est ouvert : il peut se connecter.")
            % {"name": person.first_name}
            if consent_kind
            else _("Vous êtes maintenant responsable de %(name)s sur la plateforme.")
            % {"name": person.first_name},
        )
        if accepted:
            request.session.pop("invited_email", None)
            return redirect("families:home")
    return render(
        request,
        "families/invitation.html",
        {"invitation": found, "person": person, "form": form, "version": latest_version()},
    )


def _accept(
    request: HttpRequest,
    *,
    invitation: Invitation,
    guardian: User,
    form: InvitationConsentForm | GuardianConfirmForm,
    success: str,
) -> bool:
    """A guardian accepts an invitation or a letter, with the consents its form gives."""
    choices, texts = form.consent_choices() if isinstance(form, InvitationConsentForm) else ({}, {})
    return attempt(
        request,
        lambda: actions.accept_invitation(
            invitation=invitation,
            guardian=guardian,
            choices=choices,
            texts=texts,
            language=translation.get_language() or "fr",
            meta=audit.request_meta(request),
        ),
        success=success,
        form=form,
    ).done


REFUSALS = frozenset({"refuse", "not_my_child"})


def _refuse(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    """ "Refuser" / "Ce n'est pas mon enfant": the holder of the link or the letter says no."""
    user = request.user
    actor = user if isinstance(user, User) else ANONYMOUS
    try:
        erased = actions.refuse_invitation(invitation=invitation, actor=actor)
    except ActionError:
        return render(request, "families/invitation_invalid.html", status=404)
    request.session.pop("invited_email", None)
    return render(request, "families/invitation_refused.html", {"erased": erased})


@checks_card_numbers
@parent_required
def letter(request: HttpRequest) -> HttpResponse:
    """A parent types the code of the letter their child's school gave, then answers."""
    parent = viewer_of(request)
    code_form = LetterCodeForm(request.POST or None)
    found = None
    refusal = None
    if request.method == "POST" and code_form.is_valid():
        code = code_form.cleaned_data["code"]
        found = open_letter(code)
        if found is None or request.POST.get("do") not in {"accept", *REFUSALS}:
            # Each code typed counts, right or wrong: guessing stays hopeless.
            refusal = ratelimit.check(LETTER_CODE_LIMIT, request=request)
        if refusal is not None:
            found = None
            code_form.add_error(None, refusal.message)
        elif found is None:
            actions.record_wrong_letter_code(actor=parent)
            code_form.add_error(
                "code",
                _(
                    "Ce code ne correspond à aucune lettre en cours : vérifiez-le, ou demandez "
                    "à l'établissement d'en imprimer une nouvelle (un code ne sert qu'une fois "
                    "et expire au bout de 30 jours)."
                ),
            )
    if found is None:
        response = render(request, "families/letter_code.html", {"form": code_form})
        return response if refusal is None else ratelimit.refuse(response, refusal)
    if request.POST.get("do") in REFUSALS:
        return _refuse(request, found)
    person = found.child
    bound = request.POST.get("do") == "accept"
    form = InvitationConsentForm(request.POST if bound else None, child=person)
    if bound and form.is_valid():
        accepted = _accept(
            request,
            invitation=found,
            guardian=parent,
            form=form,
            success=_("Merci ! Le compte de %(name)s est ouvert : il peut se connecter.")
            % {"name": person.first_name},
        )
        if accepted:
            return redirect("families:home")
    return render(
        request,
        "families/invitation.html",
        {
            "invitation": found,
            "person": person,
            "form": form,
            "version": latest_version(),
            "code": code_form.cleaned_data["code"],
        },
    )


@checks_card_numbers
def pupil_sign_up(request: HttpRequest) -> HttpResponse:
    """A pupil creates their account; under the age, their parent is asked to agree first."""
    if request.user.is_authenticated:
        return redirect("home")
    form = PupilSignUpForm(request.POST or None)
    refusal = None
    if request.method == "POST" and form.is_valid():
        refusal = ratelimit.check(
            PUPIL_SIGN_UP_LIMIT, request=request, target=form.cleaned_data["guardian_email"] or ""
        )
    if refusal is not None:
        form.add_error(None, refusal.message)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            request,
            lambda: actions.sign_up_pupil(
                actor=ANONYMOUS,
                first_name=data["first_name"],
                birth_date=data["birth_date"],
                country=data["country"],
                username=data["username"],
                password=data["password1"],
                guardian_email=data["guardian_email"],
                language=translation.get_language() or "fr",
            ),
            form=form,
        )
        if (person := outcome.value) is not None:
            return render(
                request,
                "families/pupil_signed_up.html",
                {"person": person, "waiting": not person.is_active},
            )
    response = render(request, "families/pupil_sign_up.html", {"form": form})
    return response if refusal is None else ratelimit.refuse(response, refusal)
