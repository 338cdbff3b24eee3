"""Where the access and portability archives are kept: the private "archives" storage
(`settings.STORAGES`: a folder, `CHARTE_ARCHIVE_DIR`, or an S3-compatible bucket's prefix),
named at random, never under the static or media roots, streamed back after the access check."""

from typing import IO, cast

from django.core.files import File
from django.core.files.storage import Storage, storages

from charte.subject_requests.models import SubjectRequest


def archive_storage() -> Storage:
    return storages["archives"]


def save_archive(name: str, content: IO[bytes]) -> str:
    """Store an archive's bytes under `name`; the name it was stored under."""
    return archive_storage().save(name, File(content, name=name))


def open_archive(request: SubjectRequest) -> IO[bytes] | None:
    """The archive's bytes, to stream back after the access check; None once it is gone."""
    storage = archive_storage()
    if not request.archive_name or not storage.exists(request.archive_name):
        return None
    return cast("IO[bytes]", storage.open(request.archive_name, "rb"))


def delete_archive(name: str) -> None:
    if name:
        archive_storage().delete(name)
