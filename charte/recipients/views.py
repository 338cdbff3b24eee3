import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from charte.accounts.models import User
from charte.core.access import signed_in_view, viewer_of
from charte.core.cards import checks_card_numbers
from charte.core.errors import ActionError, NotFound
from charte.privacy import register
from charte.recipients import actions, notices, queries
from charte.recipients.forms import AuthorityRequestForm
from charte.recipients.models import Notice


def _viewer(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@checks_card_numbers
@login_required
@require_http_methods(["GET", "POST"])
def authority_requests(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    try:
        recorded = queries.access_authority_requests(viewer=viewer)
    except NotFound as exc:
        raise Http404(str(exc)) from exc
    form = AuthorityRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_authority_request(actor=viewer, **form.cleaned_data)
        except ActionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("La demande est enregistrée et la transmission consignée."))
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
@require_POST
def waive_notice(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The DPO answers the person without waiting for this recipient any longer."""
    viewer = viewer_of(request)
    found = notices.access_notice_by_dpo(viewer=viewer, public_id=public_id)
    try:
        notices.waive_notice(notice=found, actor=viewer, reason=request.POST.get("reason", ""))
    except ActionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("C'est enregistré : la personne peut recevoir sa réponse."))
    return redirect("subject_requests:staff_detail", found.request_reference)


def _recipient(found: Notice) -> object:
    return register.RECIPIENT_BY_CODE.get(found.recipient)
