"""The retention rules carried out by their owner (the registry itself is `core.expiry`)."""

from charte.core.expiry import Expiry, Handler, handler_for, register, registered, unregister

# The journal (Annex 1, row 2) is append-only: only its own app removes it, by sealed segment.
OWNER_HANDLED = frozenset({"journal"})

__all__ = [
    "OWNER_HANDLED",
    "Expiry",
    "Handler",
    "handler_for",
    "register",
    "registered",
    "unregister",
]
