"""The session engine: Django's database sessions, with the user stored in its own column."""

from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DBStore

if TYPE_CHECKING:
    from charte.accounts.models import Session


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from charte.accounts.models import Session

        return Session

    def create_model_instance(self, data: dict[str, Any]) -> "Session":
        instance = cast("Session", super().create_model_instance(data))
        try:
            instance.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            instance.user_id = None
        return instance
