"""The intake's delete guard, per statement instead of per row.

Same rule as 0002 (an intake row may only be deleted once its entry is in the chain), but
checked once per DELETE with a transition table: the sequencer deletes a whole batch, and a
PL/pgSQL call per row was a measurable part of its cost.
"""

from django.db import migrations

FORWARD = r"""
DROP TRIGGER ledger_intake_delete_only_sequenced ON ledger_intake;
DROP FUNCTION ledger_intake_guard_delete();

CREATE FUNCTION ledger_intake_guard_delete() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing bigint;
BEGIN
    SELECT o.id INTO missing FROM deleted_rows o
    WHERE NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.intake_id = o.id) LIMIT 1;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'pending ledger entry % is not sequenced and cannot be deleted', missing
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER ledger_intake_delete_only_sequenced AFTER DELETE ON ledger_intake
    REFERENCING OLD TABLE AS deleted_rows
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_intake_guard_delete();
ALTER TABLE ledger_intake ENABLE ALWAYS TRIGGER ledger_intake_delete_only_sequenced;
"""

REVERSE = r"""
DROP TRIGGER ledger_intake_delete_only_sequenced ON ledger_intake;
DROP FUNCTION ledger_intake_guard_delete();

CREATE FUNCTION ledger_intake_guard_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM ledger_entry WHERE intake_id = OLD.id) THEN
        RAISE EXCEPTION 'pending ledger entry % is not sequenced and cannot be deleted', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END $$;

CREATE TRIGGER ledger_intake_delete_only_sequenced BEFORE DELETE ON ledger_intake
    FOR EACH ROW EXECUTE FUNCTION ledger_intake_guard_delete();
ALTER TABLE ledger_intake ENABLE ALWAYS TRIGGER ledger_intake_delete_only_sequenced;
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0004_lean_journal_indexes")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
