"""A child under the age of digital consent keeps no contact detail in what they write (D5).

Every form of the product and every input schema of the API is walked (`tests/walkers.py`,
as the card-number tests do), with an email, a phone number and an address: written by a
child, none is accepted; written by an adult, the same text is. Then a child goes through the pages a class or a teacher reads (a resource, a
production) and the API: nothing is kept, and the database holds none.
"""

import json

import pytest
from django import forms
from django.urls import reverse

from charte.core import identifiers
from charte.core.cards import is_free_text, scan_database
from charte.resources.models import Resource
from tests.conftest import client_for, journal
from tests.learning import give_work
from tests.walkers import build, project_forms, text_fields, write_operations

EMAIL = "écris-moi : ben.secret@gmail.com"
PHONE = "appelle-moi au 06 12 34 56 78"
ADDRESS = "j'habite 12 rue des Lilas"
WRITTEN = [EMAIL, PHONE, ADDRESS]


def kept(text: str) -> list:
    needle = {EMAIL: "ben.secret", PHONE: "56 78", ADDRESS: "rue des Lilas"}[text]
    return list(scan_database(holds=lambda value: needle in value))


def guarded_fields(form: forms.BaseForm) -> list[str]:
    return [
        name
        for name, field in form.fields.items()
        if is_free_text(field) and identifiers.for_children(field)
    ]


def value_for(field: forms.Field, text: str) -> str:
    if isinstance(field, forms.URLField):  # a web address a child might give: their profile
        return "https://www.instagram.com/ben.secret"
    return text


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", project_forms(), ids=lambda cls: cls.__qualname__)
@pytest.mark.parametrize("text", WRITTEN, ids=["email", "phone", "address"])
def test_every_free_text_field_refuses_a_childs_contact_details(form_class, text, child_ben):
    fields = build(form_class, child_ben).fields
    names = [n for n, f in fields.items() if is_free_text(f) and identifiers.for_children(f)]
    data = {name: value_for(fields[name], text) for name in names}

    with identifiers.writer(lambda: True):
        form = build(form_class, child_ben, data=data)
        assert not form.is_valid() or not names
        errors = form.errors.as_data()
    for name in names:
        codes = [error.code for error in errors.get(name, [])]
        assert identifiers.CODE in codes, f"{form_class.__qualname__}.{name} keeps {text!r}"
        assert any("Ton texte contient" in str(m) for m in form.errors[name])

    with identifiers.writer(lambda: False):  # an adult writes the same freely
        form = build(form_class, child_ben, data=data)
        form.is_valid()
    assert "Pour ta sécurité" not in str(form.errors)


def input_schemas():
    return sorted({schema for _m, _u, schema in write_operations()}, key=lambda s: s.__name__)


@pytest.mark.parametrize("schema", input_schemas(), ids=lambda s: s.__name__)
@pytest.mark.parametrize("text", WRITTEN, ids=["email", "phone", "address"])
def test_every_text_field_of_an_input_schema_refuses_a_childs_contact_details(schema, text):
    from pydantic import ValidationError

    for name, value in text_fields(schema).items():
        carried = json.loads(json.dumps(value).replace("ma carte 4111 1111 1111 1111", text))
        with identifiers.writer(lambda: True), pytest.raises(ValidationError) as refused:
            schema.model_validate({name: carried})
        errors = [e for e in refused.value.errors() if e["loc"][:1] == (name,)]
        assert identifiers.CODE in [e["type"] for e in errors], f"{schema.__name__}.{name}"
        with identifiers.writer(lambda: False):
            try:
                schema.model_validate({name: carried})
            except ValidationError as other:
                types = [e["type"] for e in other.errors() if e["loc"][:1] == (name,)]
                assert identifiers.CODE not in types


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("method", "url", "schema"), write_operations(), ids=lambda v: getattr(v, "__name__", str(v))
)
def test_every_write_endpoint_keeps_none_of_a_childs_contact_details(
    method, url, schema, child_ben
):
    client = client_for(child_ben)
    for text in WRITTEN:
        for name, value in text_fields(schema).items():
            carried = json.loads(json.dumps(value).replace("ma carte 4111 1111 1111 1111", text))
            body = json.dumps({name: carried})
            response = client.generic(method, url, data=body, content_type="application/json")
            assert response.status_code in {400, 422}
            assert name in response.content.decode()
        assert kept(text) == []


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize("text", WRITTEN, ids=["email", "phone", "address"])
def test_a_childs_resource_production_and_profile_keep_none_and_say_why(
    text, catalogue, chloe_class, ben_in_class, teacher_chloe, media
):
    child = client_for(ben_in_class)
    page = child.post(
        reverse("resources:create"), {"kind": "note", "title": "Ma fiche", "body": text}
    )
    assert page.status_code == 200
    assert "Ton texte contient" in page.content.decode()
    assert not Resource.objects.exists()

    assignment = give_work(teacher_chloe, chloe_class, title="Exposé", expects_production=True)
    page = child.post(reverse("assignments:detail", args=[assignment.public_id]), {"text": text})
    assert page.status_code == 200
    assert "Ton texte contient" in page.content.decode()

    assert kept(text) == []
    # Written again without it, the text is kept.
    done = child.post(
        reverse("resources:create"), {"kind": "note", "title": "Ma fiche", "body": "Les symboles"}
    )
    assert done.status_code == 302
    assert Resource.objects.get().body == "Les symboles"


@pytest.mark.django_db
def test_an_adult_and_a_child_old_enough_write_freely(teacher_chloe, pupil_lea, media):
    for writer in (teacher_chloe, pupil_lea):
        response = client_for(writer).post(
            reverse("resources:create"),
            {"kind": "note", "title": "Contact", "body": f"Collège : {ADDRESS}, {PHONE}"},
        )
        assert response.status_code == 302
    assert Resource.objects.count() == 2


@pytest.mark.django_db
def test_a_submission_no_form_checks_is_refused_by_the_guard(child_ben):
    from django.test import override_settings

    with override_settings(ROOT_URLCONF="tests.core.urls_child_post"):
        response = client_for(child_ben).post("/ecrire/", {"mot": EMAIL})
    assert response.status_code == 400
    assert "Ton texte contient" in response.content.decode()
    assert journal("security.contact_details_refused")
