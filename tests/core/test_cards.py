import hashlib
import time
import uuid

import pytest
from django.urls import reverse

from charte.accounts.models import User
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
        "4111-1111-1111-1111",
        "carte : 4111 1111 1111 1111.",
        "(4111111111111111)",
        "3782 822463 10005",
        "commande 12345 4242 4242 4242 4242",
        "n°4111111111111111, merci",
        "4111\u00a01111\u00a01111\u00a01111",
        "4111\u202f1111\u202f1111\u202f1111",
        "٤١١١١١١١١١١١١١١١",
        "le numéro\n4111111111111111\nexpire en 2027",
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
        "2026-11-26 4111",
        "0000 0000 0000 0000",
        "0" * 16,
        # Digits inside a longer word of letters and digits are not a number someone typed.
        f"a{VISA_TEST}",
        f"{VISA_TEST}b",
        f"ref-{VISA_TEST}",
        f"{VISA_TEST}-x",
        "4111 1111 1111 1111x",
    ],
)
def test_other_numbers_are_left_alone(text):
    assert card_numbers(text) == []


# Hex digests whose digits alone would make a valid card number: the journal's chain hashes.
DIGESTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    f"ab{VISA_TEST}cd" + "0" * 44,
    f"{VISA_TEST}" + "f" * 48,
    "f" * 48 + f"{VISA_TEST}",
    "0" * 20 + f"a{AMEX_TEST}b" + "1" * 27,
]


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("digest", DIGESTS)
def test_hex_digests_are_not_card_numbers(digest):
    assert card_numbers(digest) == []
    assert card_numbers(f"hash={digest};prev_hash={digest}") == []


@pytest.mark.parametrize(
    "value",
    [
        "4111e111-1111-1111-1111-111111111111",
        "41111111-1111-1111-a111-111111111111",
        "12345678-1234-1234-1234-1234567890ab",
        "550e8400-e29b-41d4-a716-446655440000",
        "00000000-0000-0000-0000-000000000001",
        "41111111-1111-1111-1111-111111111111",
    ],
)
def test_uuids_are_not_card_numbers(value):
    # "41111111-1111-1111" alone would be a valid card number: 16 digits, Luhn.
    assert card_numbers(value) == []
    assert card_numbers(f"objet {value} supprimé") == []


def test_any_digest_or_uuid_is_left_alone():
    for n in range(2000):
        assert card_numbers(hashlib.sha256(str(n).encode()).hexdigest()) == []
        assert card_numbers(str(uuid.UUID(int=n * 7919 + 10**30))) == []
        assert card_numbers(str(uuid.uuid4())) == []


def test_a_card_number_beside_a_digest_is_still_found():
    digest = sha256("x")
    assert card_numbers(f"{digest} 4111 1111 1111 1111") == [VISA_TEST]
    assert card_numbers(f"{digest}\n{VISA_TEST}") == [VISA_TEST]


def test_luhn():
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")


def test_masking_keeps_the_last_four_digits():
    assert mask_card_numbers(f"carte {VISA_TEST} fin") == "carte ••••••••••••1111 fin"
    assert mask_card_numbers("tel 0612345678") == "tel 0612345678"
    assert mask_card_numbers("n° 4111 1111 1111 1111.") == "n° •••• •••• •••• 1111."
    digest = sha256("x")
    assert mask_card_numbers(digest) == digest


@pytest.mark.django_db
def test_any_submission_carrying_a_card_number_to_a_view_without_a_form_is_refused(guardian_anna):
    client = client_for(guardian_anna)

    response = client.post(reverse("accounts:logout"), {"note": f"ma carte {VISA_TEST}"})

    assert response.status_code == 400
    assert "numéro de carte" in response.content.decode()
    [entry] = journal("security.card_number_refused")
    assert entry.data == {"path": reverse("accounts:logout"), "field": "note"}
    assert VISA_TEST not in str(entry.data)
    assert client.get(reverse("accounts:privacy_centre")).status_code == 200  # still signed in


@pytest.mark.django_db
def test_a_form_says_it_next_to_the_field_and_nothing_is_saved(guardian_anna):
    client = client_for(guardian_anna)

    response = client.post(reverse("families:create_child"), {"first_name": VISA_TEST[:16]})

    assert response.status_code == 200
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["first_name"]] == ["card_number"]
    assert "numéro de carte" in response.content.decode()
    assert not User.objects.filter(first_name__contains="4111").exists()
    assert scan_for_cards() == []


@pytest.mark.django_db
def test_the_sign_in_form_refuses_a_card_typed_as_a_login(client, password):
    response = client.post(
        reverse("accounts:login"), {"username": "4111-1111-1111-1111", "password": password}
    )

    assert response.status_code == 200
    codes = [e.code for e in response.context["form"].errors.as_data()["username"]]
    assert "card_number" in codes
    assert "numéro de carte" in response.content.decode()
    assert journal("security.card_number_refused") == []  # the form said it, not the guard
    assert scan_for_cards() == []


def scan_for_cards():
    return [(f.table, f.column) for f in scan_database()]


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


# Long runs of figures: the time grows with the text's length, not with its square (each
# sequence of groups used to copy the rest of its run). Linear, eight times the text takes about
# eight times as long; quadratic, sixty-four. Runs of each length alternate and the best of each
# is compared, so that a busy machine does not decide.
@pytest.mark.parametrize("unit", ["1 ", "1-", "4242 ", "0-"])
def test_a_long_run_of_figures_costs_time_in_proportion_to_its_length(unit):
    short, long = unit * (5_000 // len(unit)), unit * (40_000 // len(unit))
    best = {short: float("inf"), long: float("inf")}
    for _ in range(3):
        for text in (short, long):
            started = time.perf_counter()
            card_numbers(text)
            best[text] = min(best[text], time.perf_counter() - started)

    ratio = best[long] / best[short]

    assert ratio < 32, f"{ratio:.1f} times as long for a text eight times as long"
