from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()

SYMBOLS = {"EUR": "€"}


@register.filter
def money(cents: int | None, currency: str = "EUR") -> str:
    """`{{ cents|money:currency }}`: "39,00 €" in French, "39.00 €" in English."""
    if cents is None:
        return ""
    amount = number_format(Decimal(cents) / 100, decimal_pos=2, use_l10n=True, force_grouping=True)
    return f"{amount}\u00a0{SYMBOLS.get(currency, currency)}"
