"""The DPO's home page says what the next sweep removes, and when the last one ran."""

from datetime import date

import pytest
from django.core.management import call_command

from charte.accounts.models import User
from tests.conftest import client_for
from tests.retention.helpers import account_created

pytestmark = pytest.mark.django_db


def test_the_dpo_home_counts_what_the_next_sweep_removes_then_dates_the_sweep(dpo_elise):
    old = account_created(date(2024, 1, 10))

    before = client_for(dpo_elise).get("/")

    text = before.content.decode()
    assert "Conservation" in text
    panel = next(c for t, c in before.context["panels"] if t == "retention/panels/dpo.html")
    accounts = next(f for f in panel["rules"] if f.rule.code == "account")
    assert accounts.due_now == 1
    assert panel["last_sweep"] is None

    call_command("retention", "sweep", stdout=None)
    after = client_for(dpo_elise).get("/")

    assert not User.objects.filter(pk=old.pk).exists()
    panel = next(c for t, c in after.context["panels"] if t == "retention/panels/dpo.html")
    assert all(f.rule.code != "account" or f.due_now == 0 for f in panel["rules"])
    assert panel["last_sweep"] is not None


def test_only_the_dpo_sees_the_retention_block(guardian_anna, it_jules):
    for person in (guardian_anna, it_jules):
        templates = [t for t, _ in client_for(person).get("/").context["panels"]]
        assert "retention/panels/dpo.html" not in templates
