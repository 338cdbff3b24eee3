"""The journal: a tamper-evident record of actions, reads and security events, kept one year.

What other apps call (inside their action's transaction, last):

    audit.record(event="consent.withdrawn", actor=actor, subject=person,
                 data={"purpose": "coach"})            # every change to personal data
    audit.record_read(viewer=request.user, subject=pupil, what="results")
                                                      # a read of someone else's data
    audit.record_reads(viewer=request.user, subjects=pupils, what="results")
                                                      # a page showing many: one batch
    audit.record_read(viewer=request.user, subject=person, what="archive",
                      meta=audit.request_meta(request))  # every archive download, own or not

- `actor` is a user or a `SystemActor`; `subject` the person the data is about; `data` holds
  ids, codes and counts only, never names, emails or free text.
- `meta=audit.request_meta(request)` (IP address and user agent) only for the events declared
  in `charte.audit.events` as needing them; `record` refuses it for any other. Declare a new
  one with `events.declare_connection_data(event, reason=...)` in your `AppConfig.ready()`.
- Event names: "<app>.<what happened>" in the past tense (`account.created`); reads are
  "read.<what>" (`events.ARCHIVE_DOWNLOADED` is "read.archive"); see `events.py`.
- A view that lets `charte.core.errors.NotFound` (or `PermissionDenied`) propagate gets a 404
  (or 403) page and an `access.denied` entry from `middleware.DeniedAccessMiddleware`.
- The journal removes its own entries after a year, whole days at a time (`journal prune`):
  the generic retention sweep leaves `audit.Entry` and `audit.Seal` alone and, for the rule
  "journal", calls the handler this app registers (`retention.remove_expired`). Sealing,
  pruning and verifying also run daily from `charte.core.schedule`.

Loaded lazily so that importing the package while Django sets up its apps loads no model.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from charte.audit.journal import RequestMeta, record, record_read, record_reads, request_meta

__all__ = ["RequestMeta", "record", "record_read", "record_reads", "request_meta"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from charte.audit import journal

        return getattr(journal, name)
    raise AttributeError(name)
