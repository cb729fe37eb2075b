"""eUCP 2.1 edges (issue 20): (1) a notice of completeness after the last day for presentation is
refused even before the lapse timer has run (art. e6(c)); (2) a corrupted electronic record
(art. e12): the bank asks for it again, the examination time stands still until it is
re-presented (30 calendar days at most), and resumes with the banking days it had left."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lc import services
from lc.banking import BankingCalendar
from lc.errors import Forbidden, InvalidInput, NotAllowed, NotFound
from lc.integrations.keys import create_api_key
from lc.models import Presentation, PresentationState, RePresentationRequest
from lc.scenarios import EXAMPLE_ISSUE, PDF_BYTES, Story, example_documents, weeks_between
from lc.services.corrupted_records import days_used
from ledger.models import Entry, PendingEntry
from tests.api.conftest import client_with_key

TZ = timezone.get_default_timezone()


def at(day: str, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour, minute), tzinfo=TZ)


def ledger_size() -> int:
    return PendingEntry.objects.count() + Entry.objects.count()


def last_payload(kind: str) -> dict[str, Any]:
    return json.loads(bytes(PendingEntry.objects.filter(kind=kind).order_by("-id").first().payload))


def electronic(story: Story, docs: list[Any] | None = None, day: str = "2025-06-13") -> Presentation:
    """An eUCP presentation to the nominated bank (Ningbo) with its records, no notice yet."""
    story.issued()
    pres = services.present_documents(
        actor=story.cast.users["nef.exports"], credit_id=story.credit_id, presented_to=story.cast.orgs["advising"],
        amount_claimed="125000.00", electronic=True, documents=docs if docs is not None else example_documents(),
        now=at(day))
    story.presentation = pres
    return pres


def notice(story: Story, pres: Presentation, when: dt.datetime) -> Presentation:
    return services.notify_completeness(actor=story.cast.users["nef.exports"], presentation_id=pres.pk, now=when)


def refused_without_trace(error: type[Exception], action: Any, match: str | None = None) -> None:
    before = ledger_size()
    states = list(Presentation.objects.order_by("pk").values_list("pk", "state", "examination_deadline"))
    with pytest.raises(error, match=match):
        action()
    assert ledger_size() == before
    assert list(Presentation.objects.order_by("pk").values_list("pk", "state", "examination_deadline")) == states


# -- (1) The notice of completeness and the last day for presentation.

def test_a_notice_in_the_last_minutes_of_the_last_day_starts_the_examination(story: Story) -> None:
    """Expiry Sunday 2025-06-15, extended to Monday 06-16 (art. 29(a)): a notice at 23:59 counts."""
    pres = notice(story, electronic(story), at("2025-06-16", 23, 59))
    assert pres.state == PresentationState.UNDER_EXAMINATION and pres.presented_on == dt.date(2025, 6, 16)
    assert last_payload("presentation.completed")["last_day_for_presentation"] == "2025-06-16"


def test_a_notice_after_the_last_day_is_refused_before_the_timer_runs_and_the_timer_then_lapses_it(
        story: Story) -> None:
    pres = electronic(story)
    refused_without_trace(NotAllowed, lambda: notice(story, pres, at("2025-06-17", 0, 5)),
                          r"last day for presentation was 2025-06-16.*deemed not made")
    assert Presentation.objects.get(pk=pres.pk).state == PresentationState.RECEIVED  # the timer has not run
    report = services.run_timers(now=at("2025-06-17", 0, 15))
    assert report.lapsed == [str(pres.pk)]
    assert Presentation.objects.get(pk=pres.pk).state == PresentationState.LAPSED


def test_the_notice_reads_the_presentation_period_after_shipment_as_the_timer_does(story: Story) -> None:
    """A B/L on board Friday 2025-05-16 among the records: 21 days end Friday 06-06 (art. 14(c)),
    ten days before expiry. A notice on the Friday counts; on the Saturday it does not."""
    docs = example_documents()
    docs[2].data["on_board_date"] = "2025-05-16"
    pres = electronic(story, docs, day="2025-06-02")
    refused_without_trace(NotAllowed, lambda: notice(story, pres, at("2025-06-07", 9)), "2025-06-06")
    assert notice(story, pres, at("2025-06-06", 17)).state == PresentationState.UNDER_EXAMINATION


# -- (2) eUCP art. e12: a corrupted record.

def under_examination(story: Story) -> Presentation:
    """Notice on Monday 2025-06-16: the examination deadline is Monday 06-23 (five banking days
    at the Ningbo bank: 17, 18, 19, 20, 23); the engine has run."""
    pres = notice(story, electronic(story), at("2025-06-16", 18))
    assert pres.examination_deadline == dt.date(2025, 6, 23)
    services.record_engine_result(presentation_id=pres.pk, now=at("2025-06-17", 9))
    return Presentation.objects.get(pk=pres.pk)


def ask(story: Story, pres: Presentation, day: str = "2025-06-19") -> RePresentationRequest:
    invoice = pres.documents.get(doc_type="commercial_invoice")
    return services.request_re_presentation(actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk,
                                            document_id=invoice.pk, reason="the PDF fails its checksum",
                                            now=at(day))


def re_present(story: Story, pres: Presentation, day: str, doc: int = 0) -> RePresentationRequest:
    return services.re_present_record(actor=story.cast.users["nef.exports"], presentation_id=pres.pk,
                                      document=example_documents()[doc], now=at(day))


def test_the_examination_stands_still_until_the_record_is_re_presented_then_resumes(story: Story) -> None:
    pres = under_examination(story)
    before = ledger_size()
    asked = ask(story, pres)  # Thursday: the 17th and 18th were used, three banking days remain
    assert ledger_size() == before + 1
    payload = last_payload("presentation.re_presentation_requested")
    assert (payload["days_used"], payload["deadline_before"], payload["re_present_by"]) == (2, "2025-06-23",
                                                                                           "2025-07-19")
    # Until it comes back, the deadline is the latest it can be: resuming on the 30th day, Saturday
    # 07-19, the three days left are 21, 22 and 23 July.
    assert payload["examination_deadline"] == "2025-07-23"
    assert Presentation.objects.get(pk=pres.pk).examination_deadline == dt.date(2025, 7, 23)
    refused_without_trace(NotAllowed, lambda: services.conclude_examination(
        actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk, now=at("2025-06-20")), "suspended")
    refused_without_trace(NotAllowed, lambda: ask(story, pres, "2025-06-20"), "already awaits")

    done = re_present(story, pres, "2025-06-30")  # Monday: the days left run from Tuesday 1 July
    assert done.pk == asked.pk and done.re_presented_at is not None and done.replacement is not None
    resumed = Presentation.objects.get(pk=pres.pk)
    assert resumed.examination_deadline == dt.date(2025, 7, 3) and resumed.state == "under_examination"
    entry = last_payload("presentation.record_re_presented")
    assert entry["replaces"] == str(asked.document_id) and entry["document"] == str(done.replacement_id)
    assert entry["resumed_on"] == "2025-06-30" and entry["examination_deadline"] == "2025-07-03"
    again = BankingCalendar.from_facts(entry["calendar"]).add_banking_days(dt.date(2025, 6, 30), 5 - entry["days_used"])
    assert again.isoformat() == entry["examination_deadline"]  # the entry alone re-derives it
    # The engine reads the re-presented record in place of the corrupted one.
    from lc.services.examination import engine_input

    _, data = engine_input(resumed)
    assert len(data.documents) == resumed.documents.count() - 1
    concluded = services.conclude_examination(actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk,
                                              now=at("2025-07-02"))
    assert concluded.state in (PresentationState.COMPLYING, PresentationState.DISCREPANT)


def test_the_days_used_count_only_banking_days_ended_before_the_request(story: Story) -> None:
    pres = under_examination(story)
    assert [days_used(pres, dt.date(2025, 6, d)) for d in (16, 17, 18, 21, 23, 24, 30)] == [0, 0, 1, 4, 4, 5, 5]


@pytest.mark.parametrize(("day", "accepted"), [("2025-07-19", True), ("2025-07-20", False)])
def test_a_record_is_re_presented_within_30_calendar_days_or_treated_as_not_presented(
        story: Story, day: str, accepted: bool) -> None:
    pres = under_examination(story)
    ask(story, pres)
    if accepted:
        re_present(story, pres, day)  # Saturday the 30th day: the days left run from Monday 21 July
        assert Presentation.objects.get(pk=pres.pk).examination_deadline == dt.date(2025, 7, 23)
        return
    refused_without_trace(NotAllowed, lambda: re_present(story, pres, day), r"30 calendar days.*not presented")
    # The bank may treat the record as not presented and conclude; no deadline moved further.
    assert Presentation.objects.get(pk=pres.pk).examination_deadline == dt.date(2025, 7, 23)
    services.conclude_examination(actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk, now=at(day))


def test_who_may_ask_and_re_present(story: Story) -> None:
    pres = under_examination(story)
    u = story.cast.users
    invoice = pres.documents.get(doc_type="commercial_invoice")
    for who, error in (("nef.exports", Forbidden), ("vhb.examiner", Forbidden), ("ncb.checker", Forbidden),
                       ("tmb.maker", NotFound)):
        refused_without_trace(error, lambda: services.request_re_presentation(
            actor=u[who], presentation_id=pres.pk, document_id=invoice.pk, reason="x", now=at("2025-06-19")))
    refused_without_trace(InvalidInput, lambda: services.request_re_presentation(
        actor=u["ncb.examiner"], presentation_id=pres.pk, document_id="not-a-uuid", reason="x", now=at("2025-06-19")))
    refused_without_trace(NotAllowed, lambda: re_present(story, pres, "2025-06-19"), "no corrupted record")
    ask(story, pres)
    for who, error in (("ncb.maker", Forbidden), ("hhl.treasury", Forbidden), ("rkw.treasury", NotFound)):
        refused_without_trace(error, lambda: services.re_present_record(
            actor=u[who], presentation_id=pres.pk, document=example_documents()[0], now=at("2025-06-20")))
    refused_without_trace(InvalidInput, lambda: re_present(story, pres, "2025-06-20", doc=1), "same record")


def test_a_paper_presentation_has_no_corrupted_record_to_ask_for(story: Story) -> None:
    story.issued()
    pres = story.present()
    refused_without_trace(NotAllowed, lambda: ask(story, pres, "2025-06-17"), "electronic")


def test_the_api_asks_and_re_presents(cast: Any) -> None:
    """On today's clock: the notice came this Monday (the last day for presentation), so today is
    within the five banking days that followed it."""
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().weekday())
    story = Story(cast, timezone.now(), shift_days=weeks_between(EXAMPLE_ISSUE + dt.timedelta(days=98), monday))
    story.issued()
    pres = services.present_documents(
        actor=cast.users["nef.exports"], credit_id=story.credit_id, presented_to=cast.orgs["advising"],
        amount_claimed="125000.00", electronic=True, documents=example_documents(story.shift), now=story.at(98, 9))
    pres = notice(story, pres, story.at(98, 10))
    invoice = pres.documents.get(doc_type="commercial_invoice")
    _, bank = create_api_key(user=story.cast.users["ncb.examiner"], name="bank")
    _, exporter = create_api_key(user=story.cast.users["nef.exports"], name="erp")
    _, stranger = create_api_key(user=story.cast.users["tmb.maker"], name="stranger")
    url = f"/api/v1/presentations/{pres.pk}/"
    body = {"document": str(invoice.pk), "reason": "unreadable"}
    assert client_with_key(stranger).post(url + "request-re-presentation/", body, format="json").status_code == 404
    asked = client_with_key(bank).post(url + "request-re-presentation/", body, format="json")
    assert asked.status_code == 201, asked.content
    assert asked.json()["document"] == str(invoice.pk) and asked.json()["re_presented_at"] is None
    upload = SimpleUploadedFile("invoice.pdf", PDF_BYTES, content_type="application/pdf")
    parts = {"data": json.dumps(example_documents(story.shift)[0].data), "file": upload}
    assert client_with_key(stranger).post(url + "re-present/", parts, format="multipart").status_code == 404
    upload.seek(0)
    done = client_with_key(exporter).post(url + "re-present/", parts, format="multipart")
    assert done.status_code == 200, done.content
    assert done.json()["replacement"] is not None
    detail = client_with_key(exporter).get(url).json()
    assert detail["re_presentations"][0]["re_presented_at"] is not None
