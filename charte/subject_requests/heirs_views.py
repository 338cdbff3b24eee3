"""The pages of the heirs and the trusted person, open without an account, and the DPO's
view of the documents they sent (see `heirs` for the design)."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from charte import audit
from charte.core import ratelimit
from charte.core.access import signed_in_view, viewer_of
from charte.core.actors import ANONYMOUS
from charte.core.cards import checks_card_numbers
from charte.core.headers import never_store
from charte.core.views import attempt
from charte.subject_requests import heirs, queries
from charte.subject_requests.heirs_forms import ClaimForm, CodeForm
from charte.subject_requests.models import ArchiveKey


@checks_card_numbers
def claim(request: HttpRequest) -> HttpResponse:
    """ "Après un décès": a relative files a death notice and their own requests, with proof."""
    form = ClaimForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        refusal = ratelimit.check(heirs.CLAIM_LIMIT, request=request, target=data["email"])
        if refusal is not None:
            form.add_error(None, refusal.message)
            return ratelimit.refuse(
                render(request, "subject_requests/heirs/claim.html", {"form": form}), refusal
            )
        filed = attempt(
            request,
            lambda: heirs.file_claim(
                name=data["name"],
                email=data["email"],
                language=get_language() or settings.LANGUAGE_CODE,
                relation=data["relation"],
                login=data["login"],
                last_name=data["last_name"],
                asks=data["asks"],
                death_certificate=data["death_certificate"],
                quality_proof=data["quality_proof"],
                details=data["details"],
                actor=ANONYMOUS,
                meta=audit.request_meta(request),
            ),
            form=form,
        )
        if filed.done:
            return redirect("subject_requests:claim_sent")
    return render(request, "subject_requests/heirs/claim.html", {"form": form})


def claim_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "subject_requests/heirs/sent.html")


@never_store  # the deceased's whole file: never kept by the browser of a shared computer
@checks_card_numbers
def claim_archive(request: HttpRequest, token: str) -> HttpResponseBase:
    """The single-use link: a code to the claimant's address, then the archive."""
    key = heirs.key_for(token)
    if key is None:
        raise Http404(_("Ce lien n'est plus valable."))
    form = CodeForm()
    if request.method == "POST" and request.POST.get("action") == "send":
        refusal = ratelimit.check(heirs.CODE_LIMIT, request=request, target=str(key.public_id))
        if refusal is not None:
            messages.error(request, refusal.message)
            return ratelimit.refuse(_archive_page(request, key, form), refusal)
        heirs.send_code(key=key, actor=ANONYMOUS)
        messages.success(request, _("Le code est parti à votre adresse. Il vaut 15 minutes."))
        return redirect("subject_requests:claim_archive", token)
    if request.method == "POST":
        form = CodeForm(request.POST)
        if form.is_valid():
            stream = heirs.open_with_code(
                key=key, code=form.cleaned_data["code"], meta=audit.request_meta(request)
            )
            if stream is not None:
                name = f"charte-{key.request.kind}-{key.request.reference}.zip"
                return FileResponse(
                    stream,
                    as_attachment=True,
                    filename=name,
                    content_type="application/zip",
                )
            key.refresh_from_db()
            left = ArchiveKey.MAX_ATTEMPTS - key.attempts
            if left <= 0:
                raise Http404(_("Ce lien n'est plus valable."))
            form.add_error(
                "code",
                _("Ce code n'est pas le bon, ou il a expiré. Essais restants : %(left)d.")
                % {"left": left},
            )
    return _archive_page(request, key, form)


def _archive_page(request: HttpRequest, key: ArchiveKey, form: CodeForm) -> HttpResponse:
    return render(
        request,
        "subject_requests/heirs/archive.html",
        {"req": key.request, "form": form, "code_sent": key.code_sent_at is not None},
    )


@never_store
@signed_in_view
def proof(request: HttpRequest, public_id: uuid.UUID, proof: uuid.UUID) -> FileResponse:
    """A document sent with a claim, for the staff who check it."""
    viewer = viewer_of(request)
    found = queries.access_request_by_staff(viewer=viewer, public_id=public_id)
    document = queries.access_proof_of_request(request=found, public_id=proof)
    if found.person is not None:
        audit.record_read(
            viewer=viewer,
            subject=found.person,
            what="claim_proof",
            data={"request": str(found.public_id), "proof": str(document.public_id)},
        )
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.file_name,
        content_type=document.content_type,
    )
