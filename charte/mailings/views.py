import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from charte.core.access import signed_in_view, viewer_of
from charte.core.cards import checks_card_numbers
from charte.core.views import act, attempt
from charte.mailings import actions, queries
from charte.mailings.forms import MailingForm
from charte.mailings.models import Mailing
from charte.notifications.actions import render as render_email
from charte.notifications.kinds import get as get_kind


def _initial(mailing: Mailing) -> dict[str, str]:
    return {
        "purpose": mailing.purpose,
        "subject": mailing.subject,
        "body": mailing.body,
        "subject_en": mailing.subject_en,
        "body_en": mailing.body_en,
    }


@checks_card_numbers
@signed_in_view
@require_http_methods(["GET", "POST"])
def mailing_list(request: HttpRequest) -> HttpResponse:
    """The mailings written so far, and a new one."""
    viewer = viewer_of(request)
    mailings = queries.access_mailings(viewer=viewer)
    form = MailingForm(request.POST or None, initial={"purpose": Mailing.Purpose.NEWSLETTER})
    if request.method == "POST" and form.is_valid():
        created = attempt(
            request, lambda: actions.create_mailing(actor=viewer, **form.cleaned_data), form=form
        )
        if created.value is not None:
            return redirect("mailings:detail", public_id=created.value.public_id)
    return render(
        request,
        "mailings/list.html",
        {"form": form, "mailings": mailings[:50], "counts": queries.marketing_counts()},
    )


@checks_card_numbers
@signed_in_view
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """A mailing: its text while a draft, how it will read, its test copy, its sending."""
    viewer = viewer_of(request)
    mailing = queries.access_mailing(viewer=viewer, public_id=public_id)
    draft = mailing.status == Mailing.Status.DRAFT
    form = MailingForm(request.POST or None, initial=_initial(mailing)) if draft else None
    if form is not None and request.method == "POST" and form.is_valid():
        saved = attempt(
            request,
            lambda: actions.update_mailing(mailing=mailing, actor=viewer, **form.cleaned_data),
            success=_("Le message est enregistré."),
            form=form,
        )
        if saved.done:
            return redirect("mailings:detail", public_id=mailing.public_id)
    # The preview: the message exactly as a recipient reading in French will get it.
    subject, body = render_email(
        get_kind(mailing.kind),
        recipient=viewer,
        about=viewer,
        context={**mailing.email_context(), "unsubscribe_url": _("[lien de désinscription]")},
        language="fr",
    )
    return render(
        request,
        "mailings/detail.html",
        {
            "mailing": mailing,
            "form": form,
            "preview_subject": subject,
            "preview_body": body,
            "audience": queries.audience_count(mailing.purpose) if draft else None,
            "progress": queries.progress(mailing),
        },
    )


@signed_in_view
@require_GET
def progress(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The progress bar, polled by the page while the sending runs. Opened as a page (a link
    copied from the browser's tools, a bookmark), it leads to the mailing's own page."""
    mailing = queries.access_mailing(viewer=viewer_of(request), public_id=public_id)
    if not request.headers.get("HX-Request"):
        return redirect("mailings:detail", public_id=mailing.public_id)
    return render(
        request,
        "mailings/progress.html",
        {"mailing": mailing, "progress": queries.progress(mailing)},
    )


@signed_in_view
@require_POST
def proof(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    mailing = queries.access_mailing(viewer=viewer, public_id=public_id)
    outcome = attempt(
        request,
        lambda: actions.send_proof(mailing=mailing, actor=viewer),
        success=lambda count: (
            _("Un exemplaire d'essai part à votre adresse %(email)s.") % {"email": viewer.email}
            if count
            else None
        ),
    )
    if outcome.done and not outcome.value:
        messages.error(request, _("Votre compte n'a pas d'adresse où envoyer l'essai."))
    return redirect("mailings:detail", public_id=mailing.public_id)


@signed_in_view
@require_POST
def send(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    viewer = viewer_of(request)
    mailing = queries.access_mailing(viewer=viewer, public_id=public_id)
    return act(
        request,
        lambda: actions.start_sending(mailing=mailing, actor=viewer),
        success=_("L'envoi a commencé."),
        to="mailings:detail",
        args=(mailing.public_id,),
    )
