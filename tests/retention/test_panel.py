"""The DPO's home page shows the forecast the nightly job stored, when it was computed, and
when the last sweep ran; it never computes the forecast itself."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, time_format

from charte.accounts.models import Role, User
from charte.core.navigation import panels_for
from charte.retention import forecast, tasks
from charte.retention.models import StoredForecast
from tests.conftest import client_for
from tests.retention.helpers import account_created

pytestmark = pytest.mark.django_db

PANEL = "retention/panels/dpo.html"


def home_panel(response) -> dict:
    return next(c for t, c in response.context["panels"] if t == PANEL)


def computed_at_words(stored: StoredForecast, language: str) -> tuple[str, str]:
    at = timezone.localtime(stored.computed_at)
    with translation.override(language):
        return date_format(at, "DATE_FORMAT"), time_format(at, "H:i")


def test_the_dpo_home_shows_the_nightly_figures_and_when_they_were_computed(dpo_elise):
    account_created(date(2024, 1, 10))  # long past its retention: the next sweep removes it
    tasks.store_forecast.enqueue()
    stored = StoredForecast.objects.get()

    page = client_for(dpo_elise).get("/")

    accounts = next(f for f in home_panel(page)["rules"] if f.rule.code == "account")
    assert accounts.due_now == 1
    day, time = computed_at_words(stored, "fr")
    text = page.content.decode()
    assert f"Calculé le {day} à {time}." in text
    assert "pas encore calculées" not in text
    assert "plus de deux jours" not in text


def test_the_computed_time_is_written_in_the_readers_language(dpo_elise):
    tasks.store_forecast.enqueue()
    stored = StoredForecast.objects.get()

    page = client_for(dpo_elise).get("/", HTTP_ACCEPT_LANGUAGE="en")

    day, time = computed_at_words(stored, "en")
    assert f"Computed on {day} at {time}." in page.content.decode()
    assert "Calculé le" not in page.content.decode()


def test_the_dpo_home_never_computes_the_forecast(dpo_elise, monkeypatch):
    tasks.store_forecast.enqueue()

    def computed(*args, **kwargs):
        raise AssertionError("the home page computed the forecast")

    monkeypatch.setattr(forecast, "forecast", computed)
    page = client_for(dpo_elise).get("/")

    assert page.status_code == 200
    assert home_panel(page)["computed"] is not None


def test_before_the_first_night_the_home_says_so_and_links_to_the_retention_page(dpo_elise):
    account_created(date(2024, 1, 10))

    page = client_for(dpo_elise).get("/")

    panel = home_panel(page)
    assert panel["computed"] is None
    assert panel["rules"] == []
    text = page.content.decode()
    assert "Les prévisions ne sont pas encore calculées" in text
    assert f'<a href="{reverse("retention:overview")}">la page de la conservation</a>' in text
    assert "Calculé le" not in text
    assert "Rien n&#x27;arrive à échéance" not in text  # it does not claim what it does not know


def test_figures_older_than_two_days_are_shown_as_such(dpo_elise):
    account_created(date(2024, 1, 10))
    tasks.store_forecast.enqueue()
    StoredForecast.objects.update(computed_at=timezone.now() - timedelta(days=2, hours=1))

    page = client_for(dpo_elise).get("/")

    assert home_panel(page)["stale"] is True
    text = page.content.decode()
    assert "Ces prévisions ont plus de deux jours" in text
    assert f'<a href="{reverse("retention:overview")}">La page de la conservation</a>' in text
    assert "Calculé le" in text  # the old figures stay, dated


def test_a_night_old_forecast_is_not_stale(dpo_elise):
    tasks.store_forecast.enqueue()
    StoredForecast.objects.update(computed_at=timezone.now() - timedelta(days=1, hours=20))

    page = client_for(dpo_elise).get("/")

    assert home_panel(page)["stale"] is False
    assert "plus de deux jours" not in page.content.decode()


def test_after_a_sweep_the_next_forecast_shows_what_is_left_and_the_sweep_is_dated(dpo_elise):
    old = account_created(date(2024, 1, 10))
    tasks.store_forecast.enqueue()
    assert home_panel(client_for(dpo_elise).get("/"))["last_sweep"] is None

    call_command("retention", "sweep", "--no-progress", stdout=None)
    tasks.store_forecast.enqueue()
    after = home_panel(client_for(dpo_elise).get("/"))

    assert not User.objects.filter(pk=old.pk).exists()
    assert all(f.rule.code != "account" or f.due_now == 0 for f in after["rules"])
    assert after["last_sweep"] is not None


@pytest.mark.parametrize("accounts", [10, 1000])
def test_the_block_reads_a_few_rows_whatever_the_number_of_accounts(
    dpo_elise, accounts, django_assert_max_num_queries
):
    User.objects.bulk_create(
        User(role=Role.PARENT, username=f"old.{n}", first_name="Old", last_name="A", password="!")
        for n in range(accounts)
    )
    User.objects.filter(username__startswith="old.").update(
        created_at=timezone.now() - timedelta(days=3 * 365)
    )
    tasks.store_forecast.enqueue()
    [panel] = [p for p in panels_for(dpo_elise) if p.template == PANEL]

    with django_assert_max_num_queries(3):  # the stored forecast, the holds, the last sweep
        context = panel.context(dpo_elise)

    accounts_rule = next(f for f in context["rules"] if f.rule.code == "account")
    assert accounts_rule.due_now == accounts


def test_only_the_dpo_sees_the_retention_block(guardian_anna, it_jules):
    for person in (guardian_anna, it_jules):
        templates = [t for t, _ in client_for(person).get("/").context["panels"]]
        assert PANEL not in templates
