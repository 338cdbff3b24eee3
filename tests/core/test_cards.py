import pytest
from django.urls import reverse

from charte.core.cards import card_numbers, luhn_valid, mask_card_numbers, scan_database
from charte.notifications.models import Message
from tests.conftest import client_for, journal

VISA_TEST = "4111111111111111"
AMEX_TEST = "378282246310005"


@pytest.mark.parametrize(
    "text",
    [
        VISA_TEST,
        "4111 1111 1111 1111",
        "ma carte 4111-1111-1111-1111 merci",
        AMEX_TEST,
        "6011111111111117",
    ],
)
def test_card_numbers_are_found_however_they_are_written(text):
    assert card_numbers(text)


@pytest.mark.parametrize(
    "text",
    [
        "4111111111111112",
        "0612345678",
        "1234567890123",
        "commande 20261126-0042",
        "2026 11 26",
        "41111111111111111111",
    ],
)
def test_other_numbers_are_left_alone(text):
    assert card_numbers(text) == []


def test_luhn():
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")


def test_masking_keeps_the_last_four_digits():
    assert mask_card_numbers(f"carte {VISA_TEST} fin") == "carte ••••••••••••1111 fin"
    assert mask_card_numbers("tel 0612345678") == "tel 0612345678"


@pytest.mark.django_db
def test_any_form_submission_carrying_a_card_number_is_refused_and_nothing_is_saved(guardian_anna):
    client = client_for(guardian_anna)

    response = client.post(
        reverse("accounts:password_reset"), {"email": "x@y.test", "note": f"ma carte {VISA_TEST}"}
    )

    assert response.status_code == 400
    assert "numéro de carte" in response.content.decode()
    [entry] = journal("security.card_number_refused")
    assert entry.data == {"path": reverse("accounts:password_reset"), "field": "note"}
    assert VISA_TEST not in str(entry.data)


@pytest.mark.django_db
def test_the_api_refuses_a_card_number_in_json_anywhere_in_the_body(guardian_anna):
    client = client_for(guardian_anna)

    response = client.post(
        "/api/accounts/me",
        {"deep": {"list": ["ok", f"4111 1111 1111 {VISA_TEST[-4:]}"]}},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["field"] == "deep.list[1]"


@pytest.mark.django_db
def test_the_database_scan_finds_a_card_number_in_any_text_column(guardian_anna):
    assert list(scan_database()) == []

    Message.objects.create(
        kind="t",
        recipient=guardian_anna,
        about=guardian_anna,
        to_email="a@b.c",
        subject="s",
        body=f"x {AMEX_TEST}",
    )

    [finding] = list(scan_database())
    assert (finding.table, finding.column) == ("notifications_message", "body")
