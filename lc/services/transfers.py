"""Transfer (UCP 600 art. 38, issue 20): the first beneficiary requests, naming the second
beneficiary and the curtailed terms; the transferring bank's maker prepares and its checker (a
different person) approves, which earmarks the availability of the first credit and creates the
transferred credit; the bank then advises it to the second beneficiary. Each step one function,
one transaction, one ledger entry, except the approval: it writes the first credit's entry and
the first entry of the transferred credit's own subject, so each credit's history (and its
evidence bundle) is complete on its own.

The request in flight is the credit's own (at most one: a credit is transferred once, art. 38(d)),
so every step names the credit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from lc import events, money
from lc.errors import InvalidInput, NotFound
from lc.examination.issuance import validate_transfer
from lc.integrations.webhooks import emit
from lc.models import (
    CreditState,
    LetterOfCredit,
    Organization,
    OrgKind,
    TermsVersion,
    TransferRequest,
    TransferState,
    User,
)
from lc.services import money as accounts
from lc.services.common import ObjectId, check, invalid, lock_credit, now_or, record
from lc.services.credits import _denormalise, _next_reference, _party, complete_terms, parse_terms

# Art. 38(g): what a transferred credit may change. Amount, unit price (in the goods), expiry,
# the period for presentation and the latest shipment date may only be reduced; the insurance
# percentage (in the documents) only raised: validate_transfer (C11) holds the direction.
TRANSFER_FIELDS = frozenset({"amount", "goods", "expiry_date", "presentation_period_days", "latest_shipment",
                             "documents"})


def _payload(credit: LetterOfCredit, t: TransferRequest) -> dict[str, Any]:
    return {"credit": str(credit.id), "reference": credit.reference, "transfer": str(t.id), "state": t.state,
            "second_beneficiary": t.second_beneficiary.ledger_id}


def _transfer_parties(credit: LetterOfCredit) -> list[Organization]:
    """Who is told of a request: the first beneficiary and the transferring bank(s)."""
    banks = [credit.nominated_bank or credit.issuing_bank, credit.issuing_bank]
    return list({o.pk: o for o in [credit.beneficiary, *banks]}.values())


def transferred_terms(credit: LetterOfCredit, second: Organization, changes: dict[str, Any]) -> dict[str, Any]:
    """The terms of the transferred credit: the first credit's, curtailed as art. 38(g) allows
    and nothing else (422 naming each field otherwise)."""
    extra = sorted(set(changes) - TRANSFER_FIELDS)
    if extra:
        raise InvalidInput("only the amount, unit price, expiry, period for presentation, latest shipment "
                           "and insurance cover can change on transfer (art. 38(g))",
                           [{"field": f"changes.{f}", "message": "cannot change on transfer"} for f in extra])
    assert credit.current_terms is not None
    original = parse_terms(credit.current_terms.terms)
    terms = {**credit.current_terms.terms, **changes, "beneficiary": _party(second)}
    issues = [i for i in validate_transfer(original, parse_terms(terms)) if i.blocking]
    if issues:
        raise invalid(issues)
    return terms


def _second_beneficiary(credit: LetterOfCredit, second: Organization) -> Organization:
    if second.kind != OrgKind.CORPORATE or second.pk in {credit.beneficiary_id, credit.applicant_id}:
        raise InvalidInput("the second beneficiary must be another company",
                           [{"field": "second_beneficiary", "message": "invalid"}])
    return second


def _available(credit: LetterOfCredit, amount: Decimal) -> None:
    """Art. 38: never more than the first beneficiary still has available (an input to correct)."""
    free = accounts.figures(credit).available
    if amount > free:
        shown = money.text(free, credit.currency)
        raise InvalidInput(f"only {credit.currency} {shown} is available to transfer",
                           [{"field": "changes.amount", "message": f"at most {shown} with its tolerance"}])


def _lock_request(credit: LetterOfCredit) -> TransferRequest:
    t = (TransferRequest.objects.select_for_update(of=("self",)).select_related("second_beneficiary")
         .filter(credit=credit).exclude(state=TransferState.REJECTED).first())
    if t is None:  # the check has already refused; kept for the type
        raise NotFound("no transfer request on this credit")
    return t


def current_transfer(credit: LetterOfCredit) -> TransferRequest | None:
    return TransferRequest.objects.filter(credit=credit).exclude(state=TransferState.REJECTED).first()


@transaction.atomic
def request_transfer(*, actor: User, credit_id: ObjectId, second_beneficiary: Organization,
                     changes: dict[str, Any], note: str = "", now: dt.datetime | None = None) -> TransferRequest:
    """The first beneficiary asks its transferring bank to transfer (art. 38(b))."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("request_transfer", actor, credit, now, credit)
    second = _second_beneficiary(credit, second_beneficiary)
    terms = transferred_terms(credit, second, changes)
    _available(credit, accounts.credit_maximum(terms))
    t = TransferRequest.objects.create(credit=credit, second_beneficiary=second, changes=changes, note=note,
                                       requested_by=actor, requested_at=now)
    record(events.TRANSFER_REQUESTED, subject=credit.subject, actor=actor, at=now,
           payload={**_payload(credit, t), "changes": changes, "note": note})
    emit(credit, events.TRANSFER_REQUESTED, {"transfer": str(t.id)}, to=_transfer_parties(credit))
    return t


@transaction.atomic
def prepare_transfer(*, actor: User, credit_id: ObjectId, changes: dict[str, Any] | None = None,
                     second_beneficiary: Organization | None = None, now: dt.datetime | None = None,
                     ) -> TransferRequest:
    """The transferring bank's maker prepares the requested transfer for a checker; it may curtail
    the terms further (art. 38(a): the bank transfers only to the extent it consents), never
    change who the first beneficiary named."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("prepare_transfer", actor, credit, now, credit)
    t = _lock_request(credit)
    if second_beneficiary is not None and second_beneficiary.pk != t.second_beneficiary_id:
        raise InvalidInput("the first beneficiary named another second beneficiary",
                           [{"field": "second_beneficiary", "message": "not the one requested"}])
    if changes is not None:
        t.changes = changes
    terms = transferred_terms(credit, t.second_beneficiary, t.changes)
    _available(credit, accounts.credit_maximum(terms))
    t.state, t.maker, t.prepared_at = TransferState.PREPARED, actor, now
    t.save()
    record(events.TRANSFER_PREPARED, subject=credit.subject, actor=actor, at=now,
           payload={**_payload(credit, t), "changes": t.changes})
    return t


@transaction.atomic
def approve_transfer(*, actor: User, credit_id: ObjectId, now: dt.datetime | None = None) -> LetterOfCredit:
    """The checker (never the maker) approves: the transferred amount with its tolerance leaves the
    first beneficiary's availability, under the first credit's row lock (a presentation reserving
    at the same time waits for it), and the transferred credit is created with its own history."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("approve_transfer", actor, credit, now, credit)
    t = _lock_request(credit)
    # The terms again, against the credit as it is now (an amendment may have come in between).
    terms = transferred_terms(credit, t.second_beneficiary, t.changes)
    child = _create_transferred(credit, t.second_beneficiary, terms, actor, now)
    assert child.current_terms is not None
    maximum = accounts.credit_maximum(child.current_terms.terms)
    _available(credit, maximum)
    earmarked = accounts.earmark(credit, maximum, now)
    opened = accounts.open_account(child, now)
    t.state, t.checker, t.approved_at, t.transferred_credit = TransferState.TRANSFERRED, actor, now, child
    t.save()
    maker = t.maker.ledger_id if t.maker else None
    record(events.CREDIT_TRANSFERRED, subject=credit.subject, actor=actor, at=now,
           payload={**_payload(credit, t), "transferred_credit": str(child.id), "reference_2": child.reference,
                    "transferred_subject": child.subject, "maker": maker, "terms": child.current_terms.terms,
                    "availability": earmarked.payload()})
    record(events.CREDIT_TRANSFERRED_IN, subject=child.subject, actor=actor, at=now,
           payload={"credit": str(child.id), "reference": child.reference, "state": child.state,
                    "transferred_from": str(credit.id), "transferred_from_subject": credit.subject,
                    "reference_1": credit.reference, "transfer": str(t.id), "maker": maker,
                    "second_beneficiary": t.second_beneficiary.ledger_id, "version": 1,
                    "terms": child.current_terms.terms, "availability": opened.payload()})
    emit(child, events.CREDIT_TRANSFERRED, {"transfer": str(t.id), "transferred_from": str(credit.id)},
         to=[*_transfer_parties(credit), t.second_beneficiary])
    return child


def _create_transferred(credit: LetterOfCredit, second: Organization, terms: dict[str, Any],
                        actor: User, now: dt.datetime) -> LetterOfCredit:
    child = LetterOfCredit(
        applicant=credit.applicant, beneficiary=credit.beneficiary, second_beneficiary=second,
        issuing_bank=credit.issuing_bank, advising_bank=credit.advising_bank,
        confirming_bank=credit.confirming_bank, nominated_bank=credit.nominated_bank,
        transferred_from=credit, created_by=actor, created_at=now, updated_at=now, issued_at=now,
        state=CreditState.ISSUED, reference=_next_reference(credit.issuing_bank, now),
        confirmation=credit.confirmation,
    )
    terms = complete_terms(terms, child)
    _denormalise(child, parse_terms(terms))
    child.draft_terms = terms
    child.save()
    child.current_terms = TermsVersion.objects.create(credit=child, number=1, terms=terms, created_at=now)
    child.save(update_fields=["current_terms"])
    return child


@transaction.atomic
def advise_transfer(*, actor: User, credit_id: ObjectId, now: dt.datetime | None = None) -> LetterOfCredit:
    """The transferring bank advises the transferred credit to the second beneficiary; the entry
    is the transferred credit's own (its history: created, then advised)."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("advise_transfer", actor, credit, now, credit)
    t = _lock_request(credit)
    assert t.transferred_credit_id is not None
    child = lock_credit(actor, t.transferred_credit_id)  # the fixed order: first credit, then its transfer
    child.state, child.updated_at = CreditState.ADVISED, now
    child.save()
    t.state, t.advised_at = TransferState.ADVISED, now
    t.save()
    record(events.TRANSFER_ADVISED, subject=child.subject, actor=actor, at=now,
           payload={"credit": str(child.id), "reference": child.reference, "state": child.state,
                    "transfer": str(t.id), "transferred_from": str(credit.id),
                    "second_beneficiary": t.second_beneficiary.ledger_id})
    emit(child, events.TRANSFER_ADVISED, {"transfer": str(t.id)}, to=[*_transfer_parties(credit), t.second_beneficiary])
    return child


@transaction.atomic
def reject_transfer(*, actor: User, credit_id: ObjectId, reason: str, now: dt.datetime | None = None,
                    ) -> TransferRequest:
    """Art. 38(a): the bank is not obliged to transfer; the first beneficiary may ask again."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("reject_transfer", actor, credit, now, credit)
    if not reason.strip():
        raise InvalidInput("a reason is required", [{"field": "reason", "message": "required"}])
    t = _lock_request(credit)
    t.state, t.reason, t.rejected_at = TransferState.REJECTED, reason, now
    t.save()
    record(events.TRANSFER_REJECTED, subject=credit.subject, actor=actor, at=now,
           payload={**_payload(credit, t), "reason": reason})
    emit(credit, events.TRANSFER_REJECTED, {"transfer": str(t.id), "reason": reason}, to=_transfer_parties(credit))
    return t
