import pytest

from charte import audit
from charte.audit import events
from charte.audit.models import AppendOnlyError, Entry
from charte.core.actors import RETENTION
from tests.conftest import journal

pytestmark = pytest.mark.django_db


def test_an_entry_names_people_by_their_public_id_only(guardian_anna, teacher_chloe):
    entry = audit.record(
        event="test.read", actor=teacher_chloe, subject=guardian_anna, data={"n": 1}
    )

    assert entry.actor_ref == f"user:{teacher_chloe.public_id}"
    assert entry.subject_ref == f"user:{guardian_anna.public_id}"
    assert "Anna" not in str(Entry.objects.values().get(pk=entry.pk))


def test_a_system_job_is_named_as_such():
    entry = audit.record(event="retention.swept", actor=RETENTION, data={"count": 3})

    assert entry.actor_ref == "system:retention"
    assert entry.subject_ref == ""


def test_entries_are_never_updated_or_deleted_through_the_orm(guardian_anna):
    entry = audit.record(event="test.read", actor=guardian_anna)

    entry.event = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=entry.pk).update(event="forged")
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=entry.pk).delete()
    assert Entry.objects.get(pk=entry.pk).event == "test.read"


def test_a_read_of_someone_elses_data_is_journalled_without_an_address(teacher_chloe, child_ben):
    entry = audit.record_read(
        viewer=teacher_chloe, subject=child_ben, what="results", data={"exercise": 12}
    )

    assert entry is not None
    assert entry.event == "read.results"
    assert entry.actor_ref == f"user:{teacher_chloe.public_id}"
    assert entry.subject_ref == f"user:{child_ben.public_id}"
    assert (entry.ip, entry.user_agent) == (None, "")


def test_reading_ones_own_data_is_not_journalled_but_downloading_an_archive_is(guardian_anna):
    assert audit.record_read(viewer=guardian_anna, subject=guardian_anna, what="results") is None

    entry = audit.record_read(
        viewer=guardian_anna,
        subject=guardian_anna,
        what="archive",
        meta={"ip": "203.0.113.5", "user_agent": "Firefox"},
    )

    assert entry is not None
    assert entry.event == events.ARCHIVE_DOWNLOADED
    assert entry.ip == "203.0.113.5"
    assert [e.event for e in journal(about=guardian_anna)] == ["account.created", "read.archive"]


def test_what_was_read_is_a_code_not_free_text(teacher_chloe, child_ben):
    with pytest.raises(ValueError, match="short code"):
        audit.record_read(viewer=teacher_chloe, subject=child_ben, what="Ben's results")


def test_an_address_is_refused_for_an_event_that_does_not_need_one(guardian_anna):
    with pytest.raises(ValueError, match=r"keeps no IP address or user agent for 'account\.up"):
        audit.record(
            event="account.updated",
            actor=guardian_anna,
            subject=guardian_anna,
            meta={"ip": "203.0.113.5", "user_agent": "Firefox"},
        )
    assert journal("account.updated") == []


def test_an_app_declares_why_its_event_needs_the_address(guardian_anna, monkeypatch):
    monkeypatch.setattr(events, "_CONNECTION_DATA", dict(events._CONNECTION_DATA))
    events.declare_connection_data("consent.given", reason="prouver d'où vient le consentement")

    entry = audit.record(
        event="consent.given",
        actor=guardian_anna,
        subject=guardian_anna,
        meta={"ip": "203.0.113.5", "user_agent": "Firefox"},
    )

    assert entry.ip == "203.0.113.5"
    assert "prouver d'où vient le consentement" in events.connection_data_events().values()


@pytest.mark.parametrize(
    "event",
    [
        "auth.login",
        "auth.login_failed",
        "auth.lockout",
        "access.denied",
        "read.archive",
        "account.role_changed",
        "alert.staff_reads",
    ],
)
def test_the_security_events_carry_the_address(event):
    assert events.carries_connection_data(event)


@pytest.mark.parametrize("event", ["account.created", "read.results", "journal.searched"])
def test_ordinary_events_do_not(event):
    assert not events.carries_connection_data(event)


def test_the_declaration_says_which_events_carry_the_address():
    from charte.audit.models import Entry
    from charte.privacy.registry import registry

    declaration = registry.declaration_for(Entry)
    assert declaration is not None
    note = str(declaration.fields["ip"].note)
    assert note.startswith("Seulement pour les connexions, échecs de connexion")
    assert "téléchargements d'une archive de données" in note
    assert str(declaration.fields["user_agent"].note) == note


def test_a_payload_holds_ids_codes_and_counts_only(guardian_anna):
    with pytest.raises(TypeError, match="not object"):
        audit.record(event="test.bad", actor=guardian_anna, data={"x": object()})
    with pytest.raises(ValueError, match="finite"):
        audit.record(event="test.bad", actor=guardian_anna, data={"x": float("nan")})


def test_the_package_loads_no_model_when_imported():
    import subprocess
    import sys

    code = (
        "import charte.audit, charte.audit.events, sys;"
        "assert 'charte.audit.models' not in sys.modules, sorted(sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_the_journals_mac_is_standard_hmac_sha256_under_the_journal_key(settings):
    import hmac

    from charte.audit import chain

    for secret in ("short key", "k" * 64, "a much longer key than one block of sha-256 " * 3):
        settings.CHARTE_JOURNAL_KEY = secret
        expected = hmac.digest(secret.encode(), b"entry\x00message", "sha256").hex()
        assert chain._mac(b"entry", b"message") == expected
