"""Amendments (UCP 600 art. 10): applicant proposes, issuing bank issues (maker/checker),
beneficiary accepts or rejects the whole; a confirming bank may decline to extend."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from lc import events
from lc.errors import InvalidInput, NotAllowed, NotFound
from lc.examination.issuance import diff_terms
from lc.integrations.webhooks import emit
from lc.models import (
    Amendment,
    AmendmentState,
    LetterOfCredit,
    TermsVersion,
    User,
)
from lc.services import approvals
from lc.services import messages as swift_messages
from lc.services import money as accounts
from lc.services import printing as printed
from lc.services.common import ObjectId, check, local_date, lock_credit, now_or, org_of, record
from lc.services.credits import _denormalise, check_terms, complete_terms, parse_terms
from lc.services.visibility import amendment_audience

# Fields an amendment may not touch: the parties and the credit number come from the credit.
# The currency too: an availability account and its drawings stay in one currency.
FROZEN_FIELDS = {"credit_number", "applicant", "beneficiary", "banks", "issue_date", "currency"}


def _lock_amendment(actor: User, amendment_id: ObjectId) -> tuple[LetterOfCredit, Amendment]:
    try:
        credit_id = Amendment.objects.values_list("credit_id", flat=True).get(pk=amendment_id)
    except (Amendment.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("no such amendment") from exc
    credit = lock_credit(actor, credit_id)
    if not Amendment.objects.visible_to(org_of(actor)).filter(pk=amendment_id).exists():
        raise NotFound("no such amendment")
    return credit, Amendment.objects.select_for_update().get(pk=amendment_id)


def _payload(amendment: Amendment) -> dict[str, Any]:
    return {"credit": str(amendment.credit_id), "amendment": str(amendment.id),
            "number": amendment.number, "state": amendment.state}


def amended_terms(credit: LetterOfCredit, changes: dict[str, Any]) -> dict[str, Any]:
    assert credit.current_terms is not None
    return complete_terms({**credit.current_terms.terms, **changes}, credit)


@transaction.atomic
def propose_amendment(
    *, actor: User, credit_id: ObjectId, changes: dict[str, Any], narrative: str = "", now: dt.datetime | None = None
) -> Amendment:
    now = now_or(now)
    credit = lock_credit(actor, credit_id)
    check("propose_amendment", actor, credit, now, credit)
    frozen = sorted(FROZEN_FIELDS & changes.keys())
    if frozen or not changes:
        raise InvalidInput("an amendment changes terms, not parties",
                           [{"field": f, "message": "cannot be amended"} for f in frozen]
                           or [{"field": "changes", "message": "no change"}])
    parse_terms(amended_terms(credit, changes))
    assert credit.current_terms is not None
    amendment = Amendment.objects.create(
        credit=credit, number=credit.amendments.count() + 1, base_version=credit.current_terms,
        changes=changes, narrative=narrative, proposed_by=actor, created_at=now,
    )
    record(events.AMENDMENT_PROPOSED, subject=credit.subject, actor=actor, at=now,
           payload={**_payload(amendment), "changes": changes, "narrative": narrative})
    return amendment


@transaction.atomic
def prepare_amendment(*, actor: User, amendment_id: ObjectId, now: dt.datetime | None = None) -> Amendment:
    """Maker at the issuing bank prepares the amendment; the terms must still pass C01-C11."""
    now = now_or(now)
    credit, amendment = _lock_amendment(actor, amendment_id)
    check("prepare_amendment", actor, credit, now, amendment)
    check_terms(amended_terms(credit, amendment.changes))
    amendment.state, amendment.maker = AmendmentState.PENDING_APPROVAL, actor
    amendment.save()
    record(events.AMENDMENT_PREPARED, subject=credit.subject, actor=actor, at=now, payload=_payload(amendment))
    return amendment


@transaction.atomic
def issue_amendment(*, actor: User, amendment_id: ObjectId, now: dt.datetime | None = None) -> Amendment:
    """Checker issues the amendment (MT707): from now the issuing bank is bound by it (art. 10(b))."""
    now = now_or(now)
    credit, amendment = _lock_amendment(actor, amendment_id)
    check("issue_amendment", actor, credit, now, amendment)
    increase = accounts.credit_maximum(amended_terms(credit, amendment.changes)) - accounts.figures(credit).maximum
    facility = accounts.within_facility(credit, increase, local_date(now, credit.issuing_bank), amendment)
    gate = approvals.for_amendment(actor=actor, credit=credit, amendment_id=amendment.pk, increase=increase,
                                   payload=_payload(amendment), now=now)
    if not gate.complete:
        return amendment  # approval levels (issue 20): recorded; it awaits a further checker
    amendment.state, amendment.checker, amendment.issued_at = AmendmentState.ISSUED, actor, now
    amendment.save()
    sent = swift_messages.send_amendment(credit, amendment, actor=actor, now=now)
    advice = printed.amendment_advice(credit, amendment, actor=actor, now=now)
    record(events.AMENDMENT_ISSUED, subject=credit.subject, actor=actor, at=now,
           payload={**_payload(amendment), "messages": sent, "changes": amendment.changes, "facility": facility,
                    "documents": advice, **gate.payload()})
    emit(credit, events.AMENDMENT_ISSUED, _payload(amendment))
    return amendment


@transaction.atomic
def accept_amendment(
    *, actor: User, amendment_id: ObjectId, accepted_fields: list[str] | None = None, now: dt.datetime | None = None
) -> Amendment:
    """The beneficiary accepts the whole amendment; a new version of the terms results.

    Art. 10(e): partial acceptance is not allowed and counts as rejection, so it is refused
    here rather than half-applied. A "deemed accepted" clause has no effect (art. 10(f)):
    nothing but this call accepts an amendment.
    """
    now = now_or(now)
    credit, amendment = _lock_amendment(actor, amendment_id)
    check("accept_amendment", actor, credit, now, amendment)
    if accepted_fields is not None and set(accepted_fields) != set(amendment.changes):
        raise NotAllowed("partial acceptance of an amendment is not allowed (UCP 600 art. 10(e)); "
                         "accept the whole amendment or reject it")
    terms = amended_terms(credit, amendment.changes)
    parsed = check_terms(terms)
    assert credit.current_terms is not None
    changed = diff_terms(parse_terms(credit.current_terms.terms), parsed)
    version = TermsVersion.objects.create(
        credit=credit, number=credit.current_terms.number + 1, terms=terms, amendment=amendment, created_at=now,
    )
    credit.current_terms, credit.updated_at = version, now
    _denormalise(credit, parsed)
    credit.save()
    # 32B increase / 33B decrease: the maximum follows; a decrease below what is already
    # reserved, drawn or transferred is refused by the account.
    change = accounts.amend(credit, accounts.credit_maximum(terms), now)
    amendment.state, amendment.decided_at = AmendmentState.ACCEPTED, now
    amendment.save()
    sent = swift_messages.send_amendment_answer(credit, amendment, accepted=True, event=events.AMENDMENT_ACCEPTED,
                                                actor=actor, now=now)
    record(events.AMENDMENT_ACCEPTED, subject=credit.subject, actor=actor, at=now,
           payload={**_payload(amendment), "messages": sent, "version": version.number, "changed_fields": changed,
                    "availability": change.payload() if change else None})
    emit(credit, events.AMENDMENT_ACCEPTED, _payload(amendment))
    return amendment


@transaction.atomic
def reject_amendment(*, actor: User, amendment_id: ObjectId, reason: str = "", now: dt.datetime | None = None) -> Amendment:
    """The beneficiary rejects; or the issuing bank turns down an applicant's proposal."""
    now = now_or(now)
    credit, amendment = _lock_amendment(actor, amendment_id)
    check("reject_amendment", actor, credit, now, amendment)
    sent = swift_messages.send_amendment_answer(credit, amendment, accepted=False, event=events.AMENDMENT_REJECTED,
                                                actor=actor, now=now) if amendment.state == AmendmentState.ISSUED else []
    amendment.state, amendment.decided_at = AmendmentState.REJECTED, now
    amendment.save()
    record(events.AMENDMENT_REJECTED, subject=credit.subject, actor=actor, at=now,
           payload={**_payload(amendment), "messages": sent, "reason": reason, "by": org_of(actor).ledger_id})
    emit(credit, events.AMENDMENT_REJECTED, _payload(amendment), to=amendment_audience(amendment))
    return amendment


@transaction.atomic
def decide_amendment_confirmation(
    *, actor: User, amendment_id: ObjectId, extend: bool, now: dt.datetime | None = None
) -> Amendment:
    """Art. 10(b): a confirming bank may extend its confirmation to an amendment or decline."""
    now = now_or(now)
    credit, amendment = _lock_amendment(actor, amendment_id)
    check("decide_amendment_confirmation", actor, credit, now, amendment)
    amendment.confirmation_extended = extend
    amendment.save()
    record(events.AMENDMENT_CONFIRMATION_EXTENDED if extend else events.AMENDMENT_CONFIRMATION_DECLINED,
           subject=credit.subject, actor=actor, at=now, payload=_payload(amendment))
    return amendment
