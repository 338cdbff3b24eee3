"""Card numbers never enter our database (charter §3: we keep only a payment id and 4 digits).

A card number is a run of 13 to 19 digits, possibly grouped by spaces or hyphens, not starting
with 0, whose Luhn checksum is valid, and standing on its own: digits inside a longer word of
letters and digits (a hex digest, a uuid) are not a card number.

Every form starts from `RefusesCardNumbers`, so that each free-text field refuses one with the
message next to the field (and, written by a child, a contact detail: `charte.core.identifiers`) (its views are marked `checks_card_numbers`); every API input schema
starts from `charte.core.schemas.InputSchema`, which answers 422 naming the field. The
`CardNumberGuard` middleware refuses any other request body that carries one, as a last line
of defence. `scan_database()` looks for any such number in every text column of every table.
The payment provider's own page is the one place a card is typed; we keep its last 4 digits.
"""

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _

from charte.core import text

MESSAGE = _(
    "Ce texte contient ce qui ressemble à un numéro de carte bancaire. Nous ne gardons jamais de "
    "numéro de carte : retirez-le (le paiement se fait uniquement sur la page de notre "
    "prestataire de paiement)."
)


def luhn_valid(digits: str) -> bool:
    if not digits.isdecimal():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


# A word: letters and digits, possibly joined by single hyphens ("4111-1111-1111-1111",
# "550e8400-e29b-41d4-a716-446655440000"). Only words made of digits alone can be (part of) a
# card number: digits inside a hex digest, a uuid or a reference such as "ab-4111..." are
# not a number someone typed.
WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")
NUMERIC_WORD = re.compile(r"\d+(?:-\d+)*")
# A uuid whose hex digits all happen to be decimal ones is still a uuid, not a typed number.
UUID_SHAPE = re.compile(r"\d{8}-\d{4}-\d{4}-\d{4}-\d{12}")
# Numeric words next to each other, one space apart ("4242 4242 4242 4242"), as typed.
SPACES = frozenset(" \u00a0\u202f")
# Any card number holds 13 digits in a row, each pair apart by at most one space or hyphen: a
# text without such a stretch (nearly every text) is let through by one pass of the regex engine.
THIRTEEN_DIGITS = re.compile(r"\d(?:[- \u00a0\u202f]?\d){12}")


def _groups(text: str) -> Iterator[list[tuple[int, int]]]:
    """Each run of numeric words standing one space apart, as the spans of its digit groups."""
    run: list[tuple[int, int]] = []
    last_end = -1
    for word in WORD.finditer(text):
        if not NUMERIC_WORD.fullmatch(word.group()) or UUID_SHAPE.fullmatch(word.group()):
            if run:
                yield run
            run, last_end = [], -1
            continue
        gap = text[last_end : word.start()]
        if run and not (len(gap) == 1 and gap in SPACES):
            yield run
            run = []
        offset = word.start()
        for group in word.group().split("-"):
            run.append((offset, offset + len(group)))
            offset += len(group) + 1
        last_end = word.end()
    if run:
        yield run


def _card_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, digits) of every card number in `text`.

    Each sequence of whole groups of a run holding 13 to 19 digits is checked. The Luhn sums
    come from running totals over the run's digits, so that each check costs the same however
    long the run: a text of 100,000 figures is read in about the time it takes to read it once.
    """
    if not THIRTEEN_DIGITS.search(text or ""):
        return
    for run in _groups(text):
        digits = "".join(text[start:end] for start, end in run)
        plain, doubled = _luhn_totals(digits)
        bounds, at = [], 0
        for start, end in run:
            bounds.append((at, at + end - start))
            at += end - start
        for first, (head, _tail) in enumerate(bounds):
            # No payment card starts with 0 (ISO/IEC 7812 keeps that first digit for other
            # industries), which leaves out runs of zeros and zero-padded figures.
            if digits[head] == "0":
                continue
            for last in range(first, len(bounds)):
                tail = bounds[last][1]
                if tail - head > 19:
                    break
                if tail - head >= 13 and _luhn_sum(plain, doubled, head, tail) % 10 == 0:
                    yield run[first][0], run[last][1], digits[head:tail]


def _luhn_totals(digits: str) -> tuple[list[list[int]], list[list[int]]]:
    """Running totals of the digits and of their Luhn doubles, apart for even and odd places:
    `plain[q][k]` sums the digits before place k whose place has parity q."""
    plain = [[0], [0]]
    doubled = [[0], [0]]
    for place, char in enumerate(digits):
        n = int(char)
        twice = n * 2 - 9 if n > 4 else n * 2
        for q in (0, 1):
            mine = place % 2 == q
            plain[q].append(plain[q][-1] + (n if mine else 0))
            doubled[q].append(doubled[q][-1] + (twice if mine else 0))
    return plain, doubled


def _luhn_sum(plain: list[list[int]], doubled: list[list[int]], head: int, tail: int) -> int:
    """The Luhn sum of `digits[head:tail]`: the last digit and every second one before it
    count as they are, the others doubled."""
    kept = (tail - 1) % 2
    return plain[kept][tail] - plain[kept][head] + doubled[1 - kept][tail] - doubled[1 - kept][head]


def card_numbers(text: str) -> list[str]:
    """Every card-like number in `text`, as bare digits.

    A number is a run of 13 to 19 digits, written in one piece or in groups separated by one
    space or hyphen, that passes the Luhn check and stands on its own: digits within a longer
    word of letters and digits (a hex digest, a uuid) are not a card number. Within a longer
    run of groups ("commande 12345 4242 4242 4242 4242"), each sequence of whole groups is
    tried, so that a card number next to other figures is found.
    """
    return sorted({digits for _start, _end, digits in _card_spans(text)})


def contains_card_number(text: str) -> bool:
    return next(_card_spans(text), None) is not None


def mask_card_numbers(text: str) -> str:
    """Keep the last 4 digits of each card number and hide the others."""
    hidden: set[int] = set()
    for start, end, _digits in _card_spans(text):
        positions = [i for i in range(start, end) if text[i].isdecimal()]
        hidden.update(positions[:-4])
    return "".join("•" if i in hidden else char for i, char in enumerate(text))


def checks_card_numbers(view: Any) -> Any:
    """Mark a view whose forms refuse card numbers themselves, with the message next to the
    field: the guard middleware then leaves the refusal to them."""
    view.checks_card_numbers = True
    return view


def reject_card_numbers(value: object) -> None:
    """A validator for every free-text field."""
    if isinstance(value, str) and contains_card_number(value):
        raise ValidationError(MESSAGE, code="card_number")


def is_free_text(field: forms.Field) -> bool:
    """A field where a person can type any text. Password inputs are left out: a password is
    hashed, never kept or shown; fields that turn their input into another type (a uuid) cannot
    carry a card number."""
    return (
        isinstance(field, forms.CharField)
        and not isinstance(field, forms.UUIDField | forms.JSONField)
        and not isinstance(field.widget, forms.PasswordInput)
    )


class RefusesCardNumbers(forms.BaseForm):
    """Every form of the product starts with this: each free-text field refuses a card number,
    with the message next to the field, including fields a form adds in its `__init__`.

    Views that use such a form are marked with `checks_card_numbers`, so that the guard
    middleware lets the form say it rather than answering with a bare refusal.

    Every field also refuses text the database cannot store (`charte.core.text`), with its
    message next to the field.
    """

    def full_clean(self) -> None:
        from charte.core import identifiers

        for field in self.fields.values():
            if is_free_text(field) and reject_card_numbers not in field.validators:
                field.validators.append(reject_card_numbers)
            text.refuse_unstorable_text(field)
            # A child's text carries no contact detail either (D5; `charte.core.identifiers`).
            if (
                is_free_text(field)
                and identifiers.for_children(field)
                and identifiers.reject_for_children not in field.validators
            ):
                field.validators.append(identifiers.reject_for_children)
        super().full_clean()


@dataclass(frozen=True)
class Finding:
    table: str
    column: str
    row: object


def scan_database(
    chunk: int = 2000, holds: Callable[[str], bool] = contains_card_number
) -> Iterator[Finding]:
    """Every text value in every table of the database that holds a card number (or what
    `holds` looks for: a child's contact details, `charte.core.identifiers`)."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        for table in tables:
            description = connection.introspection.get_table_description(cursor, table)
            columns = [c.name for c in description if _is_text(c.type_code)]
            if not columns:
                continue
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)}")  # noqa: S608
            while rows := cursor.fetchmany(chunk):
                for row in rows:
                    for column, value in zip(columns, row, strict=True):
                        if isinstance(value, str) and holds(value):
                            yield Finding(table=table, column=column, row=row[0])


def _is_text(type_code: object) -> bool:
    if connection.vendor == "sqlite":
        return str(type_code).lower().split("(")[0] in {"varchar", "text", "char", "json"}
    # PostgreSQL type OIDs: text 25, varchar 1043, bpchar 1042, json 114, jsonb 3802.
    return type_code in {25, 1043, 1042, 114, 3802}
