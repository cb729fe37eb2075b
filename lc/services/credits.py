"""Credit actions: application, issuance (maker/checker), advice, confirmation, cancellation
and expiry (transfer: lc.services.transfers). One function per business action, one ledger
entry each."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from lc import access, events, money
from lc.access import CLOSED_PRESENTATIONS, consenting_party
from lc.deadlines import expiry_facts, expiry_place_bank, last_day_for_presentation
from lc.errors import InvalidInput, NotAllowed
from lc.examination.issuance import validate_terms
from lc.examination.serde import ExaminationDataError
from lc.examination.types import CreditTerms
from lc.integrations.webhooks import emit
from lc.models import (
    CREDIT_MOVES,
    LIVE_STATES,
    Cancellation,
    Confirmation,
    CreditState,
    LetterOfCredit,
    Organization,
    OrgKind,
    TermsVersion,
    User,
)
from lc.services import approvals
from lc.services import messages as swift_messages
from lc.services import money as accounts
from lc.services import printing as printed
from lc.services.common import (
    AmountInput,
    ObjectId,
    check,
    invalid,
    local_date,
    lock_credit,
    now_or,
    org_of,
    record,
)

CONFIRMATION_REQUESTED = {"CONFIRM", "MAY ADD"}


def _party(org: Organization) -> dict[str, str]:
    return {"name": org.name, "address": org.address or org.city, "country": org.country}


def _bank(org: Organization | None) -> dict[str, str] | None:
    return None if org is None else {"name": org.name, "bic": org.bic, "country": org.country}


def complete_terms(terms: dict[str, Any], credit: LetterOfCredit) -> dict[str, Any]:
    """The parties and banks in the terms always come from the credit's organisations."""
    out = copy.deepcopy(terms)
    out["credit_number"] = credit.reference
    out["applicant"] = _party(credit.applicant)
    out["beneficiary"] = _party(credit.second_beneficiary or credit.beneficiary)
    banks = dict(out.get("banks") or {})
    banks["issuing"] = _bank(credit.issuing_bank)
    for key, org in (("advising", credit.advising_bank), ("confirming", credit.confirming_bank),
                     ("nominated", credit.nominated_bank)):
        if org is not None:
            banks[key] = _bank(org)
    out["banks"] = {k: v for k, v in banks.items() if v is not None}
    return out


def parse_terms(terms: dict[str, Any]) -> CreditTerms:
    """The terms as the engine reads them; 32B first, refused (never rounded) unless its currency
    is an ISO 4217 currency and its amount fits that currency and SWIFT 15d."""
    accounts.check_terms_money(terms)
    try:
        parsed = CreditTerms.from_dict(terms)
    except ExaminationDataError as exc:
        errors = [{"field": f, "message": m} for f, m in exc.errors.items()]
        raise InvalidInput("the credit terms are incomplete or malformed", errors) from exc
    swift_messages.check_terms_text(parsed)  # no value may inject a field into the MT700 (issue 18)
    return parsed


def check_terms(terms: dict[str, Any]) -> CreditTerms:
    """C01-C11 at issue and amendment time; errors block, warnings (C08) do not."""
    parsed = parse_terms(terms)
    blocking = [i for i in validate_terms(parsed) if i.blocking]
    if blocking:
        raise invalid(blocking)
    return parsed


def terms_warnings(terms: dict[str, Any]) -> list[dict[str, str]]:
    """Non-blocking findings, e.g. C08 non-documentary conditions (disregarded at examination)."""
    return [{"code": i.code, "field": i.field, "message": i.message}
            for i in validate_terms(parse_terms(terms)) if not i.blocking]


def _denormalise(credit: LetterOfCredit, terms: CreditTerms) -> None:
    credit.currency = terms.currency
    credit.minor_units = money.minor_units(terms.currency)
    credit.amount = terms.amount
    if terms.expiry_date is not None:
        credit.expiry_date = terms.expiry_date


def _next_reference(issuing_bank: Organization, at: dt.datetime) -> str:
    with connection.cursor() as cur:
        cur.execute("SELECT nextval('lc_credit_reference_seq')")
        n = cur.fetchone()[0]
    return f"{issuing_bank.bic[:4]}{at:%Y}{n:06d}"


def _summary(credit: LetterOfCredit) -> dict[str, Any]:
    return {"credit": str(credit.id), "reference": credit.reference, "state": credit.state}


@transaction.atomic
def create_application(
    *,
    actor: User,
    terms: dict[str, Any],
    beneficiary: Organization,
    issuing_bank: Organization,
    advising_bank: Organization,
    confirming_bank: Organization | None = None,
    nominated_bank: Organization | None = None,
    now: dt.datetime | None = None,
) -> LetterOfCredit:
    """The applicant drafts a credit application for its issuing bank (not yet validated)."""
    now = now_or(now)
    applicant = org_of(actor)
    access.check_create_application(access.Facts(actor, LetterOfCredit(), today=local_date(now, applicant)))
    for bank, what in ((issuing_bank, "issuing"), (advising_bank, "advising"),
                       (confirming_bank, "confirming"), (nominated_bank, "nominated")):
        if bank is not None and not bank.is_bank:
            raise InvalidInput(f"the {what} bank must be a bank", [{"field": f"{what}_bank", "message": "not a bank"}])
    if beneficiary.kind != OrgKind.CORPORATE or beneficiary.pk == applicant.pk:
        raise InvalidInput("the beneficiary must be another company", [{"field": "beneficiary", "message": "invalid"}])
    parsed = parse_terms({**terms, "credit_number": "PENDING", "applicant": _party(applicant),
                          "beneficiary": _party(beneficiary), "banks": {"issuing": _bank(issuing_bank)}})
    credit = LetterOfCredit(
        applicant=applicant, beneficiary=beneficiary, issuing_bank=issuing_bank,
        advising_bank=advising_bank, confirming_bank=confirming_bank, nominated_bank=nominated_bank,
        created_by=actor, created_at=now, updated_at=now, state=CreditState.DRAFT,
        reference=_next_reference(issuing_bank, now),
    )
    _denormalise(credit, parsed)
    if parsed.expiry_date is None:
        raise InvalidInput("expiry date is required (31D)", [{"field": "expiry_date", "message": "required"}])
    credit.draft_terms = complete_terms(terms, credit)
    credit.save()
    record(events.APPLICATION_CREATED, subject=credit.subject, actor=actor, at=now,
           payload={**_summary(credit), "terms": credit.draft_terms})
    return credit


@transaction.atomic
def update_application(*, actor: User, credit_id: ObjectId, terms: dict[str, Any], now: dt.datetime | None = None) -> LetterOfCredit:
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("update_application", actor, credit, now, credit)
    parsed = parse_terms(complete_terms(terms, credit))
    credit.draft_terms = complete_terms(terms, credit)
    _denormalise(credit, parsed)
    credit.updated_at = now
    credit.save()
    record(events.APPLICATION_UPDATED, subject=credit.subject, actor=actor, at=now,
           payload={**_summary(credit), "terms": credit.draft_terms})
    return credit


@transaction.atomic
def submit_application(*, actor: User, credit_id: ObjectId, now: dt.datetime | None = None) -> LetterOfCredit:
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("submit_application", actor, credit, now, credit)
    check_terms(credit.draft_terms)
    credit.state, credit.updated_at = CreditState.SUBMITTED, now
    credit.save()
    record(events.APPLICATION_SUBMITTED, subject=credit.subject, actor=actor, at=now, payload=_summary(credit))
    return credit


@transaction.atomic
def prepare_credit(
    *, actor: User, credit_id: ObjectId, terms: dict[str, Any] | None = None, now: dt.datetime | None = None
) -> LetterOfCredit:
    """The issuing bank's maker prepares the credit (optionally adjusting the terms) for a checker."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("prepare_credit", actor, credit, now, credit)
    if terms is not None:
        credit.draft_terms = complete_terms(terms, credit)
    parsed = check_terms(credit.draft_terms)
    _denormalise(credit, parsed)
    credit.state, credit.issue_maker, credit.updated_at = CreditState.PENDING_APPROVAL, actor, now
    credit.save()
    record(events.CREDIT_PREPARED, subject=credit.subject, actor=actor, at=now,
           payload={**_summary(credit), "terms": credit.draft_terms,
                    "warnings": terms_warnings(credit.draft_terms)})
    return credit


def _rekeyed(value: AmountInput, currency: str) -> Decimal:
    """The checker's re-keyed amount, read by the same rule as the terms (never rounded)."""
    return accounts.check_amount(value, currency, "amount")


@transaction.atomic
def issue_credit(*, actor: User, credit_id: ObjectId, rekeyed_amount: AmountInput, now: dt.datetime | None = None) -> LetterOfCredit:
    """The checker, a different person from the maker, re-keys the amount and issues (MT700)."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("issue_credit", actor, credit, now, credit)
    if _rekeyed(rekeyed_amount, credit.currency) != credit.amount:
        raise InvalidInput("the re-keyed amount does not match the credit amount",
                           [{"field": "amount", "message": "does not match"}])
    parsed = check_terms(credit.draft_terms)
    facility = accounts.within_facility(credit, accounts.credit_maximum(credit.draft_terms),
                                       local_date(now, credit.issuing_bank))
    gate = approvals.for_issue(actor=actor, credit=credit, maximum=accounts.credit_maximum(credit.draft_terms),
                               payload=_summary(credit), now=now)
    if not gate.complete:
        return credit  # approval levels (issue 20): recorded; the credit awaits a further checker
    version = TermsVersion.objects.create(credit=credit, number=1, terms=credit.draft_terms, created_at=now)
    credit.current_terms, credit.state, credit.issue_checker = version, CreditState.ISSUED, actor
    credit.issued_at = credit.updated_at = now
    if parsed.confirmation in CONFIRMATION_REQUESTED and credit.confirming_bank_id:
        credit.confirmation = Confirmation.REQUESTED
    credit.save()
    account = accounts.open_account(credit, now)
    sent = swift_messages.send_credit(credit, version.terms, actor=actor, now=now)
    record(events.CREDIT_ISSUED, subject=credit.subject, actor=actor, at=now,
           payload={**_summary(credit), "messages": sent, "version": 1, "terms": version.terms,
                    "maker": credit.issue_maker.ledger_id if credit.issue_maker else None,
                    "warnings": terms_warnings(version.terms), "availability": account.payload(),
                    "facility": facility, **gate.payload()})
    emit(credit, events.CREDIT_ISSUED, _summary(credit))
    return credit


@transaction.atomic
def advise_credit(*, actor: User, credit_id: ObjectId, now: dt.datetime | None = None) -> LetterOfCredit:
    """Art. 9: the advising bank passes the credit on, vouching for its apparent authenticity."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("advise_credit", actor, credit, now, credit)
    credit.state, credit.updated_at = CreditState.ADVISED, now
    credit.save()
    advice = printed.credit_advice(credit, actor=actor, now=now)
    record(events.CREDIT_ADVISED, subject=credit.subject, actor=actor, at=now,
           payload={**_summary(credit), "documents": advice})
    emit(credit, events.CREDIT_ADVISED, _summary(credit))
    return credit


@transaction.atomic
def confirm_credit(*, actor: User, credit_id: ObjectId, confirm: bool, reason: str = "",
                   now: dt.datetime | None = None) -> LetterOfCredit:
    """Art. 8: add confirmation, or (art. 8(d)) say without delay that it will not."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("confirm_credit", actor, credit, now, credit)
    credit.confirmation = Confirmation.CONFIRMED if confirm else Confirmation.DECLINED
    credit.updated_at = now
    credit.save()
    record(events.CREDIT_CONFIRMED if confirm else events.CONFIRMATION_DECLINED, subject=credit.subject, actor=actor, at=now,
           payload={**_summary(credit), "confirmation": credit.confirmation, "reason": reason})
    if confirm:
        emit(credit, events.CREDIT_CONFIRMED, _summary(credit))
    return credit


@transaction.atomic
def request_cancellation(*, actor: User, credit_id: ObjectId, reason: str, now: dt.datetime | None = None) -> Cancellation:
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("request_cancellation", actor, credit, now, credit)
    if not reason.strip():
        raise InvalidInput("a reason is required", [{"field": "reason", "message": "required"}])
    cancellation = Cancellation.objects.create(credit=credit, reason=reason, requested_by=actor, requested_at=now)
    record(events.CANCELLATION_REQUESTED, subject=credit.subject, actor=actor, at=now,
           payload={**_summary(credit), "reason": reason})
    return cancellation


@transaction.atomic
def consent_to_cancellation(*, actor: User, credit_id: ObjectId, now: dt.datetime | None = None) -> Cancellation:
    """Art. 10(a): the confirming bank (if any) and the beneficiary must agree."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    cancellation = Cancellation.objects.select_for_update().filter(credit=credit).first()
    facts = access.Facts(actor, credit, today=local_date(now, actor.organization), cancellation=cancellation)
    who = consenting_party(facts, credit)
    assert cancellation is not None
    setattr(cancellation, f"{who}_consent_at", now)
    cancellation.save()
    record(events.CANCELLATION_CONSENTED, subject=credit.subject, actor=actor, at=now,
           payload={**_summary(credit), "party": who})
    return cancellation


@transaction.atomic
def cancel_credit(*, actor: User, credit_id: ObjectId, now: dt.datetime | None = None) -> LetterOfCredit:
    """Cancel an issued credit once every party bound by it has agreed; an applicant may
    withdraw its own draft or submitted application."""
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("cancel_credit", actor, credit, now, credit)
    live = credit.state in LIVE_STATES
    credit.state, credit.closed_at, credit.updated_at = CreditState.CANCELLED, now, now
    credit.save()
    closed = accounts.close(credit, now).payload() if live else None
    record(events.CREDIT_CANCELLED, subject=credit.subject, actor=actor, at=now,
           payload={**_summary(credit), "availability": closed})
    emit(credit, events.CREDIT_CANCELLED, _summary(credit))
    return credit


@transaction.atomic
def expire_credit(*, credit_id: ObjectId, now: dt.datetime | None = None,
                  actor: User | None = None) -> LetterOfCredit:
    """Timer: a credit past its (art. 29(a)-extended) expiry with nothing open expires. A person
    may run the same check (the admin's action): the entry then names them."""
    now = now_or(now)
    credit = lock_credit(None, credit_id)
    if CreditState.EXPIRED not in CREDIT_MOVES[credit.state]:
        raise NotAllowed(f"a credit that is {credit.get_state_display()} cannot expire")
    last_day = last_day_for_presentation(credit)
    if local_date(now, expiry_place_bank(credit)) <= last_day:  # the day at the place of expiry
        raise NotAllowed(f"the credit is available until {last_day}")
    if credit.presentations.exclude(state__in=CLOSED_PRESENTATIONS).exists():
        raise NotAllowed("a presentation under this credit is still open")
    credit.state, credit.closed_at, credit.updated_at = CreditState.EXPIRED, now, now
    credit.save()
    closed = accounts.close(credit, now)
    record(events.CREDIT_EXPIRED, subject=credit.subject, actor=actor, at=now,
           payload={**_summary(credit), "last_day_for_presentation": last_day,
                    "calendar": expiry_facts(credit, last_day), "availability": closed.payload()})
    emit(credit, events.CREDIT_EXPIRED, _summary(credit))
    return credit
