"""Which actions to offer a person: the services' guards, read without side effects.

These predicates only decide what the portal shows. The services check again on every
call (state, party, role, four eyes) and are the authority: a forged request is refused
there, whatever these functions said.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from lc.models import (
    LIVE_STATES,
    Amendment,
    AmendmentState,
    Cancellation,
    Confirmation,
    CreditState,
    Discrepancy,
    DiscrepancyStatus,
    LetterOfCredit,
    Presentation,
    PresentationState,
    Role,
    User,
    WaiverDecision,
)

MAKER_OR_CHECKER = (Role.MAKER, Role.CHECKER)


@dataclass
class Facts:
    """What the predicates read beyond the row itself, loaded once per page."""

    user: User
    today: dt.date
    cancellation: Cancellation | None = None
    open_presentations: bool = False
    waived: set[object] = field(default_factory=set)  # presentation ids with a waiver granted


def has(user: User, *roles: str) -> bool:
    return any(user.has_role(r) for r in roles)


def at(user: User, org_id: object) -> bool:
    return org_id is not None and user.organization_id == org_id


def can_prepare(f: Facts, c: LetterOfCredit) -> bool:
    return at(f.user, c.issuing_bank_id) and has(f.user, Role.MAKER) and c.state == CreditState.SUBMITTED


def can_approve(f: Facts, c: LetterOfCredit) -> bool:
    return (at(f.user, c.issuing_bank_id) and has(f.user, Role.CHECKER)
            and c.state == CreditState.PENDING_APPROVAL and c.issue_maker_id != f.user.pk)


def can_advise(f: Facts, c: LetterOfCredit) -> bool:
    return at(f.user, c.advising_bank_id) and has(f.user, *MAKER_OR_CHECKER) and c.state == CreditState.ISSUED


def can_confirm(f: Facts, c: LetterOfCredit) -> bool:
    return (at(f.user, c.confirming_bank_id) and has(f.user, *MAKER_OR_CHECKER)
            and c.state in LIVE_STATES and c.confirmation == Confirmation.REQUESTED)


def can_request_cancellation(f: Facts, c: LetterOfCredit) -> bool:
    return (at(f.user, c.issuing_bank_id) and has(f.user, *MAKER_OR_CHECKER)
            and c.state in LIVE_STATES and f.cancellation is None)


def can_consent_cancellation(f: Facts, c: LetterOfCredit) -> bool:
    return (at(f.user, c.confirming_bank_id) and has(f.user, *MAKER_OR_CHECKER) and c.state in LIVE_STATES
            and c.confirmation == Confirmation.CONFIRMED and f.cancellation is not None
            and f.cancellation.confirming_bank_consent_at is None)


def can_cancel(f: Facts, c: LetterOfCredit) -> bool:
    k = f.cancellation
    if not (at(f.user, c.issuing_bank_id) and has(f.user, *MAKER_OR_CHECKER) and c.state in LIVE_STATES):
        return False
    if k is None or k.beneficiary_consent_at is None or f.open_presentations:
        return False
    return c.confirmation != Confirmation.CONFIRMED or k.confirming_bank_consent_at is not None


def can_issue_amendment(f: Facts, a: Amendment) -> bool:
    c = a.credit
    return at(f.user, c.issuing_bank_id) and has(f.user, Role.MAKER) and a.state == AmendmentState.PROPOSED


def can_reject_proposal(f: Facts, a: Amendment) -> bool:
    c = a.credit
    return at(f.user, c.issuing_bank_id) and has(f.user, *MAKER_OR_CHECKER) and a.state == AmendmentState.PROPOSED


def can_approve_amendment(f: Facts, a: Amendment) -> bool:
    c = a.credit
    return (at(f.user, c.issuing_bank_id) and has(f.user, Role.CHECKER)
            and a.state == AmendmentState.PENDING_APPROVAL and a.maker_id != f.user.pk)


def can_extend_confirmation(f: Facts, a: Amendment) -> bool:
    c = a.credit
    return (at(f.user, c.confirming_bank_id) and has(f.user, *MAKER_OR_CHECKER)
            and c.confirmation == Confirmation.CONFIRMED and a.confirmation_extended is None
            and a.state in (AmendmentState.ISSUED, AmendmentState.ACCEPTED))


def can_examine(f: Facts, p: Presentation) -> bool:
    return at(f.user, p.presented_to_id) and has(f.user, Role.EXAMINER) and p.state == PresentationState.UNDER_EXAMINATION


def can_request_waiver(f: Facts, p: Presentation) -> bool:
    return (at(f.user, p.presented_to_id) and has(f.user, Role.EXAMINER, Role.MAKER)
            and p.state == PresentationState.DISCREPANT)


def can_refuse(f: Facts, p: Presentation) -> bool:
    in_time = p.examination_deadline is None or f.today <= p.examination_deadline  # art. 16(f)
    return (at(f.user, p.presented_to_id) and has(f.user, Role.EXAMINER, Role.MAKER) and in_time
            and p.state in (PresentationState.DISCREPANT, PresentationState.WAIVER_REQUESTED))


def can_honour(f: Facts, p: Presentation) -> bool:
    if not (at(f.user, p.presented_to_id) and has(f.user, *MAKER_OR_CHECKER)):
        return False
    if p.state == PresentationState.COMPLYING:
        return True
    waivable = (PresentationState.DISCREPANT, PresentationState.WAIVER_REQUESTED, PresentationState.REFUSED)
    return p.state in waivable and p.pk in f.waived


def _matured(f: Facts, p: Presentation) -> bool:
    return p.maturity_date is None or f.today >= p.maturity_date


def can_reimburse(f: Facts, p: Presentation) -> bool:
    c = p.credit
    return (at(f.user, c.issuing_bank_id) and has(f.user, *MAKER_OR_CHECKER) and _matured(f, p)
            and p.state == PresentationState.HONOURED and p.presented_to_id != c.issuing_bank_id)


def can_settle(f: Facts, p: Presentation) -> bool:
    c = p.credit
    if not (at(f.user, c.issuing_bank_id) and has(f.user, *MAKER_OR_CHECKER) and _matured(f, p)):
        return False
    own = p.state == PresentationState.HONOURED and p.presented_to_id == c.issuing_bank_id
    return own or p.state == PresentationState.REIMBURSED


def can_decide_discrepancy(f: Facts, d: Discrepancy) -> bool:
    return can_examine(f, d.presentation) and d.status == DiscrepancyStatus.PROPOSED


def can_withdraw_discrepancy(f: Facts, d: Discrepancy) -> bool:
    return can_examine(f, d.presentation) and d.status != DiscrepancyStatus.WITHDRAWN


def waived_ids(presentations: list[Presentation]) -> set[object]:
    """Presentations whose discrepancies the applicant waived (from prefetched waivers)."""
    return {p.pk for p in presentations if any(w.decision == WaiverDecision.WAIVED for w in p.waivers.all())}
