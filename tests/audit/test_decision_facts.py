"""A deadline decision can be recomputed from its ledger entry alone (issue 14)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from lc.audit import services as config
from lc.audit.record import Operator
from lc.banking import BankingCalendar, examination_deadline, extended_expiry
from ledger.models import PendingEntry

pytestmark = pytest.mark.django_db


def _entry(kind: str) -> dict[str, Any]:
    return json.loads(bytes(PendingEntry.objects.filter(kind=kind).latest("id").payload))


def test_examination_deadline_is_recomputed_from_its_entry_alone(story: Any) -> None:
    story.issued()
    story.advise()
    # The examining bank closes the first banking day after presentation, by force majeure.
    bank = story.cast.orgs["advising"]
    presented_on = story.at(98).date()
    config.add_bank_closure(actor=Operator("test-ops"), bank_id=bank.pk, day=presented_on + dt.timedelta(days=1),
                            reason="typhoon", force_majeure=True)
    pres = story.present()
    payload = _entry("presentation.made")
    facts = payload["calendar"]
    assert facts["bank"] == bank.ledger_id and facts["force_majeure"] == [(presented_on + dt.timedelta(days=1)).isoformat()]
    again = examination_deadline(dt.date.fromisoformat(facts["from"]), BankingCalendar.from_facts(facts))
    assert again.isoformat() == payload["examination_deadline"] == pres.examination_deadline.isoformat()
    without = examination_deadline(presented_on, BankingCalendar.from_facts({**facts, "force_majeure": []}))
    assert without < again  # the closure the entry records is what moved the deadline


def test_expiry_is_recomputed_from_its_entry_alone(story: Any) -> None:
    from lc.services import expire_credit

    story.issued()
    story.advise()
    credit = story.credit
    expired = expire_credit(credit_id=credit.pk, now=dt.datetime.combine(
        credit.expiry_date + dt.timedelta(days=10), dt.time(12), tzinfo=dt.UTC))
    payload = _entry("lc.expired")
    facts = payload["calendar"]
    again = extended_expiry(dt.date.fromisoformat(facts["from"]), BankingCalendar.from_facts(facts))
    assert again.isoformat() == payload["last_day_for_presentation"] and expired.state == "expired"
