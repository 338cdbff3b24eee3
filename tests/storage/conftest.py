"""Files on local disk and on a real S3-compatible server (moto's, started on loopback).

Production uses any S3 provider through the same settings (FILE_STORAGE=s3, S3_*): these tests
run the storage API against a server speaking the S3 protocol over HTTP, not a mock of boto3
(`tests/object_storage.py`). Whatever the run's choice for the rest of the suite, each test
here runs on both.
"""

from typing import Any

import pytest
from django.conf import settings as django_settings

from tests.learning import ben_in_class, catalogue, chloe_class, school
from tests.object_storage import Bucket

__all__ = ["ben_in_class", "catalogue", "chloe_class", "school"]


class Files:
    """Where the test's files go, and what is stored there now."""

    def __init__(self, kind: str, *, root: Any = None, bucket: Bucket | None = None):
        self.kind, self.root, self.bucket = kind, root, bucket

    def names(self) -> list[str]:
        """Every stored file, as "media/..." or "archives/..."."""
        if self.bucket is None:
            return sorted(
                str(path.relative_to(self.root)) for path in self.root.rglob("*") if path.is_file()
            )
        return self.bucket.names()


@pytest.fixture(params=["local", "s3"])
def files(request, settings, tmp_path) -> Files:
    """Each test runs twice: files on local disk, then on the S3-compatible server."""
    if request.param == "local":
        settings.STORAGES = {
            **django_settings.STORAGES,
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "archives": {"BACKEND": "charte.core.files.ArchiveStorage"},
        }
        settings.MEDIA_ROOT = tmp_path / "media"
        settings.CHARTE_ARCHIVE_DIR = tmp_path / "archives"
        return Files("local", root=tmp_path)
    bucket = Bucket(request.getfixturevalue("s3_endpoint"))
    settings.STORAGES = bucket.storages(django_settings.STORAGES)
    return Files("s3", bucket=bucket)
