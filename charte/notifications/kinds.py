"""The kinds of message the platform sends, each registered by the app that sends it."""

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Kind:
    """`template` names `<template>_subject.txt` and `<template>.txt`.

    An essential message is part of the service the person asked for (a password link, the
    answer to a request, a security alert) and carries no unsubscribe link. A non-essential one
    (news, offers) needs the consent `purpose` to hold for its recipient at sending time.
    """

    code: str
    template: str
    essential: bool
    purpose: str | None = None

    def __post_init__(self) -> None:
        if not self.essential and not self.purpose:
            raise ValueError(
                f"Non-essential message kind {self.code!r} needs the consent purpose it rests on."
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


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.code)
