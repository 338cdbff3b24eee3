"""`manage.py retention sweep [--dry-run] [--today]`, `retention notices` and `retention forecast`,
on the demo data."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from charte.accounts.models import User
from charte.audit.models import Entry
from charte.retention.models import LegalHold, Renewal, StoredForecast
from charte.subject_requests.models import SubjectRequest

pytestmark = pytest.mark.django_db


def retention(*args):
    out, err = StringIO(), StringIO()
    call_command("retention", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def held_accounts():
    return set(
        LegalHold.objects.filter(lifted_at__isnull=True, person__is_staff=False).values_list(
            "person", flat=True
        )
    )


@pytest.fixture
def demo():
    call_command("seed_demo", "--quiet", stdout=StringIO())


def test_the_dry_run_in_2030_says_per_rule_what_would_go_and_changes_nothing(demo):
    before = (User.objects.count(), Entry.objects.count(), Renewal.objects.count())

    out, _ = retention("sweep", "--dry-run", "--today", "2030-01-01")

    assert "Dry run as on 2030-01-01 (nothing changed)" in out
    assert "account" in out
    assert f"accounts would go, {len(held_accounts())} held" in out
    assert "accounts.User:" in out
    assert "journal" in out
    assert (User.objects.count(), Entry.objects.count(), Renewal.objects.count()) == before


def test_the_demo_has_renewals_and_a_hold_and_seeding_again_adds_none(demo):
    renewals, holds = Renewal.objects.count(), LegalHold.objects.count()
    assert renewals >= 4
    # The demo's own hold, and one per open request (those of closed requests are lifted).
    active = LegalHold.objects.filter(lifted_at__isnull=True)
    assert active.count() == 1 + SubjectRequest.objects.open().count()

    call_command("seed_demo", "--quiet", stdout=StringIO())

    assert (Renewal.objects.count(), LegalHold.objects.count()) == (renewals, holds)


def test_the_demo_leaves_the_forecast_of_the_dpos_home_and_seeding_again_keeps_it(demo):
    stored = StoredForecast.objects.get()
    assert stored.day == timezone.localdate()
    assert any(rule["due_now"] or rule["upcoming"] for rule in stored.rules)

    call_command("seed_demo", "--quiet", stdout=StringIO())

    assert list(StoredForecast.objects.all()) == [stored]


def test_the_sweep_removes_expired_accounts_but_the_held_ones_and_staff(demo):
    held = held_accounts()
    out, err = retention("sweep", "--today", "2030-01-01")

    assert "Sweep as on 2030-01-01" in out
    assert User.objects.filter(email="sofia.haddad@famille.example").exists()  # held
    assert User.objects.filter(is_staff=True).count() == 6
    # Kept: the account under a litigation hold, and those an open request is about.
    assert set(User.objects.filter(is_staff=False).values_list("pk", flat=True)) == held
    assert len(held) > 1
    assert all(
        r.person_id in held for r in SubjectRequest.objects.open().exclude(person__is_staff=True)
    )
    assert "account" in err  # the progress bar, on stderr


def test_a_bad_date_is_refused_clearly():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        retention("sweep", "--today", "01/01/2030")


def test_notices_command_reports_how_many(demo):
    out, _ = retention("notices", "--today", "2030-01-01")

    assert "notice(s) sent" in out


def test_the_command_computes_the_forecast_now():
    out, _ = retention("forecast")

    stored = StoredForecast.objects.get()
    assert stored.day == timezone.localdate()
    assert f"Forecast for {stored.day} stored ({len(stored.rules)} rules)." in out
