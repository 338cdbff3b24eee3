"""The watch: repeated failures lock sign-in out and alert IT and the DPO; so do odd reads."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django.urls import reverse

from charte import audit
from charte.accounts.models import Role, User
from charte.audit import alerts, events
from charte.audit.alerts import raise_alert, send_alert_email
from charte.audit.watch import POLICY
from charte.notifications.models import Message
from tests.conftest import journal
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
HOME = "203.0.113.10"


def sign_in(login: str, password: str, ip: str = HOME, client: Client | None = None):
    return (client or Client()).post(
        LOGIN, {"username": login, "password": password}, REMOTE_ADDR=ip, HTTP_USER_AGENT="Firefox"
    )


@pytest.fixture
def staff(it_jules, dpo_elise):
    """The people alerts go to."""
    return it_jules, dpo_elise


@pytest.fixture
def now(clock):
    clock.set(datetime(2026, 3, 2, 13, 0, tzinfo=UTC))  # 14:00 in Paris
    return clock


def test_five_failures_slow_the_account_down_and_say_until_when(
    now, staff, guardian_anna, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(POLICY.account_failures):
            sign_in("anna@famille.test", "pas-le-bon")

    response = sign_in("anna@famille.test", PASSWORD)  # even the right password must wait

    text = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Trop de tentatives de connexion ont échoué pour ce compte" in text
    assert "dans 1 minute (à 14:01)" in text
    assert "double à chaque nouvel échec" in text
    assert "réinitialiser votre mot de passe" in text
    assert journal("auth.login") == []
    [lockout] = journal(events.LOCKOUT)
    assert lockout.subject_ref == f"user:{guardian_anna.public_id}"
    assert lockout.data["scope"] == "account"
    assert lockout.data["failures"] == 5
    assert lockout.data["seconds"] == 60
    assert lockout.ip == HOME
    [blocked] = journal(events.LOGIN_BLOCKED, about=guardian_anna)
    assert blocked.data["scope"] == "account"
    [alert] = journal(events.ALERT_ACCOUNT_FAILURES)
    assert alert.subject_ref == lockout.subject_ref
    assert alert.ip is None
    assert sorted(m.to[0] for m in mailoutbox) == ["elise@charte.test", "jules@charte.test"]
    assert "échecs de connexion répétés sur un compte" in mailoutbox[0].subject
    assert f"person=user%3A{guardian_anna.public_id}" in mailoutbox[0].body
    assert "anna@famille.test" not in mailoutbox[0].body
    assert "Anna" not in mailoutbox[0].body


def test_each_further_failure_doubles_the_wait_up_to_an_hour(now, guardian_anna):
    waits = []
    for _ in range(POLICY.account_failures + 8):
        sign_in("anna@famille.test", "pas-le-bon")
        if lockouts := journal(events.LOCKOUT):
            waits.append(lockouts[-1].data["seconds"])
            now.advance(seconds=lockouts[-1].data["seconds"])

    assert waits == [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]
    assert len(journal(events.LOGIN_BLOCKED)) == 0  # each try came once its wait was over


def test_the_wait_ends_by_itself(now, guardian_anna):
    for _ in range(POLICY.account_failures):
        sign_in("anna@famille.test", "pas-le-bon")
    now.advance(seconds=61)

    response = sign_in("anna@famille.test", PASSWORD)

    assert response.status_code == 302
    assert len(journal("auth.login", about=guardian_anna)) == 1


def test_a_password_reset_ends_the_wait_of_the_account(now, guardian_anna):
    for _ in range(POLICY.account_failures + 3):
        sign_in("anna@famille.test", "pas-le-bon")
        now.advance(seconds=1)
    audit.record(event=events.PASSWORD_RESET, actor=guardian_anna, subject=guardian_anna)
    now.advance(seconds=1)

    assert sign_in("anna@famille.test", PASSWORD).status_code == 302


def test_a_success_starts_the_count_again(now, guardian_anna):
    for _ in range(POLICY.account_failures - 1):
        sign_in("anna@famille.test", "pas-le-bon")
    assert sign_in("anna@famille.test", PASSWORD).status_code == 302
    for _ in range(POLICY.account_failures - 1):
        sign_in("anna@famille.test", "pas-le-bon")

    assert journal(events.LOCKOUT) == []
    assert sign_in("anna@famille.test", PASSWORD).status_code == 302


def test_failures_older_than_the_window_do_not_count(now, guardian_anna):
    for _ in range(POLICY.account_failures - 1):
        sign_in("anna@famille.test", "pas-le-bon")
    now.advance(seconds=POLICY.failure_window.total_seconds() + 60)
    sign_in("anna@famille.test", "pas-le-bon")

    assert journal(events.LOCKOUT) == []


def test_an_unknown_login_is_slowed_down_alike_so_that_nothing_tells_which_logins_exist(now, db):
    for _ in range(POLICY.account_failures):
        sign_in("personne@nulle.part", "x")

    text = sign_in("personne@nulle.part", "x").content.decode()

    assert "Trop de tentatives de connexion ont échoué pour ce compte" in text
    [lockout] = journal(events.LOCKOUT)
    assert lockout.subject_ref == ""
    assert "personne" not in str(lockout.data)


def test_the_backend_itself_refuses_a_slowed_account_for_any_other_way_in(now, guardian_anna):
    for _ in range(POLICY.account_failures):
        sign_in("anna@famille.test", "pas-le-bon")
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="192.0.2.44")

    assert authenticate(request, username="anna@famille.test", password=PASSWORD) is None


def test_guesses_spread_over_many_accounts_from_one_address_slow_that_address_only(
    now, staff, guardian_anna, mailoutbox, django_capture_on_commit_callbacks
):
    attacker = "198.51.100.66"
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(POLICY.address_logins):
            sign_in(f"victime{n}@exemple.test", "devine", ip=attacker)

    refused = sign_in("anna@famille.test", PASSWORD, ip=attacker)
    elsewhere = sign_in("anna@famille.test", PASSWORD, ip="192.0.2.1")

    assert refused.status_code == 429
    assert "Trop de tentatives de connexion ont échoué depuis votre réseau" in (
        refused.content.decode()
    )
    assert elsewhere.status_code == 302
    [lockout] = [e for e in journal(events.LOCKOUT) if e.data["scope"] == "address"]
    assert lockout.ip == attacker
    assert lockout.data["failures"] == POLICY.address_logins
    assert journal(events.LOCKOUT, about=guardian_anna) == []  # no account was slowed
    [alert] = journal(events.ALERT_ADDRESS_FAILURES)
    assert alert.ip == attacker
    address_mails = [m for m in mailoutbox if "depuis une adresse" in m.subject]
    assert len(address_mails) == 2
    assert attacker in address_mails[0].body


def test_a_class_mistyping_passwords_behind_one_address_is_not_slowed_down(now, db):
    """Forty pupils share a school's address; each mistypes a couple of times, then gets in."""
    school = "192.0.2.200"
    for n in range(40):
        login = f"eleve.{n}"
        make_user(role=Role.PUPIL, username=login)
        sign_in(login, "oups", ip=school)
        sign_in(login, "oups", ip=school)
        assert sign_in(login, PASSWORD, ip=school).status_code == 302

    assert journal(events.LOCKOUT) == []


def test_one_pupil_hammering_an_account_at_school_does_not_slow_the_class(now, db):
    school = "192.0.2.200"
    make_user(role=Role.PUPIL, username="victime")
    make_user(role=Role.PUPIL, username="camarade")
    for _ in range(200):
        sign_in("victime", "devine", ip=school)

    assert sign_in("camarade", PASSWORD, ip=school).status_code == 302
    assert {e.data["scope"] for e in journal(events.LOCKOUT)} == {"account"}


def test_an_ongoing_attack_alerts_once_an_hour_not_at_every_delay(
    now, staff, guardian_anna, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            for _ in range(POLICY.account_failures):
                sign_in("anna@famille.test", "pas-le-bon")
            now.advance(minutes=16)

    assert len(journal(events.LOCKOUT)) == 3
    assert len(journal(events.ALERT_ACCOUNT_FAILURES)) == 1
    assert len(mailoutbox) == 2


# Reads --------------------------------------------------------------------------------------


def read_people(viewer, count: int, what: str = "account") -> None:
    for _ in range(count):
        audit.record_read(viewer=viewer, subject=make_user(), what=what)


def test_staff_reading_unusually_many_people_raises_an_alert(
    now, staff, cs_farid, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        read_people(cs_farid, POLICY.staff_reads_floor + 1)

    [alert] = journal(events.ALERT_STAFF_READS)
    assert alert.subject_ref == f"user:{cs_farid.public_id}"
    assert alert.data["people"] == POLICY.staff_reads_floor + 1
    assert alert.data["usual"] == 0
    assert len(mailoutbox) == 2
    read_people(cs_farid, 5)
    assert len(journal(events.ALERT_STAFF_READS)) == 1  # once an hour


def test_a_staff_account_busy_as_usual_raises_no_alert(now, cs_farid):
    read_people(cs_farid, 30)  # a busy hour, last week
    now.advance(days=7)

    read_people(cs_farid, POLICY.staff_reads_floor + 1)

    assert journal(events.ALERT_STAFF_READS) == []


def test_a_teacher_reading_a_whole_school_raises_no_alert(now, teacher_chloe):
    read_people(teacher_chloe, POLICY.staff_reads_floor + 5, what="results")

    assert journal(events.ALERT_STAFF_READS) == []
    assert len(journal("read.results")) == POLICY.staff_reads_floor + 5


def download_archive(person, ip: str) -> None:
    audit.record_read(
        viewer=person, subject=person, what="archive", meta={"ip": ip, "user_agent": "Firefox"}
    )


def test_an_archive_downloaded_from_a_new_address_raises_an_alert(
    now, staff, guardian_anna, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in("anna@famille.test", PASSWORD, ip="203.0.113.10")
    now.advance(days=10)
    download_archive(guardian_anna, "203.0.113.99")  # same /24: her usual place
    assert journal(events.ALERT_ARCHIVE_NEW_ADDRESS) == []

    with django_capture_on_commit_callbacks(execute=True):
        download_archive(guardian_anna, "198.51.100.23")

    [alert] = journal(events.ALERT_ARCHIVE_NEW_ADDRESS)
    assert alert.subject_ref == f"user:{guardian_anna.public_id}"
    assert alert.ip == "198.51.100.23"
    assert alert.data == {
        "triggered_by": journal(events.ARCHIVE_DOWNLOADED)[-1].seq,
        "known_networks": 1,
    }
    assert len(mailoutbox) == 2
    assert "198.51.100.23" in mailoutbox[0].body


def test_a_sign_in_from_the_new_address_just_before_does_not_make_it_known(now, guardian_anna):
    """Whoever stole the password signs in, then downloads: the sign-in is not a habit yet."""
    sign_in("anna@famille.test", PASSWORD, ip="203.0.113.10")
    now.advance(days=10)
    sign_in("anna@famille.test", PASSWORD, ip="198.51.100.23")
    now.advance(minutes=2)

    download_archive(guardian_anna, "198.51.100.23")

    assert len(journal(events.ALERT_ARCHIVE_NEW_ADDRESS)) == 1


def test_a_new_account_has_no_habits_to_differ_from(now, guardian_anna):
    sign_in("anna@famille.test", PASSWORD, ip="203.0.113.10")

    download_archive(guardian_anna, "198.51.100.23")

    assert journal(events.ALERT_ARCHIVE_NEW_ADDRESS) == []


def test_the_archive_event_is_the_one_the_rights_engine_records(db):
    assert events.ARCHIVE_DOWNLOADED == "read.archive"


# Privileges ---------------------------------------------------------------------------------


def test_granting_a_staff_role_alerts(
    now, staff, it_jules, mailoutbox, django_capture_on_commit_callbacks
):
    from charte.accounts.actions import change_role

    someone = make_user(role=Role.TEACHER)
    with django_capture_on_commit_callbacks(execute=True):
        change_role(user=someone, role=Role.DPO, actor=it_jules)

    [alert] = journal(events.ALERT_PRIVILEGE_GRANTED)
    assert alert.data["to"] == "dpo"
    assert alert.data["by"] == f"user:{it_jules.public_id}"
    assert len(mailoutbox) == 2
    assert now.now - alert.at < timedelta(seconds=1)


def test_an_alert_reaches_it_and_the_dpo_through_the_outbox_each_in_their_language(
    now, guardian_anna, mailoutbox, django_capture_on_commit_callbacks
):
    it_en = make_user(role=Role.IT, email="it@charte.test")
    User.objects.filter(pk=it_en.pk).update(language="en")
    dpo = make_user(role=Role.DPO, email="dpo@charte.test")
    make_user(role=Role.CUSTOMER_SERVICE, email="cs@charte.test")  # not an alert's recipient

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(POLICY.account_failures):
            sign_in("anna@famille.test", "pas-le-bon")

    [alert] = journal(events.ALERT_ACCOUNT_FAILURES)
    messages = Message.objects.filter(kind="audit.alert").order_by("to_email")
    assert [(m.to_email, m.status) for m in messages] == [
        ("dpo@charte.test", Message.Status.SENT),
        ("it@charte.test", Message.Status.SENT),
    ]
    queued = journal("notification.queued")
    assert {e.subject_ref for e in queued if e.data["kind"] == "audit.alert"} == {
        f"user:{it_en.public_id}",
        f"user:{dpo.public_id}",
    }
    by_address = {m.to[0]: m for m in mailoutbox}
    assert "échecs de connexion répétés sur un compte" in by_address["dpo@charte.test"].subject
    english = by_address["it@charte.test"]
    assert "repeated sign-in failures" in english.subject.lower()
    assert f"person=user%3A{guardian_anna.public_id}" in english.body
    assert f"Journal entry no. {alert.seq}." in english.body
    assert "anna@famille.test" not in english.body


def test_an_alert_that_fails_for_one_recipient_is_queued_for_none_so_a_retry_sends_it_once(
    monkeypatch,
):
    make_user(role=Role.IT, email="it@charte.test")
    make_user(role=Role.DPO, email="dpo@charte.test")
    entry = raise_alert(event=events.ALERT_PRIVILEGE_GRANTED, data={"to": "dpo"})
    assert entry is not None
    real = alerts._sender[0]
    calls: list[str] = []

    def flaky(user, context):
        calls.append(user.email)
        if len(calls) == 2:
            raise ConnectionError("the second recipient's queue is down")
        return real(user, context)

    monkeypatch.setattr(alerts, "_sender", [flaky])
    with pytest.raises(ConnectionError):
        send_alert_email(entry)

    assert not Message.objects.filter(kind="audit.alert").exists()

    monkeypatch.setattr(alerts, "_sender", [real])
    assert send_alert_email(entry) == 2
    assert Message.objects.filter(kind="audit.alert").count() == 2
