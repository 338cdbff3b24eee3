"""The access and portability archive, built from the registry alone.

Design:
- What goes in is what the registry declares: for every declared model, the rows that its
  subject paths lead to from the person, with every declared field (access, GDPR art. 15), or
  only the fields the person provided or whose activity produced them (portability, art. 20).
  Nothing here names an app: a model declared tomorrow is in tomorrow's archives.
- Two generic exclusions, the same for every model: primary keys (internal numbers, and for a
  session its bearer secret) and the `credentials` category (a password hash is useless to the
  person and dangerous in a file that travels). Links to other rows are given by public id.
- One pass over the database, streamed: each model's rows are read through Django's chunked
  cursor, turned into JSON and CSV a chunk at a time by a function generated for the model
  (`_chunk_converter`), and written at once (the JSON document straight into the ZIP, one
  CSV per model and the HTML view's tables to spooled files). The files are then copied into
  the ZIP in chunks, hashing each on the way for the manifest. Members are deflated by ISA-L
  (`_member`). Memory holds one chunk of rows, whatever the number of rows.
- The HTML view is one self-contained file (inline CSS, no script, no link out): a parent can
  open it without a network. It shows at most HTML_ROWS rows per kind of record; the JSON and
  CSV files hold every row, and the page says so.
- The art. 15 information (purposes, legal bases, categories, recipients and disclosures,
  retention, sources, transfers, the right to complain to the CNIL) comes from the register
  through `published_register()`, the same document the public charter shows.
"""

import hashlib
import html
import io
import json
import tempfile
import zipfile
from base64 import b64encode
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.db import connections, models
from django.db.models.functions import Cast
from django.db.models.sql.constants import MULTI
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from isal import isal_zlib

from charte.core import csvfile
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
    nullable: bool = True  # whether the database may give NULL
    link: bool = False  # a link to another row, given by its public id or key

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


_cache: dict[tuple[str, int, str, str], tuple[Declaration, Any]] = {}


def _per_language[T](
    declaration: Declaration, scope: str, compute: Callable[[Declaration, str], T]
) -> T:
    """`compute(declaration, scope)`, computed once per scope and language."""
    key = (compute.__name__, id(declaration), scope, translation.get_language() or "")
    cached = _cache.get(key)
    if cached is None or cached[0] is not declaration:
        cached = _cache[key] = (declaration, compute(declaration, scope))
    return cached[1]


def columns(declaration: Declaration, scope: str) -> list[Column]:
    """The exported columns of a declared model."""
    return _per_language(declaration, scope, _columns)


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
                nullable=model_field.null or stored.null,
                link=related is not None,
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


def chunks_of(
    declaration: Declaration,
    person: "AbstractBaseUser",
    cols: list[Column],
    chunk_size: int = CHUNK,
) -> Iterator[list[tuple[Any, ...]]]:
    """The person's rows of one model, as lists of tuples (the primary key, then `cols`).

    Values come as the database driver gives them (Django's per-value converters are skipped:
    the chunk converter turns each column into text in one step). On SQLite, instants are read as
    the text they are stored as (UTC), rather than parsed into a datetime and printed again.
    The query is Django's own, run through its chunked cursor (a server-side cursor on
    PostgreSQL), so memory holds one chunk. A row reached through two subject paths may come
    twice in a row: the converter drops the repeat. Many-to-many fields come back one database
    row per link: consecutive rows of one object are merged here, the linked values gathered
    in a list.
    """
    database = declaration.model._default_manager.db
    raw_text = connections[database].vendor == "sqlite"
    selected: list[Any] = [
        Cast(c.lookup, output_field=models.TextField())
        if raw_text and c.kind == "DateTimeField" and not c.many
        else c.lookup
        for c in cols
    ]
    queryset = (
        declaration.model._default_manager.filter(declaration.subject_filter(person))
        .order_by("pk")
        .values_list("pk", *selected)
    )
    compiler = queryset.query.get_compiler(using=queryset.db)
    chunks = compiler.execute_sql(
        MULTI,
        chunked_fetch=connections[queryset.db].features.can_use_chunked_reads,
        chunk_size=chunk_size,
    )
    many = [i for i, c in enumerate(cols, start=1) if c.many]
    if not many:
        yield from chunks or ()
        return
    merged: list[tuple[Any, ...]] = []
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
                merged.append(tuple(current))
            current = list(row)
            for i in many:
                current[i] = [] if current[i] is None else [current[i]]
        if len(merged) >= chunk_size:
            yield merged
            merged = []
    if current is not None:
        merged.append(tuple(current))
    if merged:
        yield merged


# How each stored type becomes text: statements setting the JSON fragment `j{i}` and the plain
# text `t{i}` of a cell from its raw value `v` (never None: `_statements` adds that case), as
# the database driver gives it. Each is both inlined into the chunk converter (one call per
# chunk of rows, not one per cell) and made into a function of one value (`cell_for()`), for
# the HTML view and the items of many-to-many fields.
_TEXT = """\
t{i} = v if v.__class__ is str else str(v)
j{i} = quote(t{i})
"""
_NUMBER = """\
j{i} = t{i} = str(v)
"""
_BOOL = """\
j{i} = t{i} = 'true' if v else 'false'
"""
_JSON = """\
j{i} = t{i} = v if v.__class__ is str else dumps(v)
"""
# An instant always carries its offset. SQLite gives the stored text, "YYYY-MM-DD HH:MM:SS[.f]"
# in UTC; a driver that gives a datetime gives it aware (USE_TZ), else naive in UTC.
_DATETIME = """\
if v.__class__ is str: t{i} = f"{{v[:10]}}T{{v[11:]}}+00:00"
elif v.tzinfo is None: t{i} = f"{{v.isoformat()}}+00:00"
else: t{i} = v.isoformat()
j{i} = f'"{{t{i}}}"'
"""
_DATE = """\
t{i} = v if v.__class__ is str else v.isoformat()
j{i} = f'"{{t{i}}}"'
"""
# SQLite stores a uuid as its 32 hex digits; other drivers give a UUID.
_UUID = """\
if v.__class__ is not str: t{i} = str(v)
elif len(v) == 32: t{i} = f'{{v[:8]}}-{{v[8:12]}}-{{v[12:16]}}-{{v[16:20]}}-{{v[20:]}}'
else: t{i} = v
j{i} = f'"{{t{i}}}"'
"""
_OTHER = """\
j{i}, t{i} = dumps(v), text(v)
"""
_NULL = "j{i}, t{i} = 'null', ''"

_KINDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "CharField",
            "TextField",
            "EmailField",
            "SlugField",
            "URLField",
            "GenericIPAddressField",
            "FilePathField",
            "FileField",
            "ImageField",
            "DecimalField",
        ),
        _TEXT,
    ),
    **dict.fromkeys(
        (
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
            "FloatField",
        ),
        _NUMBER,
    ),
    "BooleanField": _BOOL,
    "NullBooleanField": _BOOL,
    "JSONField": _JSON,
    "DateTimeField": _DATETIME,
    "DateField": _DATE,
    "TimeField": _DATE,
    "UUIDField": _UUID,
}
# Cells whose text never holds a comma, a quote or a line break: written to CSV as they are.
_CSV_PLAIN = frozenset({_NUMBER, _BOOL, _DATETIME, _DATE, _UUID})
# Cells whose text is made of digits, letters and "-:.+" only: shown in HTML as they are
# (dates and times are not: the HTML view writes them in the person's language).
_HTML_SAFE = frozenset({_NUMBER, _UUID})
# A CSV cell that may start a formula is made inert (`charte.core.csvfile.neutralise`, tried
# only when its first character may need it); one that may hold a comma, a quote or a line
# break is quoted where it does.
_CSV_QUOTE = """\
c{i} = neutralise(t{i}) if t{i}[:1] in RISKY else t{i}
if '"' in c{i} or ',' in c{i} or '\\n' in c{i} or '\\r' in c{i}: c{i} = '"' + c{i}.replace('"', '""') + '"'
"""
# Links to other rows repeat (each of a pupil's attempts names the pupil): their texts are
# remembered, up to this many per column, so that memory stays flat.
MEMO = 1024

_NAMESPACE: dict[str, Any] = {
    "quote": json.encoder.encode_basestring,
    "dumps": lambda value: json.dumps(value, ensure_ascii=False, default=_json_default),
    "text": _text,
    "MEMO": MEMO,
    "neutralise": csvfile.neutralise,
    # What a formula may start with, and the spaces a spreadsheet skips before one.
    "RISKY": csvfile.TRIGGERS | {" ", "\u00a0"},
}


def _template(column: Column) -> str:
    return _KINDS.get(column.kind, _OTHER)


def _statements(template: str, i: int | str, nullable: bool = True) -> str:
    """The statements converting `v` by `template` into `j{i}` and `t{i}`."""
    code = template.format(i=i)
    if not nullable:
        return code
    return f"if v is None: {_NULL.format(i=i)}\nelse:\n" + _indent(code, 4)


def _indent(code: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in code.splitlines())


def _compile(source: str, name: str, namespace: dict[str, Any]) -> Any:
    """A function from generated source that holds only `repr`-quoted field names and the
    fixed snippets above."""
    scope = {**_NAMESPACE, **namespace}
    exec(compile(source, "<archive converter>", "exec"), scope)  # noqa: S102
    return scope[name]


type Cell = Callable[[Any], tuple[str, str]]
"""A column's converter: a raw database value to (JSON fragment, plain text)."""


def _cell(template: str) -> Cell:
    source = "def cell(v):\n" + _indent(_statements(template, ""), 4) + "    return j, t\n"
    return _compile(source, "cell", {})


_CELLS: dict[str, Cell] = {template: _cell(template) for template in {*_KINDS.values(), _OTHER}}


def _cell_many(inner: Cell) -> Cell:
    def cell(values: Any) -> tuple[str, str]:
        parts = [inner(v) for v in values or ()]
        return "[" + ",".join(p[0] for p in parts) + "]", " ; ".join(p[1] for p in parts)

    return cell


def cell_for(column: Column) -> Cell:
    """The converter of one value of `column`."""
    cell = _CELLS[_template(column)]
    return _cell_many(cell) if column.many else cell


type ChunkConverter = Callable[[list[tuple[Any, ...]], Any], tuple[list[str], list[str], Any]]


_converters: dict[tuple[tuple[str, str, bool, bool, bool], ...], ChunkConverter] = {}


def chunk_converter(cols: list[Column]) -> ChunkConverter:
    """`_chunk_converter`, made once per shape of columns."""
    key = tuple((c.name, c.kind, c.many, c.nullable, c.link) for c in cols)
    if key not in _converters:
        _converters[key] = _chunk_converter(cols)
    return _converters[key]


def _chunk_converter(cols: list[Column]) -> ChunkConverter:
    """One function per model turning a chunk of raw rows (each its primary key first) into
    their JSON objects and CSV lines: `convert(rows, last) -> (json, csv, last)`, where `last`
    is the primary key of the previous row (a repeat is dropped, across chunks too).

    Generated once per model from its columns, so that a chunk costs one call rather than one
    per cell; a column that cannot be empty skips the test for NULL, a link to another row
    is converted once per value, and a CSV cell is quoted only where it may need it (the same
    output as the `csv` module's default dialect, in a third of its time). With tens of
    thousands of rows, those were most of the archive's time.
    """
    namespace: dict[str, Any] = {}
    memos = []
    body = []
    csv_cells = []
    for i, column in enumerate(cols):
        template = _template(column)
        body.append(f"v = row[{i + 1}]")
        if column.many:
            namespace[f"cell{i}"] = cell_for(column)
            body.append(f"j{i}, t{i} = cell{i}(v)")
        elif column.link:
            memos.append(f"memo{i} = {{}}")
            body += [
                f"if v in memo{i}: j{i}, t{i} = memo{i}[v]",
                "else:",
                _indent(_statements(template, i, column.nullable), 4).rstrip("\n"),
                f"    if len(memo{i}) < MEMO: memo{i}[v] = j{i}, t{i}",
            ]
        else:
            body.append(_statements(template, i, column.nullable).rstrip("\n"))
        if template in _CSV_PLAIN and not column.many:
            csv_cells.append(f"{{t{i}}}")
        else:
            body.append(_CSV_QUOTE.format(i=i).rstrip("\n"))
            csv_cells.append(f"{{c{i}}}")
    # Each line is one f-string: one allocation, where adding the pieces made one per piece.
    # Field names are identifiers: no brace to escape.
    json_line = "{" + ",".join(
        f"{_NAMESPACE['quote'](c.name)}:{{j{i}}}" for i, c in enumerate(cols)
    )
    json_expr = "f" + repr(json_line.replace("{", "{{", 1) + "}}")
    csv_expr = "f" + repr(",".join(csv_cells) + "\r\n")
    source = (
        "def convert(rows, last):\n"
        "    json_rows, csv_rows = [], []\n"
        "    add_json, add_csv = json_rows.append, csv_rows.append\n"
        + _indent("\n".join(memos), 4)
        + "    for row in rows:\n"
        "        if row[0] == last: continue\n"
        "        last = row[0]\n"
        + _indent("\n".join(body), 8)
        + f"        add_json({json_expr})\n"
        + f"        add_csv({csv_expr})\n"
        + "    return json_rows, csv_rows, last\n"
    )
    return _compile(source, "convert", namespace)


def _csv_name(declaration: Declaration) -> str:
    return "csv/" + declaration.label.lower().replace(".", "_") + ".csv"


def _anchor(declaration: Declaration) -> str:
    return declaration.label.lower().replace(".", "-")


def information(rows: dict[str, int], scope: str) -> dict[str, Any]:
    """The art. 15 information about the records found, from the register and the registry."""
    from charte.privacy.queries import published_register

    document = published_register(data=False)
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


# The short date format's day, month and year, as strftime has them. Django formats a value
# in about 10 microseconds, strftime in 2: with hundreds of rows per table, that counts.
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y"}


def _date_pattern() -> str:
    """The active language's short date format (Django's SHORT_DATE_FORMAT) as a strftime
    pattern: "%d/%m/%Y" in French; ISO's "%Y-%m-%d" if it uses more than day, month, year."""
    pattern = []
    for char in str(formats.get_format("SHORT_DATE_FORMAT")):
        if char in _STRFTIME:
            pattern.append(_STRFTIME[char])
        elif char.isalpha() or char in "\\%":
            return "%Y-%m-%d"
        else:
            pattern.append(char)
    return "".join(pattern)


def _readers() -> dict[str, Callable[[str], str]]:
    """How the HTML view, read by people, writes a cell's text, by stored type: dates in the
    person's language, times in local time to the minute (as the page says), yes and no."""
    day = _date_pattern()
    moment = f"{day} %H:%M"
    zone = timezone.get_current_timezone()
    yes, no = str(_("oui")), str(_("non"))

    def read_moment(text: str) -> str:
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            return text
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(zone).strftime(moment)

    def read_date(text: str) -> str:
        try:
            return date.fromisoformat(text).strftime(day)
        except ValueError:
            return text

    def read_bool(text: str) -> str:
        return yes if text == "true" else no if text == "false" else text

    return {"DateTimeField": read_moment, "DateField": read_date, "BooleanField": read_bool}


def _head(declaration: Declaration, scope: str) -> str:
    """The start of a model's entry in the JSON document: what it is, and its fields."""
    head = {
        "model": declaration.label,
        "name": str(declaration.model._meta.verbose_name_plural),
        "file": _csv_name(declaration),
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
    csv_name = _csv_name(declaration)
    html_cols = [i for i, c in enumerate(cols) if c.in_html]
    out = spool.json
    out.write(("" if first else ",\n") + _per_language(declaration, scope, _head))
    convert = chunk_converter(cols)
    section: list[str] = []
    count = 0
    last: Any = object()
    csv_file: IO[str] | None = None
    try:
        # Written a chunk at a time: one call to each file per chunk, not per row.
        for rows in chunks_of(declaration, person, cols, chunk_size):
            if len(section) < HTML_ROWS and html_cols:
                section += _html_rows(rows, cols, html_cols, HTML_ROWS - len(section), last)
            json_rows, csv_rows, last = convert(rows, last)
            if not json_rows:
                continue
            if csv_file is None:
                path = spool.directory / f"{len(spool.csv_files)}.csv"
                spool.csv_files.append((csv_name, path))
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
        _write_html_section(spool, declaration, cols, html_cols, section, count)
    return count


def _html_rows(
    rows: list[tuple[Any, ...]], cols: list[Column], html_cols: list[int], limit: int, last: Any
) -> list[str]:
    """The HTML view's table rows for the first `limit` objects of a chunk, in words: choices
    by their labels, the rest as `_readers` writes them."""
    readers = _readers()
    shown = [
        (
            i + 1,
            cell_for(cols[i]),
            cols[i].choices or {},
            readers.get(cols[i].kind),
            _template(cols[i]) not in _HTML_SAFE or cols[i].many,
        )
        for i in html_cols
    ]
    lines = []
    for row in rows:
        if row[0] == last:
            continue
        last = row[0]
        texts = []
        for n, cell, choices, readable, escape in shown:
            value = row[n]
            if choices and value in choices:
                text = html.escape(choices[value])
            else:
                text = cell(value)[1]
                if readable is not None:
                    text = readable(text)
                if escape:
                    text = html.escape(text)
            texts.append(f"<td>{text}</td>")
        lines.append("<tr>" + "".join(texts) + "</tr>\n")
        if len(lines) >= limit:
            break
    return lines


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
