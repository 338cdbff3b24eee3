"""Every CSV file we hand out is written here, each text cell made inert for a spreadsheet.

A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` as a formula (and a tab or a
carriage return lets one through), even after leading spaces: a buyer named
`=HYPERLINK("http://evil","x")` would run on the accountant's machine when the sales journal is
opened. As OWASP's "CSV injection" page says, such a cell is prefixed with a single quote, so
that it is read as text; the quote is the only change. A plain number (`-12.50`) is left as it
is: it is not a formula, and an accounting export must keep negative amounts as numbers.

`writer(...)` wraps the `csv` module's writer; `lines(...)` and `response(...)` stream rows to
an HTTP answer. The archive of a person's data writes its CSV lines itself, for speed, and uses
`neutralise` for each text cell.
"""

import csv
import re
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from django.http import HttpResponse, StreamingHttpResponse

# The first characters a spreadsheet reads as the start of a formula (OWASP), the full-width
# forms some spreadsheets fold into them, and a tab or a carriage return.
TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
CONTENT_TYPE = "text/csv; charset=utf-8"
NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?")


def neutralise(value: str) -> str:
    """`value` as a cell a spreadsheet reads as text: a quote before anything that could start a
    formula, also after leading spaces; unchanged otherwise."""
    if not value:
        return value
    first = value.lstrip(" \u00a0")[:1]
    if (value[0] in TRIGGERS or first in TRIGGERS) and not NUMBER.fullmatch(value.strip()):
        return "'" + value
    return value


def cell(value: object) -> object:
    """A value as written in a cell: text made inert, `None` empty, other values as they are
    (numbers, dates: the `csv` module writes them with `str`)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    return value


class _Writable(Protocol):
    def write(self, value: str, /) -> Any: ...


class Writer:
    """The `csv` module's writer, every cell through `cell()`. `writerow` returns what the
    underlying file's `write` returned (the line itself, with `Echo`)."""

    def __init__(self, file: _Writable, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(file: _Writable, **options: Any) -> Writer:
    return Writer(file, **options)


class Echo:
    """A file whose `write` returns the line: rows become text one at a time, to stream."""

    def write(self, value: str) -> str:
        return value


def lines(rows: Iterable[Iterable[object]], **options: Any) -> Iterator[str]:
    """Each row as one line of CSV text."""
    out = Writer(Echo(), **options)
    for row in rows:
        yield out.writerow(row)


def response(
    rows: Iterable[Iterable[object]], *, filename: str, **options: Any
) -> StreamingHttpResponse:
    """An attachment streamed row by row: an export of many rows never sits in memory."""
    answer = StreamingHttpResponse(lines(rows, **options), content_type=CONTENT_TYPE)
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer


def attachment(rows: Iterable[Iterable[object]], *, filename: str, **options: Any) -> HttpResponse:
    """A short export, in one piece."""
    answer = HttpResponse("".join(lines(rows, **options)), content_type=CONTENT_TYPE)
    answer["Content-Disposition"] = f'attachment; filename="{filename}"'
    return answer
