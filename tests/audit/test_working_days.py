"""Official adjusted working days (issue 16): a bank enters the weekend days or holidays it opens
on (mainland China's make-up days, which the `holidays` package does not model); each is a
ledgered calendar event, and every deadline counted across it counts it as a banking day."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from lc.audit import services as config
from lc.audit.record import Operator
from lc.banking import BankingCalendar, examination_deadline
from lc.errors import Forbidden, InvalidInput, NotAllowed
from lc.models import BankWorkingDay
from lc.services.common import calendar_for, years_around
from ledger.models import PendingEntry

FRIDAY, SATURDAY, MONDAY = dt.date(2026, 3, 6), dt.date(2026, 3, 7), dt.date(2026, 3, 9)


def test_an_opened_saturday_counts_as_a_banking_day_and_a_closure_on_it_wins() -> None:
    assert BankingCalendar().add_banking_days(FRIDAY, 1) == MONDAY
    opened = BankingCalendar(openings=frozenset({SATURDAY}))
    assert opened.add_banking_days(FRIDAY, 1) == SATURDAY and opened.extend(SATURDAY) == SATURDAY
    closed = BankingCalendar(openings=frozenset({SATURDAY}), closures=frozenset({SATURDAY}))
    assert closed.add_banking_days(FRIDAY, 1) == MONDAY


def test_an_opened_public_holiday_is_a_banking_day() -> None:
    new_year = dt.date(2026, 1, 1)  # a Thursday, a public holiday in mainland China
    cn = BankingCalendar.for_country("CN", [2026])
    assert not cn.is_banking_day(new_year)
    assert BankingCalendar.for_country("CN", [2026], openings=[new_year]).is_banking_day(new_year)


def test_facts_written_before_working_days_existed_still_rebuild_their_calendar() -> None:
    facts = BankingCalendar(openings=frozenset({SATURDAY})).facts(FRIDAY, MONDAY)
    assert facts["openings"] == [SATURDAY]
    assert BankingCalendar.from_facts(facts).add_banking_days(FRIDAY, 1) == SATURDAY
    older = {k: v for k, v in facts.items() if k != "openings"}
    assert BankingCalendar.from_facts(older).add_banking_days(FRIDAY, 1) == MONDAY


def _entry(kind: str) -> Any:
    return PendingEntry.objects.filter(kind=kind).latest("id")


@pytest.mark.django_db
def test_working_days_are_entered_and_removed_by_the_banks_administrator_on_the_ledger(cast: Any) -> None:
    bank, admin = cast.orgs["issuing"], cast.users["vhb.admin"]
    day = config.add_bank_working_day(actor=admin, bank_id=bank.pk, day=SATURDAY, reason="State Council notice")
    entry = _entry("org.working_day_added")
    payload = json.loads(bytes(entry.payload))
    assert (entry.subject, entry.actor) == (bank.ledger_id, admin.ledger_id)
    assert payload["day"] == SATURDAY.isoformat() and payload["reason"] == "State Council notice"
    assert calendar_for(bank, [2026]).is_banking_day(SATURDAY)
    with pytest.raises(NotAllowed):  # once
        config.add_bank_working_day(actor=admin, bank_id=bank.pk, day=SATURDAY, reason="again")
    with pytest.raises(NotAllowed):  # a closure and an opening on one day contradict
        config.add_bank_closure(actor=admin, bank_id=bank.pk, day=SATURDAY, reason="typhoon")
    with pytest.raises(InvalidInput):  # a Friday is a banking day already
        config.add_bank_working_day(actor=admin, bank_id=bank.pk, day=FRIDAY, reason="x")
    with pytest.raises(Forbidden):  # not the bank's administrator
        config.add_bank_working_day(actor=cast.users["vhb.maker"], bank_id=bank.pk, day=SATURDAY, reason="x")
    config.remove_bank_working_day(actor=admin, working_day_id=day.pk)
    assert _entry("org.working_day_removed").actor == admin.ledger_id
    assert not BankWorkingDay.objects.exists() and not calendar_for(bank, [2026]).is_banking_day(SATURDAY)


@pytest.mark.django_db
def test_a_presentations_deadline_counts_the_banks_working_day_and_its_entry_says_so(story: Any) -> None:
    story.issued()
    story.advise()
    bank = story.cast.orgs["advising"]
    presented_on = story.at(98).date()
    usual = calendar_for(bank, years_around(presented_on))
    without = examination_deadline(presented_on, usual)
    weekend = next(presented_on + dt.timedelta(days=n) for n in range(1, 10)
                   if usual.is_ordinarily_closed(presented_on + dt.timedelta(days=n)))
    assert weekend < without
    config.add_bank_working_day(actor=Operator("ncb-ops"), bank_id=bank.pk, day=weekend,
                                reason="adjusted working day")
    pres = story.present()
    payload = json.loads(bytes(_entry("presentation.made").payload))
    facts = payload["calendar"]
    assert facts["openings"] == [weekend.isoformat()]
    again = examination_deadline(presented_on, BankingCalendar.from_facts(facts))
    assert pres.examination_deadline == again < without
    # The one opened day is all that moved it: the entry without it gives the usual deadline.
    assert examination_deadline(presented_on, BankingCalendar.from_facts({**facts, "openings": []})) == without


@pytest.mark.django_db
def test_the_admin_page_enters_a_working_day_as_one_ledger_entry(cast: Any, admin_client: Any) -> None:
    bank = cast.orgs["advising"]
    form = {"name": bank.name, "kind": bank.kind, "bic": bank.bic, "country": bank.country, "city": bank.city,
            "address": bank.address, "closures-TOTAL_FORMS": "0", "closures-INITIAL_FORMS": "0",
            "working_days-TOTAL_FORMS": "1", "working_days-INITIAL_FORMS": "0",
            "working_days-0-day": SATURDAY.isoformat(), "working_days-0-reason": "make-up day"}
    before = PendingEntry.objects.filter(kind="org.working_day_added").count()
    response = admin_client.post(f"/admin/lc/organization/{bank.pk}/change/", form)
    assert response.status_code == 302, response.content[:400]
    assert PendingEntry.objects.filter(kind="org.working_day_added").count() == before + 1
    assert list(bank.working_days.values_list("day", flat=True)) == [SATURDAY]
