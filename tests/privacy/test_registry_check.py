import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core import checks
from django.db import models
from django.test.utils import isolate_apps

from charte.accounts.models import User
from charte.privacy.checks import check_registry
from charte.privacy.register import Category
from charte.privacy.registry import (
    Anonymise,
    Delete,
    KeepUnderObligation,
    Ref,
    observed,
    provided,
    registry,
)

pytestmark = pytest.mark.once

ROOT = Path(__file__).resolve().parents[2]


def test_the_project_passes_its_own_registry_check():
    errors = [m for m in checks.run_checks(tags=["charte"]) if m.is_serious()]

    assert errors == []


def test_every_installed_model_is_declared_one_way_or_the_other():
    from django.apps import apps

    undeclared = [
        m._meta.label
        for m in apps.get_models()
        if not m._meta.proxy and not registry.is_declared(m)
    ]

    assert undeclared == []


def test_manage_py_check_fails_on_a_model_added_without_a_declaration():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.throwaway.settings"}
    env.pop("DATABASE_URL", None)

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "charte.E001" in result.stderr
    assert "throwaway.PupilNote" in result.stderr
    assert "'email'" in result.stderr


def _ids(errors):
    return [(e.id, e.msg) for e in errors]


def _check(app_config):
    return _ids(check_registry(app_configs=[app_config]))


def _undeclared_model():
    """The same model as tests/throwaway/models.py, built afresh in the isolated registry."""
    attrs = {
        "__module__": "tests.isolated.models",
        "email": models.EmailField(),
        "note": models.TextField(),
        "Meta": type("Meta", (), {"app_label": "isolated"}),
    }
    return type("PupilNote", (models.Model,), attrs)


@pytest.fixture
def throwaway():
    declared = []
    with isolate_apps("tests.isolated") as isolated:
        _undeclared_model()

        def declare(kind, model, **kwargs):
            getattr(registry, kind)(model, **kwargs)
            declared.append(model)

        yield isolated, declare
    for model in declared:
        registry.unregister(model)


def test_undeclared_model_error_names_the_model_and_its_fields(throwaway):
    isolated, _ = throwaway

    [(code, message)] = _check(isolated.get_app_config("isolated"))

    assert code == "charte.E001"
    assert "isolated.PupilNote" in message
    assert "'email'" in message
    assert "'note'" in message


def _note_model(isolated, **extra_fields):
    attrs = {
        "__module__": "tests.isolated.models",
        "pupil": models.ForeignKey(User, on_delete=models.CASCADE, related_name="+"),
        "text": models.TextField(),
        "written_at": models.DateTimeField(),
        "Meta": type("Meta", (), {"app_label": "isolated"}),
        **extra_fields,
    }
    return type("Diary", (models.Model,), attrs)


GOOD: dict[str, Any] = {
    "subjects": ("pupil",),
    "purposes": ("assignments",),
    "fields": {
        "pupil": observed(Category.REFERENCE),
        "text": provided(Category.WORK),
        "written_at": observed(Category.WORK),
    },
    "erasure": Delete(),
    "retention": "with_account",
}


def _diary_errors(throwaway, **overrides):
    isolated, declare = throwaway
    model = _note_model(isolated)
    declare(
        "not_personal", isolated.get_model("isolated", "PupilNote"), reason="Only in this test."
    )
    declare("personal", model, **{**GOOD, **overrides})
    return _check(isolated.get_app_config("isolated"))


def test_a_complete_declaration_passes(throwaway):
    # PupilNote is declared not personal but has an email field: only that is reported.
    errors = _diary_errors(throwaway)

    assert errors == [("charte.E008", errors[0][1])]
    assert "'email'" in errors[0][1]


def test_a_field_left_out_of_the_declaration_is_named(throwaway):
    fields = dict(GOOD["fields"])
    del fields["text"]

    errors = _diary_errors(throwaway, fields=fields)

    assert (
        "charte.E003",
        "isolated.Diary: field 'text' can hold personal data and is not declared.",
    ) in errors


def test_a_declared_field_that_does_not_exist_is_named(throwaway):
    errors = _diary_errors(throwaway, fields={**GOOD["fields"], "mood": provided(Category.WORK)})

    assert any(code == "charte.E002" and "'mood'" in msg for code, msg in errors)


def test_an_unknown_purpose_is_refused(throwaway):
    errors = _diary_errors(throwaway, purposes=("telepathy",))

    assert any(code == "charte.E004" and "'telepathy'" in msg for code, msg in errors)


@pytest.mark.parametrize(
    ("subject", "why"),
    [("text", "not a relation"), ("nobody", "no field"), ("", "not the user model")],
)
def test_a_subject_path_must_lead_to_a_person(throwaway, subject, why):
    errors = _diary_errors(throwaway, subjects=(subject,))

    assert any(code == "charte.E005" and why in msg for code, msg in errors)


def test_a_reference_subject_must_be_a_text_field(throwaway):
    errors = _diary_errors(throwaway, subjects=(Ref("written_at"),))

    assert any(code == "charte.E005" for code, _ in errors)


def test_an_unknown_retention_rule_is_refused(throwaway):
    errors = _diary_errors(throwaway, retention="forever")

    assert any(code == "charte.E006" and "'forever'" in msg for code, msg in errors)


def test_a_rule_that_runs_from_the_row_needs_its_date_field(throwaway):
    assert any(code == "charte.E006" for code, _ in _diary_errors(throwaway, retention="journal"))


def test_a_rule_that_runs_from_the_row_accepts_a_date_field(throwaway):
    errors = _diary_errors(throwaway, retention="journal", retention_from="written_at")

    assert [code for code, _ in errors] == ["charte.E008"]


def test_anonymisation_must_say_what_becomes_of_every_field(throwaway):
    errors = _diary_errors(throwaway, erasure=Anonymise(replace={"text": ""}))

    assert any(code == "charte.E007" and "'written_at'" in msg for code, msg in errors)
    assert any(code == "charte.E007" and "'pupil'" in msg for code, msg in errors)


def test_keeping_under_an_obligation_needs_a_reason_and_a_known_rule(throwaway):
    erasure = KeepUnderObligation(
        keep=("written_at",), replace={"text": "", "pupil": None}, reason="", retention="x"
    )

    errors = _diary_errors(throwaway, erasure=erasure)

    assert sum(code in {"charte.E006", "charte.E007"} for code, _ in errors) == 2


def test_a_model_declared_twice_is_refused_at_once(throwaway):
    isolated, declare = throwaway
    model = isolated.get_model("isolated", "PupilNote")
    declare("not_personal", model, reason="Only in this test.")

    with pytest.raises(Exception, match="declared twice"):
        registry.not_personal(model, reason="again")
