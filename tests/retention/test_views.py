"""The DPO's pages, the one-click renewal link and the privacy centre's block, through HTTP."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from charte.accounts import actions as accounts
from charte.accounts.models import User
from charte.retention import dates, queries, tasks, tokens
from charte.retention.models import LegalHold, Renewal, StoredForecast
from tests.conftest import client_for, journal
from tests.retention.helpers import account_created, message_about, noon

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def expiring_soon(**kwargs) -> User:
    """An account whose last kept day is within the next 30 days."""
    last = dates.last_created_day_expired(TODAY + timedelta(days=30))
    return account_created(last, **kwargs)


def test_the_dpo_sees_what_expires_per_rule_with_samples_and_a_warning(dpo_elise):
    person = expiring_soon()
    User.objects.filter(pk=person.pk).update(last_seen_at=timezone.now())
    message_about(person, TODAY - timedelta(days=15))

    response = client_for(dpo_elise).get(reverse("retention:overview"))

    assert response.status_code == 200
    text = response.content.decode()
    assert str(person.public_id) in text
    assert reverse("retention:person", args=[person.public_id]) in text
    assert "actives ces 30 derniers jours" in text or "active ces 30 derniers jours" in text
    assert "notifications.Message" in text


def test_the_retention_page_computes_live_whatever_the_home_page_stored(dpo_elise):
    tasks.store_forecast.enqueue()  # the night's figures, before this account expired
    account_created(date(2024, 1, 10))

    response = client_for(dpo_elise).get(reverse("retention:overview"))

    accounts = next(f for f in response.context["forecasts"] if f.rule.code == "account")
    assert accounts.due_now == 1
    stored = StoredForecast.objects.get()
    assert next(d for d in stored.rules if d["rule"] == "account")["due_now"] == 0


def test_the_retention_pages_are_the_dpo_s_alone(cs_farid, guardian_anna, client):
    for url in (
        reverse("retention:overview"),
        reverse("retention:dry_run"),
        reverse("retention:overview_csv"),
        reverse("retention:person", args=[guardian_anna.public_id]),
    ):
        assert client_for(cs_farid).get(url).status_code == 404
        assert client.get(url).status_code == 302  # to the sign-in page


def test_the_csv_lists_every_expiring_account(dpo_elise):
    # The accounts of one school year all go on the same day, which the next 30 days may not
    # hold: the DPO looks from ten days before that day, as the page lets them.
    created = date(TODAY.year - 1, 3, 1)
    people = [account_created(created) for _ in range(3)]
    kept = dates.kept_until_created(created)

    response = client_for(dpo_elise).get(
        reverse("retention:overview_csv"), {"day": (kept - timedelta(days=10)).isoformat()}
    )

    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0][0] == "règle"
    assert {row[2] for row in rows[1:]} == {str(p.public_id) for p in people}
    assert {row[4] for row in rows[1:]} == {kept.isoformat()}


def test_the_dry_run_from_the_web_counts_and_changes_nothing(dpo_elise):
    old = account_created(date(2024, 1, 10))

    response = client_for(dpo_elise).get(reverse("retention:dry_run"), {"day": "2030-01-01"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Comptes : " in page  # the model named in words
    assert "accounts.User" not in page
    assert response.context["report"].outcome("account").expired >= 1
    assert User.objects.filter(pk=old.pk).exists()
    assert journal("retention.swept") == []


def test_the_dry_run_refuses_a_bad_date_politely(dpo_elise):
    response = client_for(dpo_elise).get(reverse("retention:dry_run"), {"day": "demain"})

    assert response.status_code == 200
    assert response.context["report"] is None


def test_the_dpo_places_and_lifts_a_hold_on_an_account(dpo_elise, guardian_anna):
    client = client_for(dpo_elise)
    url = reverse("retention:person", args=[guardian_anna.public_id])

    response = client.post(url, {"reason": "litigation", "reference": "LIT-3"})

    assert response.status_code == 302
    hold = LegalHold.objects.get(person=guardian_anna)
    assert hold.placed_by_ref == f"user:{dpo_elise.public_id}"
    assert "LIT-3" in client.get(url).content.decode()
    client.post(reverse("retention:lift", args=[hold.public_id]))
    assert LegalHold.objects.get(pk=hold.pk).lifted_at is not None
    assert len(journal("retention.hold_lifted", about=guardian_anna)) == 1


def test_the_dpo_holds_an_object_by_its_label_and_public_id(dpo_elise, guardian_anna):
    message = message_about(guardian_anna, TODAY)
    client = client_for(dpo_elise)

    client.post(
        reverse("retention:hold_object"),
        {
            "model_label": "notifications.Message",
            "object_id": str(message.public_id),
            "reason": "authority",
        },
    )
    bad = client.post(
        reverse("retention:hold_object"),
        {"model_label": "accounts.Nothing", "object_id": str(message.public_id), "reason": "other"},
        follow=True,
    )

    assert LegalHold.objects.filter(object_id=str(message.public_id)).count() == 1
    assert "existe pas" in bad.content.decode()
    assert queries.holds_in_force(TODAY).blocks_account(guardian_anna.pk)


@pytest.fixture
def family(guardian_anna, child_ben):
    """Anna and Ben, whose account goes within 30 days unless it is renewed."""
    accounts.propose_guardianship(child=child_ben, guardian=guardian_anna, actor=guardian_anna)
    last = dates.last_created_day_expired(TODAY + timedelta(days=30))
    User.objects.filter(pk=child_ben.pk).update(created_at=noon(last))
    child_ben.refresh_from_db()
    return guardian_anna, child_ben


def link_for(person, recipient):
    kept = queries.kept_until(person)
    assert kept is not None
    return reverse(
        "retention:renew",
        args=[
            tokens.renewal_token(
                person=person.public_id, recipient=recipient.public_id, kept_until=kept
            )
        ],
    )


def test_the_renewal_link_asks_on_get_and_renews_on_post_without_sign_in(family, client):
    anna, ben = family
    url = link_for(ben, anna)

    page = client.get(url)
    assert page.status_code == 200
    assert "Ben continue" in page.content.decode()
    assert not Renewal.objects.exists()

    done = client.post(url)

    assert done.status_code == 200
    [renewal] = Renewal.objects.filter(person=ben)
    assert renewal.source == Renewal.Source.GUARDIAN
    assert renewal.actor_ref == f"user:{anna.public_id}"
    assert queries.kept_until(ben) == dates.kept_until_renewed(TODAY)
    assert len(journal("retention.renewed", about=ben)) == 1
    again = client.get(url)
    assert "déjà fait" in again.content.decode()
    client.post(url)
    assert Renewal.objects.filter(person=ben).count() == 1


def test_a_renewal_link_altered_or_for_an_erased_account_is_refused(family, client):
    anna, ben = family
    url = link_for(ben, anna)

    assert client.get(url[:-3] + "abc/").status_code == 404
    ben.delete()
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_a_guardian_no_longer_confirmed_cannot_renew_by_an_old_link(family, client):
    anna, ben = family
    url = link_for(ben, anna)
    from charte.accounts.models import Guardianship

    Guardianship.objects.filter(child=ben).delete()

    response = client.post(url)

    assert response.status_code == 400
    assert not Renewal.objects.exists()


def test_the_privacy_centre_says_until_when_and_lets_a_guardian_continue(family):
    anna, ben = family
    client = client_for(anna)
    centre = reverse("accounts:privacy_centre_person", args=[ben.public_id])

    page = client.get(centre).content.decode()
    assert "Jusqu'à quand nous gardons ce compte" in page

    response = client.post(reverse("retention:renew_signed_in", args=[ben.public_id]))

    assert response.status_code == 302
    assert Renewal.objects.get(person=ben).source == Renewal.Source.GUARDIAN


def test_nobody_renews_someone_else_s_account_from_the_centre(family, teacher_chloe):
    _, ben = family

    response = client_for(teacher_chloe).post(
        reverse("retention:renew_signed_in", args=[ben.public_id])
    )

    assert response.status_code == 404
    assert not Renewal.objects.exists()
    assert noon(TODAY)
