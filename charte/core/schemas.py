"""What the API accepts: the input schemas of every app start from `InputSchema`."""

from typing import Any

from ninja import Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from charte.core import identifiers, text
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

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_unstorable_text(cls, value: Any) -> Any:
        """A NUL or a lone surrogate, which PostgreSQL cannot store (`charte.core.text`)."""
        if text.unstorable(value):
            raise PydanticCustomError("unstorable_text", str(text.MESSAGE))
        return value

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_childrens_contact_details(cls, value: Any) -> Any:
        """Sent by a child under the age of digital consent, no text carries a contact detail
        (D5): 422 naming the field, type `contact_details`, in words for the child."""
        if identifiers.writer_is_child() and identifiers.contains_identifier(value):
            raise PydanticCustomError(identifiers.CODE, identifiers.message_for(value))
        return value


# What the API answers when it refuses -----------------------------------------------------------


class ErrorOut(Schema):
    """Every refusal but a malformed field: a sentence for a person, a stable code for a program
    (`unauthenticated`, `forbidden`, `not_found`, `conflict`, `invalid`, `throttled`...)."""

    detail: str
    code: str


class FieldErrorOut(Schema):
    """One field that did not validate: where (`loc`, from the part of the request down to the
    field), what (`type`, a stable code) and a message."""

    type: str
    loc: list[str | int]
    msg: str


class ValidationErrorOut(Schema):
    """422: the request's shape did not validate; each field in error is named."""

    detail: list[FieldErrorOut]


# The refusals the framework or our actions may give, each with what it means for the caller.
REFUSALS: dict[int, str] = {
    400: "a rule refused the request, or its body is not JSON; nothing was changed",
    401: "no valid session, or no valid service key",
    403: "a write without its CSRF token",
    404: "not found: missing and forbidden alike",
    409: "the object is not in a state that allows this",
    422: "a field does not have the shape the schema says",
    429: "too many requests from this service; try again later",
}


def refusals(*statuses: int) -> dict[int, type[Schema]]:
    """The error answers an operation may give, for its `response={...}`: each status with its
    documented body, so that every answer a client meets is in the OpenAPI schema."""
    unknown = set(statuses) - set(REFUSALS)
    if unknown:
        raise ValueError(f"No documented refusal for {sorted(unknown)}.")
    return {s: ValidationErrorOut if s == 422 else ErrorOut for s in statuses}
