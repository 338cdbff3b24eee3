"""Flash messages ("Choix enregistré"), kept as the framework does, under our cookie's name.

The framework names its message cookie "messages", fixed; in production every cookie of ours
carries the "__Host-" prefix (see CHARTE_COOKIE_PREFIX in the settings), this one included.
"""

from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage

BASE_NAME = "messages"


class PrefixedCookieStorage(CookieStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cookie_name = f"{settings.CHARTE_COOKIE_PREFIX}{BASE_NAME}"


class MessageStorage(FallbackStorage):
    storage_classes = (PrefixedCookieStorage, SessionStorage)
