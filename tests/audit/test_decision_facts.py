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
    from lc.deadlines import expiry_place_bank, last_day_for_presentation
    from lc.services import expire_credit

    story.issued()
    story.advise()
    credit = story.credit
    usual = last_day_for_presentation(credit)
    # Art. 29(a): the bank at the place for presentation is closed on what would be the last day.
    config.add_bank_closure(actor=Operator("test-ops"), bank_id=expiry_place_bank(credit).pk, day=usual,
                            reason="bank holiday declared")
    expired = expire_credit(credit_id=credit.pk, now=dt.datetime.combine(
        credit.expiry_date + dt.timedelta(days=10), dt.time(12), tzinfo=dt.UTC))
    payload = _entry("lc.expired")
    facts = payload["calendar"]
    assert facts["closures"] == [usual.isoformat()] and expired.state == "expired"
    again = extended_expiry(dt.date.fromisoformat(facts["from"]), BankingCalendar.from_facts(facts))
    assert again.isoformat() == payload["last_day_for_presentation"] and again > usual
    # The closure the entry records is what moved the last day.
    assert extended_expiry(credit.expiry_date, BankingCalendar.from_facts({**facts, "closures": []})) == usual


def test_refusal_deadline_is_recomputed_from_its_entry_alone(story: Any) -> None:
    """Art. 16(d): the notice is due by the art. 14(b) deadline; the refusal entry alone shows it
    was in time, and that only the force-majeure day it records made it so."""
    from lc.scenarios import example_documents
    from lc.services import refuse_presentation

    story.issued()
    story.advise()
    bank = story.cast.orgs["advising"]
    presented_on = story.at(98).date()
    config.add_bank_closure(actor=Operator("test-ops"), bank_id=bank.pk, day=presented_on + dt.timedelta(days=1),
                            reason="typhoon", force_majeure=True)
    docs = example_documents()
    docs[2].data["on_board_date"] = "2025-06-02"  # shipped longer before presentation than the credit allows: discrepant
    story.present(documents=docs)
    pres = story.examine()
    refuse_presentation(actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk, disposal="returning",
                        now=dt.datetime.combine(pres.examination_deadline, dt.time(15), tzinfo=bank.zone))
    payload = _entry("presentation.refused")
    facts = payload["calendar"]
    deadline = examination_deadline(dt.date.fromisoformat(facts["from"]), BankingCalendar.from_facts(facts))
    assert deadline.isoformat() == payload["refusal_deadline"] == payload["refused_on"]
    assert facts["force_majeure"] == [(presented_on + dt.timedelta(days=1)).isoformat()]
    without = examination_deadline(presented_on, BankingCalendar.from_facts({**facts, "force_majeure": []}))
    assert without.isoformat() < payload["refused_on"]  # late but for the force-majeure day
