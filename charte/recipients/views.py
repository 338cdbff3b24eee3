import uuid
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from charte.core.access import signed_in_view, viewer_of
from charte.core.cards import checks_card_numbers
from charte.core.errors import NotFound
from charte.core.views import act, attempt
from charte.privacy import register
from charte.recipients import actions, notices, queries
from charte.recipients.forms import AuthorityRequestForm
from charte.recipients.models import Notice


@checks_card_numbers
@signed_in_view
@require_http_methods(["GET", "POST"])
def authority_requests(request: HttpRequest) -> HttpResponse:
    viewer = viewer_of(request)
    recorded = queries.access_authority_requests(viewer=viewer)
    form = AuthorityRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = attempt(
            request,
            lambda: actions.record_authority_request(actor=viewer, **form.cleaned_data),
            success=_("La demande est enregistrée et la transmission consignée."),
            form=form,
        )
        if outcome.done:
            return redirect("recipients:authority_requests")
    return render(
        request, "recipients/authority_requests.html", {"form": form, "recorded": recorded[:100]}
    )


# Notices to recipients (GDPR art. 19) ---------------------------------------------------------


def notice(request: HttpRequest, public_id: uuid.UUID, token: str) -> HttpResponse:
    """A recipient's link: GET shows what the notice asked and changes nothing (mail scanners
    open links); the button POSTs the confirmation. No sign-in: the signed link is the key."""
    try:
        found = notices.access_notice_by_token(public_id=public_id, token=token)
    except NotFound:
        return render(request, "recipients/notice.html", {"invalid": True}, status=404)
    if request.method == "POST":
        try:
            notices.confirm_notice(public_id=public_id, token=token, via=Notice.Via.EMAIL)
        except NotFound:
            return render(request, "recipients/notice.html", {"invalid": True}, status=404)
        return render(request, "recipients/notice.html", {"done": True, "notice": found})
    return render(
        request,
        "recipients/notice.html",
        {"notice": found, "message": notices.message(found), "recipient": _recipient(found)},
    )


@csrf_exempt  # the recipient's server holds the signed link, not a session
@require_POST
def notice_callback(request: HttpRequest, public_id: uuid.UUID, token: str) -> JsonResponse:
    """The recipient's API confirms, by POSTing to the link it received with the notice."""
    try:
        notices.confirm_notice(public_id=public_id, token=token, via=Notice.Via.API)
    except NotFound:
        return JsonResponse({"confirmed": False, "code": "not_found"}, status=404)
    return JsonResponse({"confirmed": True})


@signed_in_view
def notice_list(request: HttpRequest) -> HttpResponse:
    """The DPO's list of notices: those of requests, and those of the corrections people made
    themself in "Mes informations", which have no request page."""
    viewer = viewer_of(request)
    found = queries.access_notices_by_dpo(viewer=viewer)
    state = request.GET.get("etat", "")
    origin = request.GET.get("origine", "")
    if state in Notice.State.values:
        found = found.filter(state=state)
    if origin in Notice.Origin.values:
        found = found.filter(origin=origin)
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "recipients/notices.html",
        {
            "page": page,
            "rows": [
                {
                    "notice": n,
                    "name": _recipient_name(n),
                    "reference": notices.short_reference(n.request_reference),
                    "fields": queries.corrected_fields(n),
                    "waivable": n.state == Notice.State.OVERDUE and n.waived_at is None,
                }
                for n in page
            ],
            "states": Notice.State.choices,
            "origins": Notice.Origin.choices,
            "state": state,
            "origin": origin,
        },
    )


@signed_in_view
@require_POST
def waive_notice(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The DPO answers the person without waiting for this recipient any longer."""
    viewer = viewer_of(request)
    found = notices.access_notice_by_dpo(viewer=viewer, public_id=public_id)
    return act(
        request,
        lambda: notices.waive_notice(
            notice=found, actor=viewer, reason=request.POST.get("reason", "")
        ),
        success=_("C'est enregistré : la personne peut recevoir sa réponse."),
        **_page_of(found),
    )


def _page_of(found: Notice) -> dict[str, Any]:
    """Where the DPO decided: a request's page, or the list for a correction without one."""
    if found.origin == Notice.Origin.REQUEST:
        return {"to": "subject_requests:staff_detail", "args": (found.request_reference,)}
    return {"to": "recipients:notices", "args": ()}


def _recipient(found: Notice) -> object:
    return register.RECIPIENT_BY_CODE.get(found.recipient)


def _recipient_name(found: Notice) -> str:
    recipient = register.RECIPIENT_BY_CODE.get(found.recipient)
    return str(recipient.name) if recipient else found.recipient
