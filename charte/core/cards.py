"""Card numbers never enter our database (charter §3: we keep only a payment id and 4 digits).

A card number is a run of 13 to 19 digits, possibly grouped by spaces or hyphens, whose Luhn
checksum is valid. Free text typed by people (error reports, productions, notes, profile
fields, the API) is checked with `reject_card_numbers` in forms and schemas, and the
`CardNumberGuard` middleware refuses any request body that still carries one, as a last line of
defence. `scan_database()` looks for any such number in every text column of every table.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext_lazy as _

CANDIDATE = re.compile(r"(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])")

MESSAGE = _(
    "Ce texte contient ce qui ressemble à un numéro de carte bancaire. Nous ne gardons jamais de "
    "numéro de carte : retirez-le (le paiement se fait uniquement sur la page de notre "
    "prestataire de paiement)."
)


def luhn_valid(digits: str) -> bool:
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


# Digits in groups separated by one space or dash ("4242 4242 4242 4242"), as typed.
RUN = re.compile(r"\d+(?:[ -]\d+)*")


def card_numbers(text: str) -> list[str]:
    """Every card-like number in `text`, as bare digits.

    A number is a run of 13 to 19 digits, written in one piece or in groups, that passes the
    Luhn check. Within a longer run of groups ("commande 12345 4242 4242 4242 4242"), each
    sequence of whole groups is tried, so that a card number next to other figures is found.
    """
    found: set[str] = set()
    for match in RUN.finditer(text or ""):
        groups = re.split(r"[ -]", match.group())
        for first in range(len(groups)):
            digits = ""
            for group in groups[first:]:
                digits += group
                if len(digits) > 19:
                    break
                if len(digits) >= 13 and luhn_valid(digits):
                    found.add(digits)
    return sorted(found)


def contains_card_number(text: str) -> bool:
    return bool(card_numbers(text))


def mask_card_numbers(text: str) -> str:
    """Keep the last 4 digits of each card number and hide the others."""

    def mask(match: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", match.group())
        if not (13 <= len(digits) <= 19 and luhn_valid(digits)):
            return match.group()
        return "•" * (len(digits) - 4) + digits[-4:]

    return CANDIDATE.sub(mask, text)


def checks_card_numbers(view: Any) -> Any:
    """Mark a view whose forms refuse card numbers themselves, with the message next to the
    field: the guard middleware then leaves the refusal to them."""
    view.checks_card_numbers = True
    return view


def reject_card_numbers(value: object) -> None:
    """A validator for every free-text field."""
    if isinstance(value, str) and contains_card_number(value):
        raise ValidationError(MESSAGE, code="card_number")


@dataclass(frozen=True)
class Finding:
    table: str
    column: str
    row: object


def scan_database(chunk: int = 2000) -> Iterator[Finding]:
    """Every text value in every table of the database that holds a card number."""
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
                        if isinstance(value, str) and contains_card_number(value):
                            yield Finding(table=table, column=column, row=row[0])


def _is_text(type_code: object) -> bool:
    if connection.vendor == "sqlite":
        return str(type_code).lower().split("(")[0] in {"varchar", "text", "char", "json"}
    # PostgreSQL type OIDs: text 25, varchar 1043, bpchar 1042, json 114, jsonb 3802.
    return type_code in {25, 1043, 1042, 114, 3802}
