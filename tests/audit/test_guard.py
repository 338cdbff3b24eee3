# ruff: noqa: S608  (raw SQL against the journal is what these tests do)
"""The journal refuses to be changed: through the ORM everywhere, in the database on PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from charte.audit.models import AppendOnlyError, Entry, Seal
from tests.audit.conftest import postgres_only, write

pytestmark = pytest.mark.django_db


def sql(statement: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)


def test_entries_cannot_be_bulk_written_around_the_chain(db):
    with pytest.raises(AppendOnlyError):
        Entry.objects.bulk_create([Entry(seq=1, event="x", actor_ref="system:x")])
    with pytest.raises(AppendOnlyError):
        Entry.objects.create(seq=1, event="x", actor_ref="system:x")  # no hash: not appended


def test_seals_cannot_be_changed_or_removed_through_the_orm(three_sealed_days):
    seal = Seal.objects.first()
    assert seal is not None

    seal.root = "f" * 64
    with pytest.raises(AppendOnlyError):
        seal.save()
    with pytest.raises(AppendOnlyError):
        seal.delete()
    with pytest.raises(AppendOnlyError):
        Seal.objects.update(root="f" * 64)
    with pytest.raises(AppendOnlyError):
        Seal.objects.all().delete()


@pytest.mark.postgres
@postgres_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_entry SET event = 'forged' WHERE seq = 1",
        "DELETE FROM audit_entry WHERE seq = 1",
        "UPDATE audit_seal SET root = 'forged'",
        "DELETE FROM audit_seal",
    ],
)
def test_postgresql_refuses_raw_changes(three_sealed_days, statement):
    with pytest.raises(DatabaseError, match="the journal is append-only"):
        sql(statement)

    assert Entry.objects.get(seq=1).event == "test.done"
    assert Seal.objects.count() == 3


@pytest.mark.postgres
@postgres_only
def test_the_retention_path_may_delete_entries_and_stamp_seals_but_nothing_more(
    three_sealed_days,
):
    retention = "SET LOCAL charte.journal_retention = 'on'; "

    with pytest.raises(DatabaseError, match="append-only"):
        sql(retention + "UPDATE audit_entry SET event = 'forged' WHERE seq = 1")
    with pytest.raises(DatabaseError, match="append-only"):
        sql(
            retention
            + "UPDATE audit_seal SET root = 'x', pruned_at = now() WHERE day = '2026-03-02'"
        )
    with pytest.raises(DatabaseError, match="append-only"):
        sql(retention + "DELETE FROM audit_seal WHERE day = '2026-03-02'")

    sql(retention + "UPDATE audit_seal SET pruned_at = now() WHERE day = '2026-03-02'")
    with pytest.raises(DatabaseError, match="append-only"):  # once only
        sql(retention + "UPDATE audit_seal SET pruned_at = now() WHERE day = '2026-03-02'")
    sql(retention + "DELETE FROM audit_entry WHERE seq <= 3")

    assert Entry.objects.filter(seq__lte=3).count() == 0


@pytest.mark.postgres
@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_retention_setting_lasts_one_transaction_only(three_sealed_days):
    sql("SET LOCAL charte.journal_retention = 'on'")

    with pytest.raises(DatabaseError, match="append-only"):
        sql("DELETE FROM audit_entry WHERE seq = 1")
    write(1)  # and appending is never refused
