"""A credit's availability account and the facility it draws on (issue 13).

Every function here runs inside the calling action's transaction, under the credit's row lock
(lock_credit): the account is read and changed by one statement that also appends its
utilisation row, guarded so that reserved + drawn + earmarked never exceeds the maximum (the
database's check constraint is the last line). The action puts the returned change, before and
after, into its one ledger entry. Exposure (the facility's stored utilisation, per currency)
moves only when a credit's liability does: issue, amendment, transfer, settlement, closing.
Presenting and honouring, the busy actions, cost one statement each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_UP, Decimal
from typing import Any

from django.db import connection

from lc import money
from lc.errors import InvalidInput, NotAllowed
from lc.models import (
    Amendment,
    AvailabilityAccount,
    Exposure,
    Facility,
    FacilityOverride,
    LetterOfCredit,
    Presentation,
    PresentationState,
    Rate,
    Utilisation,
    UtilisationKind,
)

# A presentation holds its claim from presentation until it is refused or honoured.
RESERVING = (PresentationState.RECEIVED, PresentationState.UNDER_EXAMINATION, PresentationState.COMPLYING,
             PresentationState.DISCREPANT, PresentationState.WAIVER_REQUESTED)
FIGURES = ("maximum", "reserved", "drawn", "earmarked", "settled")

# One round trip: change the account if the result keeps the invariant, append the row.
_APPLY = """
WITH acc AS (
  UPDATE lc_availabilityaccount
     SET maximum = maximum + %(maximum)s, reserved = reserved + %(reserved)s, drawn = drawn + %(drawn)s,
         earmarked = earmarked + %(earmarked)s, settled = settled + %(settled)s, open = open AND NOT %(closed)s
   WHERE credit_id = %(credit)s
     AND maximum + %(maximum)s >= reserved + %(reserved)s + drawn + %(drawn)s + earmarked + %(earmarked)s
  RETURNING maximum, reserved, drawn, earmarked, settled, open
), row AS (
  INSERT INTO lc_utilisation (credit_id, kind, presentation_id, maximum, reserved, drawn, earmarked, settled,
                              closed, at)
  SELECT %(credit)s, %(kind)s, %(presentation)s, %(maximum)s, %(reserved)s, %(drawn)s, %(earmarked)s,
         %(settled)s, %(closed)s, %(at)s FROM acc
)
SELECT maximum, reserved, drawn, earmarked, settled, open FROM acc
"""

_EXPOSE = """
INSERT INTO lc_exposure (bank_id, applicant_id, currency, amount) VALUES (%s, %s, %s, %s)
ON CONFLICT (bank_id, applicant_id, currency) DO UPDATE SET amount = lc_exposure.amount + EXCLUDED.amount
"""


@dataclass(frozen=True)
class Change:
    """One change of a credit's account, as its ledger entry shows it."""

    currency: str
    before: money.Figures
    after: money.Figures

    def payload(self) -> dict[str, Any]:
        return {"currency": self.currency, "before": self.before.shown(self.currency),
                "after": self.after.shown(self.currency)}


def credit_maximum(terms: dict[str, Any]) -> Decimal:
    """The maximum of a credit with these terms (amount and its 39A plus tolerance or "about")."""
    currency, amount = money.parse_money(terms.get("currency"), terms.get("amount"))
    plus = terms.get("tolerance_plus")
    return money.maximum(amount, currency, Decimal(str(plus)) if plus not in (None, "") else None,
                         bool(terms.get("amount_about")))


def reserved_by(pres: Presentation) -> Decimal:
    return pres.amount_claimed if pres.state in RESERVING else Decimal(0)


def figures(credit: LetterOfCredit) -> money.Figures:
    """The stored account (zeros before issue)."""
    row = AvailabilityAccount.objects.filter(credit_id=credit.pk).values(*FIGURES).first()
    return money.Figures(**row) if row else money.Figures()


def _apply(credit: LetterOfCredit, kind: str, at: dt.datetime, presentation: Presentation | None = None,
           closed: bool = False, **deltas: Decimal) -> Change:
    delta = money.Figures(**deltas)
    params = {**{f: getattr(delta, f) for f in FIGURES}, "credit": credit.pk, "kind": kind, "at": at,
              "presentation": presentation.pk if presentation else None, "closed": closed}
    with connection.cursor() as cur:
        cur.execute(_APPLY, params)
        row = cur.fetchone()
        if row is None and kind != UtilisationKind.OPENED and _opened_late(credit, at):
            cur.execute(_APPLY, params)
            row = cur.fetchone()
    if row is None:
        now = figures(credit)
        raise NotAllowed(f"only {credit.currency} {money.text(now.available, credit.currency)} is available under "
                         f"{credit.reference}: this {kind} would draw more than the credit allows")
    after = money.Figures(*row[:5])
    before = after.minus(delta)
    was_open, is_open = bool(row[5]) or closed, bool(row[5])
    _expose(credit, after.liability(is_open) - before.liability(was_open))
    return Change(credit.currency, before, after)


def _expose(credit: LetterOfCredit, delta: Decimal) -> None:
    if delta:
        with connection.cursor() as cur:
            cur.execute(_EXPOSE, [credit.issuing_bank_id, credit.applicant_id, credit.currency, delta])


def _opened_late(credit: LetterOfCredit, at: dt.datetime) -> bool:
    """A credit with terms but no account (issued before accounts existed, or received as an
    MT700 from a bank off the platform) gets its account on its first money change."""
    if credit.current_terms is None or AvailabilityAccount.objects.filter(credit_id=credit.pk).exists():
        return False
    open_account(credit, at)
    return True


def open_account(credit: LetterOfCredit, at: dt.datetime) -> Change:
    """At issue (or transfer): the account starts at the credit's maximum."""
    assert credit.current_terms is not None
    AvailabilityAccount.objects.create(credit=credit, currency=credit.currency)
    return _apply(credit, UtilisationKind.OPENED, at, maximum=credit_maximum(credit.current_terms.terms))


def reserve(credit: LetterOfCredit, pres: Presentation, at: dt.datetime) -> Change:
    return _apply(credit, UtilisationKind.RESERVED, at, pres, reserved=pres.amount_claimed)


def release(credit: LetterOfCredit, pres: Presentation, held: Decimal, at: dt.datetime) -> Change:
    return _apply(credit, UtilisationKind.RELEASED, at, pres, reserved=-held)


def draw(credit: LetterOfCredit, pres: Presentation, held: Decimal, paid: Decimal, at: dt.datetime) -> Change:
    """Honour: the presentation's reservation becomes a drawing of `paid` (the rest is released)."""
    return _apply(credit, UtilisationKind.DRAWN, at, pres, reserved=-held, drawn=paid)


def settle(credit: LetterOfCredit, pres: Presentation, amount: Decimal, at: dt.datetime) -> Change:
    return _apply(credit, UtilisationKind.SETTLED, at, pres, settled=amount)


def draw_advised(credit: LetterOfCredit, amount: Decimal, at: dt.datetime) -> Change:
    """A counterpart advised that it paid, accepted or negotiated under the credit (an imported
    MT754): a drawing no presentation of ours reserved. Never beyond what is available."""
    return _apply(credit, UtilisationKind.DRAWN, at, drawn=amount)


def settle_advised(credit: LetterOfCredit, amount: Decimal, at: dt.datetime,
                   pres: Presentation | None = None) -> Change:
    """A counterpart advised a reimbursement (an imported MT756): what was drawn is settled.
    Settling more than was drawn is refused here, not left to the account's check constraint."""
    now = figures(credit)
    if now.settled + amount > now.drawn:
        raise NotAllowed(f"only {credit.currency} {money.text(now.drawn - now.settled, credit.currency)} drawn "
                         f"under {credit.reference} is unsettled: a reimbursement cannot settle more")
    return _apply(credit, UtilisationKind.SETTLED, at, pres, settled=amount)


def earmark(credit: LetterOfCredit, amount: Decimal, at: dt.datetime) -> Change:
    return _apply(credit, UtilisationKind.EARMARKED, at, earmarked=amount)


def amend(credit: LetterOfCredit, new_maximum: Decimal, at: dt.datetime) -> Change | None:
    old = figures(credit).maximum
    if new_maximum == old:
        return None
    if credit.transferred_from_id and new_maximum > old:
        raise NotAllowed("a transferred credit's amount can only be reduced (art. 38(g))")
    kind = UtilisationKind.INCREASED if new_maximum > old else UtilisationKind.DECREASED
    return _apply(credit, kind, at, maximum=new_maximum - old)


def close(credit: LetterOfCredit, at: dt.datetime) -> Change:
    """Expired, cancelled or settled: the unutilised balance no longer weighs on the facility."""
    return _apply(credit, UtilisationKind.CLOSED, at, closed=True)


def honourable(credit: LetterOfCredit, pres: Presentation) -> Decimal:
    """The most this presentation can be honoured for: its claim, within what the credit still
    has (its own reservation plus what is free). Art. 18(b): never more than the credit permits."""
    free = figures(credit).available + reserved_by(pres)
    return max(Decimal(0), min(pres.amount_claimed, free))


# -- Facilities.

def convert(amount: Decimal, currency: str, into: str, bank_id: Any) -> Decimal:
    """The bank's own rate (the latest it entered, either way round); rounded up, so a limit
    check never under-counts."""
    return conversion(amount, currency, into, bank_id)[0]


def conversion(amount: Decimal, currency: str, into: str, bank_id: Any) -> tuple[Decimal, dict[str, Any] | None]:
    """`convert`, with the rate entry it used as a decision's ledger entry records it (None when
    no conversion was needed): which entry, which way round, its value."""
    if currency == into:
        return amount, None
    rate = Rate.objects.filter(bank_id=bank_id, base=currency, quote=into).order_by("-id").first()
    if rate is not None:
        value = amount * rate.rate
    else:
        rate = Rate.objects.filter(bank_id=bank_id, base=into, quote=currency).order_by("-id").first()
        if rate is None:
            raise NotAllowed(f"the bank's rate table has no {currency}/{into} rate")
        value = amount / rate.rate
    used = {"rate": str(rate.id), "base": rate.base, "quote": rate.quote, "value": str(rate.rate),
            "inverted": rate.base != currency}
    return value.quantize(money.quantum(into), rounding=ROUND_UP), used


def exposures(bank_id: Any, applicant_id: Any) -> dict[str, Decimal]:
    rows = Exposure.objects.filter(bank_id=bank_id, applicant_id=applicant_id).exclude(amount=0)
    return {e.currency: e.amount for e in rows}


def utilisation(facility: Facility) -> Decimal:
    """The facility's utilisation in its own currency (the stored exposure at today's rates)."""
    return sum((convert(amount, ccy, facility.currency, facility.bank_id)
                for ccy, amount in exposures(facility.bank_id, facility.applicant_id).items()), Decimal(0))


def within_facility(credit: LetterOfCredit, increase: Decimal, today: dt.date,
                    amendment: Amendment | None = None) -> dict[str, Any] | None:
    """Check an issue (or increase) of `increase` in the credit's currency against the
    applicant's facility, locking the facility row so two issues cannot both use its headroom.

    Beyond the limit (or after the facility's expiry) it needs a credit officer's override for
    exactly this issue. Returns what the ledger entry records; None when the bank keeps no
    facility for this applicant."""
    facility = Facility.objects.select_for_update().filter(
        bank_id=credit.issuing_bank_id, applicant_id=credit.applicant_id).first()
    if facility is None or increase <= 0:
        return None
    used = utilisation(facility)
    projected = used + convert(increase, credit.currency, facility.currency, facility.bank_id)
    facts = {"facility": str(facility.id), "currency": facility.currency, "limit": money.text(facility.limit, facility.currency),
             "utilised": money.text(used, facility.currency), "projected": money.text(projected, facility.currency)}
    if projected <= facility.limit and today <= facility.expiry_date:
        return facts
    override = FacilityOverride.objects.filter(credit=credit, amendment=amendment).order_by("-at").first()
    if override is None:
        why = "has expired" if today > facility.expiry_date else f"limit is {facts['currency']} {facts['limit']}"
        raise NotAllowed(f"beyond the applicant's facility ({why}; {facts['currency']} {facts['projected']} "
                         "would be used): a credit officer's override is needed")
    return {**facts, "override": str(override.id), "override_reason": override.reason}


def check_amount(value: object, currency: str, field: str = "amount") -> Decimal:
    """A keyed amount in the credit's currency, or InvalidInput naming the field (never rounded)."""
    try:
        return money.parse_amount(value, currency, field)
    except money.MoneyError as exc:
        raise InvalidInput(str(exc), [{"field": exc.field, "message": exc.message}]) from exc


def check_terms_money(terms: dict[str, Any], prefix: str = "") -> tuple[str, Decimal]:
    """The currency (32B) and amount of terms; InvalidInput naming the field otherwise."""
    try:
        return money.parse_money(terms.get("currency"), terms.get("amount"),
                                 currency_field=f"{prefix}currency", amount_field=f"{prefix}amount")
    except money.MoneyError as exc:
        raise InvalidInput(str(exc), [{"field": exc.field, "message": exc.message}]) from exc


def recomputed(credit: LetterOfCredit) -> tuple[money.Figures, bool]:
    """The account from scratch: the sum of its utilisation rows, and whether it is still open."""
    rows = Utilisation.objects.filter(credit=credit).values_list(*FIGURES, "closed")
    total, closed = money.Figures(), False
    for row in rows:
        total = total.plus(money.Figures(*row[:5]))
        closed = closed or bool(row[5])
    return total, not closed


def availability_summary(credit: LetterOfCredit) -> dict[str, Any]:
    """The credit page's and the API's availability block, in the credit's own digits."""
    return {"credit": credit.pk, "currency": credit.currency, **figures(credit).shown(credit.currency)}


def facility_summary(facility: Facility) -> dict[str, Any]:
    """A facility with its utilisation (None while the bank's rate table lacks a pair)."""
    try:
        used: str | None = money.text(utilisation(facility), facility.currency)
    except NotAllowed:
        used = None
    return {"id": facility.id, "bank": facility.bank_id, "applicant": facility.applicant_id,
            "currency": facility.currency, "limit": money.text(facility.limit, facility.currency),
            "expiry_date": facility.expiry_date, "utilised": used,
            "exposure": {c: money.text(a, c) for c, a in sorted(exposures(facility.bank_id, facility.applicant_id).items())}}
