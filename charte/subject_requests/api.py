"""The requests as JSON: the same access rules as the pages (missing and forbidden alike 404).

Read-only: opening a request needs the password typed again, which the pages ask for.
"""

from datetime import date, datetime
from uuid import UUID

from django.http import HttpRequest
from ninja import Router, Schema

from charte.accounts.queries import people_represented_by
from charte.core.access import viewer_of
from charte.core.schemas import refusals
from charte.subject_requests import queries
from charte.subject_requests.models import SubjectRequest

router = Router(tags=["subject_requests"])


class RequestOut(Schema):
    public_id: UUID
    reference: str
    kind: str
    status: str
    received_at: datetime
    deadline: date
    extended: bool
    progress: int
    archive_ready: bool


def _out(found: SubjectRequest) -> RequestOut:
    return RequestOut(
        public_id=found.public_id,
        reference=found.reference,
        kind=found.kind,
        status=found.status,
        received_at=found.received_at,
        deadline=found.deadline,
        extended=found.extended_to is not None,
        progress=found.progress,
        archive_ready=found.archive_ready,
    )


@router.get(
    "/requests",
    response={200: list[RequestOut], **refusals(401)},
    summary="My requests and my children's",
)
def mine(request: HttpRequest) -> list[RequestOut]:
    people = people_represented_by(viewer_of(request))
    found = SubjectRequest.objects.filter(person__in=people).order_by("-received_at", "-pk")
    return [_out(r) for r in found[:100]]


@router.get(
    "/requests/{public_id}",
    response={200: RequestOut, **refusals(401, 404, 422)},
    summary="One request, with progress",
)
def one(request: HttpRequest, public_id: UUID) -> RequestOut:
    return _out(queries.access_request_by_viewer(viewer=viewer_of(request), public_id=public_id))
