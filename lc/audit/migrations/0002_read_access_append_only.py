"""The read-access log is append-only in PostgreSQL, as the ledger is: UPDATE, DELETE and
TRUNCATE are rejected by triggers marked ENABLE ALWAYS (so `session_replication_role = replica`
does not skip them). They reuse the ledger's rejecting function, and their names start with
`ledger_` so that the test suite's end-of-test flush (tests/conftest.py) treats them like the
ledger's own."""

from django.db import migrations

FORWARD = r"""
CREATE TRIGGER ledger_audit_read_access_no_update_delete BEFORE UPDATE OR DELETE ON audit_read_access
    FOR EACH ROW EXECUTE FUNCTION ledger_reject_change();
CREATE TRIGGER ledger_audit_read_access_no_truncate BEFORE TRUNCATE ON audit_read_access
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_reject_change();
ALTER TABLE audit_read_access ENABLE ALWAYS TRIGGER ledger_audit_read_access_no_update_delete;
ALTER TABLE audit_read_access ENABLE ALWAYS TRIGGER ledger_audit_read_access_no_truncate;
"""

REVERSE = r"""
DROP TRIGGER ledger_audit_read_access_no_truncate ON audit_read_access;
DROP TRIGGER ledger_audit_read_access_no_update_delete ON audit_read_access;
"""


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_read_access_and_verification"), ("ledger", "0002_append_only_triggers")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
