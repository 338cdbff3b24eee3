# ruff: noqa: S608  (tampering with the journal in SQL is what these tests do)
"""`journal verify` catches every way of changing the journal behind the application's back.

Each test builds three sealed days and a few entries of today, changes the database directly
(as a database administrator, a stolen database password or an SQL injection could), and
checks that verification fails, exits non-zero and names the place first.
"""

import hashlib
import hmac

import pytest
from django.db import connection, transaction
from django.test import override_settings

from charte import audit
from charte.audit import chain
from charte.audit.models import Entry, Seal
from charte.audit.verify import verify
from tests.audit.conftest import JSON_CAST, TESTER, json_param, run_journal, tamper, write
from tests.conftest import journal

pytestmark = pytest.mark.django_db


def assert_broken(first: str) -> str:
    code, out, err = run_journal("verify")
    assert code == 1, out + err
    assert err.splitlines()[0] == f"Journal broken: {first}", err
    return err


def entry(seq: int) -> Entry:
    return Entry.objects.get(seq=seq)


def test_a_journal_left_alone_verifies_and_says_what_it_checked(three_sealed_days):
    code, out, err = run_journal("verify")

    assert (code, err) == (0, "")
    assert "Journal verified: every entry and seal matches." in out
    assert "Entries: 12 (#1 to #12)" in out
    assert "Seals: 3, the last for 2026-03-04" in out
    [verified] = journal("journal.verified")
    assert verified.data == {"ok": True, "entries": 12, "seals": 3, "problems": 0, "head": 12}


def test_each_entry_names_the_hash_of_the_one_before(three_sealed_days):
    entries = list(Entry.objects.order_by("seq"))

    assert entries[0].prev_hash == chain.GENESIS
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))


def test_an_edited_payload_is_named(three_sealed_days):
    tamper(f"UPDATE audit_entry SET data = %s{JSON_CAST} WHERE seq = 5", [json_param({"n": 99})])

    assert_broken("entry #5 (2026-03-03T09:00:00Z): altered (its content does not match its hash)")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("event", "test.forged"),
        ("actor_ref", "system:someone-else"),
        ("subject_ref", "user:00000000-0000-0000-0000-000000000001"),
        ("user_agent", "curl/8"),
        ("ip", "192.0.2.1"),
    ],
)
def test_any_edited_column_of_an_unsealed_entry_is_named(three_sealed_days, column, value):
    tamper(f"UPDATE audit_entry SET {column} = %s WHERE seq = 11", [value])

    assert_broken("entry #11 (2026-03-05T09:00:00Z): altered (its content does not match its hash)")


def test_a_moved_time_is_named(three_sealed_days):
    tamper("UPDATE audit_entry SET at = %s WHERE seq = 2", ["2026-03-02 10:00:00+00:00"])

    assert_broken("entry #2 (2026-03-02T10:00:00Z): altered (its content does not match its hash)")


def test_a_removed_entry_is_named(three_sealed_days):
    tamper("DELETE FROM audit_entry WHERE seq = 8")

    err = assert_broken(
        "entry #8: missing (removed); the chain jumps to entry #9 (2026-03-04T09:00:00Z)"
    )
    assert "seal of 2026-03-04: 3 entries sealed (#7 to #9), 2 found" in err


def test_the_removed_last_entries_of_a_sealed_day_are_named(three_sealed_days):
    tamper("DELETE FROM audit_entry WHERE seq IN (8, 9)")

    assert_broken(
        "entries #8 to #9: missing (removed); the chain jumps to entry #10 (2026-03-05T09:00:00Z)"
    )


def test_two_swapped_entries_are_named(three_sealed_days):
    one, two = entry(2), entry(3)
    columns = [
        "at",
        "event",
        "actor_ref",
        "subject_ref",
        "data",
        "ip",
        "user_agent",
        "prev_hash",
        "hash",
    ]
    assignments = ", ".join(f"{c} = %s" for c in columns)
    row = lambda e: [getattr(e, c) if c != "data" else json_param(e.data) for c in columns]  # noqa: E731
    tamper(f"UPDATE audit_entry SET {assignments} WHERE seq = 2", row(two))
    tamper(f"UPDATE audit_entry SET {assignments} WHERE seq = 3", row(one))

    err = assert_broken(
        "entry #2 (2026-03-02T09:00:00Z): does not follow the entry before it (entries were "
        "reordered, or the one before was replaced)"
    )
    assert "entry #3 (2026-03-02T09:00:00Z): altered" in err


def test_reordered_entries_are_named(three_sealed_days):
    tamper("UPDATE audit_entry SET seq = -1 WHERE seq = 4")
    tamper("UPDATE audit_entry SET seq = 4 WHERE seq = 5")
    tamper("UPDATE audit_entry SET seq = 5 WHERE seq = -1")

    assert_broken(
        "entry #4 (2026-03-03T09:00:00Z): does not follow the entry before it (entries were "
        "reordered, or the one before was replaced)"
    )


def test_an_inserted_entry_is_named_even_with_a_well_formed_hash(three_sealed_days):
    head = Entry.objects.order_by("-seq").first()
    assert head is not None
    content = chain.entry_bytes(13, head.at, "auth.login", "user:x", "", {}, None, "")
    forged = hmac.digest(b"not the journal key", bytes.fromhex(head.hash) + content, "sha256")
    tamper(
        "INSERT INTO audit_entry (seq, at, event, actor_ref, subject_ref, data, ip, user_agent,"
        f" prev_hash, hash) VALUES (13, %s, 'auth.login', 'user:x', '', %s{JSON_CAST}, NULL, '',"
        " %s, %s)",
        [head.at, "{}", head.hash, forged.hex()],
    )

    assert_broken("entry #13 (2026-03-05T09:00:00Z): altered (its content does not match its hash)")


def test_a_rehashed_chain_without_the_key_is_named_where_it_starts(three_sealed_days):
    """Someone edits entry #11 and recomputes every later hash with plain SHA-256."""
    tamper("UPDATE audit_entry SET event = 'test.forged' WHERE seq = 11")
    prev = entry(10).hash
    for e in Entry.objects.filter(seq__gte=11).order_by("seq"):
        content = chain.row_content([getattr(e, f) for f in chain.ENTRY_FIELDS])
        digest = hashlib.sha256(bytes.fromhex(prev) + content).hexdigest()
        tamper(
            "UPDATE audit_entry SET prev_hash = %s, hash = %s WHERE seq = %s", [prev, digest, e.seq]
        )
        prev = digest

    assert_broken("entry #11 (2026-03-05T09:00:00Z): altered (its content does not match its hash)")


def test_an_entry_slipped_into_a_sealed_day_is_named(three_sealed_days):
    """A forged entry dated in a sealed day, added at the end of the chain."""
    head = Entry.objects.order_by("-seq").first()
    assert head is not None
    tamper(
        "INSERT INTO audit_entry (seq, at, event, actor_ref, subject_ref, data, ip, user_agent,"
        f" prev_hash, hash) VALUES (13, %s, 'test.done', 'system:tester', '', %s{JSON_CAST},"
        " NULL, '', %s, %s)",
        ["2026-03-03 12:00:00+00:00", "{}", head.hash, "0" * 64],
    )

    err = assert_broken(
        "entry #13 (2026-03-03T12:00:00Z): altered (its content does not match its hash)"
    )
    assert (
        "entry #13 (2026-03-03T12:00:00Z): dated in 2026-03-04 or before, a day already sealed"
        in err
    )


def test_a_forged_seal_is_named(three_sealed_days):
    tamper("UPDATE audit_seal SET root = %s WHERE day = '2026-03-03'", ["f" * 64])

    err = assert_broken("seal of 2026-03-03: altered (its content does not match its signature)")
    assert "seal of 2026-03-03: its entries no longer give the root it sealed" in err


def test_a_seal_recomputed_without_the_key_is_named(three_sealed_days):
    seal = Seal.objects.get(day="2026-03-03")
    forged = hashlib.sha256(seal.root.encode()).hexdigest()
    tamper("UPDATE audit_seal SET hash = %s WHERE day = '2026-03-03'", [forged])

    err = assert_broken("seal of 2026-03-03: altered (its content does not match its signature)")
    assert "seal of 2026-03-04: does not follow the seal before it" in err


def test_a_removed_seal_is_named(three_sealed_days):
    tamper("DELETE FROM audit_seal WHERE day = '2026-03-03'")

    err = assert_broken(
        "seal of 2026-03-04: does not follow the seal before it (a seal was removed, inserted or "
        "replaced before it)"
    )
    assert "seal of 2026-03-04: the days from 2026-03-03 to 2026-03-03 have no seal" in err


def test_a_removed_day_is_named_when_its_seal_stays(three_sealed_days):
    tamper("DELETE FROM audit_entry WHERE seq BETWEEN 4 AND 6")

    err = assert_broken(
        "entries #4 to #6: missing (removed); the chain jumps to entry #7 (2026-03-04T09:00:00Z)"
    )
    assert "seal of 2026-03-03: 3 entries sealed (#4 to #6), 0 found" in err


def test_a_day_removed_as_if_by_retention_but_without_the_key_is_named(three_sealed_days):
    tamper(
        "UPDATE audit_seal SET pruned_at = %s, pruned_as_of = %s, pruned_mac = %s "
        "WHERE day = '2026-03-02'",
        ["2027-03-03 00:00:00+00:00", "2027-03-03", "0" * 64],
    )
    tamper("DELETE FROM audit_entry WHERE seq <= 3")

    assert_broken(
        "seal of 2026-03-02: marked as pruned, but not by the journal's retention (the pruning's "
        "signature does not match)"
    )


def test_a_day_removed_before_its_year_is_named_even_when_signed(three_sealed_days):
    """Whoever holds the key could stamp a day as pruned; not before its year without it showing."""
    seal = Seal.objects.get(day="2026-03-02")
    pruned_at = three_sealed_days.now
    as_of = pruned_at.date()
    mac = chain.pruning_mac(seal_hash=seal.hash, as_of=as_of, pruned_at=pruned_at)
    tamper(
        "UPDATE audit_seal SET pruned_at = %s, pruned_as_of = %s, pruned_mac = %s "
        "WHERE day = '2026-03-02'",
        [pruned_at, as_of, mac],
    )
    tamper("DELETE FROM audit_entry WHERE seq <= 3")

    assert_broken(
        "seal of 2026-03-02: its entries were removed on 2026-03-05, before the end of their year"
    )


@override_settings(CHARTE_JOURNAL_KEY="another key entirely, of a decent length 0123456789")
def test_verifying_with_another_key_says_so(three_sealed_days):
    err = assert_broken(
        f"seal of 2026-03-02: signed with another journal key ({Seal.objects.first().key_id}; "  # type: ignore[union-attr]
        f"this server's is {chain.key_id()}): is JOURNAL_KEY the one it was written with?"
    )
    assert "entry #1 (2026-03-02T09:00:00Z): altered" in err


def test_a_broken_journal_is_journalled_and_alerts_it_and_the_dpo(
    three_sealed_days, it_jules, dpo_elise, django_capture_on_commit_callbacks, mailoutbox
):
    tamper("UPDATE audit_entry SET event = 'test.forged' WHERE seq = 2")

    with django_capture_on_commit_callbacks(execute=True):
        assert_broken(
            "entry #2 (2026-03-02T09:00:00Z): altered (its content does not match its hash)"
        )

    [verified] = journal("journal.verified")
    assert verified.data["ok"] is False
    [alert] = journal("alert.journal_broken")
    assert alert.data == {"problems": 1, "first_seq": 2}
    assert sorted(m.to[0] for m in mailoutbox) == ["elise@charte.test", "jules@charte.test"]
    assert "le journal ne se vérifie plus" in mailoutbox[0].subject


def test_the_problems_are_listed_in_chain_order(three_sealed_days):
    tamper("UPDATE audit_entry SET event = 'test.forged' WHERE seq = 11")
    tamper("UPDATE audit_seal SET root = %s WHERE day = '2026-03-04'", ["f" * 64])
    tamper("UPDATE audit_entry SET event = 'test.forged' WHERE seq = 2")

    report = verify()

    assert [str(p).split(":")[0] for p in report.problems] == [
        "entry #2 (2026-03-02T09",
        "seal of 2026-03-04",  # its signature
        "seal of 2026-03-04",  # its root
        "entry #11 (2026-03-05T09",
    ]


def test_a_rolled_back_entry_leaves_no_gap(db):
    def failing_action() -> None:
        with transaction.atomic():
            write(3)
            raise RuntimeError("the action failed")

    write(2)
    with pytest.raises(RuntimeError):
        failing_action()
    write(1)

    assert list(Entry.objects.values_list("seq", flat=True)) == [1, 2, 3]
    assert verify().ok


def test_a_payload_reads_back_exactly_as_it_was_signed(db):
    audit.record(
        event="test.shapes",
        actor=TESTER,
        data={"big": 10**20, "float": 1e20, "small": 1.5e-7, "list": [1, 2.0, "é"], "none": None},
        meta=None,
    )
    tamper("SELECT 1")  # nothing changed: the database's own rendering must still verify

    [e] = journal("test.shapes")
    assert e.data["float"] == 10**20
    assert isinstance(e.data["float"], int)
    assert verify().ok


def test_an_ipv6_address_reads_back_exactly_as_it_was_signed(db, guardian_anna):
    audit.record(
        event="auth.login",
        actor=guardian_anna,
        subject=guardian_anna,
        meta={"ip": "2001:DB8:0:0:0:0:0:1", "user_agent": "Firefox\x00"},
    )

    [e] = journal("auth.login")
    assert (e.ip, e.user_agent) == ("2001:db8::1", "Firefox")
    assert verify().ok


def test_the_guard_tests_really_bypass_nothing_but_the_guard(three_sealed_days):
    """A sanity check of the tamper helper itself: the application's own view of the row changed."""
    tamper("UPDATE audit_entry SET event = 'test.forged' WHERE seq = 1")

    assert connection.vendor in {"sqlite", "postgresql"}
    assert entry(1).event == "test.forged"
