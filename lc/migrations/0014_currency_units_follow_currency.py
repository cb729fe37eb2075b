"""A credit's `minor_units` follows its currency in the database too.

The credit list's trigger (0010) renders amounts with the row's `minor_units`, which the services
set from ISO 4217 (lc.money). A write around the services (a bulk `.update(currency=...)`, SQL in
an operator's session) changed the currency but left the digits behind. A table of ISO 4217
exponents, filled here from the same maintained package, and a BEFORE trigger that runs ahead of
the listing trigger (PostgreSQL fires them in name order: "currency" < "listing") keep the two
together whoever writes the row.
"""

from django.db import migrations

CREATE = """
CREATE TABLE lc_currency_units (code char(3) PRIMARY KEY, minor_units smallint NOT NULL);
CREATE FUNCTION lc_credit_currency_units() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT u.minor_units INTO NEW.minor_units FROM lc_currency_units u WHERE u.code = NEW.currency;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'currency % has no ISO 4217 minor unit', NEW.currency USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER lc_credit_currency_units BEFORE INSERT OR UPDATE OF currency ON lc_letterofcredit
    FOR EACH ROW EXECUTE FUNCTION lc_credit_currency_units();
"""
DROP = """
DROP TRIGGER IF EXISTS lc_credit_currency_units ON lc_letterofcredit;
DROP FUNCTION IF EXISTS lc_credit_currency_units();
DROP TABLE IF EXISTS lc_currency_units;
"""


def fill(apps, schema_editor):
    from iso4217 import Currency

    rows = [(c.code, c.exponent) for c in Currency if c.exponent is not None]
    with schema_editor.connection.cursor() as cur:
        cur.executemany("INSERT INTO lc_currency_units (code, minor_units) VALUES (%s, %s)", rows)
        # Rows written before: their digits from the table, and their list JSON rebuilt.
        cur.execute("UPDATE lc_letterofcredit c SET minor_units = u.minor_units FROM lc_currency_units u "
                    "WHERE u.code = c.currency AND c.minor_units <> u.minor_units")


class Migration(migrations.Migration):
    dependencies = [("lc", "0013_backfill_availability_accounts")]

    operations = [
        migrations.RunSQL(CREATE, DROP),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
