"""How a raw database value becomes JSON and CSV text: per-type snippets, compiled into one
converter per shape of columns (see docs/decisions/0010-generated-archive-converters.md)."""

import json
from base64 import b64encode
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:
    pass
from charte.core import csvfile
from charte.subject_requests.archive.columns import Column


def json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return b64encode(bytes(value)).decode()
    return str(value)


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=json_default)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(json_default(value)) if isinstance(value, bytes | memoryview) else str(value)


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
HTML_SAFE = frozenset({_NUMBER, _UUID})


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
    "dumps": lambda value: json.dumps(value, ensure_ascii=False, default=json_default),
    "text": as_text,
    "MEMO": MEMO,
    "neutralise": csvfile.neutralise,
    # What a formula may start with, and the spaces a spreadsheet skips before one.
    "RISKY": csvfile.TRIGGERS | {" ", "\u00a0"},
}


def template_of(column: Column) -> str:
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
    cell = _CELLS[template_of(column)]
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
        template = template_of(column)
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
        if template in _CSV_PLAIN and not column.many and len(cols) > 1:
            csv_cells.append(f"{{t{i}}}")
        else:
            body.append(_CSV_QUOTE.format(i=i).rstrip("\n"))
            if len(cols) == 1:
                # A line holding one empty cell is written `""`, as the `csv` module does: an
                # empty line would be read back as a row with no cell at all.
                body.append(f"if not c{i}: c{i} = '\"\"'")
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
