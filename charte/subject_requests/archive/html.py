"""The archive's HTML view, read by people: a page that works without a network, its tables
written in the person's language."""

import html
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import IO, Any

from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from charte.privacy.registry import Declaration
from charte.subject_requests.archive.columns import Column, anchor, csv_name
from charte.subject_requests.archive.conversion import HTML_SAFE, cell_for, template_of

HTML_ROWS = 500


class Addressee(StrEnum):
    """Whom the archive speaks to: the person it is about, in "tu" for a pupil and "vous" for
    an adult, or someone who asked for them (a guardian, an heir), in "vous", the person then
    named in the third person. Chosen once per archive, from the request."""

    PUPIL = "pupil"
    ADULT = "adult"
    ON_BEHALF = "on_behalf"

    @property
    def words(self) -> dict[str, bool]:
        """Which of the register's texts this addressee reads (`Purpose.name_for`...): someone
        asking for another person reads those a guardian reads about their child."""
        return {"child": self == Addressee.ON_BEHALF, "pupil": self == Addressee.PUPIL}


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


def _names(
    rows: list[tuple[Any, ...]], columns: list[int], you: str, addressee: Addressee
) -> dict[str, str]:
    """The people the links of these rows lead to, by public id: their name, and "(vous)" or
    "(toi)" for the person the archive is about when they read it themself. One query per
    chunk of rows."""
    ids = {str(row[n]) for row in rows for n in columns if row[n] is not None}
    if not ids:
        return {}
    people = get_user_model()._default_manager.filter(public_id__in=ids)
    names = {}
    for public_id, first, last in people.values_list("public_id", "first_name", "last_name"):
        name = f"{first} {last}".strip() or str(_("personne sans nom"))
        if str(public_id) == you and addressee == Addressee.PUPIL:
            name = _("%(name)s (toi)") % {"name": name}
        elif str(public_id) == you and addressee == Addressee.ADULT:
            name = _("%(name)s (vous)") % {"name": name}
        names[str(public_id)] = name
    return names


def _as_uuid_text(value: Any) -> str:
    text = str(value)
    if len(text) == 32 and "-" not in text:  # SQLite stores a uuid as its 32 hex digits
        text = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return text


def _fields(pairs: list[tuple[str, str]]) -> str:
    """Labelled fields, one per line: "label : value"."""
    if not pairs:
        return "—"
    return "<br>".join(
        f'<span class="label">{html.escape(label)}</span> : {html.escape(value)}'
        for label, value in pairs
    )


def _money(cents: Any) -> str:
    try:
        return formats.number_format(int(cents) / 100, 2, use_l10n=True) + "\u00a0€"
    except (TypeError, ValueError):
        return str(cents)


def html_rows(
    rows: list[tuple[Any, ...]],
    cols: list[Column],
    html_cols: list[int],
    limit: int,
    last: Any,
    you: str = "",
    addressee: Addressee = Addressee.ADULT,
) -> list[str]:
    """The HTML view's table rows for the first `limit` objects of a chunk, in words: choices
    by their labels, people by their names, amounts in euros, values a field declares a reader
    for as it writes them, the rest as `_readers` writes them."""
    readers = _readers()
    shown = [
        (
            i + 1,
            cell_for(cols[i]),
            cols[i].choices or {},
            readers.get(cols[i].kind),
            template_of(cols[i]) not in HTML_SAFE or cols[i].many,
            cols[i],
        )
        for i in html_cols
    ]
    people = [n for n, *_rest, column in shown if column.person and not column.many]
    names = _names(rows, people, you, addressee) if people else {}
    lines = []
    for row in rows:
        if row[0] == last:
            continue
        last = row[0]
        texts = []
        for n, cell, choices, readable, escape, column in shown:
            value = row[n]
            if value is not None and column.reader is not None:
                written = column.reader(value, **addressee.words)
                text = html.escape(written) if isinstance(written, str) else _fields(written)
            elif value is not None and column.person and not column.many:
                uuid = _as_uuid_text(value)
                text = html.escape(names.get(uuid, uuid))
            elif value is not None and column.name.endswith("_cents"):
                text = _money(value)
            elif choices and value in choices:
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


def write_html_section(
    out: IO[str],
    declaration: Declaration,
    cols: list[Column],
    html_cols: list[int],
    rows: list[str],
    count: int,
) -> None:
    if not html_cols:
        return
    out.write(
        render_to_string(
            "subject_requests/archive/section.html",
            {
                "name": declaration.name,
                "columns": [(_label_in_words(cols[i]), cols[i]) for i in html_cols],
                "count": count,
                "shown": min(count, HTML_ROWS),
                "file": csv_name(declaration),
                "anchor": anchor(declaration),
            },
        ).replace("<!--ROWS-->", "".join(rows))
    )


def _label_in_words(column: Column) -> str:
    """A column's heading: an amount's says nothing of cents, since the view shows euros."""
    if column.name.endswith("_cents"):
        return re.sub(r"\s*\([^)]*\)$", "", column.label)
    return column.label
