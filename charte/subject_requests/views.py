import uuid
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core import signing
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from charte import audit
from charte.accounts import actions as account_actions
from charte.accounts import guardian_rule, reentry
from charte.accounts.consent_age import country_name, digital_consent_age
from charte.accounts.models import Role, User
from charte.accounts.queries import access_person_by_viewer
from charte.core import csvfile, ratelimit, timing
from charte.core.access import signed_in_view, viewer_of
from charte.core.cards import checks_card_numbers
from charte.core.errors import ActionError, NotFound
from charte.core.headers import never_store
from charte.core.paths import safe_path
from charte.core.views import act, attempt
from charte.privacy import processing, register
from charte.privacy.queries import Holding
from charte.subject_requests import (
    actions,
    deadlines,
    forms,
    heirs,
    queries,
    rules,
    sections,
    storage,
)
from charte.subject_requests.models import (
    Channel,
    Decision,
    ErasureCertificate,
    Kind,
    Limitation,
    Relation,
    Status,
    SubjectRequest,
)

REAUTH_SESSION_KEY = "subject_requests.reauthenticated_at"
DOWNLOAD_SALT = "subject_requests.archive"
PAGE_SIZE = 25
# Each request sends an acknowledgement by email: a few an hour per person is plenty.
REQUESTS_LIMIT = ratelimit.Limit("subject_request", per_person="10/h")


def _reauthenticated_at(request: HttpRequest) -> datetime | None:
    value = request.session.get(REAUTH_SESSION_KEY)
    return datetime.fromisoformat(value) if value else None


def _needs_password(request: HttpRequest) -> bool:
    at = _reauthenticated_at(request)
    return at is None or timezone.now() - at > rules.REAUTHENTICATION_WINDOW


def _signed(request_row: SubjectRequest) -> str:
    return signing.dumps(str(request_row.public_id), salt=DOWNLOAD_SALT)


# The person's pages ---------------------------------------------------------------------------


@checks_card_numbers
@signed_in_view
def new_request(request: HttpRequest, person: uuid.UUID, kind: str) -> HttpResponse:
    viewer = viewer_of(request)
    subject = access_person_by_viewer(viewer=viewer, public_id=person)
    if kind not in sections.RIGHT_KINDS:
        raise Http404
    needs_password = _needs_password(request)
    form = forms.RequestForm(
        request.POST if request.method == "POST" else None,
        kind=kind,
        user=viewer,
        needs_password=needs_password,
        request=request,
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        if "password" in form.cleaned_data:
            request.session[REAUTH_SESSION_KEY] = timezone.now().isoformat()
        refusal = ratelimit.check(REQUESTS_LIMIT, request=request)
    if refusal is not None:
        form.add_error(None, refusal.message)
    elif request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: actions.open_request(
                person=subject,
                kind=kind,
                actor=viewer,
                channel=Channel.ONLINE,
                requester=viewer,
                relation=Relation.SELF if subject.pk == viewer.pk else Relation.GUARDIAN,
                details=form.cleaned_data["details"],
                purposes=form.cleaned_data.get("purposes", ()),
                reauthenticated_at=_reauthenticated_at(request),
                meta=audit.request_meta(request),
            ),
            success=lambda created: (
                _("Ta demande est enregistrée. Nous te répondons au plus tard le {day}.")
                if viewer.role == Role.PUPIL
                else _("Votre demande est enregistrée. Nous vous répondons au plus tard le {day}.")
            ).format(day=date_format(created.deadline, "DATE_FORMAT")),
            form=form,
        )
        if outcome.value is not None:
            return redirect("subject_requests:detail", outcome.value.public_id)
    response = render(
        request,
        "subject_requests/new_request.html",
        {
            "form": form,
            "person": subject,
            "kind": Kind(kind),
            "explanation": sections.explanations(
                pupil=subject.pk == viewer.pk and subject.role == Role.PUPIL
            )[kind],
            "due": deadlines.due_on(timezone.now()),
        },
    )
    if refusal is not None:
        return ratelimit.refuse(response, refusal)
    return reentry.answer_too_soon(response, form)


@signed_in_view
def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    found = queries.access_request_by_viewer(viewer=viewer, public_id=public_id)
    downloadable = queries.may_download(viewer, found)
    return render(
        request,
        "subject_requests/detail.html",
        {
            "req": found,
            "today": deadlines.today(),
            "download_url": (
                reverse("subject_requests:download", args=[found.public_id, _signed(found)])
                if downloadable
                else ""
            ),
            "purposes": queries.purpose_names(found.purposes),
            "certificate": getattr(found, "certificate", None),
            "can_cancel": found.status in (Status.AWAITING_IDENTITY, Status.IN_REVIEW),
        },
    )


@signed_in_view
@require_POST
def cancel(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    found = queries.access_request_by_viewer(viewer=viewer, public_id=public_id)
    return act(
        request,
        lambda: actions.cancel(request=found, actor=viewer),
        success=_("Votre demande est annulée."),
        to="subject_requests:detail",
        args=(public_id,),
    )


@never_store  # a person's whole file: never kept by the browser of a shared computer
@signed_in_view
def download(request: HttpRequest, public_id: uuid.UUID, token: str) -> FileResponse:
    """The archive, to the person (or a child's guardian) only, through an expiring link."""
    viewer = viewer_of(request)
    try:
        found = queries.access_request_by_viewer(viewer=viewer, public_id=public_id)
        signed = signing.loads(token, salt=DOWNLOAD_SALT, max_age=rules.ARCHIVE_LIFETIME)
    except (NotFound, signing.BadSignature) as exc:
        raise Http404(_("Ce lien n'est plus valable.")) from exc
    if signed != str(found.public_id) or not queries.may_download(viewer, found):
        raise Http404(_("Ce lien n'est plus valable."))
    stream = storage.open_archive(found)  # local disk or object storage, after the checks
    if stream is None:
        raise Http404(_("Ce lien n'est plus valable."))
    actions.record_download(request=found, actor=viewer, meta=audit.request_meta(request))
    name = f"charte-{found.kind}-{found.reference}.zip"
    return FileResponse(stream, as_attachment=True, filename=name, content_type="application/zip")


@checks_card_numbers
@signed_in_view
def my_information(request: HttpRequest, person: uuid.UUID) -> HttpResponse:
    """Rectification by the person themself (or a child's guardian)."""
    viewer = viewer_of(request)
    subject = access_person_by_viewer(viewer=viewer, public_id=person)
    initial = {name: getattr(subject, name) or "" for name in rules.SELF_SERVICE_FIELDS}
    form = forms.AccountForm(
        request.POST if request.method == "POST" else None,
        person=subject,
        pupil=viewer.role == Role.PUPIL,
        initial=initial,
    )
    frozen = not processing.edit_allowed(subject, viewer)
    if request.method == "POST" and form.is_valid() and not frozen:
        outcome = attempt(
            request,
            lambda: actions.rectify_account(
                person=subject,
                actor=viewer,
                changes=dict(form.cleaned_data),
                meta=audit.request_meta(request),
            ),
            success=lambda changed: (
                _("Vos corrections sont enregistrées.") if changed else _("Rien n'a changé.")
            ),
            form=form,
        )
        if outcome.done:
            return redirect("subject_requests:information", subject.public_id)
    today = deadlines.today()
    return render(
        request,
        "subject_requests/my_information.html",
        {
            "form": form,
            "person": subject,
            "frozen": frozen,
            "child": subject.needs_guardian(today),
            "country_name": country_name(subject.country),
            "consent_age": digital_consent_age(subject.country),
            "who_may_change": guardian_rule.who_may_change(subject, viewer, today),
            # A child under the age of consent has no address; others change theirs themself.
            "shows_email": not subject.needs_guardian(today),
            "is_self": subject.pk == viewer.pk,
        },
    )


@checks_card_numbers
@signed_in_view
@timing.at_least(timing.EMAIL_FORM_FLOOR)
def change_email(request: HttpRequest) -> HttpResponse:
    """A new sign-in address, for oneself only: the password, then the new address's link.

    The answer is the same whether or not another account uses the address typed.
    """
    viewer = queries.access_address_change(viewer=viewer_of(request))
    form = forms.EmailChangeForm(
        request.POST if request.method == "POST" else None, user=viewer, request=request
    )
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: account_actions.request_email_change(
                person=viewer,
                new_email=form.cleaned_data["new_email"],
                actor=viewer,
                meta=audit.request_meta(request),
            ),
            form=form,
        )
        if outcome.done:
            return render(
                request,
                "subject_requests/email_change_sent.html",
                {"new_email": form.cleaned_data["new_email"], "person": viewer},
            )
    response = render(
        request,
        "subject_requests/email_change.html",
        {"form": form, "person": viewer, "frozen": not processing.edit_allowed(viewer, viewer)},
    )
    return reentry.answer_too_soon(response, form)


@checks_card_numbers
@signed_in_view
def directives(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    current = queries.directive_of(viewer)
    initial = (
        {
            "trusted_name": current.trusted_name,
            "trusted_email": current.trusted_email,
            "wish": current.wish,
            "instructions": current.instructions,
        }
        if current
        else None
    )
    form = forms.DirectiveForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        pupil=viewer.role == Role.PUPIL,
    )
    if request.method == "POST" and request.POST.get("withdraw") and current:
        actions.withdraw_directive(directive=current, actor=viewer)
        messages.success(
            request,
            _("Tes directives sont retirées.")
            if viewer.role == Role.PUPIL
            else _("Vos directives sont retirées."),
        )
        return redirect("accounts:privacy_centre")
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: actions.record_directive(person=viewer, actor=viewer, **form.cleaned_data),
            success=_("Tes directives sont enregistrées.")
            if viewer.role == Role.PUPIL
            else _("Vos directives sont enregistrées."),
            form=form,
        )
        if outcome.done:
            return redirect("accounts:privacy_centre")
    return render(request, "subject_requests/directives.html", {"form": form, "current": current})


@signed_in_view
@require_POST
def lift(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The person withdraws an objection (or the DPO lifts a restriction)."""
    viewer = viewer_of(request)
    limitation = queries.access_limitation_by_viewer(viewer=viewer, public_id=public_id)
    return act(
        request,
        lambda: actions.lift_limitation(limitation=limitation, actor=viewer),
        success=_("C'est levé."),
        to=safe_path(request.POST.get("next"), reverse("accounts:privacy_centre")),
    )


# The workbench --------------------------------------------------------------------------------


def _queue_params(request: HttpRequest) -> dict[str, str]:
    return {
        "status": request.GET.get("status", "open"),
        "kind": request.GET.get("kind", ""),
        "when": request.GET.get("when", ""),
        "order": request.GET.get("order", "due"),
        "mine": request.GET.get("mine", ""),
    }


def _queue(viewer: User, params: dict[str, str]) -> Any:  # rows the page annotates
    return queries.queue(
        status=params["status"] if params["status"] in {"open", "", *Status.values} else "open",
        kind=params["kind"] if params["kind"] in Kind.values else "",
        when=params["when"],
        mine=viewer if params["mine"] else None,
        order=params["order"],
    )


@signed_in_view
def queue(request: HttpRequest, overdue: bool = False) -> HttpResponse:
    viewer = queries.access_workbench(viewer=viewer_of(request))
    params = _queue_params(request)
    if overdue:
        params["when"], params["status"] = "overdue", "open"
    if request.method == "POST":
        _bulk(request, viewer)
        return redirect(request.get_full_path())
    page = Paginator(_queue(viewer, params), PAGE_SIZE).get_page(request.GET.get("page"))
    today = deadlines.today()
    for row in page:
        row.left = row.days_left(today)
        row.late = -row.left
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "subject_requests/staff/queue.html",
        {
            "page": page,
            "params": params,
            "query": query.urlencode(),
            "overdue_view": overdue,
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "today": deadlines.today(),
            "is_decider": queries.is_decider(viewer),
        },
    )


def _bulk(request: HttpRequest, viewer: User) -> None:
    form = forms.BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez des demandes et une action."))
        return
    action, ids = form.cleaned_data["action"], form.cleaned_data["ids"]
    done, refused = 0, 0
    for row in SubjectRequest.objects.filter(public_id__in=ids).order_by("pk"):
        try:
            if action == "assign":
                actions.assign(request=row, actor=viewer, assignee=viewer)
            else:
                actions.decide(request=row, actor=viewer, decision=Decision.APPROVED)
            done += 1
        except ActionError:
            refused += 1
    messages.success(request, _("{done} demande(s) traitée(s).").format(done=done))
    if refused:
        messages.warning(
            request,
            _(
                "{refused} demande(s) ne pouvaient pas l'être (identité à vérifier, déjà close "
                "ou décision réservée au DPO)."
            ).format(refused=refused),
        )


@signed_in_view
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The queue as CSV, without names: references, types, dates and states."""
    viewer = queries.access_workbench(viewer=viewer_of(request))
    params = _queue_params(request)
    rows = _queue(viewer, params)
    today = deadlines.today()
    actions.record_queue_export(
        actor=viewer, rows=rows.count(), status=params["status"], kind=params["kind"]
    )

    def lines() -> Iterator[list[object]]:
        yield (
            [
                "reference",
                "type",
                "status",
                "relation",
                "channel",
                "received_at",
                "due_on",
                "extended_to",
                "overdue",
                "decision",
                "ground",
            ]
        )
        for row in rows.iterator(chunk_size=500):
            yield (
                [
                    row.reference,
                    row.kind,
                    row.status,
                    row.relation,
                    row.channel,
                    row.received_at.isoformat(),
                    row.due_on.isoformat(),
                    row.extended_to.isoformat() if row.extended_to else "",
                    "yes" if row.is_overdue(today) else "no",
                    row.decision,
                    row.ground,
                ]
            )

    return csvfile.response(lines(), filename="demandes.csv")


@checks_card_numbers
@signed_in_view
def staff_new(request: HttpRequest) -> HttpResponse:
    """Staff record a request received by email, phone or post."""
    viewer = queries.access_workbench(viewer=viewer_of(request))
    form = forms.StaffOpenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        person = User.objects.by_login(data["login"]).first()
        requester = (
            User.objects.by_login(data["requester_login"]).first()
            if data["requester_login"]
            else None
        )
        if person is None:
            form.add_error("login", _("Aucun compte ne correspond."))
        elif data["requester_login"] and requester is None:
            form.add_error("requester_login", _("Aucun compte ne correspond."))
        else:
            outcome = attempt(
                request,
                lambda: actions.open_request(
                    person=person,
                    kind=data["kind"],
                    actor=viewer,
                    channel=data["channel"],
                    requester=requester,
                    relation=data["relation"],
                    details=data["details"],
                    purposes=data["purposes"] if data["kind"] == Kind.OBJECTION else (),
                ),
                success=_("Demande enregistrée : vérifiez maintenant l'identité du demandeur."),
                form=form,
            )
            if outcome.value is not None:
                return redirect("subject_requests:staff_detail", outcome.value.public_id)
    return render(request, "subject_requests/staff/new.html", {"form": form})


@checks_card_numbers
@signed_in_view
def staff_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    found = queries.access_request_by_staff(viewer=viewer, public_id=public_id)
    bound: dict[str, django_forms.Form | None] = dict.fromkeys(STAFF_FORMS)
    if request.method == "POST":
        action = request.POST.get("action", "")
        form = _staff_action(request, viewer, found, action)
        if form is None:
            return redirect("subject_requests:staff_detail", found.public_id)
        bound[action] = form
    person = found.person
    if person is not None:
        audit.record_read(
            viewer=viewer,
            subject=person,
            what="subject_request",
            data={"subject_request": str(found.public_id)},
        )
    return render(
        request,
        "subject_requests/staff/detail.html",
        {
            "req": found,
            "today": deadlines.today(),
            "timeline": _timeline(found),
            "erased_counts": _erased_counts(getattr(found, "certificate", None)),
            "checks": found.identity_checks.select_related("checked_by"),
            "notes": found.notes.select_related("author"),
            "purposes": queries.purpose_names(found.purposes),
            "identity_form": bound["identity"] or forms.IdentityForm(),
            "note_form": bound["note"] or forms.NoteForm(),
            "decision_form": bound["decide"] or forms.DecisionForm(),
            "extend_form": bound["extend"] or forms.ExtendForm(),
            "rectify_form": bound["rectify"] or forms.RectifyForm(),
            "is_decider": queries.is_decider(viewer),
            "latest_extension": deadlines.latest_extension(found.received_at),
            "limitations": Limitation.objects.active().filter(person=person) if person else [],
            "directive": queries.directive_of(person) if person else None,
            "death": queries.death_of(person) if person else None,
            "claim_matches": heirs.directive_matches(found),
            "signs_of_life": heirs.signs_of_life(found),
            "certificate": getattr(found, "certificate", None),
            "holdings": _holdings(person) if person else [],
        },
    )


def _event_labels() -> dict[str, str]:
    return {
        "subject_request.opened": _("Demande reçue"),
        "subject_request.identity_verified": _("Identité vérifiée"),
        "subject_request.identity_failed": _("Identité non établie"),
        "subject_request.note_added": _("Note ajoutée"),
        "subject_request.assigned": _("Attribuée"),
        "subject_request.extended": _("Délai prolongé, personne prévenue"),
        "subject_request.decided": _("Décision"),
        "subject_request.archive_built": _("Archive préparée"),
        "read.archive": _("Archive téléchargée"),
        "subject_request.archive_expired": _("Archive supprimée (délai écoulé)"),
        "subject_request.erasure_verified": _("Effacement vérifié (recherche de traces)"),
        "subject_request.closed": _("Demande close"),
        "subject_request.reminded": _("Rappel envoyé au DPO"),
        "subject_request.restriction_started": _("Limitation en vigueur"),
        "subject_request.objection_started": _("Opposition en vigueur"),
        "subject_request.rectified": _("Compte rectifié"),
        "account.guardian_fields_changed": _(
            "Date de naissance ou pays corrigé, responsables légaux prévenus"
        ),
        "subject_request.death_recorded": _("Décès enregistré"),
    }


def _timeline(found: SubjectRequest) -> list[dict[str, Any]]:
    """The journal's entries about the request, with people named for the staff who read it."""
    entries = list(queries.timeline(found))
    ids = {e.actor_ref.removeprefix("user:") for e in entries if e.actor_ref.startswith("user:")}
    names = {
        f"user:{public_id}": name
        for public_id, name in (
            (u.public_id, u.full_name or u.login) for u in User.objects.filter(public_id__in=ids)
        )
    }
    labels = _event_labels()
    return [
        {
            "entry": e,
            "label": labels.get(e.event, e.event),
            "who": names.get(e.actor_ref, e.actor_ref.removeprefix("system:")),
        }
        for e in entries
    ]


def _erased_counts(
    certificate: ErasureCertificate | None,
) -> list[tuple[str, list[tuple[str, int]]]]:
    if certificate is None:
        return []
    actions_labels = {
        "deleted": _("Supprimés"),
        "anonymised": _("Anonymisés"),
        "kept": _("Conservés (obligation légale)"),
    }
    categories = {c.value: str(c.label) for c in register.Category}
    return [
        (
            str(actions_labels.get(action, action)),
            [(categories.get(code, code), n) for code, n in per.items()],
        )
        for action, per in certificate.counts.items()
    ]


def _holdings(person: User) -> list[Holding]:
    from charte.privacy.queries import holdings

    return holdings(person)


STAFF_FORMS: dict[str, type[django_forms.Form]] = {
    "identity": forms.IdentityForm,
    "note": forms.NoteForm,
    "decide": forms.DecisionForm,
    "extend": forms.ExtendForm,
    "rectify": forms.RectifyForm,
}


def _staff_action(
    request: HttpRequest, viewer: User, found: SubjectRequest, action: str
) -> django_forms.Form | None:
    """Run one of the detail page's forms; None when done (redirect), else the bound form."""
    if action == "assign":
        attempt(request, lambda: actions.assign(request=found, actor=viewer, assignee=viewer))
        return None
    form_class = STAFF_FORMS.get(action)
    if form_class is None:
        messages.error(request, _("Action inconnue."))
        return None
    form = form_class(request.POST)
    if not form.is_valid():
        return form
    data = form.cleaned_data
    run: Callable[[], object] = {
        "identity": lambda: actions.verify_identity(request=found, actor=viewer, **data),
        "note": lambda: actions.add_note(request=found, actor=viewer, text=data["text"]),
        "decide": lambda: actions.decide(request=found, actor=viewer, **data),
        "extend": lambda: actions.extend(
            request=found, actor=viewer, until=data["until"], reason=data["reason"]
        ),
        "rectify": lambda: actions.rectify_for_request(
            request=found, actor=viewer, field=data["field"], value=data["value"]
        ),
    }[action]
    if attempt(request, run, success=_("C'est enregistré.")).done:
        return None
    return form_class(request.POST)
