"""Card numbers: how to recognise one, so that none is ever stored (charter: payment).

Our pages never ask for a card number: the provider's own page does. But a person may still
type one where they should not (an error report, a billing address), and a provider's reply may
carry one by mistake. Every free text that reaches our database from those places goes through
`refuse_card_numbers`, which refuses a run of 13 to 19 digits (spaces or dashes allowed between
them) that passes the Luhn check, the checksum every payment card number carries.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Digits in groups separated by one space or dash ("4242 4242 4242 4242"), as typed.
_RUN = re.compile(r"\d+(?:[ -]\d+)*")

CARD_NUMBER_REFUSED = _(
    "Ce texte semble contenir un numéro de carte bancaire. Retirez-le : nous ne devons jamais "
    "le recevoir, et nous n'en avons pas besoin (un paiement se fait sur la page sécurisée de "
    "notre prestataire)."
)


def luhn_valid(digits: str) -> bool:
    """The Luhn checksum of a string of digits."""
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2 == 1:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def find_card_numbers(text: str) -> list[str]:
    """Every card-like number in `text`, as bare digits.

    A number is a run of 13 to 19 digits, written in one piece or in groups, that passes the
    Luhn check. Within a longer run of groups ("order 12345 4242 4242 4242 4242"), each
    sequence of whole groups is tried, so that a card number next to other figures is found.
    """
    found: set[str] = set()
    for match in _RUN.finditer(text or ""):
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


def refuse_card_numbers(value: str) -> None:
    """A form validator: refuse a text that holds a card number, and say why."""
    if find_card_numbers(value):
        raise ValidationError(CARD_NUMBER_REFUSED, code="card_number")
