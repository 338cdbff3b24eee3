"""The journal's entry point: `audit.record(...)`, called by every action inside its transaction.

Loaded lazily so that importing the package while Django sets up its apps loads no model.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from charte.audit.journal import record, request_meta

__all__ = ["record", "request_meta"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from charte.audit import journal

        return getattr(journal, name)
    raise AttributeError(name)
