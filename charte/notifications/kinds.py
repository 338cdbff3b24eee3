"""The kinds of message (the registry itself is `core.notices`, so that lower layers register
theirs without importing this app)."""

from charte.core.notices import (
    Kind,
    UnsubscribeLink,
    all_kinds,
    get,
    register,
    set_unsubscribe_link,
    unsubscribe_link,
)

__all__ = [
    "Kind",
    "UnsubscribeLink",
    "all_kinds",
    "get",
    "register",
    "set_unsubscribe_link",
    "unsubscribe_link",
]
