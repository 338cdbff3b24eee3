"""The archive itself: one pass over the database into a ZIP, hashed for its manifest.

Every member is deflated by ISA-L as it is written (`_Deflated`), its CRC and its SHA-256 taken
on the way. The JSON document and the CSV files are written side by side, a chunk of rows at a
time, while a ZIP takes one member at a time: what waits is their deflated bytes (about a fifth
of the text), in spooled files that stay in memory while small. They are then copied into the
ZIP as they are (`_store`): never read back as text, never deflated twice.
"""

import hashlib
import io
import json
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from isal import isal_zlib

from charte.core import csvfile
from charte.privacy import register
from charte.privacy.register import PORTABLE_PROVENANCES
from charte.privacy.registry import Declaration, registry

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
from charte.subject_requests.archive.columns import (
    ACCESS,
    CHUNK,
    PORTABILITY,
    chunks_of,
    columns,
    csv_name,
    per_language,
)
from charte.subject_requests.archive.conversion import chunk_converter
from charte.subject_requests.archive.html import HTML_ROWS, Addressee, html_rows, write_html_section
from charte.subject_requests.archive.information import information

FORMAT_VERSION = "1"


COPY_BUFFER = 1 << 16


# What a spool keeps in memory before it becomes a file: memory stays flat as rows grow.
SPOOL_IN_MEMORY = 1 << 18


type Progress = Callable[[int, int], None]


@dataclass
class ArchiveResult:
    sha256: str = ""
    size: int = 0
    files: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


class _Deflated:
    """One member's content, deflated by ISA-L at its level 1 as it is written to `spool`, with
    the CRC the ZIP needs and the SHA-256 the manifest gives.

    ISA-L deflates the archive's JSON and CSV four times faster than zlib at its fastest level,
    and smaller (docs/decisions/0008-archive-deflated-by-isa-l.md); its CRC is faster too. The
    output is plain deflate, read by every unzip tool.
    """

    def __init__(self, name: str, spool: IO[bytes]) -> None:
        self.name = name
        self.spool = spool
        self.start = spool.tell()
        self.end = self.start
        self.compressor = isal_zlib.compressobj(1, isal_zlib.DEFLATED, -15)
        self.digest = hashlib.sha256()
        self.crc = 0
        self.size = 0

    def write(self, text: str) -> None:
        data = text.encode("utf-8")
        self.digest.update(data)
        self.crc = isal_zlib.crc32(data, self.crc)
        self.size += len(data)
        self.spool.write(self.compressor.compress(data))

    def close(self) -> "_Deflated":
        self.spool.write(self.compressor.flush())
        self.end = self.spool.tell()
        return self

    def chunks(self) -> Any:
        """The deflated bytes, read back from the spool in chunks."""
        self.spool.seek(self.start)
        left = self.end - self.start
        while left > 0:
            chunk = self.spool.read(min(COPY_BUFFER, left))
            if not chunk:
                raise OSError(f"The spool of {self.name} ended early.")
            left -= len(chunk)
            yield chunk
        self.spool.seek(0, io.SEEK_END)

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.digest.hexdigest(), "bytes": self.size}


def _text(name: str, *parts: str | IO[str]) -> _Deflated:
    """A small member made of texts (and text files, read in chunks), deflated in memory."""
    member = _Deflated(name, io.BytesIO())
    for part in parts:
        if isinstance(part, str):
            member.write(part)
            continue
        part.seek(0)
        while chunk := part.read(COPY_BUFFER):
            member.write(chunk)
    return member.close()


class _AsIs:
    """The "compressor" of a member whose bytes are already deflated: they pass as they are."""

    def compress(self, data: bytes) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""


def _store(zf: zipfile.ZipFile, member: _Deflated) -> dict[str, Any]:
    """Copy `member` into the ZIP, its bytes as deflated, its CRC and size as counted.

    `zipfile` deflates what it is given, with zlib, and offers no way to hand it deflated bytes.
    The member is opened by `zipfile` as usual, then three private attributes of that one
    object are set: its compressor (to pass the bytes as they are), then, before it is closed
    and writes them into the ZIP's headers, its CRC and uncompressed size. Nothing global is
    patched. Should a later `zipfile` not have those attributes, the bytes are inflated and
    given to it: the archive stays the same, only slower (the benchmark would show it).
    """
    target = zf.open(member.name, "w", force_zip64=True)
    with target:
        if all(hasattr(target, a) for a in ("_compressor", "_crc", "_file_size")):
            target._compressor = _AsIs()  # type: ignore[attr-defined]
            for chunk in member.chunks():
                target.write(chunk)
            target._crc = member.crc  # type: ignore[attr-defined]
            target._file_size = member.size  # type: ignore[attr-defined]
        else:
            inflater = zlib.decompressobj(-15)
            for chunk in member.chunks():
                target.write(inflater.decompress(chunk))
            target.write(inflater.flush())
    return member.describe()


class _Spool:
    """The files of one archive, written in one pass: the JSON document and the CSV files
    deflated side by side, the HTML view's tables as text (HTML_ROWS per kind of record)."""

    def __init__(self) -> None:
        self.json_spool = tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY)  # noqa: SIM115
        self.csv_spool = tempfile.SpooledTemporaryFile(SPOOL_IN_MEMORY)  # noqa: SIM115
        self.json = _Deflated("donnees.json", self.json_spool)
        self.html: IO[str] = tempfile.SpooledTemporaryFile(  # noqa: SIM115
            SPOOL_IN_MEMORY, mode="w+", encoding="utf-8"
        )
        self.csv_files: list[_Deflated] = []

    def close(self) -> None:
        self.json_spool.close()
        self.csv_spool.close()
        self.html.close()


def _head(declaration: Declaration, scope: str) -> str:
    """The start of a model's entry in the JSON document: what it is, and its fields."""
    head = {
        "model": declaration.label,
        "name": str(declaration.name),
        "file": csv_name(declaration),
        "fields": [c.describe() for c in columns(declaration, scope)],
    }
    return json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": ['


def _write_model(
    spool: _Spool,
    declaration: Declaration,
    person: "AbstractBaseUser",
    scope: str,
    first: bool,
    chunk_size: int,
    addressee: Addressee,
) -> int:
    cols = columns(declaration, scope)
    html_cols = [i for i, c in enumerate(cols) if c.in_html]
    you = str(getattr(person, "public_id", ""))
    out = spool.json
    out.write(("" if first else ",\n") + per_language(declaration, scope, _head))
    convert = chunk_converter(cols)
    section: list[str] = []
    count = 0
    last: Any = object()
    csv_file: _Deflated | None = None
    # Written a chunk at a time: one call to each file per chunk, not per row.
    for rows in chunks_of(declaration, person, cols, chunk_size):
        if len(section) < HTML_ROWS and html_cols:
            section += html_rows(
                rows, cols, html_cols, HTML_ROWS - len(section), last, you=you, addressee=addressee
            )
        json_rows, csv_rows, last = convert(rows, last)
        if not json_rows:
            continue
        if csv_file is None:
            csv_file = _Deflated(csv_name(declaration), spool.csv_spool)
            spool.csv_files.append(csv_file)
            csv_file.write(csvfile.writer(csvfile.Echo()).writerow([c.name for c in cols]))
        out.write(("\n" if not count else ",\n") + ",\n".join(json_rows))
        csv_file.write("".join(csv_rows))
        count += len(json_rows)
    if csv_file is not None:
        csv_file.close()
    out.write("]}")
    if count and html_cols:
        write_html_section(spool.html, declaration, cols, html_cols, section, count)
    return count


def build(
    *,
    person: "AbstractBaseUser",
    scope: str,
    out: IO[bytes],
    reference: str = "",
    progress: Progress | None = None,
    chunk_size: int = CHUNK,
    addressee: Addressee = Addressee.ADULT,
    language: str = "",
) -> ArchiveResult:
    """Write the ZIP archive of `person`'s data (`scope`: ACCESS or PORTABILITY) to `out`,
    its pages written for `addressee` in `language` (by default the person's own)."""
    if scope not in (ACCESS, PORTABILITY):
        raise ValueError(f"Unknown archive scope {scope!r}.")
    if language not in dict(settings.LANGUAGES):
        language = getattr(person, "language", "") or settings.LANGUAGE_CODE
    result = ArchiveResult()
    generated_at = timezone.now()
    spool = _Spool()
    with translation.override(language):
        declarations = [d for d in registry.declarations() if columns(d, scope)]
        hasher = _HashingWriter(out)
        zf = zipfile.ZipFile(hasher, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        spool.json.write(
            json.dumps(
                {
                    "format": f"charte-{scope}",
                    "version": FORMAT_VERSION,
                    "generated_at": generated_at.isoformat(),
                    "request": reference,
                    "person": str(getattr(person, "public_id", "")),
                },
                ensure_ascii=False,
            )[:-1]
            + ', "records": [\n'
        )
        try:
            for index, declaration in enumerate(declarations):
                count = _write_model(
                    spool, declaration, person, scope, index == 0, chunk_size, addressee
                )
                if count:
                    result.rows[declaration.label] = count
                if progress is not None:
                    progress(index + 1, len(declarations))
            spool.json.write("\n]}\n")
            spool.json.close()
            info = information(result.rows, scope, addressee)
            context = {
                "person": person,
                "scope": scope,
                "addressee": addressee.value,
                "info": info,
                "generated_at": generated_at,
                "reference": reference,
                "LANGUAGE_CODE": language,  # no request, so no context processor sets it
                "html_rows": HTML_ROWS,
                "zone": timezone.get_current_timezone_name(),
                "portable": [
                    str(p.label) for p in register.Provenance if p in PORTABLE_PROVENANCES
                ],
            }
            page = render_to_string("subject_requests/archive/index.html", context)
            page_head, page_tail = page.split("<!--SECTIONS-->")
            readme = render_to_string("subject_requests/archive/readme.txt", context)
            members = [
                spool.json,
                _text("LISEZMOI.txt", readme),
                _text("index.html", page_head, spool.html, page_tail),
                _text("information.json", json.dumps(info, ensure_ascii=False, indent=2)),
                *spool.csv_files,
            ]
            with zf:
                for member in members:
                    result.files.append(_store(zf, member))
                manifest = {
                    "format": f"charte-{scope}",
                    "version": FORMAT_VERSION,
                    "generated_at": generated_at.isoformat(),
                    "request": reference,
                    "algorithm": "sha256",
                    "files": result.files,
                }
                _store(
                    zf, _text("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
                )
        finally:
            spool.close()
        result.sha256 = hasher.digest.hexdigest()
        result.size = hasher.size
    return result


class _HashingWriter(io.RawIOBase):
    """A write-only stream that hashes what passes through on its way to `target`."""

    def __init__(self, target: IO[bytes]) -> None:
        self.target = target
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.digest.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)

    def flush(self) -> None:
        if not self.closed and not getattr(self.target, "closed", False):
            self.target.flush()
