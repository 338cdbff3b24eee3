"""Every change in the life of a request, one action each, journalled in its transaction.

Design:
- A request is opened by the person online, by a guardian for their child, or by staff for
  someone who wrote or called. Nothing is done before the identity (or, after a death, the
  standing) of the requester is established and recorded: online, by the password typed again
  within the last minutes; otherwise by staff, naming the method and the evidence.
- The DPO decides. A refusal or a narrowing names its legal ground. Executing a decision is
  registry-driven (archive, erasure, limitations) and long work goes to the task worker, which
  is handed ids only, after commit.
- Every journal entry about a request carries `request: <public id>` in its data, so that the
  request's timeline is a query on the journal, and never a name, an email or free text.

One module per right (`access`, `rectification`, `erasure`, `limitation`, `after_death`), the
request's own life in `lifecycle`, what they share in `common`. Callers use this package:
`actions.open_request(...)`.
"""

from charte.core.errors import ActionError, Conflict
from charte.subject_requests.actions.access import build_archive, expire_archive, record_download
from charte.subject_requests.actions.after_death import record_directive, withdraw_directive
from charte.subject_requests.actions.erasure import execute_erasure
from charte.subject_requests.actions.lifecycle import (
    add_note,
    assign,
    cancel,
    decide,
    extend,
    open_request,
    record_queue_export,
    remind,
    verify_identity,
)
from charte.subject_requests.actions.limitation import (
    ObjectionDesk,
    lift_limitation,
    object_at_once,
    withdraw_objection,
)
from charte.subject_requests.actions.rectification import rectify_account, rectify_for_request

__all__ = [
    "ActionError",
    "Conflict",
    "ObjectionDesk",
    "add_note",
    "assign",
    "build_archive",
    "cancel",
    "decide",
    "execute_erasure",
    "expire_archive",
    "extend",
    "lift_limitation",
    "object_at_once",
    "open_request",
    "record_directive",
    "record_download",
    "record_queue_export",
    "rectify_account",
    "rectify_for_request",
    "remind",
    "verify_identity",
    "withdraw_directive",
    "withdraw_objection",
]
