"""Money (issue 13), in SQL: utilisation rows and rates are append-only (`ENABLE ALWAYS` triggers,
as the ledger's: even `session_replication_role = replica` does not skip them), and the credit
list shows amounts with the currency's own minor units (KWD 1000.125, JPY 1000, USD 1000.00), the
digits the API's detail view, the portal and the ledger show.

The list function is 0004's with two expressions changed: `round(amount, minor_units)::text`.
"""

import importlib

from django.db import migrations

listing = importlib.import_module("lc.migrations.0004_credit_listing")

APPEND_ONLY = """
CREATE FUNCTION lc_money_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$$;
CREATE TRIGGER lc_utilisation_append_only BEFORE UPDATE OR DELETE ON lc_utilisation
  FOR EACH ROW EXECUTE FUNCTION lc_money_append_only();
CREATE TRIGGER lc_utilisation_no_truncate BEFORE TRUNCATE ON lc_utilisation
  FOR EACH STATEMENT EXECUTE FUNCTION lc_money_append_only();
ALTER TABLE lc_utilisation ENABLE ALWAYS TRIGGER lc_utilisation_append_only;
ALTER TABLE lc_utilisation ENABLE ALWAYS TRIGGER lc_utilisation_no_truncate;
CREATE TRIGGER lc_rate_append_only BEFORE UPDATE OR DELETE ON lc_rate
  FOR EACH ROW EXECUTE FUNCTION lc_money_append_only();
CREATE TRIGGER lc_rate_no_truncate BEFORE TRUNCATE ON lc_rate
  FOR EACH STATEMENT EXECUTE FUNCTION lc_money_append_only();
ALTER TABLE lc_rate ENABLE ALWAYS TRIGGER lc_rate_append_only;
ALTER TABLE lc_rate ENABLE ALWAYS TRIGGER lc_rate_no_truncate;
"""

DROP_APPEND_ONLY = """
DROP TRIGGER lc_utilisation_append_only ON lc_utilisation;
DROP TRIGGER lc_utilisation_no_truncate ON lc_utilisation;
DROP TRIGGER lc_rate_append_only ON lc_rate;
DROP TRIGGER lc_rate_no_truncate ON lc_rate;
DROP FUNCTION lc_money_append_only();
"""


def _function(amount: str, drawn: str) -> str:
    parties = listing.PARTIES
    return f"""
CREATE OR REPLACE FUNCTION lc_credit_listing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT json_build_object(
    'id', NEW.id, 'reference', NEW.reference, 'state', NEW.state,
    {", ".join(f"'{p}', {listing._card('o' + str(i))}" for i, p in enumerate(parties))},
    'transferred_from', NEW.transferred_from_id,
    'currency', NEW.currency,
    'amount', {amount},
    'drawn_amount', {drawn},
    'expiry_date', to_char(NEW.expiry_date, 'YYYY-MM-DD'),
    'confirmation', NEW.confirmation,
    'terms_version', tv.number,
    {", ".join(listing._time(c) for c in ("created_at", "updated_at", "issued_at", "closed_at"))})::text
  INTO NEW.listing
  FROM (SELECT 1) AS one
  {" ".join(f"LEFT JOIN lc_organization o{i} ON o{i}.id = NEW.{p}_id" for i, p in enumerate(parties))}
  LEFT JOIN lc_termsversion tv ON tv.id = NEW.current_terms_id;
  RETURN NEW;
END
$$;
UPDATE lc_letterofcredit SET listing = NULL;
"""


FORWARD_LISTING = _function("round(NEW.amount, NEW.minor_units)::text", "round(NEW.drawn_amount, NEW.minor_units)::text")
BACKWARD_LISTING = _function("NEW.amount::text", "NEW.drawn_amount::text")


class Migration(migrations.Migration):
    dependencies = [("lc", "0009_money_accounts_facilities")]

    operations = [
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
        migrations.RunSQL(FORWARD_LISTING, BACKWARD_LISTING),
    ]
