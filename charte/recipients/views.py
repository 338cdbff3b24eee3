from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from charte.accounts.models import User
from charte.core.cards import checks_card_numbers
from charte.core.errors import ActionError, NotFound
from charte.recipients import actions, queries
from charte.recipients.forms import AuthorityRequestForm


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
