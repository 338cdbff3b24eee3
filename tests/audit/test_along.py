"""An action's new rows and its journal entry, all or none (`audit.record(along=...)`).

On PostgreSQL they go in by one statement, the journal's append, which needs no transaction
around it; on SQLite in the append's transaction. Either way: the rows are saved as `save()`
saves them, there is never a row without its entry nor an entry without its rows, and a head
moved by another writer makes the append sign again without inserting the rows twice.
"""

import pytest
from django.db import IntegrityError, connection
from django.db.models import signals
from django.test.utils import CaptureQueriesContext

from charte import audit
from charte.audit import chain
from charte.audit.models import Entry
from charte.audit.verify import verify
from charte.consent.models import ConsentRecord
from charte.core.actors import SystemActor
from tests.audit.conftest import postgres_only

pytestmark = pytest.mark.django_db(transaction=True)

SERVICE = SystemActor("api:test")


def record(**overrides: object) -> ConsentRecord:
    fields = {
        "subject_ref": "user:00000000-0000-0000-0000-00000000000a",
        "purpose": "newsletter",
        "act": "refused",
        "actor_ref": "system:api:test",
        "channel": "api",
    } | overrides
    return ConsentRecord(**fields)


def journal(row: ConsentRecord) -> Entry:
    return audit.record(
        event="consent.refused", actor=SERVICE, data={"record": str(row.public_id)}, along=[row]
    )


def test_the_rows_go_in_with_their_entry_as_save_would_save_them():
    journal(record())  # a first append: a new connection's lane is claimed the general way
    seen = []

    def after(sender, instance, created, **kwargs):
        seen.append((instance.pk, created))

    signals.post_save.connect(after, sender=ConsentRecord)
    try:
        row = record(actor_ref="system:api:te\x00st")  # a NUL, cleaned before saving
        entry = journal(row)
    finally:
        signals.post_save.disconnect(after, sender=ConsentRecord)

    assert row.pk is not None
    assert not row._state.adding
    assert seen == [(row.pk, True)]
    stored = ConsentRecord.objects.get(pk=row.pk)
    assert (stored.public_id, stored.actor_ref, stored.at) == (
        row.public_id,
        "system:api:test",
        row.at,
    )
    assert Entry.objects.get(pk=entry.pk).data["record"] == str(row.public_id)
    assert verify().ok


@postgres_only
def test_on_postgresql_the_rows_and_the_entry_are_one_statement():
    journal(record())
    row = record()

    with CaptureQueriesContext(connection) as queries:
        journal(row)

    [statement] = [q["sql"] for q in queries.captured_queries]
    assert "charte_journal_append" in statement
    assert 'INSERT INTO "consent_consentrecord"' in statement
    assert ConsentRecord.objects.filter(pk=row.pk).count() == 1


def test_a_row_the_database_refuses_takes_its_entry_with_it():
    journal(record())
    entries = Entry.objects.count()
    refused = record(act="given")  # no text: the table's constraint refuses it

    with pytest.raises(IntegrityError):
        journal(refused)

    assert Entry.objects.count() == entries
    assert not ConsentRecord.objects.filter(public_id=refused.public_id).exists()
    after = record()
    journal(after)  # and the next append goes on from the same head
    assert ConsentRecord.objects.filter(pk=after.pk).exists()
    assert Entry.objects.count() == entries + 1
    assert verify().ok


@postgres_only
def test_a_head_moved_by_another_writer_signs_again_and_inserts_the_rows_once():
    journal(record())
    head = connection.charte_journal_head  # type: ignore[attr-defined]
    # What this connection expects is one entry behind: another writer appended meanwhile.
    stale = chain.Head(head.lane, head.seq - 1, "0" * 64, head.at, None)
    connection.charte_journal_head = stale  # type: ignore[attr-defined]
    entries = Entry.objects.count()
    row = record()

    journal(row)

    assert ConsentRecord.objects.filter(public_id=row.public_id).count() == 1
    assert Entry.objects.count() == entries + 1
    assert Entry.objects.filter(data__record=str(row.public_id)).count() == 1
    assert verify().ok
