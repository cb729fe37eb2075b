"""The issuing bank's credit officer: applicants' facilities, the rate table, overrides (issue 13).

Each is one business action with one ledger entry, like every credit action; a facility and a
rate have the bank as their ledger subject, an override the credit it lets through.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction

from lc import access, events, money
from lc.errors import InvalidInput, NotAllowed
from lc.models import (
    AmendmentState,
    CreditState,
    Facility,
    FacilityOverride,
    LetterOfCredit,
    Organization,
    OrgKind,
    Rate,
    User,
)
from lc.services.common import ObjectId, check, local_date, lock_credit, now_or, org_of, record
from lc.services.money import check_amount, exposures, utilisation


def _officer(actor: User, now: dt.datetime, action: str) -> Organization:
    access.check(action, access.Facts(actor, LetterOfCredit(), today=local_date(now, actor.organization)),
                 LetterOfCredit())
    return org_of(actor)


def _currency(value: str, field: str) -> str:
    try:
        money.minor_units(value, field)
    except money.MoneyError as exc:
        raise InvalidInput(str(exc), [{"field": exc.field, "message": exc.message}]) from exc
    return value


@transaction.atomic
def set_facility(*, actor: User, applicant: Organization, currency: str, limit: object, expiry_date: dt.date,
                 now: dt.datetime | None = None) -> Facility:
    """Set (or change) an applicant's facility at the officer's bank."""
    now = now_or(now)
    bank = _officer(actor, now, "set_facility")
    if applicant.kind != OrgKind.CORPORATE:
        raise InvalidInput("a facility is granted to an applicant company", [{"field": "applicant", "message": "not a company"}])
    amount = check_amount(limit, _currency(currency, "currency"), "limit")
    facility, _ = Facility.objects.select_for_update().update_or_create(
        bank=bank, applicant=applicant,
        defaults={"currency": currency, "limit": amount, "expiry_date": expiry_date, "updated_by": actor,
                  "updated_at": now})
    record(events.FACILITY_SET, subject=bank.ledger_id, actor=actor, at=now, payload={
        "facility": str(facility.id), "applicant": applicant.ledger_id, "currency": currency,
        "limit": money.text(amount, currency), "expiry_date": expiry_date,
        "utilised": money.text(utilisation(facility), currency),
        "exposure": {c: money.text(a, c) for c, a in sorted(exposures(bank.pk, applicant.pk).items())}})
    return facility


def _rate(value: object) -> Decimal:
    try:
        rate = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput("the rate is not a number", [{"field": "rate", "message": "not a number"}]) from exc
    if not rate.is_finite() or rate <= 0 or rate != rate.quantize(Decimal("1E-10")) or rate >= Decimal("1E10"):
        raise InvalidInput("the rate must be positive, below 10^10, with at most 10 decimals",
                           [{"field": "rate", "message": "out of range"}])
    return rate


@transaction.atomic
def set_rate(*, actor: User, base: str, quote: str, rate: object, now: dt.datetime | None = None) -> Rate:
    """The bank enters its rate: 1 base = rate quote (the latest entry per pair counts)."""
    now = now_or(now)
    bank = _officer(actor, now, "set_rate")
    if _currency(base, "base") == _currency(quote, "quote"):
        raise InvalidInput("a rate needs two currencies", [{"field": "quote", "message": "same as base"}])
    entry = Rate.objects.create(bank=bank, base=base, quote=quote, rate=_rate(rate), entered_by=actor, entered_at=now)
    record(events.RATE_SET, subject=bank.ledger_id, actor=actor, at=now,
           payload={"rate": str(entry.id), "base": base, "quote": quote, "value": entry.rate})
    return entry


@transaction.atomic
def override_facility(*, actor: User, credit_id: ObjectId, reason: str, now: dt.datetime | None = None
                      ) -> FacilityOverride:
    """The credit officer lets the issue awaiting its checker go beyond the applicant's facility:
    the credit itself, or the amendment awaiting its checker."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("override_facility", actor, credit, now, credit)
    if not reason.strip():
        raise InvalidInput("an override needs a reason", [{"field": "reason", "message": "required"}])
    amendment = None
    if credit.state != CreditState.PENDING_APPROVAL:
        amendment = credit.amendments.filter(state=AmendmentState.PENDING_APPROVAL).first()
        if amendment is None:  # pragma: no cover - the access rule has just said there is one
            raise NotAllowed("no amendment awaits its checker")
    override = FacilityOverride.objects.create(credit=credit, amendment=amendment, reason=reason, officer=actor, at=now)
    record(events.FACILITY_OVERRIDDEN, subject=credit.subject, actor=actor, at=now, payload={
        "credit": str(credit.id), "override": str(override.id), "reason": reason,
        "amendment": str(amendment.id) if amendment else None})
    return override
