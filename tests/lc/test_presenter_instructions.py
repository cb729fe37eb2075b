"""After a refusal (issue 15, UCP 600 art. 16(c)(iii), 16(e)): the presenter's instructions on the
documents the refusing bank holds, the bank's return of them, and honour only on an act after the
refusal that allows it. Refusal, honour and return exclude each other, under concurrency too."""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from lc import access, services
from lc.errors import DomainError, Forbidden, InvalidInput, NotAllowed, NotFound
from lc.integrations.keys import create_api_key
from lc.models import LetterOfCredit, Presentation, PresentationState, WebhookDelivery, WebhookSubscription
from lc.scenarios import Story, example_documents, example_start
from lc.services import money as accounts
from ledger.models import Entry, PendingEntry
from tests.api.conftest import client_with_key

MAXIMUM = Decimal("131250.00")  # USD 125,000 + 5% (39A)
CLAIM = Decimal("125000.00")


def kinds(story: Story | None = None) -> list[str]:
    entries = PendingEntry.objects.filter(subject=f"lc:{story.credit_id}") if story else PendingEntry.objects.all()
    return list(entries.order_by("id").values_list("kind", flat=True))


def ledger_size() -> int:
    return PendingEntry.objects.count() + Entry.objects.count()


def last_payload(kind: str) -> dict[str, Any]:
    return json.loads(bytes(PendingEntry.objects.filter(kind=kind).order_by("-id").first().payload))


def refused_presentation(story: Story, disposal: str, waiver_first: bool = False) -> Presentation:
    """A discrepant presentation (on board after 44C: C14) refused on day 100 with `disposal`."""
    story.issued()
    docs = example_documents(story.shift)
    docs[2].data["on_board_date"] = "2025-06-02"
    story.present(documents=docs)
    pres = story.examine()
    assert pres.state == PresentationState.DISCREPANT
    if waiver_first:
        services.request_waiver(actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk,
                                now=story.at(99, 12))
    services.refuse_presentation(actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk,
                                 disposal=disposal, now=story.at(100))
    return Presentation.objects.get(pk=pres.pk)


def instruct(story: Story, pres: Presentation, kind: str, day: int = 101, hour: int = 10) -> Any:
    return services.give_instructions(actor=story.cast.users["nef.exports"], presentation_id=pres.pk, kind=kind,
                                      note="as agreed with the buyer", now=story.at(day, hour))


def waive_after_refusal(story: Story, pres: Presentation, day: int = 102) -> None:
    """The bank approaches the applicant after its notice (the presentation stays refused); it waives."""
    services.request_waiver(actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk, now=story.at(day, 9))
    assert Presentation.objects.get(pk=pres.pk).state == PresentationState.REFUSED
    services.decide_waiver(actor=story.cast.users["hhl.treasury"], presentation_id=pres.pk, waive=True,
                           now=story.at(day, 10))


def honour(story: Story, pres: Presentation, day: int = 103) -> Presentation:
    return services.honour_presentation(actor=story.cast.users["ncb.maker"], presentation_id=pres.pk,
                                        now=story.at(day))


def refused_without_trace(error: type[DomainError], action: Any, match: str | None = None) -> None:
    before = ledger_size()
    states = list(Presentation.objects.order_by("pk").values_list("pk", "state"))
    with pytest.raises(error, match=match):
        action()
    assert ledger_size() == before
    assert list(Presentation.objects.order_by("pk").values_list("pk", "state")) == states


def account(story: Story) -> Any:
    credit = LetterOfCredit.objects.get(pk=story.credit_id)
    stored, (recomputed, _) = accounts.figures(credit), accounts.recomputed(credit)
    assert stored == recomputed and stored.consistent()
    return stored


# -- Honour after refusal needs an act after it that allows it.

@pytest.mark.parametrize("disposal", ["hold_pending_instructions", "hold_until_waiver", "prior_instructions",
                                      "returning"])
def test_a_refused_presentation_is_not_honoured_without_waiver_or_instruction(story: Story, disposal: str) -> None:
    pres = refused_presentation(story, disposal)
    refused_without_trace(NotAllowed, lambda: honour(story, pres))
    assert not access.can("honour_presentation", access.Facts(story.cast.users["ncb.maker"],
                                                               LetterOfCredit.objects.get(pk=story.credit_id)), pres)


def test_holding_pending_instructions_the_waiver_alone_does_not_allow_honour(story: Story) -> None:
    pres = refused_presentation(story, "hold_pending_instructions")
    waive_after_refusal(story, pres)
    refused_without_trace(NotAllowed, lambda: honour(story, pres), r"presenter.*16\(c\)\(iii\)\(a\)")


def test_deliver_against_waiver_and_the_waiver_allow_honour_exactly_once(story: Story) -> None:
    pres = refused_presentation(story, "hold_pending_instructions")
    sub = WebhookSubscription.objects.create(organization=story.cast.orgs["importer"], url="https://example.com/h",
                                             secret="whsec_" + "A" * 32)
    before = ledger_size()
    instruction = instruct(story, pres, "deliver_against_waiver")
    assert ledger_size() == before + 1 and kinds()[-1] == "presentation.instructions_given"
    payload = last_payload("presentation.instructions_given")
    assert payload["kind"] == "deliver_against_waiver" and payload["instruction"] == str(instruction.id)
    assert payload["disposal"] == "hold_pending_instructions" and payload["state"] == "refused"
    assert WebhookDelivery.objects.filter(subscription=sub, event_type="presentation.instructions_given").count() == 1
    refused_without_trace(NotAllowed, lambda: honour(story, pres, 101))  # no waiver yet
    waive_after_refusal(story, pres)
    paid = honour(story, pres)
    assert paid.state == PresentationState.HONOURED and paid.honoured_amount == CLAIM
    assert account(story).drawn == CLAIM
    refused_without_trace(NotAllowed, lambda: honour(story, pres, 104))
    refused_without_trace(NotAllowed, lambda: instruct(story, pres, "return_documents", 104))
    refused_without_trace(NotAllowed, lambda: services.return_documents(
        actor=story.cast.users["ncb.maker"], presentation_id=pres.pk, now=story.at(104)))
    assert account(story).drawn == CLAIM


def test_holding_until_waiver_the_presenter_may_stop_and_then_allow_the_release(story: Story) -> None:
    """16(c)(iii)(b): the waiver suffices unless the presenter instructs otherwise before the bank
    takes it up; the latest instruction stands."""
    pres = refused_presentation(story, "hold_until_waiver", waiver_first=True)
    services.decide_waiver(actor=story.cast.users["hhl.treasury"], presentation_id=pres.pk, waive=True,
                           now=story.at(101, 9))
    instruct(story, pres, "hold_pending", 101, 10)
    refused_without_trace(NotAllowed, lambda: honour(story, pres, 102), "hold the documents pending")
    instruct(story, pres, "deliver_against_waiver", 102, 11)
    assert honour(story, pres, 102).state == PresentationState.HONOURED


# -- Returning the documents closes the presentation.

def test_return_instruction_then_documents_returned_closes_it_and_frees_the_credit(story: Story) -> None:
    pres = refused_presentation(story, "hold_pending_instructions")
    assert account(story).available == MAXIMUM  # the refusal released the claim
    instruct(story, pres, "return_documents")
    # The documents are going back: the applicant is not asked any more, nor are they released.
    refused_without_trace(NotAllowed, lambda: services.request_waiver(
        actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk, now=story.at(101, 12)), "back")
    refused_without_trace(NotAllowed, lambda: instruct(story, pres, "deliver_against_waiver", 102), "back")
    before = ledger_size()
    returned = services.return_documents(actor=story.cast.users["ncb.maker"], presentation_id=pres.pk,
                                         now=story.at(102))
    assert returned.state == PresentationState.RETURNED
    assert ledger_size() == before + 1 and kinds()[-1] == "presentation.documents_returned"
    payload = last_payload("presentation.documents_returned")
    assert payload["instruction_kind"] == "return_documents" and payload["state"] == "returned"
    assert payload["availability"]["after"]["reserved"] == "0.00"
    figures = account(story)
    assert (figures.reserved, figures.drawn, figures.available) == (0, 0, MAXIMUM)
    # Closed: nothing more happens to it, and it holds neither expiry nor cancellation.
    for act in (lambda: honour(story, pres, 103), lambda: instruct(story, pres, "deliver_against_waiver", 103),
                lambda: services.return_documents(actor=story.cast.users["ncb.maker"], presentation_id=pres.pk)):
        refused_without_trace(NotAllowed, act)
    assert not access.Facts(story.cast.users["vhb.maker"], LetterOfCredit.objects.get(pk=story.credit_id)
                            ).open_presentations


def test_a_bank_holding_documents_may_return_them_without_instruction(story: Story) -> None:
    """Art. 16(e): having held them under (a) or (b), the bank may return them at any time."""
    pres = refused_presentation(story, "hold_until_waiver")
    assert services.return_documents(actor=story.cast.users["ncb.checker"], presentation_id=pres.pk,
                                     now=story.at(101)).state == PresentationState.RETURNED
    assert last_payload("presentation.documents_returned")["instruction"] is None


def test_a_notice_returning_the_documents_takes_no_instruction(story: Story) -> None:
    pres = refused_presentation(story, "returning")
    refused_without_trace(NotAllowed, lambda: instruct(story, pres, "deliver_against_waiver"), "returning")


# -- Who may act.

def test_only_the_presenter_instructs_and_only_the_bank_presented_to_returns(story: Story) -> None:
    pres = refused_presentation(story, "hold_pending_instructions")
    u = story.cast.users
    for who in ("hhl.treasury", "ncb.maker", "vhb.maker"):
        refused_without_trace(Forbidden, lambda: services.give_instructions(
            actor=u[who], presentation_id=pres.pk, kind="return_documents"), "presenter")
    for who in ("nef.exports", "vhb.maker", "hhl.treasury"):
        refused_without_trace(Forbidden, lambda: services.return_documents(actor=u[who], presentation_id=pres.pk))
    refused_without_trace(Forbidden, lambda: services.return_documents(actor=u["ncb.examiner"],
                                                                       presentation_id=pres.pk), "maker or checker")
    for stranger in ("tmb.maker", "rkw.treasury"):
        refused_without_trace(NotFound, lambda: services.give_instructions(
            actor=u[stranger], presentation_id=pres.pk, kind="return_documents"))
        refused_without_trace(NotFound, lambda: services.return_documents(actor=u[stranger], presentation_id=pres.pk))
    refused_without_trace(InvalidInput, lambda: services.give_instructions(
        actor=u["nef.exports"], presentation_id=pres.pk, kind="sell_the_goods"))


def test_the_api_takes_instructions_from_the_presenter_and_404s_strangers(story: Story) -> None:
    pres = refused_presentation(story, "hold_pending_instructions")
    url = f"/api/v1/presentations/{pres.pk}/give-instructions/"
    _, stranger = create_api_key(user=story.cast.users["tmb.maker"], name="stranger")
    before = ledger_size()
    assert client_with_key(stranger).post(url, {"kind": "return_documents"}, format="json").status_code == 404
    assert ledger_size() == before
    _, secret = create_api_key(user=story.cast.users["nef.exports"], name="exporter erp")
    exporter = client_with_key(secret)
    assert exporter.post(url, {"kind": "nonsense"}, format="json").status_code == 400
    answer = exporter.post(url, {"kind": "return_documents", "note": "send them back"}, format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["kind"] == "return_documents"
    detail = exporter.get(f"/api/v1/presentations/{pres.pk}/").json()
    assert [i["kind"] for i in detail["instructions"]] == ["return_documents"]
    _, bank = create_api_key(user=story.cast.users["ncb.maker"], name="bank")
    back = client_with_key(bank).post(f"/api/v1/presentations/{pres.pk}/return-documents/", {}, format="json")
    assert back.status_code == 200 and back.json()["state"] == "returned"
    assert exporter.post(url, {"kind": "deliver_against_waiver"}, format="json").status_code == 409


# -- Concurrency on the real database: one outcome, never two.

def _race(*calls: Any) -> list[str]:
    start = threading.Barrier(len(calls))
    outcomes: list[str] = [""] * len(calls)

    def run(i: int) -> None:
        try:
            start.wait()
            calls[i]()
            outcomes[i] = "done"
        except NotAllowed:
            outcomes[i] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_honour_and_return_instruction_leave_one_consistent_outcome(cast: Any) -> None:
    for _ in range(3):
        story = Story(cast, example_start())
        pres = refused_presentation(story, "hold_pending_instructions")
        instruct(story, pres, "deliver_against_waiver")
        waive_after_refusal(story, pres)
        outcomes = _race(lambda: honour(story, pres),
                         lambda: instruct(story, pres, "return_documents", 103))
        assert sorted(outcomes) == ["done", "refused"], outcomes
        final = Presentation.objects.get(pk=pres.pk)
        figures = account(story)
        if outcomes[0] == "done":  # honoured first: the return instruction came too late
            assert final.state == PresentationState.HONOURED and figures.drawn == CLAIM
            assert not final.instructions.filter(kind="return_documents").exists()
        else:  # the return instruction stands: nothing was drawn
            assert final.state == PresentationState.REFUSED and figures.drawn == 0
            assert final.instructions.order_by("-at").first().kind == "return_documents"
        written = kinds(story)
        assert ("presentation.honoured" in written) == (outcomes[0] == "done")


@pytest.mark.django_db(transaction=True)
def test_concurrent_honour_and_return_of_documents_leave_one_outcome(cast: Any) -> None:
    story = Story(cast, example_start())
    pres = refused_presentation(story, "hold_until_waiver", waiver_first=True)
    services.decide_waiver(actor=cast.users["hhl.treasury"], presentation_id=pres.pk, waive=True,
                           now=story.at(101))
    outcomes = _race(lambda: honour(story, pres),
                     lambda: services.return_documents(actor=cast.users["ncb.checker"], presentation_id=pres.pk,
                                                       now=story.at(103)))
    assert sorted(outcomes) == ["done", "refused"], outcomes
    final = Presentation.objects.get(pk=pres.pk)
    assert final.state == (PresentationState.HONOURED if outcomes[0] == "done" else PresentationState.RETURNED)
    assert account(story).drawn == (CLAIM if outcomes[0] == "done" else 0)
    written = kinds(story)
    assert written.count("presentation.honoured") + written.count("presentation.documents_returned") == 1


def test_the_new_states_kinds_and_events_read_in_traditional_chinese() -> None:
    from django.utils import translation

    from lc import events
    from lc.models import InstructionKind

    labels = [PresentationState.RETURNED.label, *InstructionKind.labels, events.INSTRUCTIONS_GIVEN.label,
              events.DOCUMENTS_RETURNED.label, events.RE_PRESENTATION_REQUESTED.label, events.RECORD_RE_PRESENTED.label]
    english = [str(x) for x in labels]
    with translation.override("zh-hant"):
        chinese = [str(x) for x in labels]
    assert all(c != e and c.strip() for c, e in zip(chinese, english, strict=True)), chinese
    assert {events.INSTRUCTIONS_GIVEN.webhook, events.DOCUMENTS_RETURNED.webhook, events.RE_PRESENTATION_REQUESTED.webhook,
            events.RECORD_RE_PRESENTED.webhook} <= set(events.WEBHOOK_TYPES)
