"""Where the access and portability archives are kept: private files, named at random, in
`CHARTE_ARCHIVE_DIR`, never under the static or media roots."""

from pathlib import Path

from django.conf import settings

from charte.subject_requests.models import SubjectRequest


def archive_directory() -> Path:
    directory = Path(settings.CHARTE_ARCHIVE_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def archive_path(request: SubjectRequest) -> Path:
    return archive_directory() / request.archive_name
