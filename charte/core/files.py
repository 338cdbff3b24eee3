"""Where the platform's files live: Django's storage API, local disk or S3-compatible storage.

`settings.STORAGES` names two: "default" (uploads, productions, generated documents) and
"archives" (access and portability archives: private, never served as media, streamed back
after the access check). With FILE_STORAGE=s3 both are buckets' prefixes (django-storages);
otherwise folders on this server's disk.
"""

import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class ArchiveStorage(FileSystemStorage):
    """The archives' folder on local disk: `settings.CHARTE_ARCHIVE_DIR`, read when used (so
    that a changed setting, as tests do, is followed), with no public URL."""

    @property
    def base_location(self) -> Any:
        return self._value_or_setting(getattr(self, "_location", None), settings.CHARTE_ARCHIVE_DIR)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Archives have no public URL: they are streamed after the access check.")
