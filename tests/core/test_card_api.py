"""Every text field of every input schema of the API refuses a card number, naming the field.

The schemas are found from the API's own operations (each POST, PUT or PATCH endpoint of
every router), so that a new endpoint whose schema forgets the rule makes this test fail.
"""

import json

import pytest
from pydantic import BaseModel, ValidationError

from charte.core.cards import scan_database
from tests.conftest import client_for
from tests.walkers import CARD, text_fields, write_operations


def test_the_write_endpoints_are_found():
    names = {schema.__name__ for _method, _url, schema in write_operations()}
    assert {"AssignmentIn", "ClassIn", "AttemptIn", "ChoiceIn"} <= names


def input_schemas() -> list[type[BaseModel]]:
    return sorted({schema for _m, _u, schema in write_operations()}, key=lambda s: s.__name__)


@pytest.mark.parametrize("schema", input_schemas())
def test_every_text_field_of_an_input_schema_refuses_a_card_number(schema):
    fields = text_fields(schema)
    assert fields, f"{schema.__qualname__} takes no text: nothing to check"

    for name, value in fields.items():
        with pytest.raises(ValidationError) as refused:
            schema.model_validate({name: value})
        errors = [e for e in refused.value.errors() if e["loc"][:1] == (name,)]
        assert [e["type"] for e in errors] == ["card_number"], f"{schema.__qualname__}.{name}"
        assert "numéro de carte" in errors[0]["msg"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("method", "url", "schema"), write_operations(), ids=lambda v: getattr(v, "__name__", str(v))
)
def test_every_write_endpoint_refuses_a_card_number_naming_the_field(
    method, url, schema, guardian_anna
):
    client = client_for(guardian_anna)

    for name, value in text_fields(schema).items():
        body = json.dumps({name: value})
        response = client.generic(method, url, data=body, content_type="application/json")

        assert response.status_code in {400, 422}
        assert name in response.content.decode()
        assert CARD not in response.content.decode()

    assert list(scan_database()) == []
