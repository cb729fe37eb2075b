"""Honour, reimbursement and settlement of a presentation (arts 7, 8, 12, 13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from lc import events
from lc.access import CLOSED_PRESENTATIONS
from lc.errors import InvalidInput
from lc.integrations.webhooks import emit
from lc.models import (
    CreditState,
    HonourType,
    LetterOfCredit,
    Presentation,
    PresentationState,
    User,
)
from lc.services import messages as swift_messages
from lc.services.common import (
    AmountInput,
    ObjectId,
    check,
    local_date,
    lock_presentation,
    now_or,
    record,
)
from lc.services.examination import DRAWN_STATES

# 41a "available by" -> the honour it calls for.
HONOUR_BY_AVAILABILITY = {
    "BY PAYMENT": HonourType.SIGHT,
    "BY DEF PAYMENT": HonourType.DEFERRED,
    "BY ACCEPTANCE": HonourType.ACCEPTANCE,
    "BY NEGOTIATION": HonourType.NEGOTIATION,
}
NEEDS_MATURITY = (HonourType.DEFERRED, HonourType.ACCEPTANCE)


def _payload(pres: Presentation) -> dict[str, Any]:
    return {"credit": str(pres.credit_id), "presentation": str(pres.id), "number": pres.number, "state": pres.state}


def _amount(value: AmountInput) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput("amount is not a number", [{"field": "amount", "message": "invalid"}]) from exc
    if amount <= 0:
        raise InvalidInput("amount must be positive", [{"field": "amount", "message": "must be > 0"}])
    return amount


@transaction.atomic
def honour_presentation(
    *,
    actor: User,
    presentation_id: ObjectId,
    amount: AmountInput | None = None,
    maturity_date: dt.date | None = None,
    now: dt.datetime | None = None,
) -> Presentation:
    now = now_or(now)
    credit, pres = lock_presentation(actor, presentation_id)
    check("honour_presentation", actor, credit, now, pres)
    terms = pres.terms_version.terms
    honour_type = HONOUR_BY_AVAILABILITY.get(terms.get("available_by", ""), HonourType.SIGHT)
    if honour_type in NEEDS_MATURITY and maturity_date is None:
        raise InvalidInput("deferred payment and acceptance need a maturity date",
                           [{"field": "maturity_date", "message": "required"}])
    if maturity_date is not None and maturity_date < local_date(now):
        raise InvalidInput("maturity cannot be in the past", [{"field": "maturity_date", "message": "in the past"}])
    paid = _amount(amount if amount is not None else pres.amount_claimed)
    if paid > pres.amount_claimed:
        raise InvalidInput("cannot honour more than was claimed", [{"field": "amount", "message": "exceeds claim"}])
    pres.state, pres.honour_type, pres.honoured_amount, pres.honoured_at = (
        PresentationState.HONOURED, honour_type, paid, now)
    pres.maturity_date = maturity_date if honour_type in NEEDS_MATURITY else None
    pres.save()
    credit.drawn_amount += paid
    credit.updated_at = now
    credit.save(update_fields=["drawn_amount", "updated_at"])
    sent = swift_messages.send_payment_advice(credit, pres, paid, actor=actor, now=now)
    record(events.HONOURED, subject=credit.subject, actor=actor, at=now, payload={
        **_payload(pres), "messages": sent, "honour_type": honour_type, "amount": paid, "currency": pres.currency,
        "maturity_date": pres.maturity_date, "drawn_amount": credit.drawn_amount,
    })
    emit(credit, events.HONOURED, {**_payload(pres), "amount": str(paid), "honour_type": honour_type})
    return pres


@transaction.atomic
def reimburse_presentation(*, actor: User, presentation_id: ObjectId, now: dt.datetime | None = None) -> Presentation:
    """The issuing bank reimburses the nominated bank that honoured (art. 7(c)); for deferred
    payment or acceptance, at maturity (C31)."""
    now = now_or(now)
    credit, pres = lock_presentation(actor, presentation_id)
    check("reimburse_presentation", actor, credit, now, pres)
    pres.state, pres.reimbursed_at = PresentationState.REIMBURSED, now
    pres.save()
    sent = swift_messages.send_reimbursement(credit, pres, actor=actor, now=now)
    record(events.REIMBURSED, subject=credit.subject, actor=actor, at=now,
           payload={**_payload(pres), "messages": sent, "amount": pres.honoured_amount, "to": pres.presented_to.ledger_id})
    return pres


def _fully_drawn(credit: LetterOfCredit) -> bool:
    """Nothing more can be drawn: the full amount (less art. 30 tolerance) is drawn, or
    partial shipments are prohibited (art. 31) so one drawing exhausts the credit."""
    assert credit.current_terms is not None
    terms = credit.current_terms.terms
    if terms.get("partial_shipments") == "NOT ALLOWED":
        return True
    minus = Decimal(str(terms.get("tolerance_minus") or (10 if terms.get("amount_about") else 0)))
    return credit.drawn_amount >= credit.amount * (1 - minus / 100)


@transaction.atomic
def settle_presentation(*, actor: User, presentation_id: ObjectId, now: dt.datetime | None = None) -> Presentation:
    """The issuing bank settles with the applicant; a fully drawn credit is then settled."""
    now = now_or(now)
    credit, pres = lock_presentation(actor, presentation_id)
    check("settle_presentation", actor, credit, now, pres)
    pres.state, pres.settled_at = PresentationState.SETTLED, now
    pres.save()
    open_drawings = credit.presentations.exclude(pk=pres.pk).exclude(
        state__in=CLOSED_PRESENTATIONS).exists()
    if _fully_drawn(credit) and not open_drawings:
        credit.state, credit.closed_at = CreditState.SETTLED, now
    credit.updated_at = now
    credit.save()
    record(events.SETTLED, subject=credit.subject, actor=actor, at=now, payload={
        **_payload(pres), "amount": pres.honoured_amount, "credit_state": credit.state,
        "drawn_amount": credit.drawn_amount,
    })
    emit(credit, events.SETTLED, {**_payload(pres), "credit_state": credit.state})
    return pres


__all__ = ["DRAWN_STATES", "honour_presentation", "reimburse_presentation", "settle_presentation"]
