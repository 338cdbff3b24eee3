"""On PostgreSQL, the database itself refuses to change or remove journal rows.

Design: the ORM already refuses (models.py), but raw SQL, a shell or another program would
not be stopped by it. These triggers refuse any UPDATE or DELETE of an entry, and any change
to a seal, unless the transaction declares itself the journal's retention
(`SET LOCAL charte.journal_retention = 'on'`, see actions.prune_journal); even then an entry
can only be deleted, and a seal only stamped "pruned" once, its other columns untouched.

This is a guard against mistakes and against code that can run SQL but not DDL, not a wall:
the table's owner can drop a trigger, and a superuser can skip triggers. Against them, the
journal's evidence is its keyed chain and the seals' hashes kept outside the database, which
`journal verify` checks. TRUNCATE is left alone, since the test runner empties tables that
way; production should run as a role that does not own the tables (docs/journal.md).
SQLite, used in development only, has no such guard.
"""

from django.db import migrations

GUARD = """
CREATE OR REPLACE FUNCTION audit_journal_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    retention boolean := coalesce(current_setting('charte.journal_retention', true), '') = 'on';
BEGIN
    -- One condition per IF: PL/pgSQL does not stop at the first false one, and an entry's
    -- row has no pruned_at to look at.
    IF retention AND TG_TABLE_NAME = 'audit_entry' AND TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    IF retention AND TG_TABLE_NAME = 'audit_seal' AND TG_OP = 'UPDATE' THEN
        IF OLD.pruned_at IS NULL AND NEW.pruned_at IS NOT NULL
           AND (to_jsonb(NEW) - 'pruned_at' - 'pruned_as_of' - 'pruned_mac')
               = (to_jsonb(OLD) - 'pruned_at' - 'pruned_as_of' - 'pruned_mac') THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION 'the journal is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_journal_guard();
CREATE TRIGGER audit_seal_append_only BEFORE UPDATE OR DELETE ON audit_seal
    FOR EACH ROW EXECUTE FUNCTION audit_journal_guard();
"""

UNGUARD = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry;
DROP TRIGGER IF EXISTS audit_seal_append_only ON audit_seal;
DROP FUNCTION IF EXISTS audit_journal_guard();
"""


def guard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GUARD, params=None)


def unguard(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNGUARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_and_seals")]

    operations = [migrations.RunPython(guard, unguard)]
