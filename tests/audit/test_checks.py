"""What the chain relies on in the settings is checked at start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from charte.audit.checks import check_journal_settings
from tests.audit.conftest import ON_POSTGRES

ROOT = Path(__file__).resolve().parents[2]


def test_production_refuses_to_start_without_its_journal_key():
    env = {k: v for k, v in os.environ.items() if k not in {"JOURNAL_KEY", "DATABASE_URL"}}
    env.update(
        DJANGO_ENV="production",
        SECRET_KEY="k" * 20 + "-Xq9!v2#Lm8@Rt5&Wz1^Pb7*Nc4(Fd6)Hj3",
        ALLOWED_HOSTS="charte.example",
        EMAIL_HOST="smtp.charte.example",
        DATABASE_URL="sqlite:////tmp/charte-deploy-check.sqlite3",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode != 0
    assert "JOURNAL_KEY must be set in production" in result.stderr


def test_the_project_passes_the_journals_checks():
    assert check_journal_settings() == []


@override_settings(CHARTE_JOURNAL_KEY="short")
def test_a_short_journal_key_is_refused():
    assert [e.id for e in check_journal_settings()] == ["charte.audit.E001"]


@pytest.mark.skipif(ON_POSTGRES, reason="about SQLite")
def test_sqlite_must_begin_transactions_immediate(monkeypatch):
    from django.db import connection

    options = {**connection.settings_dict["OPTIONS"], "transaction_mode": "DEFERRED"}
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)

    assert [e.id for e in check_journal_settings()] == ["charte.audit.E002"]
