"""The access and portability archive, built from the registry alone.

Design:
- What goes in is what the registry declares: for every declared model, the rows that its
  subject paths lead to from the person, with every declared field (access, GDPR art. 15), or
  only the fields the person provided or whose activity produced them (portability, art. 20).
  Nothing here names an app: a model declared tomorrow is in tomorrow's archives.
- Two generic exclusions, the same for every model: primary keys (internal numbers, and for a
  session its bearer secret) and the `credentials` category (a password hash is useless to the
  person and dangerous in a file that travels). Links to other rows are given by public id.
- One pass over the database, streamed: each model's rows are read with `.iterator()` in
  chunks and written at once to spooled files (the JSON document, one CSV per model, the HTML
  view's tables). The files are then copied into the ZIP in chunks, hashing each on the way
  for the manifest. Memory holds one chunk of rows, whatever the number of rows.
- The HTML view is one self-contained file (inline CSS, no script, no link out): a parent can
  open it without a network. It shows at most HTML_ROWS rows per kind of record; the JSON and
  CSV files hold every row, and the page says so.
- The art. 15 information (purposes, legal bases, categories, recipients and disclosures,
  retention, sources, transfers, the right to complain to the CNIL) comes from the register
  through `published_register()`, the same document the public charter shows.
"""

import csv
import hashlib
import html
import io
import json
import tempfile
import zipfile
from base64 import b64encode
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.db import connections, models
from django.db.models.sql.constants import MULTI
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from charte.privacy import register
from charte.privacy.register import PORTABLE_PROVENANCES, Category
from charte.privacy.registry import Declaration, registry

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

ACCESS = "access"
PORTABILITY = "portability"
CHUNK = 2000
HTML_ROWS = 500
FORMAT_VERSION = "1"
EXCLUDED_CATEGORIES = frozenset({Category.CREDENTIALS})
COPY_BUFFER = 1 << 16

type Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Column:
    name: str
    lookup: str
    label: str
    category: Category
    provenance: register.Provenance
    choices: dict[Any, str] | None
    in_html: bool
    kind: str  # the stored value's Django type ("CharField", "JSONField"...), to convert it
    many: bool = False

    def describe(self) -> dict[str, str]:
        return {
            "name": self.name,
            "label": self.label,
            "category": self.category.value,
            "provenance": self.provenance.value,
        }


@dataclass
class ArchiveResult:
    sha256: str = ""
    size: int = 0
    files: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def exported(declaration: Declaration, name: str, scope: str) -> bool:
    """Whether field `name` of `declaration` goes into an archive of `scope`."""
    declared = declaration.fields[name]
    if declared.category in EXCLUDED_CATEGORIES:
        return False
    if getattr(declaration.model._meta.get_field(name), "primary_key", False):
        return False
    return scope == ACCESS or declared.provenance in PORTABLE_PROVENANCES


_columns_cache: dict[tuple[int, str, str], tuple[Declaration, list[Column]]] = {}


def columns(declaration: Declaration, scope: str) -> list[Column]:
    """The exported columns of a declared model (computed once per scope and language)."""
    key = (id(declaration), scope, translation.get_language() or "")
    cached = _columns_cache.get(key)
    if cached is None or cached[0] is not declaration:
        cached = _columns_cache[key] = (declaration, _columns(declaration, scope))
    return cached[1]


def _columns(declaration: Declaration, scope: str) -> list[Column]:
    meta = declaration.model._meta
    result = []
    for name, declared in declaration.fields.items():
        if not exported(declaration, name, scope):
            continue
        model_field: Any = meta.get_field(name)
        lookup = name
        stored: Any = model_field
        related = model_field.related_model if model_field.is_relation else None
        if related is not None and any(f.name == "public_id" for f in related._meta.fields):
            lookup = f"{name}__public_id"
            stored = related._meta.get_field("public_id")
        elif related is not None:
            stored = related._meta.pk
        if isinstance(stored, models.GeneratedField):
            stored = stored.output_field
        choices = dict(model_field.flatchoices) if getattr(model_field, "choices", None) else None
        result.append(
            Column(
                name=name,
                lookup=lookup,
                label=str(getattr(model_field, "verbose_name", name)),
                category=declared.category,
                provenance=declared.provenance,
                choices={k: str(v) for k, v in choices.items()} if choices else None,
                in_html=declared.category != Category.REFERENCE,
                kind=stored.get_internal_type(),
                many=bool(model_field.many_to_many),
            )
        )
    return result


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return b64encode(bytes(value)).decode()
    return str(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(_json_default(value)) if isinstance(value, bytes | memoryview) else str(value)


def rows_of(
    declaration: Declaration,
    person: "AbstractBaseUser",
    cols: list[Column],
    chunk_size: int = CHUNK,
) -> Iterator[tuple[Any, ...]]:
    """The person's rows of one model, as tuples (the primary key, then `cols`), in chunks.

    Values come as the database driver gives them (Django's per-value converters are skipped:
    `cells()` turns each column into text in one step, which halves the time). The query is
    Django's own, run through its chunked cursor (a server-side cursor on PostgreSQL), so
    memory holds one chunk. Many-to-many fields come back one database row per link:
    consecutive rows of one object are merged, the linked values gathered in a list.
    """
    queryset = (
        declaration.model._default_manager.filter(declaration.subject_filter(person))
        .order_by("pk")
        .values_list("pk", *[c.lookup for c in cols])
    )
    compiler = queryset.query.get_compiler(using=queryset.db)
    chunks = compiler.execute_sql(
        MULTI,
        chunked_fetch=connections[queryset.db].features.can_use_chunked_reads,
        chunk_size=chunk_size,
    )
    many = [i for i, c in enumerate(cols, start=1) if c.many]
    if not many:
        last: Any = object()
        for chunk in chunks or ():
            for row in chunk:
                if row[0] != last:  # a row reached through two subject paths comes once
                    last = row[0]
                    yield row
        return
    current: list[Any] | None = None
    for chunk in chunks or ():
        for row in chunk:
            if current is not None and row[0] == current[0]:
                # The same object again: another link of a many-to-many field.
                for i in many:
                    if row[i] is not None and row[i] not in current[i]:
                        current[i].append(row[i])
                continue
            if current is not None:
                yield tuple(current)
            current = list(row)
            for i in many:
                current[i] = [] if current[i] is None else [current[i]]
    if current is not None:
        yield tuple(current)


type Cell = Callable[[Any], tuple[str, str]]
"""A column's converter: a raw database value to (JSON fragment, plain text)."""

_quote = json.encoder.encode_basestring


def _cell_text(value: Any) -> tuple[str, str]:
    if value is None:
        return "null", ""
    text = value if isinstance(value, str) else str(value)
    return _quote(text), text


def _cell_number(value: Any) -> tuple[str, str]:
    if value is None:
        return "null", ""
    return str(value), str(value)


def _cell_bool(value: Any) -> tuple[str, str]:
    if value is None:
        return "null", ""
    return ("true", "true") if value else ("false", "false")


def _cell_json(value: Any) -> tuple[str, str]:
    if value is None:
        return "null", ""
    if not isinstance(value, str):  # a driver that decodes JSON itself
        value = json.dumps(value, ensure_ascii=False, default=_json_default)
    return value, value


def _cell_datetime(value: Any) -> tuple[str, str]:
    if value is None:
        return "null", ""
    # SQLite gives text, "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC; others a datetime.
    text = value.replace(" ", "T") + "+00:00" if isinstance(value, str) else value.isoformat()
    return f'"{text}"', text


def _cell_date(value: Any) -> tuple[str, str]:
    if value is None:
        return "null", ""
    text = value if isinstance(value, str) else value.isoformat()
    return f'"{text}"', text


def _cell_uuid(value: Any) -> tuple[str, str]:
    if value is None:
        return "null", ""
    if isinstance(value, str) and len(value) == 32:  # SQLite stores the 32 hex digits
        h = value.lower()
        text = f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
    else:
        text = str(UUID(hex=value)) if isinstance(value, str) else str(value)
    return f'"{text}"', text


def _cell_other(value: Any) -> tuple[str, str]:
    return json.dumps(value, ensure_ascii=False, default=_json_default), _text(value)


def _cell_many(inner: Cell) -> Cell:
    def cell(values: Any) -> tuple[str, str]:
        parts = [inner(v) for v in values or ()]
        return "[" + ",".join(p[0] for p in parts) + "]", " ; ".join(p[1] for p in parts)

    return cell


_CELLS: dict[str, Cell] = {
    "CharField": _cell_text,
    "TextField": _cell_text,
    "EmailField": _cell_text,
    "SlugField": _cell_text,
    "URLField": _cell_text,
    "GenericIPAddressField": _cell_text,
    "FilePathField": _cell_text,
    "FileField": _cell_text,
    "ImageField": _cell_text,
    "JSONField": _cell_json,
    "DateTimeField": _cell_datetime,
    "DateField": _cell_date,
    "TimeField": _cell_date,
    "UUIDField": _cell_uuid,
    "BooleanField": _cell_bool,
    "NullBooleanField": _cell_bool,
    "AutoField": _cell_number,
    "BigAutoField": _cell_number,
    "SmallAutoField": _cell_number,
    "IntegerField": _cell_number,
    "BigIntegerField": _cell_number,
    "SmallIntegerField": _cell_number,
    "PositiveIntegerField": _cell_number,
    "PositiveBigIntegerField": _cell_number,
    "PositiveSmallIntegerField": _cell_number,
    "FloatField": _cell_number,
    "DecimalField": _cell_text,
}


def cells(cols: list[Column]) -> list[Cell]:
    result = []
    for column in cols:
        cell = _CELLS.get(column.kind, _cell_other)
        result.append(_cell_many(cell) if column.many else cell)
    return result


type RowConverter = Callable[[tuple[Any, ...]], tuple[str, str, list[str]]]

# Inline conversions for the commonest stored types: statements setting the JSON fragment
# `j{i}` and the text `t{i}` of cell `i` from the raw value `row[{n}]`; others call their `Cell`.
_INLINE: dict[Cell, str] = {
    _cell_text: (
        "    v = row[{n}]\n"
        "    if v is None: j{i}, t{i} = 'null', ''\n"
        "    else:\n"
        "        t{i} = v if v.__class__ is str else str(v)\n"
        "        j{i} = quote(t{i})\n"
    ),
    _cell_number: (
        "    v = row[{n}]\n"
        "    if v is None: j{i}, t{i} = 'null', ''\n"
        "    else: j{i} = t{i} = str(v)\n"
    ),
    _cell_datetime: (
        "    v = row[{n}]\n"
        "    if v is None: j{i}, t{i} = 'null', ''\n"
        "    else:\n"
        "        t{i} = v.replace(' ', 'T') + '+00:00' if v.__class__ is str else v.isoformat()\n"
        "        j{i} = '\"' + t{i} + '\"'\n"
    ),
}
# Cells whose text never holds a comma, a quote or a line break: written to CSV as they are.
_CSV_PLAIN = frozenset({_cell_number, _cell_bool, _cell_datetime, _cell_date, _cell_uuid})
_CSV_QUOTED = "('\"' + {t}.replace('\"', '\"\"') + '\"')"
_CSV_MINIMAL = (
    "(" + _CSV_QUOTED + " if ('\"' in {t} or ',' in {t} or '\\n' in {t} or '\\r' in {t}) else {t})"
)


_converters: dict[tuple[tuple[str, str, bool], ...], RowConverter] = {}


def row_converter(cols: list[Column]) -> RowConverter:
    """`_row_converter`, made once per shape of columns."""
    key = tuple((c.name, c.kind, c.many) for c in cols)
    if key not in _converters:
        _converters[key] = _row_converter(cols)
    return _converters[key]


def _row_converter(cols: list[Column]) -> RowConverter:
    """One function per model turning a raw row (its primary key first) into its JSON object,
    its CSV line and the texts of its cells.

    Generated once per model from its columns, so that a row costs one call rather than one
    per cell, and the CSV line is quoted only where a cell may need it (the same output as
    the `csv` module's default dialect, in a third of its time): with tens of thousands of
    rows, those were most of the archive's time. The generated source holds only
    `repr`-quoted field names and the fixed snippets above.
    """
    namespace: dict[str, Any] = {"quote": _quote}
    lines = ["def convert(row):"]
    csv_cells = []
    for i, (column, cell) in enumerate(zip(cols, cells(cols), strict=True)):
        template = None if column.many else _INLINE.get(cell)
        if template is None:
            namespace[f"cell{i}"] = cell
            lines.append(f"    j{i}, t{i} = cell{i}(row[{i + 1}])")
        else:
            lines.append(template.format(i=i, n=i + 1))
        if cell in _CSV_PLAIN and not column.many:
            csv_cells.append(f"t{i}")
        else:
            csv_cells.append(_CSV_MINIMAL.format(t=f"t{i}"))
    keys = [("{" if i == 0 else ",") + _quote(c.name) + ":" for i, c in enumerate(cols)]
    json_expr = " + ".join(f"{key!r} + j{i}" for i, key in enumerate(keys))
    texts = ", ".join(f"t{i}" for i in range(len(cols)))
    csv_expr = "','.join([" + ", ".join(csv_cells) + "]) + '\\r\\n'"
    lines.append(f"    return {json_expr} + '}}', {csv_expr}, [{texts}]")
    exec(compile("\n".join(lines), "<archive row converter>", "exec"), namespace)  # noqa: S102
    return namespace["convert"]


def _csv_name(declaration: Declaration) -> str:
    return "csv/" + declaration.label.lower().replace(".", "_") + ".csv"


def _anchor(declaration: Declaration) -> str:
    return declaration.label.lower().replace(".", "-")


def information(rows: dict[str, int], scope: str) -> dict[str, Any]:
    """The art. 15 information about the records found, from the register and the registry."""
    from charte.privacy.queries import published_register

    document = published_register()
    purposes = {p["code"]: (proc, p) for proc in document["processings"] for p in proc["purposes"]}
    recipients = {r["code"]: r for r in document["recipients"]}
    retention = {r["code"]: r for r in document["retention_rules"]}
    provenance = {p["code"]: p["label"] for p in document["provenances"]}
    records = []
    used_recipients: set[str] = set()
    disclosures = []
    for declaration in registry.declarations():
        count = rows.get(declaration.label, 0)
        if not count:
            continue
        entry_purposes = []
        for code in declaration.purposes:
            processing, purpose = purposes[code]
            used_recipients.update(purpose["recipients"])
            entry_purposes.append(
                {
                    "code": code,
                    "name": purpose["name"],
                    "description": purpose["description"],
                    "legal_basis": processing["legal_basis"]["label"],
                    "legal_reference": processing["legal_reference"],
                    "recipients": purpose["recipients"],
                }
            )
        sources = sorted({f.provenance.value for f in declaration.fields.values() if f.personal})
        categories = declaration.categories()
        record = {
            "model": declaration.label,
            "name": str(declaration.model._meta.verbose_name_plural),
            "rows": count,
            "file": _csv_name(declaration),
            "anchor": _anchor(declaration),
            "categories": [{"code": c.value, "label": str(c.label)} for c in categories],
            "purposes": entry_purposes,
            "sources": [{"code": s, "label": provenance[s]} for s in sources],
            "retention": retention[declaration.retention],
        }
        records.append(record)
        if Category.DISCLOSURES in categories:
            disclosures.append(
                {
                    "model": record["model"],
                    "name": record["name"],
                    "rows": count,
                    "anchor": record["anchor"],
                }
            )
    used = [recipients[c] for c in sorted(used_recipients)]
    return {
        "scope": scope,
        "controller": document["operator"],
        "records": records,
        "recipients": used,
        "disclosures": disclosures,
        "transfers": [r for r in used if r["outside_eea"]],
        "complaint": {
            "authority": "Commission nationale de l'informatique et des libertés (CNIL)",
            "address": "3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, France",
            "website": "www.cnil.fr",
        },
    }


class _Spool:
    """The files of one archive, written in one pass.

    The JSON document goes straight into the ZIP (hashed on the way); the CSV files and the
    HTML tables wait in a temporary folder, since a ZIP takes one entry at a time.
    """

    def __init__(self, directory: Path, zf: zipfile.ZipFile) -> None:
        self.directory = directory
        self.json_hash = _HashingWriter(zf.open("donnees.json", "w", force_zip64=True), owns=True)
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


def _readable_moment(text: str) -> str:
    """ "2026-03-14T09:05:12.123+00:00" as "2026-03-14 09:05 UTC", for the HTML view."""
    return f"{text[:10]} {text[11:16]} UTC" if len(text) >= 16 else text


def _readable_bool(text: str) -> str:
    return {"true": str(_("oui")), "false": str(_("non"))}.get(text, text)


# The HTML view is read by people: dates without microseconds, yes and no in words.
_READABLE: dict[str, Callable[[str], str]] = {
    "DateTimeField": _readable_moment,
    "BooleanField": _readable_bool,
}


def _write_model(
    spool: _Spool,
    declaration: Declaration,
    person: "AbstractBaseUser",
    cols: list[Column],
    first: bool,
    chunk_size: int,
) -> int:
    names = [c.name for c in cols]
    csv_name = _csv_name(declaration)
    csv_path = spool.directory / f"{len(spool.csv_files)}.csv"
    html_cols = [i for i, c in enumerate(cols) if c.in_html]
    choices = [(i, c.choices) for i, c in enumerate(cols) if c.choices]
    readable = [(i, _READABLE[c.kind]) for i, c in enumerate(cols) if c.kind in _READABLE]
    head = {
        "model": declaration.label,
        "name": str(declaration.model._meta.verbose_name_plural),
        "file": csv_name,
        "fields": [c.describe() for c in cols],
    }
    out = spool.json
    out.write(("" if first else ",\n") + json.dumps(head, ensure_ascii=False)[:-1] + ', "rows": [')
    convert = row_converter(cols)
    escape = html.escape
    section: list[str] = []
    count = 0
    separator = "\n"
    with csv_path.open("w", encoding="utf-8", newline="") as csv_file:
        writer = csv.writer(csv_file)
        writer.writerow(names)
        # Written a chunk at a time: one call to each file per chunk, not per row.
        json_rows: list[str] = []
        csv_rows: list[str] = []
        for row in rows_of(declaration, person, cols, chunk_size):
            json_row, csv_row, texts = convert(row)
            json_rows.append(json_row)
            csv_rows.append(csv_row)
            if count < HTML_ROWS and html_cols:
                for i, labels in choices:
                    texts[i] = labels.get(row[i + 1], texts[i])
                for i, readable_text in readable:
                    texts[i] = readable_text(texts[i])
                section.append(
                    "<tr>"
                    + "".join([f"<td>{escape(texts[i])}</td>" for i in html_cols])
                    + "</tr>\n"
                )
            count += 1
            if len(json_rows) >= chunk_size:
                out.write(separator + ",\n".join(json_rows))
                csv_file.write("".join(csv_rows))
                json_rows, csv_rows, separator = [], [], ",\n"
        if json_rows:
            out.write(separator + ",\n".join(json_rows))
            csv_file.write("".join(csv_rows))
    out.write("]}")
    if count:
        spool.csv_files.append((csv_name, csv_path))
        _write_html_section(spool, declaration, cols, html_cols, section, count)
    else:
        csv_path.unlink()
    return count


def _write_html_section(
    spool: _Spool,
    declaration: Declaration,
    cols: list[Column],
    html_cols: list[int],
    rows: list[str],
    count: int,
) -> None:
    if not html_cols:
        return
    spool.html.write(
        render_to_string(
            "subject_requests/archive/section.html",
            {
                "name": declaration.model._meta.verbose_name_plural,
                "columns": [cols[i] for i in html_cols],
                "count": count,
                "shown": min(count, HTML_ROWS),
                "file": _csv_name(declaration),
                "anchor": _anchor(declaration),
            },
        ).replace("<!--ROWS-->", "".join(rows))
    )


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
        declared = [(d, columns(d, scope)) for d in registry.declarations()]
        declarations = [(d, cols) for d, cols in declared if cols]
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
        for index, (declaration, cols) in enumerate(declarations):
            count = _write_model(spool, declaration, person, cols, index == 0, chunk_size)
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
    with zf.open(name, "w", force_zip64=True) as target:
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
