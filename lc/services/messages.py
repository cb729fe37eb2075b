"""SWIFT messages produced by the business actions (issue 18), stored append-only.

Each action that a bank would tell another bank about by SWIFT calls one function here inside
its own transaction, before it records its ledger entry: the messages are built by `lc.swift`
(which refuses, field named, anything a field cannot carry unchanged), stored exactly as
serialised, and their SHA-256 digests returned for the action's ONE ledger entry
(`payload["messages"]`). A message that cannot be built makes the action fail with
InvalidInput: nothing reaches a bank changed or truncated, and nothing is half done.

Terms are checked field by field before any message exists (`check_terms_text`, called by
`lc.services.credits.parse_terms`): a value that would smuggle a field (CR/LF, ':NN:', '{',
'-}') or holds a character outside its field's SWIFT set is refused with the terms field named.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from lc import events
from lc.errors import InvalidInput
from lc.events import Event
from lc.examination.types import CreditTerms
from lc.models import (
    Amendment,
    Direction,
    Discrepancy,
    DiscrepancyStatus,
    Disposal,
    LetterOfCredit,
    Organization,
    Outcome,
    Presentation,
    SwiftMessage,
    User,
    WaiverRequest,
)
from lc.services.common import local_date
from lc.swift import (
    Message,
    SwiftParseError,
    TermsMappingError,
    amendment_to_mt707,
    build_mt730,
    build_mt734,
    build_mt750,
    build_mt752,
    build_mt754,
    build_mt756,
    check_field_text,
    parse,
    serialise,
    terms_to_mt700,
)
from lc.swift.fieldcodec import tag_of
from lc.swift.message import bic_of
from lc.swift.money import minor_units
from lc.swift.phrases import INCOTERMS
from lc.swift.specs import SPECS

# UCP 600 art. 16(c)(iii) disposal -> the MT734 77B code.
DISPOSAL_CODES = {
    Disposal.HOLD_PENDING_INSTRUCTIONS: "HOLD",
    Disposal.HOLD_UNTIL_WAIVER: "NOTIFY",
    Disposal.RETURNING: "RETURN",
    Disposal.PRIOR_INSTRUCTIONS: "PREVINST",
}
NONREF = "NONREF"  # SWIFT's word for "the receiver gave no reference"


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def named_fields(row: SwiftMessage) -> list[tuple[str, str, tuple[str, ...]]]:
    """A stored message's fields with their names from its type's specification (for people)."""
    try:
        message = parse(row.text)
    except SwiftParseError:
        return []
    spec = SPECS.get(row.mt)
    out = []
    for fld in message.fields:
        found = spec.spec_for(fld.tag) if spec else None
        out.append((fld.tag, found[1].name if found else "", fld.lines))
    return out


def digests(rows: Sequence[SwiftMessage]) -> list[dict[str, str]]:
    """What the action's ledger entry carries for its messages."""
    return [{"mt": r.mt, "sha256": r.sha256} for r in rows]


# -- Terms checked before any message is generated. ------------------------------------------

def _strings(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _strings(item, f"{path}[{i}]")


def terms_text_errors(terms: CreditTerms) -> list[dict[str, str]]:
    """Every terms value that could inject a field or holds a character outside the SWIFT
    set of the field it is written to (M60), with the terms field named."""
    errors = []
    for path, value in _strings(terms.to_dict()):
        tag = tag_of(path)
        for finding in check_field_text(tag if tag and not tag.startswith("block") else "20", value):
            errors.append({"field": path, "tag": tag, "code": finding.code, "message": finding.message})
    return errors


_HS_CODE = re.compile(r"\d{6,10}")


def goods_code_errors(terms: CreditTerms) -> list[dict[str, str]]:
    """SR2026 goods-line codes: an ICC Incoterms 2020 code, HS codes of 6 to 10 digits."""
    errors = []
    for i, line in enumerate(terms.goods):
        if line.incoterm and line.incoterm not in INCOTERMS:
            errors.append({"field": f"goods[{i}].incoterm", "tag": "45A", "code": "T08",
                           "message": f"not an Incoterms 2020 code ({', '.join(INCOTERMS)})"})
        for k, code in enumerate(line.hs_codes):
            if not _HS_CODE.fullmatch(code):
                errors.append({"field": f"goods[{i}].hs_codes[{k}]", "tag": "45A", "code": "T12",
                               "message": "an HS code is 6 to 10 digits, without dots or spaces"})
    return errors


def check_terms_text(terms: CreditTerms) -> None:
    errors = terms_text_errors(terms) + goods_code_errors(terms)
    if errors:
        summary = "; ".join(f"{e['code']} {e['field']} ({e['tag']}): {e['message']}" for e in errors)
        raise InvalidInput(f"the credit terms cannot be written to a SWIFT message: {summary}", errors)


def check_discrepancy_text(text: str) -> None:
    """An examiner's discrepancy goes into the MT734's 77J (and an MT750's) as written: refused
    now if it could not, rather than when the refusal is due (art. 16(d))."""
    problems = check_field_text("77J", text)
    if problems:
        raise InvalidInput("the discrepancy cannot be written to a SWIFT refusal (77J): "
                           + "; ".join(str(p) for p in problems),
                           [{"field": "text", "tag": "77J", "code": p.code, "message": p.message} for p in problems])


def mapping_error(exc: TermsMappingError, what: str) -> InvalidInput:
    errors = [{"field": p.path or p.tag, "tag": p.tag, "code": p.code or "MAPPING", "message": p.message}
              for p in exc.problems]
    return InvalidInput(f"{what} cannot be sent as SWIFT messages: {exc}", errors)


# -- Storing. ---------------------------------------------------------------------------------

def store(messages: Sequence[Message], *, direction: str, event: Event, credit: LetterOfCredit | None,
          sender_org: Organization | None, receiver_org: Organization | None, actor: User | None,
          now: dt.datetime, amendment: Amendment | None = None, presentation: Presentation | None = None,
          findings: Sequence[list[dict[str, Any]]] = (), outcome: str = Outcome.NONE) -> list[SwiftMessage]:
    """One row per message, one batch for all of them, texts exactly as serialised."""
    batch = uuid.uuid4()
    rows = []
    for i, message in enumerate(messages):
        text = serialise(message)
        rows.append(SwiftMessage(
            direction=direction, mt=message.message_type, batch=batch, part=i + 1,
            sender_bic=bic_of(message.sender), receiver_bic=bic_of(message.receiver),
            sender_org=sender_org, receiver_org=receiver_org, reference=message.reference[:16],
            related_reference=message.related_reference[:16], text=text, sha256=sha256_of(text), credit=credit,
            amendment=amendment, presentation=presentation, kind=event.kind,
            findings=findings[i] if findings else [], outcome=outcome, created_by=actor, created_at=now))
    return SwiftMessage.objects.bulk_create(rows)


def _send(messages: Sequence[Message], event: Event, credit: LetterOfCredit, sender: Organization,
          receiver: Organization, actor: User | None, now: dt.datetime, **links: Any) -> list[dict[str, str]]:
    rows = store(messages, direction=Direction.OUT, event=event, credit=credit, sender_org=sender,
                 receiver_org=receiver, actor=actor, now=now, **links)
    return digests(rows)


# -- What each action sends. ------------------------------------------------------------------

def send_credit(credit: LetterOfCredit, terms: dict[str, Any], *, actor: User, now: dt.datetime) -> list[dict[str, str]]:
    """Issuance: the MT700 (+ MT701s) from the issuing bank to the advising bank."""
    try:
        messages = terms_to_mt700(CreditTerms.from_dict(terms))
    except TermsMappingError as exc:
        raise mapping_error(exc, "the credit") from exc
    return _send(messages, events.CREDIT_ISSUED, credit, credit.issuing_bank, credit.advising_bank, actor, now)


def send_amendment(credit: LetterOfCredit, amendment: Amendment, *, actor: User,
                   now: dt.datetime) -> list[dict[str, str]]:
    """Amendment issued: the MT707 (+ MT708s) to the advising bank, the changes against the
    version they amend."""
    base = CreditTerms.from_dict(amendment.base_version.terms)
    try:
        messages = amendment_to_mt707(base=base, changes=amendment.changes, number=amendment.number,
                                      amendment_date=local_date(now, credit.issuing_bank),
                                      receiver_reference=NONREF)
    except TermsMappingError as exc:
        raise mapping_error(exc, "the amendment") from exc
    return _send(messages, events.AMENDMENT_ISSUED, credit, credit.issuing_bank, credit.advising_bank, actor, now,
                 amendment=amendment)


def send_amendment_answer(credit: LetterOfCredit, amendment: Amendment, *, accepted: bool, event: Event,
                          actor: User, now: dt.datetime) -> list[dict[str, str]]:
    """The beneficiary's acceptance or rejection of an issued amendment: the advising bank's
    MT730 to the issuing bank (79Z says which)."""
    word = "ACCEPTED" if accepted else "REJECTED"
    message = _build(build_mt730, "the acknowledgement", sender_bic=credit.advising_bank.bic,
                     receiver_bic=credit.issuing_bank.bic, reference=credit.reference,
                     related_reference=credit.reference, acknowledged_on=local_date(now, credit.advising_bank),
                     narrative=f"AMENDMENT {amendment.number} {word} BY THE BENEFICIARY")
    return _send([message], event, credit, credit.advising_bank, credit.issuing_bank, actor, now, amendment=amendment)


def presentation_reference(credit: LetterOfCredit, pres: Presentation) -> str:
    """Field 20/21 for a presentation: the credit number and its presentation number (16x)."""
    suffix = f"-{pres.number}"
    return credit.reference[:16 - len(suffix)] + suffix


def _build(builder: Any, what: str, **facts: Any) -> Message:
    try:
        return builder(**facts)  # type: ignore[no-any-return]
    except TermsMappingError as exc:
        raise mapping_error(exc, what) from exc


def _money(pres: Presentation, amount: Decimal | None = None) -> tuple[str, Decimal]:
    """(currency, amount) at the currency's minor units, as 32B/33A carry it (C03)."""
    value = amount if amount is not None else pres.amount_claimed
    return pres.currency, value.quantize(Decimal(1).scaleb(-minor_units(pres.currency)))


def refusal_receiver(credit: LetterOfCredit, pres: Presentation) -> Organization:
    """Whom the MT734 goes to: the presenter when it is a bank; otherwise the bank that stands
    between the refusing bank and the beneficiary (the issuing bank refusing tells the bank
    that advised or was nominated; a nominated bank refusing tells the issuing bank)."""
    if pres.presenter.is_bank and pres.presenter_id != pres.presented_to_id:
        return pres.presenter
    if pres.presented_to_id == credit.issuing_bank_id:
        return credit.nominated_bank or credit.advising_bank
    return credit.issuing_bank


def send_refusal(credit: LetterOfCredit, pres: Presentation, discrepancies: Sequence[Discrepancy], disposal: str, *,
                 actor: User, now: dt.datetime) -> list[dict[str, str]]:
    """The single refusal notice (art. 16(c)) as MT734: 77J the confirmed discrepancies, 77B
    the disposal of the documents."""
    receiver = refusal_receiver(credit, pres)
    message = _build(build_mt734, "the refusal notice", sender_bic=pres.presented_to.bic, receiver_bic=receiver.bic,
                     reference=presentation_reference(credit, pres), presenting_reference=credit.reference,
                     utilisation_date=pres.presented_on or local_date(now, pres.presented_to), amount=_money(pres),
                     discrepancies=[d.text for d in discrepancies], disposal=DISPOSAL_CODES[Disposal(disposal)])
    return _send([message], events.REFUSED, credit, pres.presented_to, receiver, actor, now, presentation=pres)


def _nominated(credit: LetterOfCredit, pres: Presentation) -> bool:
    """A bank other than the issuing bank took the documents: it and the issuing bank talk by SWIFT."""
    return pres.presented_to_id != credit.issuing_bank_id and pres.presented_to.is_bank


def confirmed(pres: Presentation) -> list[Discrepancy]:
    """The discrepancies the examiner confirmed, in the order of the refusal notice."""
    return list(pres.discrepancies.filter(status=DiscrepancyStatus.CONFIRMED).order_by("code", "created_at"))


def send_discrepancy_advice(credit: LetterOfCredit, pres: Presentation, *, actor: User,
                            now: dt.datetime) -> list[dict[str, str]]:
    """A nominated bank asks the issuing bank for authority to pay despite the discrepancies
    (MT750); the issuing bank is the one that approaches the applicant (art. 16(b))."""
    if not _nominated(credit, pres):
        return []
    message = _build(build_mt750, "the advice of discrepancy", sender_bic=pres.presented_to.bic,
                     receiver_bic=credit.issuing_bank.bic, reference=presentation_reference(credit, pres),
                     related_reference=credit.reference, principal=_money(pres),
                     discrepancies=[d.text for d in confirmed(pres)])
    return _send([message], events.WAIVER_REQUESTED, credit, pres.presented_to, credit.issuing_bank, actor, now,
                 presentation=pres)


def _authority(pres: Presentation) -> str:
    """MT752 field 23: authorised to negotiate under a negotiation credit, else to accept the
    documents as presented (pay or incur the deferred payment or acceptance)."""
    return "NEGOTIATE" if pres.terms_version.terms.get("available_by") == "BY NEGOTIATION" else "ACCEPT"


def send_authorisation(credit: LetterOfCredit, pres: Presentation, waiver: WaiverRequest, *, actor: User,
                       now: dt.datetime) -> list[dict[str, str]]:
    """The applicant waived: the issuing bank authorises the nominated bank to pay (MT752),
    field 30 the date the waiver was asked for (the MT750's)."""
    if not _nominated(credit, pres):
        return []
    advised_on = local_date(waiver.requested_at, pres.presented_to)  # the MT750's date, at its sender
    message = _build(build_mt752, "the authorisation to pay", sender_bic=credit.issuing_bank.bic,
                     receiver_bic=pres.presented_to.bic, reference=credit.reference,
                     related_reference=presentation_reference(credit, pres),
                     further_identification=_authority(pres), advice_date=advised_on, total_advised=_money(pres))
    return _send([message], events.WAIVED, credit, credit.issuing_bank, pres.presented_to, actor, now,
                 presentation=pres)


def send_payment_advice(credit: LetterOfCredit, pres: Presentation, amount: Decimal, *, actor: User,
                        now: dt.datetime) -> list[dict[str, str]]:
    """A nominated bank honoured: its MT754 to the issuing bank (32A with the value date for a
    sight payment or negotiation, 32B for a deferred payment or acceptance)."""
    if not _nominated(credit, pres):
        return []
    value_date = None if pres.maturity_date else local_date(now, pres.presented_to)
    message = _build(build_mt754, "the advice of payment", sender_bic=pres.presented_to.bic,
                     receiver_bic=credit.issuing_bank.bic, reference=presentation_reference(credit, pres),
                     related_reference=credit.reference, principal=_money(pres, amount), value_date=value_date)
    return _send([message], events.HONOURED, credit, pres.presented_to, credit.issuing_bank, actor, now,
                 presentation=pres)


def send_reimbursement(credit: LetterOfCredit, pres: Presentation, *, actor: User,
                       now: dt.datetime) -> list[dict[str, str]]:
    """The issuing bank reimburses the nominated bank that honoured (art. 7(c)): MT756."""
    amount = _money(pres, pres.honoured_amount)
    message = _build(build_mt756, "the advice of reimbursement", sender_bic=credit.issuing_bank.bic,
                     receiver_bic=pres.presented_to.bic, reference=credit.reference,
                     related_reference=presentation_reference(credit, pres), total_claimed=amount,
                     amount_paid=amount, value_date=local_date(now, credit.issuing_bank))
    return _send([message], events.REIMBURSED, credit, credit.issuing_bank, pres.presented_to, actor, now,
                 presentation=pres)
