"""Every action names the roles that may take it (issue 17): the walk over every catalogued
action x every role x every party of every credit, amendment, presentation and discrepancy of
the enriched demo book finds exactly the allowed roles below, and an auditor-only (or
administrator-only) person can act on nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from lc import access
from lc.errors import DomainError
from lc.models import LetterOfCredit, Role, User
from tests.lc import test_access_parity as parity

book = parity.book  # the enriched demo book (a fixture)

pytestmark = pytest.mark.django_db

BANK, CORPORATE = {"maker", "checker"}, {"maker", "api_client"}
ALLOWED: dict[str, set[str]] = {
    "create_application": CORPORATE, "import_message": BANK | {"api_client"}, "update_application": CORPORATE, "submit_application": CORPORATE,
    "propose_amendment": CORPORATE, "accept_amendment": CORPORATE, "decide_waiver": CORPORATE,
    "prepare_credit": {"maker"}, "issue_credit": {"checker"}, "prepare_amendment": {"maker"},
    "issue_amendment": {"checker"},
    "advise_credit": BANK, "confirm_credit": BANK, "request_cancellation": BANK,
    "decide_amendment_confirmation": BANK, "honour_presentation": BANK, "reimburse_presentation": BANK,
    "settle_presentation": BANK,
    # A bank or the company may be the party: each acts through its own roles.
    "present_documents": BANK | CORPORATE, "add_document": BANK | CORPORATE,
    "notify_completeness": BANK | CORPORATE, "consent_to_cancellation": BANK | CORPORATE,
    "cancel_credit": BANK | CORPORATE, "reject_amendment": BANK | CORPORATE,
    "add_discrepancy": {"examiner"}, "conclude_examination": {"examiner"}, "decide_discrepancy": {"examiner"},
    "request_waiver": {"examiner", "maker"}, "refuse_presentation": {"examiner", "maker"},
    # Money (issue 13): the issuing bank's credit officer.
    "set_facility": {"credit_officer"}, "set_rate": {"credit_officer"}, "override_facility": {"credit_officer"},
    # Transfer (art. 38, issue 20): the first beneficiary requests, the transferring bank's maker
    # prepares, its checker approves, either advises or turns a request down.
    "request_transfer": CORPORATE, "prepare_transfer": {"maker"}, "approve_transfer": {"checker"},
    "advise_transfer": BANK, "reject_transfer": BANK,
    # Co-drafting (issue 20): the applicant's side shares, revises and resolves; either company comments.
    "share_draft": CORPORATE, "revise_draft": CORPORATE, "comment_on_draft": CORPORATE,
    "resolve_draft_comment": CORPORATE,
    # After a refusal (art. 16(c)(iii), issue 15): the presenter instructs, the refusing bank returns.
    "give_instructions": BANK | CORPORATE, "return_documents": BANK,
    # eUCP art. e12 (issue 20): the examining bank asks, the presenter re-presents.
    "request_re_presentation": {"examiner", "maker"}, "re_present_record": BANK | CORPORATE,
    # Printing a credit's evidence summary shows what its organisation may already see and
    # changes no right or state: any person of a party, its auditors first (issue 20).
    "print_evidence_summary": {r.value for r in Role},
}
# Acts open to an auditor or an administrator alone (they read; nothing binding).
READING = {"print_evidence_summary"}

# The book has no bank presenter before its notice of completeness, after a refusal or with a
# corrupted record, and no live credit whose cancellation every party has agreed to: there only
# the company's side of the rule is reached.
REACHED = {**ALLOWED, "add_document": CORPORATE, "notify_completeness": CORPORATE, "cancel_credit": CORPORATE,
           "give_instructions": CORPORATE, "re_present_record": CORPORATE}


def _person(org: Any, roles: list[str], cache: dict[Any, User]) -> User:
    key = (org.pk, tuple(roles))
    if key not in cache:
        cache[key] = User.objects.create(username=f"walk-{len(cache)}", organization=org, roles=roles)
    return cache[key]


def _passes(action: str, user: User, credit: LetterOfCredit, target: Any) -> bool:
    facts = access.Facts(user, credit)
    try:
        access.check(action, facts) if target is None else access.check(action, facts, target)
    except DomainError:
        return False
    return True


def _cases(cast: Any) -> Iterator[tuple[str, LetterOfCredit, Any]]:
    credits = list(LetterOfCredit.objects.all().with_parties())
    yield "create_application", credits[0], None
    yield "import_message", credits[0], None
    for action, (kind, _call) in parity.CALLS.items():
        for credit in credits:
            for target in parity.targets(kind, credit):
                yield action, credit, (credit if kind == "credit" else target)


def test_every_action_is_allowed_to_exactly_its_roles(book: Any) -> None:
    assert set(access.CHECKS) <= set(ALLOWED), "an action without a declared role set"
    every = [r.value for r in Role]
    people: dict[Any, User] = {}
    found: dict[str, set[str]] = {action: set() for action in access.CHECKS}
    for action, credit, target in _cases(book):
        for org in book.orgs.values():
            if not _passes(action, _person(org, every, people), credit, target):
                continue  # not this organisation's move here, or not in this state: no role could
            found[action] |= {r for r in every if _passes(action, _person(org, [r], people), credit, target)}
    assert found == {a: REACHED[a] & set(every) for a in access.CHECKS}


@pytest.mark.parametrize("only", ["auditor", "administrator"])
def test_an_auditor_or_administrator_alone_acts_on_nothing(book: Any, only: str) -> None:
    people: dict[Any, User] = {}
    for action, credit, target in _cases(book):
        if action in READING:
            continue
        for org in book.orgs.values():
            assert not _passes(action, _person(org, [only], people), credit, target), (action, org.name)
