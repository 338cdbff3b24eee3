"""On PostgreSQL, an append is one statement: take a lane, check its head, insert.

The application computes the entry's hash from the head it expects (its connection's last
append in that lane); `charte_journal_append` takes the lane's lock, and inserts only if the
head is still that one, the time not before it nor inside a sealed day. Otherwise it inserts
nothing and answers the lane's actual head, and the application signs again from there. Out
of a transaction, the statement commits by itself: one round trip, as a plain insert.
"""

from django.db import migrations

APPEND = """
CREATE OR REPLACE FUNCTION charte_journal_append(
    hint integer, lanes integer, base bigint, expected_seq bigint, expected_hash varchar,
    new_at timestamptz, new_event varchar, new_actor varchar, new_subject varchar,
    new_data jsonb, new_ip inet, new_user_agent varchar, new_hash varchar
)
RETURNS TABLE(id bigint, lane integer, seq bigint, hash varchar, at timestamptz, sealed date)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    chosen integer := -1;
    k integer;
    head_seq bigint;
    head_hash varchar;
    head_at timestamptz;
    last_sealed date;
    inserted bigint;
BEGIN
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
        PERFORM pg_advisory_xact_lock(base + hint);
        chosen := hint;
    END IF;
    SELECT e.seq, e.hash, e.at INTO head_seq, head_hash, head_at
        FROM audit_entry e WHERE e.lane = chosen ORDER BY e.seq DESC LIMIT 1;
    SELECT max(s.day) INTO last_sealed FROM audit_seal s;
    IF chosen = hint AND head_seq IS NOT NULL AND head_seq = expected_seq
       AND head_hash = expected_hash AND new_at >= head_at
       AND (last_sealed IS NULL OR new_at >= (last_sealed + 1)::timestamp AT TIME ZONE 'UTC') THEN
        INSERT INTO audit_entry
            (lane, seq, at, event, actor_ref, subject_ref, data, ip, user_agent, prev_hash, hash)
        VALUES (chosen, expected_seq + 1, new_at, new_event, new_actor, new_subject, new_data,
                new_ip, new_user_agent, expected_hash, new_hash)
        RETURNING audit_entry.id INTO inserted;
        RETURN QUERY SELECT inserted, chosen, expected_seq + 1, new_hash, new_at, last_sealed;
    ELSE
        -- Not the head expected (or an empty lane, which the application starts itself):
        -- nothing inserted; the lane's head, to sign again from.
        RETURN QUERY SELECT NULL::bigint, chosen, head_seq, head_hash, head_at, last_sealed;
    END IF;
END;
$$;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(APPEND, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "DROP FUNCTION IF EXISTS charte_journal_append(integer, integer, bigint, bigint, "
            "varchar, timestamptz, varchar, varchar, varchar, jsonb, inet, varchar, varchar)",
            params=None,
        )


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_lanes")]

    operations = [migrations.RunPython(create, drop)]
