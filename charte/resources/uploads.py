"""Files people upload (personal resources, productions): what we accept and how we store them.

We accept a short list of document and image types, recognised by their first bytes and not
only by their name, up to a size limit, and store each file under a random name: the name a
person gave their file (which may contain their name) is kept only as a field of its row, so
that erasing the row leaves no trace of it in the storage's paths.
"""

import uuid
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from charte.core.errors import ActionError

ZIP = b"PK\x03\x04"

# extension: (content type, magic bytes at the start or None for text)
ACCEPTED: dict[str, tuple[str, bytes | None]] = {
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "txt": ("text/plain", None),
}


def max_file_bytes() -> int:
    """The most one file may weigh (CHARTE_UPLOAD_MAX_FILE_BYTES, also enforced as it streams)."""
    return int(settings.CHARTE_UPLOAD_MAX_FILE_BYTES)


def accepted_types_text() -> str:
    return _("PDF, image PNG ou JPEG, texte (.txt), document ODT ou DOCX")


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    content_type: str
    size: int


def check_upload(upload: UploadedFile) -> CheckedFile:
    """The file, if we accept it; otherwise an error that says what is wrong and what to do."""
    name = PurePath(upload.name or "fichier").name[:120]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ACCEPTED:
        raise ActionError(
            _("« %(name)s » : ce type de fichier n'est pas accepté. Types acceptés : %(types)s.")
            % {"name": name, "types": accepted_types_text()},
            code="file_type",
        )
    size = upload.size or 0
    if size == 0:
        raise ActionError(_("« %(name)s » est vide.") % {"name": name}, code="file_empty")
    if size > max_file_bytes() or getattr(upload, "oversize", False):
        raise ActionError(
            _("« %(name)s » pèse %(size)s : la limite est de %(max)s par fichier.")
            % {"name": name, "size": filesizeformat(size), "max": filesizeformat(max_file_bytes())},
            code="file_size",
        )
    content_type, magic = ACCEPTED[extension]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if magic is None:
        if b"\x00" in head or not _decodes(head):
            raise ActionError(
                _("« %(name)s » n'est pas un fichier texte lisible.") % {"name": name},
                code="file_content",
            )
    elif not head.startswith(magic):
        raise ActionError(
            _(
                "« %(name)s » ne correspond pas à son extension .%(ext)s : le fichier est "
                "peut-être abîmé."
            )
            % {"name": name, "ext": extension},
            code="file_content",
        )
    return CheckedFile(upload=upload, name=name, content_type=content_type, size=size)


def _decodes(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        return exc.start >= len(head) - 3
    return True


def random_path(prefix: str, name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
    return f"{prefix}/{uuid.uuid4().hex}.{extension}"


def delete_after_commit(field: FieldFile | Any) -> None:
    """Remove a stored file once the transaction that removed its row has committed."""
    if not field:
        return
    storage, name = field.storage, str(field.name)
    transaction.on_commit(lambda: storage.delete(name))
