"""eUCP 2.1 art. e6(c)(iii): an electronic presentation without a notice of completeness by the
last day for presentation is deemed not made (issue 20). The timer lapses it, releases its claim
on the credit, and expiry and cancellation then proceed; the ledger entry re-derives the day."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from lc import access, services
from lc.banking import BankingCalendar, extended_expiry
from lc.errors import NotAllowed
from lc.models import CreditState, LetterOfCredit, Presentation, PresentationState
from lc.scenarios import EXAMPLE_ISSUE, Story, example_documents, weeks_between
from lc.services import money as accounts
from lc.services.common import local_date
from lc.services.credits import last_day_for_presentation
from lc.services.timers import lapse_presentation
from ledger.models import Entry, PendingEntry

TZ = timezone.get_default_timezone()
CLAIM = Decimal("125000.00")


def _kinds() -> list[str]:
    return list(PendingEntry.objects.values_list("kind", flat=True)) + list(Entry.objects.values_list("kind", flat=True))


def _entry(kind: str) -> dict[str, Any]:
    pending = PendingEntry.objects.filter(kind=kind).order_by("-id").first()
    found = pending or Entry.objects.filter(kind=kind).latest("seq")
    return json.loads(bytes(found.payload))


def credit_of(story: Story) -> LetterOfCredit:
    return LetterOfCredit.objects.get(pk=story.credit_id)


def present_electronically(story: Story, day: int = 95, documents: list[Any] | None = None) -> Presentation:
    """An eUCP presentation to the nominated bank: records may follow, the notice is not sent."""
    c = story.cast
    pres = services.present_documents(actor=c.users["nef.exports"], credit_id=story.credit_id,
                                      presented_to=c.orgs["advising"], amount_claimed=CLAIM, electronic=True,
                                      documents=documents if documents is not None else [], now=story.at(day))
    story.presentation = pres
    return pres


def complete(story: Story, pres: Presentation, day: int) -> Presentation:
    for doc in example_documents(story.shift):
        services.add_document(actor=story.cast.users["nef.exports"], presentation_id=pres.pk, document=doc,
                              now=story.at(day))
    return services.notify_completeness(actor=story.cast.users["nef.exports"], presentation_id=pres.pk,
                                        now=story.at(day, 18))


def wait_for(check: Callable[[], Any], timeout: float = 60.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.2)
    raise AssertionError("timed out waiting for the worker")


# -- (1) and (2) on a real Celery worker.

@pytest.mark.django_db(transaction=True)
def test_on_the_worker_a_presentation_without_notice_lapses_and_the_credit_expires(
        cast: Any, celery_worker_thread: Any) -> None:
    """The beat task run by a real worker at the real time: the example's dates shifted so that the
    last day for presentation (Monday, day 98) was three weeks ago at least, holidays included."""
    from lc.tasks import run_timers

    this_monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    shift = weeks_between(EXAMPLE_ISSUE + dt.timedelta(days=98), this_monday) - 21
    silent, noticed = Story(cast, timezone.now(), shift_days=shift), Story(cast, timezone.now(), shift_days=shift)
    silent.issued()
    noticed.issued()
    lapsing = present_electronically(silent)
    services.add_document(actor=cast.users["nef.exports"], presentation_id=lapsing.pk,
                          document=example_documents(shift)[0], now=silent.at(96))
    kept = complete(noticed, present_electronically(noticed), day=97)  # notice before the last day
    assert silent.credit is not None and local_date(timezone.now()) > last_day_for_presentation(silent.credit)

    run_timers.delay()
    wait_for(lambda: Presentation.objects.get(pk=lapsing.pk).state == PresentationState.LAPSED)
    wait_for(lambda: LetterOfCredit.objects.get(pk=silent.credit_id).state == CreditState.EXPIRED)
    assert _kinds().count("presentation.lapsed") == 1 and "lc.expired" in _kinds()
    # The presentation with its notice is under examination: not lapsed, and it holds its credit open.
    assert Presentation.objects.get(pk=kept.pk).state == PresentationState.UNDER_EXAMINATION
    assert LetterOfCredit.objects.get(pk=noticed.credit_id).state == CreditState.ISSUED
    assert _entry("presentation.lapsed")["presentation"] == str(lapsing.pk)


# -- The boundary, on the worked example's clock (run_timers called as beat calls it).

def test_the_last_day_itself_is_still_in_time_and_the_next_day_lapses_then_expires(story: Story) -> None:
    """Expiry Sunday 2025-06-15 is extended to Monday 06-16 (art. 29(a)): a notice on the Monday
    would still count; from Tuesday the presentation is deemed not made and the credit expires."""
    story.issued()
    pres = present_electronically(story)
    report = services.run_timers(now=dt.datetime(2025, 6, 16, 23, 45, tzinfo=TZ))
    assert report.lapsed == [] and Presentation.objects.get(pk=pres.pk).state == PresentationState.RECEIVED
    report = services.run_timers(now=dt.datetime(2025, 6, 17, 0, 15, tzinfo=TZ))
    assert report.lapsed == [str(pres.pk)] and report.expired == [str(story.credit_id)]
    assert Presentation.objects.get(pk=pres.pk).state == PresentationState.LAPSED
    assert credit_of(story).state == CreditState.EXPIRED
    assert services.run_timers(now=dt.datetime(2025, 6, 18, tzinfo=TZ)).lapsed == []  # idempotent
    assert _kinds().count("presentation.lapsed") == 1


def test_a_notice_on_the_last_day_starts_the_clock_and_is_never_lapsed(story: Story) -> None:
    story.issued()
    pres = complete(story, present_electronically(story), day=98)  # Monday 2025-06-16, the last day
    assert pres.presented_on == dt.date(2025, 6, 16) and pres.examination_deadline == dt.date(2025, 6, 23)
    report = services.run_timers(now=dt.datetime(2025, 6, 19, tzinfo=TZ))
    assert report.lapsed == [] and report.expired == []
    assert Presentation.objects.get(pk=pres.pk).state == PresentationState.UNDER_EXAMINATION
    assert credit_of(story).state == CreditState.ISSUED  # the examination keeps the credit open


# -- (3) A lapsed presentation refuses every presentation action, to the party who could act.

def _lapsed(story: Story) -> Presentation:
    """Lapsed the day after the last day, its credit left live (expiry is another timer's act), so
    that each refusal below is the lapse's doing."""
    story.issued()
    pres = present_electronically(story, documents=example_documents()[:1])
    assert lapse_presentation(presentation_id=pres.pk, now=dt.datetime(2025, 6, 17, 9, tzinfo=TZ))
    assert credit_of(story).state == CreditState.ISSUED
    return Presentation.objects.get(pk=pres.pk)


ACTIONS: dict[str, tuple[str, Callable[[Any, Any], Any]]] = {
    "add_document": ("nef.exports", lambda u, p: services.add_document(
        actor=u, presentation_id=p.pk, document=example_documents()[0])),
    "notify_completeness": ("nef.exports", lambda u, p: services.notify_completeness(actor=u, presentation_id=p.pk)),
    "add_discrepancy": ("ncb.examiner", lambda u, p: services.add_discrepancy(
        actor=u, presentation_id=p.pk, code="C25", rule="UCP 600 art. 14(d)", text="Data conflict.")),
    "conclude_examination": ("ncb.examiner", lambda u, p: services.conclude_examination(
        actor=u, presentation_id=p.pk)),
    "request_waiver": ("ncb.examiner", lambda u, p: services.request_waiver(actor=u, presentation_id=p.pk)),
    "decide_waiver": ("hhl.treasury", lambda u, p: services.decide_waiver(actor=u, presentation_id=p.pk, waive=True)),
    "refuse_presentation": ("ncb.examiner", lambda u, p: services.refuse_presentation(
        actor=u, presentation_id=p.pk, disposal="returning")),
    "honour_presentation": ("ncb.maker", lambda u, p: services.honour_presentation(actor=u, presentation_id=p.pk)),
    "give_instructions": ("nef.exports", lambda u, p: services.give_instructions(
        actor=u, presentation_id=p.pk, kind="return_documents")),
    "return_documents": ("ncb.maker", lambda u, p: services.return_documents(actor=u, presentation_id=p.pk)),
    "request_re_presentation": ("ncb.examiner", lambda u, p: services.request_re_presentation(
        actor=u, presentation_id=p.pk, document_id=p.documents.first().pk, reason="unreadable")),
    "re_present_record": ("nef.exports", lambda u, p: services.re_present_record(
        actor=u, presentation_id=p.pk, document=example_documents()[0])),
    "reimburse_presentation": ("vhb.maker", lambda u, p: services.reimburse_presentation(
        actor=u, presentation_id=p.pk)),
    "settle_presentation": ("vhb.maker", lambda u, p: services.settle_presentation(actor=u, presentation_id=p.pk)),
}


def test_the_table_covers_every_presentation_action() -> None:
    """Every action whose rule takes a presentation (decide_discrepancy takes a discrepancy, and a
    lapsed presentation has none: the engine never examined it)."""
    import inspect

    on_presentation = {name for name, fn in access.CHECKS.items()
                       if list(inspect.signature(fn).parameters.values())[1:2]
                       and list(inspect.signature(fn).parameters.values())[1].annotation == "Presentation"}
    assert on_presentation == set(ACTIONS)


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_a_lapsed_presentation_refuses_every_action(story: Story, action: str) -> None:
    pres = _lapsed(story)
    username, call = ACTIONS[action]
    user = story.cast.users[username]
    assert not access.can(action, access.Facts(user, credit_of(story)), pres)
    with pytest.raises(NotAllowed):
        call(user, pres)
    assert Presentation.objects.get(pk=pres.pk).state == PresentationState.LAPSED


# -- (4) The entry alone re-derives the decision; the claim is released; cancellation proceeds.

def test_the_lapse_entry_re_derives_the_last_day_from_the_expiry(story: Story) -> None:
    pres = _lapsed(story)
    payload = _entry("presentation.lapsed")
    expiry = payload["expiry"]
    again = extended_expiry(dt.date.fromisoformat(expiry["calendar"]["from"]),
                            BankingCalendar.from_facts(expiry["calendar"]))
    assert again.isoformat() == expiry["last_day"] == payload["last_day_for_presentation"] == "2025-06-16"
    assert expiry["expiry_date"] == "2025-06-15" and expiry["calendar"]["weekend"]  # Sunday: extended
    assert payload["presentation_period"] is None  # no transport document among the records
    assert payload["decided_on"] > payload["last_day_for_presentation"]
    assert payload["presentation"] == str(pres.pk) and payload["state"] == "lapsed"
    money = payload["availability"]
    assert money["before"]["reserved"] == "125000.00" and money["after"]["reserved"] == "0.00"


def test_the_presentation_period_after_shipment_ends_it_earlier_and_cancellation_proceeds(story: Story) -> None:
    """A B/L shipped on board Friday 2025-05-16 among the records: 21 days end on Friday 06-06
    (art. 14(c)), before expiry; on Saturday the presentation lapses while the credit lives on,
    its claim released, and the credit can then be cancelled with every consent."""
    story.issued()
    docs = example_documents()
    docs[2].data["on_board_date"] = "2025-05-16"
    pres = present_electronically(story, day=80, documents=docs)
    assert accounts.figures(credit_of(story)).reserved == CLAIM
    assert services.run_timers(now=dt.datetime(2025, 6, 6, 20, tzinfo=TZ)).lapsed == []
    report = services.run_timers(now=dt.datetime(2025, 6, 7, 9, tzinfo=TZ))
    assert report.lapsed == [str(pres.pk)] and report.expired == []
    payload = _entry("presentation.lapsed")
    period = payload["presentation_period"]
    end = BankingCalendar.from_facts(period["calendar"]).extend(
        dt.date.fromisoformat(period["shipment_date"]) + dt.timedelta(days=period["days"]))
    assert end.isoformat() == period["last_day"] == payload["last_day_for_presentation"] == "2025-06-06"
    assert payload["expiry"]["last_day"] == "2025-06-16" and payload["decided_on"] == "2025-06-07"
    assert accounts.figures(credit_of(story)).reserved == 0

    u = story.cast.users
    at = dt.datetime(2025, 6, 9, 10, tzinfo=TZ)
    services.request_cancellation(actor=u["vhb.maker"], credit_id=story.credit_id, reason="goods not shipped", now=at)
    services.consent_to_cancellation(actor=u["nef.exports"], credit_id=story.credit_id, now=at)
    assert services.cancel_credit(actor=u["vhb.checker"], credit_id=story.credit_id, now=at).state == "cancelled"
