"""What a counterpart's imported advice records against a credit of this bank (issue 18):
the refusal of an MT734, the payment of an MT754, the reimbursement of an MT756.

Called by `lc.services.inbound` inside the import's transaction, under the credit's row lock,
with the message already validated; it returns what the import's ONE ledger entry carries.
The stored message itself (append-only, linked to the credit and, where field 20 or 21 names
one, to our presentation) is the record of the counterpart's act: no other table holds it.
Our own objects change only where the rules leave no doubt:

- a refusal by the credit's issuing bank (off the platform) of a presentation made to us moves
  it to "refused" by the presentation state machine and releases its reservation;
- a payment under a credit received here (its MT700 imported) draws on its availability, and
  a reimbursement settles what was drawn, through `lc.services.money` and its guards.

Anything else is recorded with its facts and changes nothing. Money the account cannot take
(a payment beyond the availability, another currency, a reimbursement beyond what was drawn)
refuses the whole import with the field named: nothing is written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lc import events
from lc.access import move
from lc.errors import InvalidInput, NotAllowed
from lc.events import Event
from lc.models import PRESENTATION_MOVES, LetterOfCredit, Organization, Outcome, Presentation, PresentationState
from lc.services import money as accounts
from lc.services.common import lock_credit, lock_presentation
from lc.services.messages import presentation_reference
from lc.swift import Message, read_mt734, read_payment
from lc.swift.message import bic_of
from lc.swift.money import minor_units

ADVICES = ("734", "754", "756")


@dataclass
class Recorded:
    """What the import stores and records for one advice."""

    outcome: str
    event: Event
    facts: dict[str, Any]
    presentation: Presentation | None = None
    webhook: dict[str, Any] = field(default_factory=dict)


def record_advice(message: Message, credit: LetterOfCredit, org: Organization, *, received: bool,
                  now: dt.datetime) -> Recorded:
    """`received`: the credit came to this bank as an imported MT700 from an issuing bank off the
    platform, so its availability here moves only by what the counterparts advise."""
    credit = lock_credit(None, credit.pk)
    pres = our_presentation(message, credit, org)
    if message.message_type == "734":
        return _refusal(message, credit, pres, received=received, now=now)
    return _payment(message, credit, pres, received=received, now=now)


def our_presentation(message: Message, credit: LetterOfCredit, org: Organization) -> Presentation | None:
    """The presentation made to this bank that field 21 (or 20) names, as we wrote it: CREDIT-n."""
    for ref in (message.related_reference, message.reference):
        head, _, number = ref.rpartition("-")
        if not head or not number.isdigit():
            continue
        pres = credit.presentations.filter(number=int(number), presented_to=org).first()
        if pres is not None and presentation_reference(credit, pres) == ref:
            return pres
    return None


def _money(currency: str, amount: Decimal) -> dict[str, str]:
    return {"currency": currency, "amount": f"{amount:.{minor_units(currency)}f}"}


def _refusal(message: Message, credit: LetterOfCredit, pres: Presentation | None, *, received: bool,
             now: dt.datetime) -> Recorded:
    refusal = read_mt734(message)
    facts: dict[str, Any] = {
        "discrepancies": list(refusal.discrepancies), "disposal": refusal.disposal,
        "disposal_text": refusal.disposal_text, "amount": _money(*refusal.amount),
        "utilisation_date": refusal.utilisation_date, "presentation": str(pres.id) if pres else None,
        "state_changed": False, "availability": None}
    if pres is not None and received and _from_issuer(message, credit) and _may_refuse(pres):
        _, pres = lock_presentation(None, pres.pk)
        held = accounts.reserved_by(pres)
        pres.state = PresentationState.REFUSED
        pres.save(update_fields=["state"])
        released = accounts.release(credit, pres, held, now)
        facts.update(state_changed=True, state=pres.state, availability=released.payload())
    return Recorded(Outcome.REFUSAL_RECORDED, events.REFUSAL_RECORDED, facts, pres, webhook={
        "presentation": facts["presentation"], "disposal": refusal.disposal, "state_changed": facts["state_changed"]})


def _from_issuer(message: Message, credit: LetterOfCredit) -> bool:
    return bic_of(message.sender).upper()[:8] == credit.issuing_bank.bic.upper()[:8]


def _may_refuse(pres: Presentation) -> bool:
    try:
        move(pres.state, PresentationState.REFUSED, PRESENTATION_MOVES, "presentation")
    except NotAllowed:
        return False
    return True


def _payment(message: Message, credit: LetterOfCredit, pres: Presentation | None, *, received: bool,
             now: dt.datetime) -> Recorded:
    payment = read_payment(message)
    paid = message.message_type == "754"
    tag = message.get("32a") if paid else message.get("33A")
    assert tag is not None
    currency, amount = payment.amount
    facts: dict[str, Any] = {
        "amount": _money(currency, amount), "value_date": payment.value_date,
        "total": _money(*payment.total) if payment.total else None,
        "presentation": str(pres.id) if pres else None, "availability": None}
    if received:
        amount = _in_credit_currency(credit, currency, amount, tag.tag, tag.line, message.message_type)
        try:
            change = (accounts.draw_advised(credit, amount, now) if paid
                      else accounts.settle_advised(credit, amount, now, pres))
        except NotAllowed as exc:
            raise _refused(str(exc), tag.tag, tag.line, message.message_type) from exc
        facts["availability"] = change.payload()
    outcome, event = ((Outcome.PAYMENT_RECORDED, events.PAYMENT_RECORDED) if paid
                      else (Outcome.REIMBURSEMENT_RECORDED, events.REIMBURSEMENT_RECORDED))
    return Recorded(outcome, event, facts, pres, webhook={"amount": facts["amount"], "value_date": payment.value_date})


def _in_credit_currency(credit: LetterOfCredit, currency: str, amount: Decimal, tag: str, line: int,
                        mt: str) -> Decimal:
    if currency != credit.currency:
        raise _refused(f"the credit is in {credit.currency}, the message pays {currency}", tag, line, mt)
    return accounts.check_amount(str(amount), currency, tag)


def _refused(reason: str, tag: str, line: int, mt: str) -> InvalidInput:
    finding = {"code": "AVAILABILITY", "tag": tag, "field": tag, "line": line, "message": reason, "mt": mt}
    return InvalidInput(f"the message was not applied and nothing was stored: {reason}", [finding])
