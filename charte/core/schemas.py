"""What the API accepts: the input schemas of every app start from `InputSchema`."""

from typing import Any

from ninja import Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from charte.core.cards import MESSAGE, contains_card_number


def _holds_card_number(value: object) -> bool:
    if isinstance(value, str):
        return contains_card_number(value)
    if isinstance(value, dict):
        return any(_holds_card_number(k) or _holds_card_number(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_card_number(item) for item in value)
    return False


class InputSchema(Schema):
    """Every text an API client sends, however deep in the payload, refuses a card number: the
    answer is a 422 whose error names the field (type `card_number`), like a form's message
    next to the field. The guard middleware refuses them even earlier; this is the same rule
    where the data is parsed, so that it holds for any way a schema is used."""

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_card_numbers(cls, value: Any) -> Any:
        if _holds_card_number(value):
            raise PydanticCustomError("card_number", str(MESSAGE))
        return value
