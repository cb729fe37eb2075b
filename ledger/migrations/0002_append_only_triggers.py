"""Append-only enforcement in PostgreSQL.

ledger_entry: UPDATE, DELETE and TRUNCATE are rejected. ledger_intake: UPDATE and
TRUNCATE are rejected, and a row may be deleted only once its entry is in the chain
(the sequencer's move), so no recorded change can be lost from the queue.
Triggers are ENABLE ALWAYS: `SET session_replication_role = replica` (which a
superuser can use to skip ordinary triggers) does not switch them off.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION ledger_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE FUNCTION ledger_intake_guard_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM ledger_entry WHERE intake_id = OLD.id) THEN
        RAISE EXCEPTION 'pending ledger entry % is not sequenced and cannot be deleted', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN OLD;
END $$;

CREATE TRIGGER ledger_entry_no_update_delete BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER ledger_entry_no_truncate BEFORE TRUNCATE ON ledger_entry
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
ALTER TABLE ledger_entry ENABLE ALWAYS TRIGGER ledger_entry_no_update_delete;
ALTER TABLE ledger_entry ENABLE ALWAYS TRIGGER ledger_entry_no_truncate;

CREATE TRIGGER ledger_intake_no_update BEFORE UPDATE ON ledger_intake
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER ledger_intake_no_truncate BEFORE TRUNCATE ON ledger_intake
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER ledger_intake_delete_only_sequenced BEFORE DELETE ON ledger_intake
    FOR EACH ROW EXECUTE FUNCTION ledger_intake_guard_delete();
ALTER TABLE ledger_intake ENABLE ALWAYS TRIGGER ledger_intake_no_update;
ALTER TABLE ledger_intake ENABLE ALWAYS TRIGGER ledger_intake_no_truncate;
ALTER TABLE ledger_intake ENABLE ALWAYS TRIGGER ledger_intake_delete_only_sequenced;
"""

REVERSE = r"""
DROP TRIGGER ledger_intake_delete_only_sequenced ON ledger_intake;
DROP TRIGGER ledger_intake_no_truncate ON ledger_intake;
DROP TRIGGER ledger_intake_no_update ON ledger_intake;
DROP TRIGGER ledger_entry_no_truncate ON ledger_entry;
DROP TRIGGER ledger_entry_no_update_delete ON ledger_entry;
DROP FUNCTION ledger_intake_guard_delete();
DROP FUNCTION ledger_reject_change();
"""


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
