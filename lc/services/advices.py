"""What a counterpart's imported advice records against a credit of this bank (issue 18):
the refusal of an MT734, the payment of an MT754, the reimbursement of an MT756.

Called by `lc.services.inbound` inside the import's transaction, under the credit's row lock,
with the message already validated; it returns what the import's ONE ledger entry carries.
The stored message itself (append-only, linked to the credit and, where field 20 or 21 names
one, to our presentation) is the record of the counterpart's act: no other table holds it.
Our own objects change only where the rules leave no doubt:

- a refusal by the credit's issuing bank (off the platform) of a presentation made to us (field
  21 our reference CREDIT-n) gets that presentation's single refusal notice (art. 16(c)): the
  77J discrepancies, the 77B disposal, the 32A utilisation, 73A charges and 33a total claimed in
  its text; the presentation moves to "refused" where the state machine allows it and its
  reservation is released;
- a payment under a credit received here (its MT700 imported) draws on its availability, and
  a reimbursement settles what was drawn, through `lc.services.money` and its guards;
- a reimbursement naming a presentation we honoured settles exactly what we claimed (our MT754),
  and the presentation moves honoured -> reimbursed -> settled: the issuing bank is off the
  platform, so nobody here could ever take the last step, and the account already calls the
  drawing settled. An advice that pays another amount (to the minor unit) is recorded with a
  finding (AMOUNT) and applied to nothing, as is one naming a presentation not awaiting it (STATE).

Anything else is recorded with its facts and changes nothing. Money the account cannot take
(a payment beyond the availability, another currency, a reimbursement beyond what was drawn)
refuses the whole import with the field named, and so does an MT734 that names no credit, or an
MT734 / MT756 that names a presentation, which the importing bank does not hold (REFERENCE, the
same words whether it exists elsewhere or not): nothing is written.
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
from lc.models import (
    PRESENTATION_MOVES,
    Disposal,
    LetterOfCredit,
    Organization,
    Outcome,
    Presentation,
    PresentationState,
    RefusalNotice,
    User,
)
from lc.services import money as accounts
from lc.services.common import lock_credit, lock_presentation
from lc.services.messages import DISPOSAL_CODES, presentation_reference
from lc.swift import Message, read_mt734, read_payment
from lc.swift.advices import Payment, Refusal
from lc.swift.message import bic_of
from lc.swift.money import minor_units
from lc.swift.specs import SPECS

ADVICES = ("734", "754", "756")
NAMES_PRESENTATION = ("734", "756")  # field 21 (or 20) may be our presentation's reference
# The MT734's 77B code -> the art. 16(c)(iii) disposal: the outbound table read backwards.
DISPOSAL_OF_CODE = {code: disposal for disposal, code in DISPOSAL_CODES.items()}


@dataclass
class Recorded:
    """What the import stores and records for one advice."""

    outcome: str
    event: Event
    facts: dict[str, Any]
    presentation: Presentation | None = None
    webhook: dict[str, Any] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)  # the stored message's findings (flags)


def record_advice(message: Message, credit: LetterOfCredit, org: Organization, *, received: bool,
                  actor: User, now: dt.datetime) -> Recorded:
    """`received`: the credit came to this bank as an imported MT700 from an issuing bank off the
    platform, so its availability here moves only by what the counterparts advise."""
    credit = lock_credit(None, credit.pk)
    pres = our_presentation(message, credit, org)
    if pres is not None:
        _, pres = lock_presentation(None, pres.pk)  # credit, then presentation: the fixed order
    elif message.message_type in NAMES_PRESENTATION and _presentation_named(message, credit):
        raise unknown_reference(message, org)
    if message.message_type == "734":
        return _refusal(message, credit, pres, received=received, actor=actor, now=now)
    return _payment(message, credit, pres, received=received, now=now)


def _presentation_named(message: Message, credit: LetterOfCredit) -> tuple[str, int] | None:
    """(tag, number) when field 21 (or 20) has the shape of this credit's presentation reference
    as `presentation_reference` writes it (CREDIT-n), whoever the presentation was made to."""
    for tag in ("21", "20"):
        ref = message.text(tag)
        head, _, number = ref.rpartition("-")
        if ref == credit.reference or not head or not number.isdigit() or number != str(int(number)):
            continue
        if ref == credit.reference[:16 - len(number) - 1] + "-" + number:
            return tag, int(number)
    return None


def our_presentation(message: Message, credit: LetterOfCredit, org: Organization) -> Presentation | None:
    """The presentation made to this bank that field 21 (or 20) names, as we wrote it: CREDIT-n."""
    named = _presentation_named(message, credit)
    if named is None:
        return None
    pres = credit.presentations.filter(number=named[1], presented_to=org).first()
    return pres if pres is not None and presentation_reference(credit, pres) == message.text(named[0]) else None


def unknown_reference(message: Message, org: Organization) -> InvalidInput:
    """An advice that names no credit or presentation this bank holds: the same words whether
    the reference exists at another bank or nowhere (a non-party learns nothing)."""
    where = message.get("21") or message.get("20")
    tag = where.tag if where else "21"
    refs = ", ".join(r for r in (message.reference, message.related_reference) if r)
    reason = (f"MT{message.message_type} {refs} names no credit or presentation of {org.name}: "
              "nothing was imported")
    spec = SPECS[message.message_type].spec_for(tag)
    return InvalidInput(reason, [{"code": "REFERENCE", "tag": tag, "field": spec[1].name if spec else tag,
                                  "line": where.line if where else 0, "message": reason,
                                  "mt": message.message_type}])


def _money(currency: str, amount: Decimal) -> dict[str, str]:
    return {"currency": currency, "amount": f"{amount:.{minor_units(currency)}f}"}


def _refusal(message: Message, credit: LetterOfCredit, pres: Presentation | None, *, received: bool,
             actor: User, now: dt.datetime) -> Recorded:
    refusal = read_mt734(message)
    facts: dict[str, Any] = {
        "discrepancies": list(refusal.discrepancies), "disposal": refusal.disposal,
        "disposal_text": refusal.disposal_text, "amount": _money(*refusal.amount),
        "utilisation_date": refusal.utilisation_date, "charges": refusal.charges or None,
        "total": _money(*refusal.total) if refusal.total else None, "presentation": str(pres.id) if pres else None,
        "notice": None, "state_changed": False, "availability": None}
    notes: list[dict[str, Any]] = []
    if pres is not None and received and _from_issuer(message, credit):
        if RefusalNotice.objects.filter(presentation=pres).exists():
            # Art. 16(c): one single notice; a second advice (a resent copy) is kept, applied to nothing.
            notes.append(_note(message, "77J", "REFUSED", f"presentation {pres.number} already has its refusal "
                               "notice (art. 16(c): one single notice): kept, applied to nothing"))
        else:
            facts["notice"] = str(_refusal_notice(message, credit, pres, refusal, actor=actor, now=now).id)
            if _may_refuse(pres):
                held = accounts.reserved_by(pres)
                pres.state = PresentationState.REFUSED
                pres.save(update_fields=["state"])
                released = accounts.release(credit, pres, held, now)
                facts.update(state_changed=True, state=pres.state, availability=released.payload())
    return Recorded(Outcome.REFUSAL_RECORDED, events.REFUSAL_RECORDED, facts, pres, webhook={
        "presentation": facts["presentation"], "disposal": refusal.disposal, "notice": facts["notice"],
        "state_changed": facts["state_changed"]}, notes=notes)


def _refusal_notice(message: Message, credit: LetterOfCredit, pres: Presentation, refusal: Refusal, *,
                    actor: User, now: dt.datetime) -> RefusalNotice:
    """The issuing bank's single notice on our presentation, as its MT734 gives it. The notice is
    kept as received: the platform cannot see the day the documents reached the issuing bank,
    which its art. 14(b) clock runs from, so it does not mark the notice late. sent_by is the
    person (or API client) who imported it; the issuer's own people are not on the platform."""
    disposal = DISPOSAL_OF_CODE[refusal.disposal]
    return RefusalNotice.objects.create(
        presentation=pres, refusing_bank=credit.issuing_bank, disposal=disposal,
        discrepancies=[{"code": "", "rule": "MT734 77J", "text": text} for text in refusal.discrepancies],
        text=imported_refusal_text(credit, pres, refusal, disposal), sent_by=actor, sent_at=now,
        within_deadline=True)


def imported_refusal_text(credit: LetterOfCredit, pres: Presentation, refusal: Refusal, disposal: str) -> str:
    """The notice's text, in the words of `lc.services.examination.refusal_text`, with the
    MT734's own facts (its reference, 32A, 73A and 33a) that no column of the notice holds."""
    currency, amount = refusal.amount
    lines = [
        f"Credit {credit.reference}, presentation {pres.number} ({pres.currency} {pres.amount_claimed}), "
        f"presented {pres.presented_on}.",
        f"{credit.issuing_bank.name} refuses to honour (MT734 {refusal.reference}, imported; "
        f"utilisation {refusal.utilisation_date} {currency} {amount}). The discrepancies are:",
    ]
    lines += [f"{i}. {text} [MT734 77J]" for i, text in enumerate(refusal.discrepancies, 1)]
    lines.append(f"Documents: {Disposal(disposal).label}." + (f" {refusal.disposal_text}" if refusal.disposal_text
                                                                 else ""))
    if refusal.charges:
        lines.append("Charges claimed: " + " ".join(refusal.charges.splitlines()))
    if refusal.total is not None:
        lines.append(f"Total amount claimed: {refusal.total[0]} {refusal.total[1]}")
    return "\n".join(lines)


def _note(message: Message, tag: str, code: str, text: str) -> dict[str, Any]:
    """A flag on the stored message (its findings), with the field's line, as the inbox shows them."""
    found = message.get(tag)
    spec = SPECS[message.message_type].spec_for(tag)
    return {"code": code, "tag": found.tag if found else tag, "field": spec[1].name if spec else tag,
            "line": found.line if found else 0, "message": text, "mt": message.message_type}


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
    currency, amount = payment.amount
    facts: dict[str, Any] = {
        "amount": _money(currency, amount), "value_date": payment.value_date,
        "total": _money(*payment.total) if payment.total else None,
        "presentation": str(pres.id) if pres else None, "availability": None}
    if not paid and pres is not None:
        return _reimbursement(message, credit, pres, payment, facts, received=received, now=now)
    if received:
        facts["availability"] = _apply_money(message, credit, payment, None, now).payload()
    outcome, event = ((Outcome.PAYMENT_RECORDED, events.PAYMENT_RECORDED) if paid
                      else (Outcome.REIMBURSEMENT_RECORDED, events.REIMBURSEMENT_RECORDED))
    return Recorded(outcome, event, facts, pres, webhook={"amount": facts["amount"], "value_date": payment.value_date})


def _apply_money(message: Message, credit: LetterOfCredit, payment: Payment, pres: Presentation | None,
                 now: dt.datetime) -> accounts.Change:
    """An MT754 draws, an MT756 settles, each through the account's guard; what the account
    cannot take refuses the import with the amount field named."""
    paid = message.message_type == "754"
    tag = message.get("32a") if paid else message.get("33A")
    assert tag is not None
    amount = _in_credit_currency(credit, *payment.amount, tag.tag, tag.line, message.message_type)
    try:
        return (accounts.draw_advised(credit, amount, now) if paid
                else accounts.settle_advised(credit, amount, now, pres))
    except NotAllowed as exc:
        raise _refused(str(exc), tag.tag, tag.line, message.message_type) from exc


def _reimbursement(message: Message, credit: LetterOfCredit, pres: Presentation, payment: Payment,
                   facts: dict[str, Any], *, received: bool, now: dt.datetime) -> Recorded:
    """An MT756 naming a presentation made to us: settled and closed when it pays exactly what we
    claimed, flagged (and applied to nothing) otherwise. Under a credit whose issuing bank is
    on the platform the issuing bank reimburses there (reimburse_presentation): recorded only."""
    claimed = _money(pres.currency, pres.honoured_amount) if pres.honoured_amount is not None else None
    facts.update(claimed=claimed, state_changed=False, flagged=[])
    notes: list[dict[str, Any]] = []
    if received:
        paid = message.get("33A")
        assert paid is not None
        _in_credit_currency(credit, *payment.amount, paid.tag, paid.line, "756")  # another currency: refused
        notes = _reimbursement_notes(message, pres, payment)
        if not notes:
            facts["availability"] = _apply_money(message, credit, payment, pres, now).payload()
            facts.update(_reimbursed(pres, now))
        facts["flagged"] = [n["code"] for n in notes]
    return Recorded(Outcome.REIMBURSEMENT_RECORDED, events.REIMBURSEMENT_RECORDED, facts, pres, notes=notes,
                    webhook={"amount": facts["amount"], "value_date": payment.value_date,
                             "presentation": facts["presentation"], "state_changed": facts["state_changed"],
                             "flagged": facts["flagged"]})


def _reimbursement_notes(message: Message, pres: Presentation, payment: Payment) -> list[dict[str, Any]]:
    """Why an MT756 on our presentation is not applied: the presentation is not awaiting a
    reimbursement (honoured), or an amount differs, to the minor unit, from what we claimed
    (the honoured amount, our MT754's 32a): a short or excess payment is flagged, never taken
    as settling the claim."""
    if PresentationState.REIMBURSED not in PRESENTATION_MOVES.get(pres.state, set()) or pres.honoured_amount is None:
        return [_note(message, "21", "STATE", f"presentation {pres.number} is {pres.get_state_display().lower()}, "
                      "not honoured and awaiting reimbursement: kept, applied to nothing")]
    claimed = _money(pres.currency, pres.honoured_amount)
    advised = [("33A", payment.amount)] + ([("32B", payment.total)] if payment.total else [])
    return [_note(message, tag, "AMOUNT", f"{currency} {_money(currency, amount)['amount']} differs from the "
                  f"{claimed['currency']} {claimed['amount']} claimed for presentation {pres.number} (our MT754): "
                  "kept, applied to nothing")
            for tag, (currency, amount) in advised if (currency, amount) != (pres.currency, pres.honoured_amount)]


def _reimbursed(pres: Presentation, now: dt.datetime) -> dict[str, Any]:
    """Honoured -> reimbursed -> settled, each a move of the state machine (see the module doc)."""
    for target in (PresentationState.REIMBURSED, PresentationState.SETTLED):
        move(pres.state, target, PRESENTATION_MOVES, "presentation")
        pres.state = target
    pres.reimbursed_at = pres.settled_at = now
    pres.save(update_fields=["state", "reimbursed_at", "settled_at"])
    return {"state_changed": True, "state": pres.state, "moves": [PresentationState.REIMBURSED, pres.state]}


def _in_credit_currency(credit: LetterOfCredit, currency: str, amount: Decimal, tag: str, line: int,
                        mt: str) -> Decimal:
    if currency != credit.currency:
        raise _refused(f"the credit is in {credit.currency}, the message pays {currency}", tag, line, mt)
    return accounts.check_amount(str(amount), currency, tag)


def _refused(reason: str, tag: str, line: int, mt: str) -> InvalidInput:
    finding = {"code": "AVAILABILITY", "tag": tag, "field": tag, "line": line, "message": reason, "mt": mt}
    return InvalidInput(f"the message was not applied and nothing was stored: {reason}", [finding])
