"""A bank's approval levels (issue 20): above which amount issuance, an amendment's increase,
honour on a waiver and honour need one or two further checkers.

Changing them changes who may bind the bank, so it is a configuration change like a person's
roles: one outermost transaction, the bank's row locked, the rule of lc.audit.rules (the bank's
administrator or platform staff), one ledger entry naming the person with the level before and
after. Setting a level that is already so records nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from lc import events, money
from lc.audit import rules
from lc.audit.record import Actor, record_change
from lc.errors import InvalidInput, NotAllowed, NotFound
from lc.models import ApprovalAction, ApprovalLevel, Organization, User
from lc.services.approvals import level_card
from lc.services.common import ObjectId
from lc.services.money import check_amount

EXTRA_CHECKERS = (1, 2)


def _bank(bank_id: ObjectId) -> Organization:
    try:
        return Organization.objects.select_for_update().get(pk=bank_id)
    except (Organization.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound("no such bank") from exc


def _facts(action: str, extra_checkers: int) -> None:
    if action not in ApprovalAction.values:
        raise InvalidInput(f"unknown action {action!r}", [{"field": "action",
                                                           "message": f"one of {', '.join(ApprovalAction.values)}"}])
    if extra_checkers not in EXTRA_CHECKERS:
        raise InvalidInput("a level asks for one or two further checkers",
                           [{"field": "extra_checkers", "message": "1 or 2"}])


def _threshold(currency: str, threshold: object) -> tuple[str, Any]:
    try:
        money.minor_units(currency)
    except money.MoneyError as exc:
        raise InvalidInput(str(exc), [{"field": "currency", "message": exc.message}]) from exc
    return currency, check_amount(threshold, currency, "threshold")


@transaction.atomic
def set_approval_level(*, actor: Actor, bank_id: ObjectId, action: str, extra_checkers: int,
                       currency: str = "", threshold: object = None,
                       now: dt.datetime | None = None) -> ApprovalLevel | None:
    """Set the bank's level for `action` asking `extra_checkers` further checkers above
    `threshold` in `currency` (its reporting currency); with no threshold, remove that level."""
    now = now or timezone.now()
    bank = _bank(bank_id)
    rules.check("set_approval_level", actor, bank)
    _facts(action, extra_checkers)
    level = ApprovalLevel.objects.select_for_update().filter(bank=bank, action=action,
                                                             extra_checkers=extra_checkers).first()
    before = level_card(level) if level is not None else None
    who = actor if isinstance(actor, User) else None
    if threshold in (None, ""):
        if level is None:
            raise NotAllowed(f"{bank.name} has no {action} level with {extra_checkers} further checker(s)")
        level.delete()
        record_change(events.APPROVAL_LEVEL_REMOVED, subject=bank.ledger_id, actor=actor, at=now,
                      payload={"bank": bank.ledger_id, "bank_name": bank.name, "before": before, "after": None})
        return None
    currency, amount = _threshold(currency, threshold)
    if level is not None and (level.currency, level.threshold) == (currency, amount):
        return level
    level, _ = ApprovalLevel.objects.update_or_create(
        bank=bank, action=action, extra_checkers=extra_checkers,
        defaults={"currency": currency, "threshold": amount, "updated_by": who, "updated_at": now})
    record_change(events.APPROVAL_LEVEL_SET, subject=bank.ledger_id, actor=actor, at=now,
                  payload={"bank": bank.ledger_id, "bank_name": bank.name, "before": before,
                           "after": level_card(level)})
    return level
