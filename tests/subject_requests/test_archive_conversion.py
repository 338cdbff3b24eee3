"""The archive's generated converters write what the standard library would write.

`archive.conversion` compiles one converter per shape of columns, for speed
(docs/decisions/0010-generated-archive-converters.md). Here Hypothesis draws the columns (every
stored type, nullable or not, links, many-to-many) and the raw values a database driver gives
(SQLite's text for instants and uuids, objects from other drivers), and the output is compared
with `json` (read back: the value each cell must hold) and `csv.writer` (byte for byte, through
`charte.core.csvfile`, which makes a text cell that could start a formula inert).
"""

import io
import json
from base64 import b64encode
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from charte.core import csvfile
from charte.privacy.register import Category, Provenance
from charte.subject_requests import archive

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)
instants = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1))
zones = st.sampled_from(
    [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
)


def _stored_instant(draw: st.DrawFn) -> tuple[Any, Any, str]:
    """An instant as a driver gives it: SQLite's stored text (UTC), naive (UTC) or aware."""
    moment = draw(instants)
    form = draw(st.sampled_from(["sqlite", "naive", "aware"]))
    if form == "aware":
        aware = moment.replace(tzinfo=draw(zones))
        return aware, aware.isoformat(), aware.isoformat()
    text = moment.replace(tzinfo=UTC).isoformat()
    return (str(moment) if form == "sqlite" else moment), text, text


def _json_value(draw: st.DrawFn) -> tuple[Any, Any, str]:
    value = draw(json_values)
    if value is None:
        value = {}
    as_text = json.dumps(value, ensure_ascii=False)
    # SQLite (and Django's psycopg set-up) give the stored JSON text; other drivers the object
    # (a string among them would be read as JSON text: no driver gives one).
    forms = [as_text, json.dumps(value, indent=1)]
    raw = draw(st.sampled_from(forms if isinstance(value, str) else [*forms, value]))
    return raw, value, raw if isinstance(raw, str) else as_text


def _uuid(draw: st.DrawFn) -> tuple[Any, Any, str]:
    value = draw(st.uuids())
    raw = draw(st.sampled_from([value, value.hex, str(value)]))
    return raw, str(value), str(value)


def _text(draw: st.DrawFn) -> tuple[Any, Any, str]:
    value = draw(st.text() | st.sampled_from(['"', ",", "\n", "\r\n", 'a,"b"\nc', " ", ""]))
    return value, value, value


def _decimal(draw: st.DrawFn) -> tuple[Any, Any, str]:
    value = draw(st.decimals(allow_nan=False, allow_infinity=False, places=4))
    return value, str(value), str(value)


def _integer(draw: st.DrawFn) -> tuple[Any, Any, str]:
    value = draw(st.integers(min_value=-(2**63), max_value=2**63 - 1))
    return value, value, str(value)


def _float(draw: st.DrawFn) -> tuple[Any, Any, str]:
    value = draw(st.floats(allow_nan=False, allow_infinity=False))
    return value, value, json.dumps(value)


def _boolean(draw: st.DrawFn) -> tuple[Any, Any, str]:
    value = draw(st.booleans())
    return value, value, json.dumps(value)


def _date(draw: st.DrawFn) -> tuple[Any, Any, str]:
    value = draw(st.dates())
    return value, value.isoformat(), value.isoformat()


def _time(draw: st.DrawFn) -> tuple[Any, Any, str]:
    value = draw(st.times())
    return value, value.isoformat(), value.isoformat()


def _binary(draw: st.DrawFn) -> tuple[Any, Any, str]:
    value = draw(st.binary(max_size=20))
    encoded = b64encode(value).decode()
    return value, encoded, encoded


# Each stored type: how a value is drawn, as (raw value from the driver, the JSON value the
# archive must hold, the CSV cell's text).
KINDS = {
    "CharField": _text,
    "TextField": _text,
    "DecimalField": _decimal,
    "IntegerField": _integer,
    "BigAutoField": _integer,
    "FloatField": _float,
    "BooleanField": _boolean,
    "JSONField": _json_value,
    "DateTimeField": _stored_instant,
    "DateField": _date,
    "TimeField": _time,
    "UUIDField": _uuid,
    "BinaryField": _binary,
}


LINK_KINDS = ("UUIDField", "BigAutoField", "IntegerField", "CharField")


@st.composite
def column_shapes(draw: st.DrawFn) -> list[archive.Column]:
    names = draw(
        st.lists(
            st.from_regex(r"[a-z_][a-z0-9_]{0,12}", fullmatch=True),
            min_size=1,
            max_size=6,
            unique=True,
        )
    )
    cols = []
    for name in names:
        kind = draw(st.sampled_from(sorted(KINDS)))
        many = draw(st.booleans()) if kind in ("UUIDField", "CharField", "IntegerField") else False
        cols.append(
            archive.Column(
                name=name,
                lookup=name,
                label=name,
                category=Category.IDENTITY,
                provenance=Provenance.PROVIDED,
                choices=None,
                in_html=True,
                kind=kind,
                many=many,
                nullable=draw(st.booleans()),
                # A link to another row is given by its public id or key.
                link=not many and kind in LINK_KINDS and draw(st.booleans()),
            )
        )
    return cols


@st.composite
def tables(
    draw: st.DrawFn,
) -> tuple[list[archive.Column], list[tuple[Any, ...]], list[dict[str, Any]], list[list[str]]]:
    """Columns, the driver's rows (primary key first, some repeated as a join repeats them),
    and for each distinct row the JSON object and CSV cells it must become."""
    cols = draw(column_shapes())
    rows, objects, cells = [], [], []
    for pk in range(1, draw(st.integers(min_value=0, max_value=12)) + 1):
        raw_row: list[Any] = [pk]
        obj: dict[str, Any] = {}
        texts: list[str] = []
        for column in cols:
            value = KINDS[column.kind]
            if column.many:
                items = [value(draw) for _ in range(draw(st.integers(min_value=0, max_value=3)))]
                raw_row.append([i[0] for i in items])
                obj[column.name] = [i[1] for i in items]
                texts.append(" ; ".join(i[2] for i in items))
            elif column.nullable and draw(st.booleans()):
                raw_row.append(None)
                obj[column.name] = None
                texts.append("")
            else:
                raw, expected, text = value(draw)
                raw_row.append(raw)
                obj[column.name] = expected
                texts.append(text)
        for _ in range(draw(st.integers(min_value=1, max_value=2))):
            rows.append(tuple(raw_row))
        objects.append(obj)
        cells.append(texts)
    return cols, rows, objects, cells


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=tables(), split=st.integers(min_value=0, max_value=30))
def test_generated_converters_write_what_json_and_csv_write(table, split):
    cols, rows, objects, cells = table
    convert = archive.chunk_converter(cols)

    # Two chunks: a row repeated across the boundary is still written once.
    first_json, first_csv, last = convert(rows[:split], object())
    more_json, more_csv, _ = convert(rows[split:], last)
    json_lines, csv_lines = first_json + more_json, first_csv + more_csv

    assert [json.loads(line) for line in json_lines] == objects
    expected_csv = io.StringIO()
    csvfile.writer(expected_csv).writerows(cells)  # the csv module's, cells made inert
    assert "".join(csv_lines) == expected_csv.getvalue()


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(table=tables())
def test_one_value_converters_agree_with_the_chunk_converter(table):
    """The HTML view and many-to-many items use `cell_for`: the same text as the CSV cell."""
    cols, rows, objects, cells = table
    distinct = list({row[0]: row for row in rows}.values())
    for row, obj, texts in zip(distinct, objects, cells, strict=True):
        for i, column in enumerate(cols):
            fragment, text = archive.cell_for(column)(row[i + 1])
            assert json.loads(fragment) == obj[column.name]
            assert text == texts[i]
