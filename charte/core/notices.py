"""The kinds of message the platform sends, each registered by the app that sends it, and the
one door every app sends through.

Both live in `core`, like the menu and the schedule, so that an app of any layer (accounts is
below notifications) declares and sends its messages without importing the notifications app,
which sets the sender in its `ready()` (`set_sender`) and decides who receives what.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.utils.functional import Promise

if TYPE_CHECKING:
    from charte.accounts.models import User
    from charte.core.actors import Actor


@dataclass(frozen=True, kw_only=True)
class Kind:
    """`template` names `<template>_subject.txt` and `<template>.txt`.

    An essential message is part of the service the person asked for (a password link, the
    answer to a request, a security alert) and carries no unsubscribe link. A non-essential one
    (news, offers) needs the consent `purpose` to hold for its recipient at sending time, and
    carries a one-click unsubscribe link (RFC 8058) that withdraws exactly that consent.

    An `addressed` kind goes to an address someone typed rather than to an account: the
    invitation of a child's guardian, who may have no account yet. It must be essential.

    A `to_guardians` kind goes to the person's confirmed guardians whatever the person's age is
    now: a change of what decides parental control concerns them even when it ends it. It
    must be essential.

    A `guardian_news` kind is news about a child under the age of digital consent for their
    confirmed guardians (the weekly progress email), resting on each guardian's own consent to
    `purpose`: it goes to the guardians whose consent holds, while processing the child's data
    for that purpose is allowed (no restriction, no objection); never to the child, and to
    nobody once the child decides alone. It must not be essential.
    """

    code: str
    # The kind in words, wherever it is shown (the journal, the archive): short, for any reader.
    label: str | Promise
    template: str
    essential: bool
    purpose: str | None = None
    # A context that renders the message, for tests that send every kind and for previews.
    example: Mapping[str, Any] = field(default_factory=dict)
    addressed: bool = False
    to_guardians: bool = False
    guardian_news: bool = False

    def __post_init__(self) -> None:
        if not self.essential and not self.purpose:
            raise ValueError(
                f"Non-essential message kind {self.code!r} needs the consent purpose it rests on."
            )
        if self.to_guardians and (self.addressed or not self.essential):
            raise ValueError(
                f"Message kind {self.code!r} goes to the guardians: essential, not addressed."
            )
        if self.guardian_news and (self.essential or self.addressed or self.to_guardians):
            raise ValueError(
                f"Message kind {self.code!r} is news for the guardians: it needs their consent."
            )
        if self.addressed and not self.essential:
            raise ValueError(
                f"Message kind {self.code!r} goes to an address: it must be essential."
            )


_kinds: dict[str, Kind] = {}


def register(*kinds: Kind) -> None:
    for kind in kinds:
        if kind.code in _kinds:
            raise ValueError(f"The message kind {kind.code!r} is registered twice.")
        _kinds[kind.code] = kind


def get(code: str) -> Kind:
    try:
        return _kinds[code]
    except KeyError:
        raise LookupError(f"No message kind {code!r} is registered.") from None


def label_of(code: str) -> str | Promise | None:
    """A kind's words, None for a code that names no kind."""
    kind = _kinds.get(code)
    return kind.label if kind else None


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.code)


# Set by the consent app too: the one-click link that withdraws `purpose` for `person`. Until
# one is set, no non-essential message is sent: it could not be unsubscribed from.
UnsubscribeLink = Callable[["User", str], str]
_unsubscribe_link: list[UnsubscribeLink] = []


def set_unsubscribe_link(link: UnsubscribeLink) -> None:
    _unsubscribe_link[:] = [link]


def unsubscribe_link(person: "User", purpose: str) -> str | None:
    return _unsubscribe_link[0](person, purpose) if _unsubscribe_link else None


class Sender(Protocol):
    """What the notifications app offers (`charte.notifications.actions`)."""

    def notify(
        self,
        *,
        kind: str,
        person: "User",
        actor: "Actor",
        context: Mapping[str, Any] | None = None,
        address: str | None = None,
    ) -> list[Any]: ...

    def notify_own_address(
        self,
        *,
        kind: str,
        person: "User",
        address: str,
        actor: "Actor",
        context: Mapping[str, Any] | None = None,
    ) -> list[Any]: ...


_sender: list[Sender] = []


def set_sender(sender: Sender) -> None:
    _sender[:] = [sender]


def sender() -> Sender:
    """The notifications app's sending functions (set at start-up)."""
    if not _sender:
        raise LookupError("No sender: the notifications app is not installed.")
    return _sender[0]
