"""The credit list's read model: each credit row carries its list JSON (`listing`), written by a
trigger in the same statement as every INSERT or UPDATE of the credit, and refreshed when a
party's card (name, kind, BIC, country, city) changes. The API list then reads an index range
and concatenates (lc.api.credit_list); building the JSON per request cost about 1 ms of
PostgreSQL time for a page of 50.

The JSON is CreditSerializer's shape (tests/api/test_credit_list.py holds them equal): a new
list field means a new migration replacing lc_credit_listing().

The column is not a Django field: the ORM never writes it, so no code path can leave it stale.
"""

from django.db import migrations

FORWARD = r"""
ALTER TABLE lc_letterofcredit ADD COLUMN listing text;

CREATE FUNCTION lc_org_card(org uuid) RETURNS json LANGUAGE sql STABLE AS $$
  SELECT json_build_object('id', o.id, 'name', o.name, 'kind', o.kind, 'bic', o.bic,
                           'country', o.country, 'city', o.city)
  FROM lc_organization o WHERE o.id = org
$$;

CREATE FUNCTION lc_api_time(t timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

CREATE FUNCTION lc_credit_listing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.listing := json_build_object(
    'id', NEW.id, 'reference', NEW.reference, 'state', NEW.state,
    'applicant', lc_org_card(NEW.applicant_id),
    'beneficiary', lc_org_card(NEW.beneficiary_id),
    'issuing_bank', lc_org_card(NEW.issuing_bank_id),
    'advising_bank', lc_org_card(NEW.advising_bank_id),
    'confirming_bank', lc_org_card(NEW.confirming_bank_id),
    'nominated_bank', lc_org_card(NEW.nominated_bank_id),
    'second_beneficiary', lc_org_card(NEW.second_beneficiary_id),
    'transferred_from', NEW.transferred_from_id,
    'currency', NEW.currency,
    'amount', NEW.amount::text,
    'drawn_amount', NEW.drawn_amount::text,
    'expiry_date', to_char(NEW.expiry_date, 'YYYY-MM-DD'),
    'confirmation', NEW.confirmation,
    'terms_version', (SELECT tv.number FROM lc_termsversion tv WHERE tv.id = NEW.current_terms_id),
    'created_at', lc_api_time(NEW.created_at),
    'updated_at', lc_api_time(NEW.updated_at),
    'issued_at', lc_api_time(NEW.issued_at),
    'closed_at', lc_api_time(NEW.closed_at))::text;
  RETURN NEW;
END
$$;

CREATE TRIGGER lc_credit_listing BEFORE INSERT OR UPDATE ON lc_letterofcredit
  FOR EACH ROW EXECUTE FUNCTION lc_credit_listing();

CREATE FUNCTION lc_org_card_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Touching the rows re-runs lc_credit_listing on each.
  UPDATE lc_letterofcredit SET listing = NULL
   WHERE NEW.id IN (applicant_id, beneficiary_id, issuing_bank_id, advising_bank_id, confirming_bank_id,
                    nominated_bank_id, second_beneficiary_id);
  RETURN NULL;
END
$$;

CREATE TRIGGER lc_org_card_changed AFTER UPDATE ON lc_organization
  FOR EACH ROW WHEN ((OLD.name, OLD.kind, OLD.bic, OLD.country, OLD.city)
                     IS DISTINCT FROM (NEW.name, NEW.kind, NEW.bic, NEW.country, NEW.city))
  EXECUTE FUNCTION lc_org_card_changed();

UPDATE lc_letterofcredit SET listing = NULL;
ALTER TABLE lc_letterofcredit ALTER COLUMN listing SET NOT NULL;
"""

BACKWARD = r"""
DROP TRIGGER lc_org_card_changed ON lc_organization;
DROP FUNCTION lc_org_card_changed();
DROP TRIGGER lc_credit_listing ON lc_letterofcredit;
DROP FUNCTION lc_credit_listing();
DROP FUNCTION lc_api_time(timestamptz);
DROP FUNCTION lc_org_card(uuid);
ALTER TABLE lc_letterofcredit DROP COLUMN listing;
"""


class Migration(migrations.Migration):
    dependencies = [("lc", "0003_credit_list_keyset_index")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
