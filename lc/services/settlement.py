"""Honour, reimbursement and settlement of a presentation (arts 7, 8, 12, 13)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from lc import events, money
from lc.access import CLOSED_PRESENTATIONS
from lc.errors import InvalidInput, NotAllowed
from lc.integrations.webhooks import emit
from lc.models import (
    CreditState,
    DocumentType,
    HonourType,
    LetterOfCredit,
    Presentation,
    PresentationState,
    User,
)
from lc.services import approvals
from lc.services import messages as swift_messages
from lc.services import money as accounts
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


def documentary_amount(pres: Presentation) -> Decimal | None:
    """What the documents draw: the draft if any, else the invoice (in the credit's currency)."""
    found: dict[str, Decimal] = {}
    for doc_type, data in pres.documents.values_list("doc_type", "data"):
        key = "amount" if doc_type == DocumentType.DRAFT else "total_amount"
        if doc_type in (DocumentType.DRAFT, DocumentType.COMMERCIAL_INVOICE) and data.get("currency") == pres.currency:
            try:
                found.setdefault(doc_type, Decimal(str(data[key])))
            except (KeyError, InvalidOperation, ValueError):
                continue
    return found.get(DocumentType.DRAFT, found.get(DocumentType.COMMERCIAL_INVOICE))


def honour_limit(credit: LetterOfCredit, pres: Presentation) -> Decimal:
    """The most any route may honour: the claim, no more than the documents draw, and no more
    than the credit still has for this presentation (art. 18(b), 30)."""
    cap = accounts.honourable(credit, pres)
    shown = documentary_amount(pres)
    return min(cap, shown) if shown is not None and shown > 0 else cap


def _paid(credit: LetterOfCredit, pres: Presentation, amount: AmountInput | None) -> Decimal:
    limit = honour_limit(credit, pres)
    if amount is None:
        if limit <= 0:
            raise NotAllowed("nothing is available under the credit to honour this presentation")
        return limit
    paid = accounts.check_amount(amount, pres.currency, "amount")
    if paid > pres.amount_claimed:
        raise InvalidInput("cannot honour more than was claimed", [{"field": "amount", "message": "exceeds claim"}])
    if paid > limit:
        shown = money.text(limit, pres.currency)
        raise InvalidInput(f"at most {pres.currency} {shown} can be honoured (the documents and the credit's "
                           "availability allow no more; art. 18(b))",
                           [{"field": "amount", "message": f"at most {shown}"}])
    return paid


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
    amount, maturity_date = approvals.held_honour(pres, amount, maturity_date)
    terms = pres.terms_version.terms
    honour_type = HONOUR_BY_AVAILABILITY.get(terms.get("available_by", ""), HonourType.SIGHT)
    if honour_type in NEEDS_MATURITY and maturity_date is None:
        raise InvalidInput("deferred payment and acceptance need a maturity date",
                           [{"field": "maturity_date", "message": "required"}])
    if maturity_date is not None and maturity_date < local_date(now, pres.presented_to):
        raise InvalidInput("maturity cannot be in the past", [{"field": "maturity_date", "message": "in the past"}])
    paid = _paid(credit, pres, amount)
    gate = approvals.for_honour(
        actor=actor, credit=credit, pres=pres, paid=paid, waived=pres.state != PresentationState.COMPLYING,
        payload=_payload(pres), now=now, params={"amount": money.text(paid, pres.currency),
                                                 "maturity_date": maturity_date.isoformat() if maturity_date else None})
    if not gate.complete:
        return pres  # approval levels (issue 20): recorded; the honour awaits a further checker
    held = accounts.reserved_by(pres)
    pres.state, pres.honour_type, pres.honoured_amount, pres.honoured_at = (
        PresentationState.HONOURED, honour_type, paid, now)
    pres.maturity_date = maturity_date if honour_type in NEEDS_MATURITY else None
    pres.save()
    # The hard invariant: the account refuses a drawing beyond the maximum, whatever was asked.
    drawn = accounts.draw(credit, pres, held, paid, now)
    credit.drawn_amount += paid
    credit.updated_at = now
    credit.save(update_fields=["drawn_amount", "updated_at"])
    sent = swift_messages.send_payment_advice(credit, pres, paid, actor=actor, now=now)
    record(events.HONOURED, subject=credit.subject, actor=actor, at=now, payload={
        **_payload(pres), "messages": sent, "honour_type": honour_type, "amount": money.text(paid, pres.currency),
        "currency": pres.currency, "maturity_date": pres.maturity_date,
        "drawn_amount": money.text(credit.drawn_amount, credit.currency), "availability": drawn.payload(),
        **gate.payload(),
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
    # Reimbursement repays exactly what was honoured, which the account already holds as drawn.
    assert pres.honoured_amount is not None
    pres.state, pres.reimbursed_at = PresentationState.REIMBURSED, now
    pres.save()
    sent = swift_messages.send_reimbursement(credit, pres, actor=actor, now=now)
    record(events.REIMBURSED, subject=credit.subject, actor=actor, at=now,
           payload={**_payload(pres), "messages": sent, "amount": money.text(pres.honoured_amount, pres.currency),
                    "to": pres.presented_to.ledger_id})
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
    assert pres.honoured_amount is not None
    change = accounts.settle(credit, pres, pres.honoured_amount, now)
    open_drawings = credit.presentations.exclude(pk=pres.pk).exclude(
        state__in=CLOSED_PRESENTATIONS).exists()
    if _fully_drawn(credit) and not open_drawings:
        credit.state, credit.closed_at = CreditState.SETTLED, now
        # The unutilised balance no longer weighs on the applicant's facility.
        change = accounts.Change(change.currency, change.before, accounts.close(credit, now).after)
    credit.updated_at = now
    credit.save()
    record(events.SETTLED, subject=credit.subject, actor=actor, at=now, payload={
        **_payload(pres), "amount": money.text(pres.honoured_amount, pres.currency), "credit_state": credit.state,
        "drawn_amount": money.text(credit.drawn_amount, credit.currency), "availability": change.payload(),
    })
    emit(credit, events.SETTLED, {**_payload(pres), "credit_state": credit.state})
    return pres


__all__ = ["DRAWN_STATES", "honour_presentation", "reimburse_presentation", "settle_presentation"]
