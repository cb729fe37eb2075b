"""lc_credit_listing() in one query: the seven party cards and the terms version come from one
SELECT with joins instead of eight function calls, cutting the trigger's cost on every credit
write (measured on an UPDATE of one credit: 0.25 ms → 0.10–0.17 ms). Same JSON (the equivalence
tests in tests/api/test_credit_list.py hold)."""

from django.db import migrations

PARTIES = ["applicant", "beneficiary", "issuing_bank", "advising_bank", "confirming_bank", "nominated_bank",
           "second_beneficiary"]


def _card(alias: str) -> str:
    return (f"CASE WHEN {alias}.id IS NULL THEN NULL ELSE json_build_object('id', {alias}.id, 'name', {alias}.name, "
            f"'kind', {alias}.kind, 'bic', {alias}.bic, 'country', {alias}.country, 'city', {alias}.city) END")


FORWARD = f"""
CREATE OR REPLACE FUNCTION lc_credit_listing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT json_build_object(
    'id', NEW.id, 'reference', NEW.reference, 'state', NEW.state,
    {", ".join(f"'{p}', {_card('o' + str(i))}" for i, p in enumerate(PARTIES))},
    'transferred_from', NEW.transferred_from_id,
    'currency', NEW.currency,
    'amount', NEW.amount::text,
    'drawn_amount', NEW.drawn_amount::text,
    'expiry_date', to_char(NEW.expiry_date, 'YYYY-MM-DD'),
    'confirmation', NEW.confirmation,
    'terms_version', tv.number,
    'created_at', to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'updated_at', to_char(NEW.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'issued_at', to_char(NEW.issued_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
    'closed_at', to_char(NEW.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text
  INTO NEW.listing
  FROM (SELECT 1) AS one
  {" ".join(f"LEFT JOIN lc_organization o{i} ON o{i}.id = NEW.{p}_id" for i, p in enumerate(PARTIES))}
  LEFT JOIN lc_termsversion tv ON tv.id = NEW.current_terms_id;
  RETURN NEW;
END
$$;
"""

# Back to 0004's version.
BACKWARD = """
CREATE OR REPLACE FUNCTION lc_credit_listing() RETURNS trigger LANGUAGE plpgsql AS $$
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
"""


class Migration(migrations.Migration):
    dependencies = [("lc", "0004_credit_listing")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
