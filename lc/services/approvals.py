"""Approval levels (issue 20): above a bank's threshold a binding decision (issue, an
amendment's increase, honour, honour on a waiver) needs one or two further checkers.

The deciding action calls `approve` inside its own transaction, under its row locks, once every
other check has passed. Short of the approvals the decision needs, `approve` records this
person's approval (an `Approval` row and its own ledger entry, naming the person with the
threshold facts) and the action returns without changing state; the approval that makes up the
number completes the decision, whose one entry then lists every approval. Below every threshold
nothing is written here and the decision completes as before.

The threshold is compared with the decision's amount converted into the level's currency by the
bank's own rate table (lc.services.money.conversion, the facility limits' rule: rounded up, so a
threshold is never under-counted; a missing rate refuses the decision rather than guess).
Who may approve (a checker, not the maker, not twice) is the one access rule's (lc.access).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lc import events, money
from lc.errors import InvalidInput
from lc.events import Event
from lc.models import (
    Approval,
    ApprovalAction,
    ApprovalLevel,
    LetterOfCredit,
    Organization,
    Presentation,
    User,
)
from lc.services import money as accounts
from lc.services.common import record


@dataclass(frozen=True)
class Threshold:
    """The decision's amount against the bank's levels for its action(s): the level that applies
    (the one asking most further checkers among those exceeded), and every level read."""

    amount: Decimal
    currency: str
    level: ApprovalLevel | None = None
    converted: Decimal | None = None
    rate: dict[str, Any] | None = None
    checked: tuple[dict[str, Any], ...] = ()

    @property
    def extra(self) -> int:
        return self.level.extra_checkers if self.level is not None else 0

    @property
    def required(self) -> int:
        """Approvals the decision needs: today's one, plus the level's further checkers."""
        return 1 + self.extra

    def facts(self) -> dict[str, Any]:
        return {"amount": money.text(self.amount, self.currency), "currency": self.currency,
                "level": level_card(self.level) if self.level is not None else None,
                "converted": (money.text(self.converted, self.level.currency)
                              if self.level is not None and self.converted is not None else None),
                "rate": self.rate, "levels_checked": list(self.checked)}


def level_card(level: ApprovalLevel) -> dict[str, Any]:
    return {"id": str(level.id), "action": level.action, "currency": level.currency,
            "threshold": money.text(level.threshold, level.currency), "extra_checkers": level.extra_checkers}


def threshold(bank_id: Any, actions: Iterable[str], amount: Decimal, currency: str) -> Threshold:
    """Which of the bank's levels for these actions the amount exceeds ("above": strictly more)."""
    found = Threshold(amount, currency)
    checked = []
    for level in ApprovalLevel.objects.filter(bank_id=bank_id, action__in=list(actions)).order_by(
            "-extra_checkers", "threshold"):
        converted, rate = accounts.conversion(amount, currency, level.currency, bank_id)
        above = converted > level.threshold
        checked.append({**level_card(level), "converted": money.text(converted, level.currency), "rate": rate,
                        "exceeded": above})
        if above and level.extra_checkers > found.extra:
            found = Threshold(amount, currency, level, converted, rate)
    return Threshold(found.amount, found.currency, found.level, found.converted, found.rate, tuple(checked))


@dataclass(frozen=True)
class Gate:
    """What `approve` decided: whether the decision completes now, and its approvals so far."""

    complete: bool
    threshold: Threshold
    approvals: list[Approval] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        """The decision entry's account of its approvals, under "approvals"; nothing below every
        threshold (the entry is then as it always was)."""
        if not self.approvals:
            return {}
        return {"approvals": {"required": self.approvals[-1].required, **self.threshold.facts(),
                              "approvals": [{"number": a.number, "approver": a.approver.ledger_id, "at": a.at}
                                            for a in self.approvals]}}


def open_approvals(target_id: Any) -> list[Approval]:
    """The approvals of a decision still awaiting more, locked (the caller holds the credit's lock,
    so no other approval of it can be in flight)."""
    return list(Approval.objects.select_for_update(of=("self",)).select_related("approver").filter(
        target=target_id, open=True).order_by("number"))


def held_params(target_id: Any) -> dict[str, Any] | None:
    """What the first approver of a pending decision decided (an honour's amount and maturity)."""
    first = Approval.objects.filter(target=target_id, open=True).order_by("number").first()
    return dict(first.params) if first is not None else None


def same_as_held(given: Mapping[str, Any], held: Mapping[str, Any]) -> None:
    """A further approver approves the decision as the first one made it, not another one."""
    for key, value in given.items():
        if value is not None and str(value) != str(held.get(key)):
            raise InvalidInput(f"this decision awaits approval with {key} {held.get(key)}: a further checker "
                               "approves it as proposed", [{"field": key, "message": f"must be {held.get(key)}"}])


def approve(*, actor: User, credit: LetterOfCredit, bank: Organization, action: str, target_id: Any,
            level: Threshold, event: Event, payload: Mapping[str, Any], now: dt.datetime,
            params: Mapping[str, Any] | None = None) -> Gate:
    """Record `actor`'s approval of the decision on `target_id`; complete it once enough have.

    Short of the number, the approval's own entry (`event`) is the action's one ledger entry."""
    earlier = open_approvals(target_id)
    if not earlier and level.required == 1:
        return Gate(True, level)
    number = len(earlier) + 1
    complete = number >= level.required
    mine = Approval.objects.create(
        credit=credit, bank=bank, action=action, target=target_id, number=number, required=level.required,
        approver=actor, amount=level.amount, currency=level.currency, facts=level.facts(),
        params=dict(earlier[0].params if earlier else params or {}), open=not complete, at=now)
    if complete:
        Approval.objects.filter(pk__in=[a.pk for a in earlier]).update(open=False)
    else:
        record(event, subject=credit.subject, actor=actor, at=now, payload={
            **payload, "approval": {"action": action, "number": number, "required": level.required,
                                    "approver": actor.ledger_id,
                                    "approved_by": [a.approver.ledger_id for a in [*earlier, mine]],
                                    **level.facts()}})
    return Gate(complete, level, [*earlier, mine])


# -- Reads for the portal and the API.

@dataclass(frozen=True)
class Pending:
    """A decision awaiting further checkers, as a page shows it: "approval 1 of 2" and who."""

    target: Any
    action: str
    approvals: list[Approval]

    @property
    def given(self) -> int:
        return len(self.approvals)

    @property
    def required(self) -> int:
        return self.approvals[-1].required

    @property
    def approvers(self) -> list[User]:
        return [a.approver for a in self.approvals]

    @property
    def facts(self) -> dict[str, Any]:
        return dict(self.approvals[-1].facts)

    @property
    def label(self) -> str:
        return str(ApprovalAction(self.action).label)


def pending_for(credit: LetterOfCredit, org: Organization | None,
                rows: list[Approval] | None = None) -> dict[Any, Pending]:
    """The credit's decisions awaiting further checkers at `org` (its people approve them; the
    names are its own staff's, so no other organisation is shown them), by target id. A page that
    has the credit's open approvals already (access.Facts.open_approvals) hands them in."""
    if org is None:
        return {}
    if rows is None:
        rows = list(Approval.objects.filter(credit=credit, open=True).select_related("approver")
                    .order_by("target", "number"))
    out: dict[Any, list[Approval]] = {}
    for a in rows:
        if a.bank_id == org.pk:
            out.setdefault(a.target, []).append(a)
    return {target: Pending(target, rows[0].action, rows) for target, rows in out.items()}


# -- The three deciding actions' gates (each called under the action's row locks).

def for_issue(*, actor: User, credit: LetterOfCredit, maximum: Decimal, payload: Mapping[str, Any],
              now: dt.datetime) -> Gate:
    """Issuance: the credit's maximum (amount with its 39A or "about" tolerance, what the bank
    undertakes) against the issuing bank's issuance levels."""
    level = threshold(credit.issuing_bank_id, [ApprovalAction.ISSUANCE], maximum, credit.currency)
    return approve(actor=actor, credit=credit, bank=credit.issuing_bank, action=ApprovalAction.ISSUANCE,
                   target_id=credit.pk, level=level, event=events.ISSUE_APPROVED, payload=payload, now=now)


def for_amendment(*, actor: User, credit: LetterOfCredit, amendment_id: Any, increase: Decimal,
                  payload: Mapping[str, Any], now: dt.datetime) -> Gate:
    """An amendment's increase of the credit's maximum against the amendment-increase levels (a
    decrease or an unchanged amount is not an increase: one checker, as before)."""
    if increase <= 0:
        level = Threshold(Decimal(0), credit.currency)
    else:
        level = threshold(credit.issuing_bank_id, [ApprovalAction.AMENDMENT_INCREASE], increase, credit.currency)
    return approve(actor=actor, credit=credit, bank=credit.issuing_bank, action=ApprovalAction.AMENDMENT_INCREASE,
                   target_id=amendment_id, level=level, event=events.AMENDMENT_APPROVED, payload=payload, now=now)


def for_honour(*, actor: User, credit: LetterOfCredit, pres: Presentation, paid: Decimal, waived: bool,
               payload: Mapping[str, Any], params: Mapping[str, Any], now: dt.datetime) -> Gate:
    """Honour: the amount paid against the honouring bank's honour levels, and, when the bank takes
    up documents whose discrepancies the applicant waived (art. 16(b)), its waiver levels too
    (whichever asks more checkers applies)."""
    actions = [ApprovalAction.HONOUR, ApprovalAction.WAIVER] if waived else [ApprovalAction.HONOUR]
    level = threshold(pres.presented_to_id, actions, paid, pres.currency)
    return approve(actor=actor, credit=credit, bank=pres.presented_to,
                   action=ApprovalAction.WAIVER if waived else ApprovalAction.HONOUR, target_id=pres.pk,
                   level=level, event=events.HONOUR_APPROVED, payload=payload, now=now, params=params)


def held_honour(pres: Presentation, amount: Any, maturity_date: dt.date | None) -> tuple[Any, dt.date | None]:
    """An honour awaiting further checkers is approved as its first approver decided it: the
    amount and maturity held with that approval (a different one keyed is refused)."""
    held = held_params(pres.pk)
    if held is None:
        return amount, maturity_date
    keyed = money.text(accounts.check_amount(amount, pres.currency), pres.currency) if amount not in (None, "") else None
    same_as_held({"amount": keyed, "maturity_date": maturity_date.isoformat() if maturity_date else None}, held)
    matures = held.get("maturity_date")
    return held.get("amount"), dt.date.fromisoformat(matures) if matures else None
