"""The journal becomes several chains ("lanes") written side by side, joined by the daily seal.

Existing entries are lane 0, whose entries are signed exactly as before, so a journal written
with one chain verifies unchanged. On PostgreSQL, `charte_journal_claim` takes a free lane's
lock and reads that lane's head in one round trip (see charte/audit/chain.py).
"""

from django.db import migrations, models

CLAIM = """
CREATE OR REPLACE FUNCTION charte_journal_claim(hint integer, lanes integer, base bigint)
RETURNS TABLE(lane integer, seq bigint, hash varchar, at timestamptz, sealed date)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    chosen integer := -1;
    k integer;
BEGIN
    -- The lane this connection used last first: a transaction that already holds it takes it
    -- again (advisory locks are re-entrant), so a transaction holds one lane at most.
    IF pg_try_advisory_xact_lock(base + hint) THEN
        chosen := hint;
    ELSE
        FOR k IN 0 .. lanes - 1 LOOP
            IF k <> hint AND pg_try_advisory_xact_lock(base + k) THEN
                chosen := k;
                EXIT;
            END IF;
        END LOOP;
    END IF;
    IF chosen < 0 THEN
        -- Every lane busy: wait for ours. A waiter holds no lane, so no two can wait on
        -- each other.
        PERFORM pg_advisory_xact_lock(base + hint);
        chosen := hint;
    END IF;
    -- A new statement, so a new snapshot: it sees the head the lock's last holder committed.
    RETURN QUERY SELECT
        chosen,
        (SELECT e.seq FROM audit_entry e WHERE e.lane = chosen ORDER BY e.seq DESC LIMIT 1),
        (SELECT e.hash FROM audit_entry e WHERE e.lane = chosen ORDER BY e.seq DESC LIMIT 1),
        (SELECT e.at FROM audit_entry e WHERE e.lane = chosen ORDER BY e.seq DESC LIMIT 1),
        (SELECT max(s.day) FROM audit_seal s);
END;
$$;
"""


def create_claim(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CLAIM, params=None)


def drop_claim(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS charte_journal_claim(integer, integer, bigint)", params=None
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_database_guard")]

    operations = [
        migrations.AddField(
            model_name="entry",
            name="lane",
            field=models.PositiveSmallIntegerField(
                db_default=0, default=0, editable=False, verbose_name="file"
            ),
        ),
        migrations.AlterField(
            model_name="entry",
            name="seq",
            field=models.BigIntegerField(editable=False, verbose_name="numéro"),
        ),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.UniqueConstraint(
                fields=("lane", "seq"), name="audit_entry_lane_seq"
            ),
        ),
        migrations.AlterModelOptions(
            name="entry",
            options={
                "ordering": ["id"],
                "verbose_name": "entrée du journal",
                "verbose_name_plural": "entrées du journal",
            },
        ),
        migrations.AddField(
            model_name="seal",
            name="lanes",
            field=models.JSONField(blank=True, default=dict, verbose_name="autres files"),
        ),
        migrations.RunPython(create_claim, drop_claim),
    ]
