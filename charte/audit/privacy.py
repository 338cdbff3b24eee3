import json

from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from charte.audit import events
from charte.audit.events import connection_data_events
from charte.audit.models import Entry, Seal
from charte.privacy.register import Category
from charte.privacy.registry import KeepUnderObligation, Ref, derived, observed, registry


def _only_for() -> str:
    """Which entries carry the request's address and browser: the security events only."""
    reasons = " ; ".join(str(reason) for reason in connection_data_events().values())
    return gettext("Seulement pour les %(events)s.") % {"events": reasons}


_ONLY_FOR = lazy(_only_for, str)()


def _event_in_words(code: str, *, child: bool = False, pupil: bool = False) -> str:
    return str(events.label(code))


def _details_in_words(
    data: object, *, child: bool = False, pupil: bool = False
) -> list[tuple[str, str]]:
    """An entry's details as labelled fields (the database may give the JSON as text)."""
    if isinstance(data, str):
        data = json.loads(data)
    return events.details(data, child=child, pupil=pupil) if isinstance(data, dict) else []


registry.personal(
    Entry,
    subjects=(Ref("actor_ref"), Ref("subject_ref")),
    purposes=("security_journal",),
    fields={
        "lane": derived(Category.REFERENCE),
        "seq": derived(Category.REFERENCE),
        "at": observed(Category.SECURITY),
        "event": observed(Category.SECURITY).read_as(_event_in_words),
        "actor_ref": observed(Category.REFERENCE),
        "subject_ref": observed(Category.REFERENCE),
        "data": derived(Category.SECURITY).read_as(_details_in_words),
        "ip": observed(Category.CONNECTION, _ONLY_FOR),
        "user_agent": observed(Category.CONNECTION, _ONLY_FOR),
        "prev_hash": derived(Category.REFERENCE),
        "hash": derived(Category.REFERENCE),
    },
    # The journal is the trace that the law asks us to keep for a year: erasing an account
    # leaves its entries (which name people only by pseudonymous reference) to their own expiry.
    # That expiry is the journal's own (`manage.py journal prune`), whole days at a time, so
    # that what remains still verifies: the generic retention sweep leaves this table alone.
    erasure=KeepUnderObligation(
        keep=(
            "lane",
            "seq",
            "at",
            "event",
            "actor_ref",
            "subject_ref",
            "data",
            "ip",
            "user_agent",
            "prev_hash",
            "hash",
        ),
        replace={},
        reason=_("Journal de sécurité, conservé un an au plus (RGPD art. 5 et 32)."),
        retention="journal",
    ),
    retention="journal",
    retention_from="at",
)

registry.not_personal(
    Seal,
    reason=_(
        "Le sceau d'une journée du journal : une date, des numéros, un nombre d'entrées et des "
        "empreintes, dont on ne peut rien retrouver sur personne."
    ),
)
