"""Amendments give versions; timers expire credits by the art. 29(a)-extended date and warn."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from lc import services
from lc.banking import last_presentation_day
from lc.errors import NotAllowed
from lc.models import BankClosure, Confirmation, CreditState
from lc.scenarios import Story, example_start
from lc.services.common import calendar_for, years_around
from lc.services.credits import last_day_for_presentation

TZ = timezone.get_default_timezone()
START = example_start()




def amend(story: Story, changes: dict[str, Any]) -> Any:
    c = story.cast.users
    amendment = services.propose_amendment(actor=c["hhl.treasury"], credit_id=story.credit_id, changes=changes,
                                           narrative="deemed accepted unless rejected within 5 days")
    services.prepare_amendment(actor=c["vhb.maker"], amendment_id=amendment.pk)
    return services.issue_amendment(actor=c["vhb.checker"], amendment_id=amendment.pk)


def test_accepted_amendment_creates_a_new_version_and_keeps_the_old(story: Story) -> None:
    story.issued()
    amendment = amend(story, {"amount": "130000.00", "expiry_date": "2025-06-30"})
    story.credit.refresh_from_db()
    assert story.credit.amount == Decimal("125000.00")  # art. 10(b): old terms stand until acceptance
    services.accept_amendment(actor=story.cast.users["nef.exports"], amendment_id=amendment.pk)
    story.credit.refresh_from_db()
    versions = list(story.credit.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].terms["amount"] == "125000.00" and versions[1].terms["amount"] == "130000.00"
    assert story.credit.amount == Decimal("130000.00") and story.credit.expiry_date == dt.date(2025, 6, 30)
    assert story.credit.current_terms_id == versions[1].pk and versions[1].amendment_id == amendment.pk


def test_deemed_acceptance_clause_has_no_effect(story: Story) -> None:
    story.issued()
    amendment = amend(story, {"amount": "130000.00"})
    services.run_timers(now=START + dt.timedelta(days=30))
    amendment.refresh_from_db()
    assert amendment.state == "issued" and story.credit.versions.count() == 1


def test_rejected_amendment_leaves_the_terms(story: Story) -> None:
    story.issued()
    amendment = amend(story, {"amount": "130000.00"})
    services.reject_amendment(actor=story.cast.users["nef.exports"], amendment_id=amendment.pk, reason="no")
    story.credit.refresh_from_db()
    assert story.credit.amount == Decimal("125000.00") and story.credit.versions.count() == 1


def test_confirming_bank_may_decline_to_extend_confirmation_to_an_amendment(story: Story) -> None:
    story.terms["confirmation"] = "CONFIRM"
    story.issued(confirming=True)
    c = story.cast.users
    credit = services.confirm_credit(actor=c["lctb.maker"], credit_id=story.credit_id, confirm=True)
    assert credit.confirmation == Confirmation.CONFIRMED
    amendment = amend(story, {"amount": "130000.00"})
    amendment = services.decide_amendment_confirmation(actor=c["lctb.maker"], amendment_id=amendment.pk,
                                                       extend=False)
    assert amendment.confirmation_extended is False
    with pytest.raises(NotAllowed):
        services.decide_amendment_confirmation(actor=c["lctb.maker"], amendment_id=amendment.pk, extend=True)


def test_worked_example_dates_come_from_the_bank_calendars(story: Story) -> None:
    """DOMAIN.md: on board 2025-05-28, expiry Sunday 2025-06-15 -> last day Monday 2025-06-16;
    presented 2025-06-16 -> examination deadline the close of 2025-06-23 (Ningbo bank, CN calendar)."""
    story.issued()
    credit = story.credit
    assert last_day_for_presentation(credit) == dt.date(2025, 6, 16)
    cal = calendar_for(story.cast.orgs["advising"], years_around(credit.expiry_date))
    assert last_presentation_day(credit.expiry_date, dt.date(2025, 5, 28), 21, cal) == dt.date(2025, 6, 16)
    pres = story.present()
    assert pres.presented_on == dt.date(2025, 6, 16) and pres.examination_deadline == dt.date(2025, 6, 23)


def test_a_bank_closure_moves_the_examination_deadline(story: Story) -> None:
    BankClosure.objects.create(bank=story.cast.orgs["advising"], day=dt.date(2025, 6, 18), reason="typhoon signal 8")
    story.issued()
    assert story.present().examination_deadline == dt.date(2025, 6, 24)


def test_force_majeure_does_not_extend_expiry(story: Story) -> None:
    BankClosure.objects.create(bank=story.cast.orgs["advising"], day=dt.date(2025, 6, 16), reason="strike",
                               force_majeure=True)
    story.issued()
    assert last_day_for_presentation(story.credit) == dt.date(2025, 6, 16)  # art. 36: no extension


def test_expiry_timer_respects_the_art_29a_extension(story: Story) -> None:
    story.issued()
    services.run_timers(now=dt.datetime(2025, 6, 16, 12, 0, tzinfo=TZ))  # Monday: still the last day
    story.credit.refresh_from_db()
    assert story.credit.state == CreditState.ISSUED
    report = services.run_timers(now=dt.datetime(2025, 6, 17, 0, 30, tzinfo=TZ))
    story.credit.refresh_from_db()
    assert story.credit.state == CreditState.EXPIRED and report.expired == [str(story.credit_id)]
    assert services.run_timers(now=dt.datetime(2025, 6, 18, tzinfo=TZ)).expired == []  # idempotent


def test_open_presentation_keeps_the_credit_from_expiring(story: Story) -> None:
    story.issued()
    story.present()
    services.run_timers(now=dt.datetime(2025, 6, 19, tzinfo=TZ))
    story.credit.refresh_from_db()
    assert story.credit.state == CreditState.ISSUED


def test_deadline_warning_comes_the_banking_day_before_and_only_once(story: Story) -> None:
    story.issued()
    pres = story.present()
    assert services.run_timers(now=dt.datetime(2025, 6, 19, 9, tzinfo=TZ)).deadline_warnings == []
    assert services.run_timers(now=dt.datetime(2025, 6, 20, 9, tzinfo=TZ)).deadline_warnings == [str(pres.pk)]
    assert services.run_timers(now=dt.datetime(2025, 6, 20, 15, tzinfo=TZ)).deadline_warnings == []


def test_eucp_presentation_starts_the_clock_at_the_notice_of_completeness(story: Story) -> None:
    story.issued()
    c = story.cast
    pres = services.present_documents(actor=c.users["nef.exports"], credit_id=story.credit_id,
                                      presented_to=c.orgs["advising"], amount_claimed=Decimal("125000.00"),
                                      documents=[], electronic=True, now=story.at(95))
    assert pres.state == "received" and pres.examination_deadline is None
    with pytest.raises(NotAllowed):
        services.notify_completeness(actor=c.users["nef.exports"], presentation_id=pres.pk, now=story.at(96))
    from lc.scenarios import example_documents

    for doc in example_documents():
        services.add_document(actor=c.users["nef.exports"], presentation_id=pres.pk, document=doc, now=story.at(96))
    pres = services.notify_completeness(actor=c.users["nef.exports"], presentation_id=pres.pk, now=story.at(98))
    assert pres.state == "under_examination" and pres.examination_deadline == dt.date(2025, 6, 23)


def test_beneficiary_does_not_see_an_amendment_until_the_bank_issues_it(story: Story) -> None:
    from lc.errors import NotFound
    from lc.models import Amendment

    story.issued()
    c = story.cast
    amendment = services.propose_amendment(actor=c.users["hhl.treasury"], credit_id=story.credit_id,
                                           changes={"amount": "130000.00"})
    assert not Amendment.objects.visible_to(c.orgs["exporter"]).exists()
    with pytest.raises(NotFound):
        services.accept_amendment(actor=c.users["nef.exports"], amendment_id=amendment.pk)
    services.prepare_amendment(actor=c.users["vhb.maker"], amendment_id=amendment.pk)
    services.issue_amendment(actor=c.users["vhb.checker"], amendment_id=amendment.pk)
    assert Amendment.objects.visible_to(c.orgs["exporter"]).get() == amendment
