"""The home-page panel of those who handle requests (registered in `apps.py`)."""

from typing import Any

from charte.accounts.models import User
from charte.subject_requests import deadlines
from charte.subject_requests.models import Status, SubjectRequest


def workbench_panel(user: User) -> dict[str, Any]:
    today = deadlines.today()
    return {
        "open": SubjectRequest.objects.open().count(),
        "overdue": SubjectRequest.objects.overdue(today).count(),
        "awaiting_identity": SubjectRequest.objects.filter(status=Status.AWAITING_IDENTITY).count(),
    }
