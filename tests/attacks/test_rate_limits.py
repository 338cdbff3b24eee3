"""A flooder's way in: the forms that send an email or create an account, hammered.

Each form counts attempts per client address (read through our trusted proxies only) and per
target it names (the mailbox); past its rate it answers 429 with the time to wait, and changes
nothing: no account, no email, no invitation.
"""

from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from charte.accounts.models import User
from charte.core.ratelimit import Limit, Rate
from charte.families.models import Invitation
from charte.subject_requests.models import SubjectRequest
from charte.support.models import ErrorReport
from tests.conftest import birthday, client_for
from tests.consent.helpers import adopt, form_data
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"


@pytest.fixture
def behind_proxy(settings):
    settings.CHARTE_TRUSTED_PROXIES = [PROXY]


def through_proxy(client_address: str) -> dict[str, Any]:
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": client_address}


def assert_refused(response) -> None:
    text = response.content.decode()
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Trop de demandes en peu de temps" in text
    assert "Réessayez dans" in text


def test_the_limits_of_the_email_sending_forms_are_where_we_say(db):
    from charte.accounts.views import PASSWORD_RESET_LIMIT
    from charte.consent.views import SIGN_UP_LIMIT
    from charte.families.views import INVITE_LIMIT, PUPIL_SIGN_UP_LIMIT
    from charte.subject_requests.views import REQUESTS_LIMIT
    from charte.support.views import REPORTS_BY_PERSON, REPORTS_BY_VISITOR

    per_mailbox = [SIGN_UP_LIMIT, PUPIL_SIGN_UP_LIMIT, INVITE_LIMIT, PASSWORD_RESET_LIMIT]
    assert all(Rate.parse(limit.per_target).count <= 5 for limit in per_mailbox)
    assert all(Rate.parse(limit.per_target).seconds == 3600 for limit in per_mailbox)
    # A whole class signs up from its school's one address within a lesson.
    assert Rate.parse(PUPIL_SIGN_UP_LIMIT.per_address).count >= 40
    assert REQUESTS_LIMIT.per_person
    assert REPORTS_BY_PERSON.per_person
    assert REPORTS_BY_VISITOR.per_address


def test_sign_up_is_refused_past_its_rate_for_one_mailbox_from_anywhere(behind_proxy, monkeypatch):
    monkeypatch.setattr(
        "charte.consent.views.SIGN_UP_LIMIT", Limit("sign_up", per_address="30/h", per_target="2/h")
    )
    url = reverse("consent:sign_up")
    for n in range(2):
        client = Client()
        data = form_data(client, email=f"claire+{n}@famille.test")
        client.post(url, data, **through_proxy(f"203.0.113.{n}"))
    before = User.objects.count()
    mail.outbox.clear()

    client = Client()
    response = client.post(
        url, form_data(client, email="CLAIRE+1@famille.test"), **through_proxy("198.51.100.9")
    )
    response = client.post(
        url, form_data(client, email="claire+1@famille.test"), **through_proxy("198.51.100.9")
    )

    assert_refused(response)
    assert User.objects.count() == before
    assert mail.outbox == []


def test_sign_up_is_refused_past_its_rate_from_one_address(behind_proxy, monkeypatch):
    monkeypatch.setattr(
        "charte.consent.views.SIGN_UP_LIMIT", Limit("sign_up", per_address="2/h", per_target="5/h")
    )
    url = reverse("consent:sign_up")
    client = Client()
    for n in range(2):
        response = client.post(
            url, form_data(Client(), email=f"c{n}@famille.test"), **through_proxy("203.0.113.5")
        )
        assert response.status_code == 200
        assert "Regardez vos e-mails" in response.content.decode()
        client = Client()

    refused = client.post(
        url, form_data(client, email="c9@famille.test"), **through_proxy("203.0.113.5")
    )
    elsewhere = Client().post(
        url, form_data(Client(), email="c8@famille.test"), **through_proxy("203.0.113.6")
    )

    assert_refused(refused)
    assert not User.objects.filter(email="c9@famille.test").exists()
    # Another client behind the same proxy is not counted.
    assert elsewhere.status_code == 200
    assert User.objects.filter(email="c8@famille.test").exists()


def test_a_forged_forwarded_for_from_an_untrusted_peer_does_not_escape_the_count(
    behind_proxy, monkeypatch
):
    monkeypatch.setattr(
        "charte.support.views.REPORTS_BY_VISITOR", Limit("support_report", per_address="3/h")
    )
    url = reverse("support:report")
    for n in range(3):
        response = Client().post(
            url,
            {"message": f"Erreur {n}", "page": "/"},
            REMOTE_ADDR="203.0.113.66",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        )
        assert response.status_code == 302

    response = Client().post(
        url,
        {"message": "Encore", "page": "/"},
        REMOTE_ADDR="203.0.113.66",
        HTTP_X_FORWARDED_FOR="198.51.100.200",
    )

    assert_refused(response)
    assert ErrorReport.objects.count() == 3


def test_password_reset_requests_for_one_mailbox_are_refused_past_the_rate(
    behind_proxy, guardian_anna, django_capture_on_commit_callbacks
):
    from charte.accounts.views import PASSWORD_RESET_LIMIT

    allowed = Rate.parse(PASSWORD_RESET_LIMIT.per_target).count
    url = reverse("accounts:password_reset")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(allowed):
            response = Client().post(
                url, {"email": "anna@famille.test"}, **through_proxy(f"203.0.113.{n}")
            )
            assert response.status_code == 302
        refused = Client().post(url, {"email": "Anna@Famille.test"}, **through_proxy("192.0.2.1"))
        unknown = Client().post(url, {"email": "anna@famille.test"}, **through_proxy("192.0.2.2"))

    assert_refused(refused)
    assert_refused(unknown)
    assert len(mail.outbox) == allowed


def test_a_refused_reset_says_the_same_whether_or_not_the_account_exists(behind_proxy, db):
    url = reverse("accounts:password_reset")
    for n in range(5):
        Client().post(url, {"email": "personne@nulle.part"}, **through_proxy(f"203.0.113.{n}"))

    refused = Client().post(url, {"email": "personne@nulle.part"}, **through_proxy("192.0.2.1"))

    assert_refused(refused)


def test_a_pupil_sign_up_cannot_flood_a_parent_s_mailbox(
    behind_proxy, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(
        "charte.families.views.PUPIL_SIGN_UP_LIMIT",
        Limit("pupil_sign_up", per_address="100/h", per_target="2/h"),
    )

    def sign_up(n: int):
        return Client().post(
            reverse("families:pupil_sign_up"),
            {
                "first_name": "Tom",
                "birth_date": birthday(12).isoformat(),
                "country": "FR",
                "username": f"tom.{n}",
                "password1": "une-phrase-de-passe-solide",
                "password2": "une-phrase-de-passe-solide",
                "guardian_email": "parent@famille.test",
            },
            **through_proxy(f"203.0.113.{n}"),
        )

    with django_capture_on_commit_callbacks(execute=True):
        for n in range(2):
            assert "Demande envoyée à ton parent" in sign_up(n).content.decode()
        refused = sign_up(3)

    assert_refused(refused)
    assert not User.objects.filter(username="tom.3").exists()
    assert len(mail.outbox) == 2


def test_a_class_signing_up_from_the_school_s_one_address_is_not_refused(behind_proxy, db):
    for n in range(40):
        response = Client().post(
            reverse("families:pupil_sign_up"),
            {
                "first_name": "Élève",
                "birth_date": birthday(12).isoformat(),
                "country": "FR",
                "username": f"eleve.{n}",
                "password1": "une-phrase-de-passe-solide",
                "password2": "une-phrase-de-passe-solide",
                "guardian_email": f"parent{n}@famille.test",
            },
            **through_proxy("192.0.2.200"),
        )
        assert response.status_code == 200, n

    assert User.objects.filter(username__startswith="eleve.").count() == 40


def test_invitations_to_one_mailbox_are_refused_past_the_rate(
    guardian_anna, child_ben, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(
        "charte.families.views.INVITE_LIMIT",
        Limit("guardian_invitation", per_address="30/h", per_person="10/h", per_target="1/h"),
    )
    adopt(guardian=guardian_anna, child=child_ben)
    anna = client_for(guardian_anna)
    url = reverse("families:invite", args=[child_ben.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        anna.post(url, {"email": "marc@famille.test"})
        refused = anna.post(url, {"email": "Marc@famille.test"})

    assert_refused(refused)
    assert Invitation.objects.count() == 1
    assert len([m for m in mail.outbox if "marc@famille.test" in m.to]) == 1


def test_requests_about_one_s_data_are_refused_past_the_rate(guardian_anna, monkeypatch):
    monkeypatch.setattr(
        "charte.subject_requests.views.REQUESTS_LIMIT",
        Limit("subject_request", per_person="1/h"),
    )
    anna = client_for(guardian_anna)
    url = reverse("subject_requests:new", args=[guardian_anna.public_id, "access"])
    first = anna.post(url, {"details": "", "password": PASSWORD})

    refused = anna.post(url, {"details": ""})

    assert first.status_code == 302
    assert_refused(refused)
    assert SubjectRequest.objects.count() == 1


def test_the_consent_api_counts_a_keyless_caller_by_its_real_address(behind_proxy):
    from django.test import RequestFactory

    from charte.consent.api import PerServiceThrottle

    forged = RequestFactory().get("/", REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="1.2.3.4")
    proxied = RequestFactory().get("/", **through_proxy("198.51.100.7"))

    assert PerServiceThrottle().get_ident(forged) == "203.0.113.66"
    assert PerServiceThrottle().get_ident(proxied) == "198.51.100.7"
