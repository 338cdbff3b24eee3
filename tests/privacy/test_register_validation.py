"""The register checks itself: each rule is shown catching a deliberately broken register.

`manage.py check` runs the same validation (charte.E009), so a typo in a recipient's consent
purpose fails there, before any data is shared.
"""

import dataclasses
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from charte.privacy import register
from charte.privacy.register import data, recipients, validation
from charte.privacy.register.validation import current, validate


def _replace_item(items: tuple, index: int, **changes: Any) -> tuple:
    changed = dataclasses.replace(items[index], **changes)
    return (*items[:index], changed, *items[index + 1 :])


def _with_recipient(index: int, **changes: Any) -> validation.Facts:
    facts = current()
    return dataclasses.replace(facts, recipients=_replace_item(facts.recipients, index, **changes))


def test_the_register_as_written_is_sound():
    assert validate() == []


@pytest.mark.parametrize("index", range(len(recipients.RECIPIENTS)))
def test_a_recipient_whose_consent_purpose_does_not_exist_is_named(index):
    recipient = recipients.RECIPIENTS[index]

    problems = validate(_with_recipient(index, consent_purpose="newsleter"))

    assert problems == [f"recipient {recipient.code}: unknown consent purpose 'newsleter'"]


def test_a_recipient_with_an_unknown_purpose_is_named():
    problems = validate(_with_recipient(0, purposes=("no_such_purpose",)))

    assert problems == [
        f"recipient {recipients.RECIPIENTS[0].code}: unknown purpose 'no_such_purpose'"
    ]


def test_a_recipient_outside_the_eea_needs_a_safeguard():
    problems = validate(_with_recipient(0, country="US", safeguard=None))

    assert problems == [
        f"recipient {recipients.RECIPIENTS[0].code}: outside the EU/EEA without a safeguard"
    ]


def test_a_processing_with_an_unknown_retention_or_data_subject_is_named():
    facts = current()
    processings = _replace_item(
        facts.processings, 0, retention="forever", data_subjects=("pupil", "martian")
    )

    problems = validate(dataclasses.replace(facts, processings=processings))

    code = facts.processings[0].code
    assert problems == [
        f"processing {code}: unknown retention 'forever'",
        f"processing {code}: unknown data subject 'martian'",
    ]


def test_a_purpose_of_an_unknown_processing_is_named():
    facts = current()
    purposes = _replace_item(facts.purposes, 0, processing="nowhere")

    problems = validate(dataclasses.replace(facts, purposes=purposes))

    assert problems == [f"purpose {facts.purposes[0].code}: unknown processing 'nowhere'"]


@pytest.mark.parametrize(
    ("field", "kind"),
    [
        ("processings", "processing"),
        ("purposes", "purpose"),
        ("retention_rules", "retention rule"),
        ("recipients", "recipient"),
    ],
)
def test_a_code_declared_twice_is_named(field, kind):
    facts = current()
    items = getattr(facts, field)

    changes: dict[str, Any] = {field: (*items, items[0])}
    problems = validate(dataclasses.replace(facts, **changes))

    assert problems == [f"{kind} {items[0].code}: declared twice"]


@pytest.mark.django_db  # on PostgreSQL, some checks read the database
def test_manage_py_check_fails_naming_a_recipient_whose_consent_purpose_does_not_exist(
    monkeypatch,
):
    index = next(i for i, r in enumerate(recipients.RECIPIENTS) if r.consent_purpose)
    broken = _with_recipient(index, consent_purpose="newsleter")
    monkeypatch.setattr(validation, "current", lambda: broken)

    with pytest.raises(SystemCheckError) as failure:
        call_command("check", stdout=StringIO(), stderr=StringIO())

    message = str(failure.value)
    assert "charte.E009" in message
    assert (
        f"recipient {recipients.RECIPIENTS[index].code}: unknown consent purpose 'newsleter'"
        in (message)
    )


def test_the_package_still_answers_for_the_register():
    assert register.validate is validate
    assert register.PURPOSE_BY_CODE is data.PURPOSE_BY_CODE
