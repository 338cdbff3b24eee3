"""The archive itself: one pass over the database into a ZIP, hashed for its manifest."""

import hashlib
import io
import json
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
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
from charte.subject_requests.archive.html import HTML_ROWS, html_rows, write_html_section
from charte.subject_requests.archive.information import information

FORMAT_VERSION = "1"


COPY_BUFFER = 1 << 16


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


class _Spool:
    """The files of one archive, written in one pass.

    The JSON document goes straight into the ZIP (hashed on the way); the CSV files and the
    HTML tables wait in a temporary folder, since a ZIP takes one entry at a time.
    """

    def __init__(self, directory: Path, zf: zipfile.ZipFile) -> None:
        self.directory = directory
        self.json_hash = _HashingWriter(_member(zf, "donnees.json"), owns=True)
        self.json = io.TextIOWrapper(
            io.BufferedWriter(self.json_hash, COPY_BUFFER), encoding="utf-8"
        )
        self.html = (directory / "sections.html").open("w", encoding="utf-8")
        self.csv_files: list[tuple[str, Path]] = []

    def close(self) -> dict[str, Any]:
        self.json.close()
        self.html.close()
        return {
            "name": "donnees.json",
            "sha256": self.json_hash.digest.hexdigest(),
            "bytes": self.json_hash.size,
        }


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
) -> int:
    cols = columns(declaration, scope)
    file_name = csv_name(declaration)
    html_cols = [i for i, c in enumerate(cols) if c.in_html]
    you = str(getattr(person, "public_id", ""))
    out = spool.json
    out.write(("" if first else ",\n") + per_language(declaration, scope, _head))
    convert = chunk_converter(cols)
    section: list[str] = []
    count = 0
    last: Any = object()
    csv_file: IO[str] | None = None
    try:
        # Written a chunk at a time: one call to each file per chunk, not per row.
        for rows in chunks_of(declaration, person, cols, chunk_size):
            if len(section) < HTML_ROWS and html_cols:
                section += html_rows(rows, cols, html_cols, HTML_ROWS - len(section), last, you=you)
            json_rows, csv_rows, last = convert(rows, last)
            if not json_rows:
                continue
            if csv_file is None:
                path = spool.directory / f"{len(spool.csv_files)}.csv"
                spool.csv_files.append((file_name, path))
                csv_file = path.open("w", encoding="utf-8", newline="")
                csvfile.writer(csv_file).writerow([c.name for c in cols])
            out.write(("\n" if not count else ",\n") + ",\n".join(json_rows))
            csv_file.write("".join(csv_rows))
            count += len(json_rows)
    finally:
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
) -> ArchiveResult:
    """Write the ZIP archive of `person`'s data (`scope`: ACCESS or PORTABILITY) to `out`."""
    if scope not in (ACCESS, PORTABILITY):
        raise ValueError(f"Unknown archive scope {scope!r}.")
    language = getattr(person, "language", "") or settings.LANGUAGE_CODE
    result = ArchiveResult()
    generated_at = timezone.now()
    with (
        tempfile.TemporaryDirectory(prefix="charte-archive-") as tmp,
        translation.override(language),
    ):
        declarations = [d for d in registry.declarations() if columns(d, scope)]
        directory = Path(tmp)
        hasher = _HashingWriter(out)
        zf = zipfile.ZipFile(hasher, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        spool = _Spool(directory, zf)
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
        for index, declaration in enumerate(declarations):
            count = _write_model(spool, declaration, person, scope, index == 0, chunk_size)
            if count:
                result.rows[declaration.label] = count
            if progress is not None:
                progress(index + 1, len(declarations))
        spool.json.write("\n]}\n")
        result.files.append(spool.close())
        info = information(result.rows, scope)
        context = {
            "person": person,
            "scope": scope,
            "info": info,
            "generated_at": generated_at,
            "reference": reference,
            "html_rows": HTML_ROWS,
            "zone": timezone.get_current_timezone_name(),
            "portable": [str(p.label) for p in register.Provenance if p in PORTABLE_PROVENANCES],
        }
        page = render_to_string("subject_requests/archive/index.html", context)
        page_head, page_tail = page.split("<!--SECTIONS-->")
        readme = render_to_string("subject_requests/archive/readme.txt", context)
        entries: list[tuple[str, list[str | Path]]] = [
            ("LISEZMOI.txt", [readme]),
            ("index.html", [page_head, directory / "sections.html", page_tail]),
            ("information.json", [json.dumps(info, ensure_ascii=False, indent=2)]),
            *((name, [path]) for name, path in spool.csv_files),  # type: ignore[list-item]
        ]
        with zf:
            for name, parts in entries:
                result.files.append(_add(zf, name, parts))
            manifest = {
                "format": f"charte-{scope}",
                "version": FORMAT_VERSION,
                "generated_at": generated_at.isoformat(),
                "request": reference,
                "algorithm": "sha256",
                "files": result.files,
            }
            zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        result.sha256 = hasher.digest.hexdigest()
        result.size = hasher.size
    return result


def _add(zf: zipfile.ZipFile, name: str, parts: list[str | Path]) -> dict[str, Any]:
    digest = hashlib.sha256()
    size = 0
    with _member(zf, name) as target:
        for part in parts:
            if isinstance(part, str):
                data = part.encode("utf-8")
                digest.update(data)
                target.write(data)
                size += len(data)
                continue
            with part.open("rb") as source:
                while chunk := source.read(COPY_BUFFER):
                    digest.update(chunk)
                    target.write(chunk)
                    size += len(chunk)
    return {"name": name, "sha256": digest.hexdigest(), "bytes": size}


def _member(zf: zipfile.ZipFile, name: str) -> IO[bytes]:
    """A new member of the ZIP, open for writing, deflated by ISA-L (the `isal` package).

    At its level 1, ISA-L deflates the archive's JSON and CSV four times faster than zlib at
    its fastest level, and smaller: with zlib, compression was a quarter of the archive's time.
    The output is plain deflate, read by every unzip tool. `zipfile` takes its compressor from
    zlib, with no way to give another: the new member's compressor is replaced before anything
    is written to it. Should a later `zipfile` not have that attribute, the member keeps zlib's.
    """
    target = zf.open(name, "w", force_zip64=True)
    if getattr(target, "_compressor", None) is not None:
        target._compressor = isal_zlib.compressobj(1, isal_zlib.DEFLATED, -15)  # type: ignore[attr-defined]
    return target


class _HashingWriter(io.RawIOBase):
    """A write-only stream that hashes what passes through on its way to `target`."""

    def __init__(self, target: IO[bytes], *, owns: bool = False) -> None:
        self.target = target
        self.owns = owns
        self.digest = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        view = bytes(data)
        self.digest.update(view)
        self.size += len(view)
        self.target.write(view)
        return len(view)

    def flush(self) -> None:
        if not self.closed and not getattr(self.target, "closed", False):
            self.target.flush()

    def close(self) -> None:
        if not self.closed and self.owns:
            self.target.close()
        super().close()
