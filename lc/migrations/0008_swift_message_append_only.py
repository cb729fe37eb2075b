"""lc_swiftmessage is append-only, as the ledger tables are: UPDATE, DELETE and TRUNCATE are
rejected by triggers that are ENABLE ALWAYS, so `SET session_replication_role = replica` does
not switch them off. A stored message is evidence of what a bank sent or received."""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION lc_swiftmessage_reject_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER lc_swiftmessage_no_update_delete BEFORE UPDATE OR DELETE ON lc_swiftmessage
    FOR EACH ROW EXECUTE FUNCTION lc_swiftmessage_reject_change();
CREATE TRIGGER lc_swiftmessage_no_truncate BEFORE TRUNCATE ON lc_swiftmessage
    FOR EACH STATEMENT EXECUTE FUNCTION lc_swiftmessage_reject_change();
ALTER TABLE lc_swiftmessage ENABLE ALWAYS TRIGGER lc_swiftmessage_no_update_delete;
ALTER TABLE lc_swiftmessage ENABLE ALWAYS TRIGGER lc_swiftmessage_no_truncate;
"""

REVERSE = r"""
DROP TRIGGER lc_swiftmessage_no_truncate ON lc_swiftmessage;
DROP TRIGGER lc_swiftmessage_no_update_delete ON lc_swiftmessage;
DROP FUNCTION lc_swiftmessage_reject_change();
"""


class Migration(migrations.Migration):
    dependencies = [("lc", "0007_swift_messages")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
