"""Whole lifecycles through the services: every state, one ledger entry per action, a clean chain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from lc import services
from lc.models import CreditState, PresentationState
from lc.scenarios import Story, example_documents
from ledger.models import Entry, PendingEntry


def latest_kinds(n: int) -> list[str]:
    return list(PendingEntry.objects.order_by("-id").values_list("kind", flat=True)[:n])


def step(action: Callable[[], Any], kind: str) -> Any:
    """Run one action and check it wrote exactly one ledger entry, of the right kind."""
    before = PendingEntry.objects.count() + Entry.objects.count()
    result = action()
    after = PendingEntry.objects.count() + Entry.objects.count()
    assert after - before == 1, f"{kind}: expected exactly one ledger entry, got {after - before}"
    assert latest_kinds(1) == [kind]
    return result




def test_credit_lifecycle_from_application_to_settlement(story: Story, sequenced: Any) -> None:
    credit = step(story.apply, "lc.application_created")
    assert credit.state == CreditState.DRAFT
    assert step(story.submit, "lc.application_submitted").state == CreditState.SUBMITTED
    assert step(story.prepare, "lc.issue_prepared").state == CreditState.PENDING_APPROVAL
    credit = step(story.approve, "lc.issued")
    assert credit.state == CreditState.ISSUED
    assert credit.current_terms.number == 1
    assert step(story.advise, "lc.advised").state == CreditState.ADVISED
    pres = step(story.present, "presentation.made")
    assert pres.state == PresentationState.UNDER_EXAMINATION
    assert pres.examination_deadline == dt.date(2025, 6, 23)  # DOMAIN.md worked example: 06-16 + 5 banking days
    assert pres.documents.count() == 7 and all(len(d.sha256) == 64 for d in pres.documents.all())
    step(lambda: services.record_engine_result(presentation_id=pres.pk, now=story.at(99, 9)),
         "presentation.engine_examined")
    assert list(pres.discrepancies.values_list("code", "text")) == []
    pres = step(lambda: services.conclude_examination(actor=story.cast.users["ncb.examiner"],
                                                      presentation_id=pres.pk, now=story.at(99)),
                "presentation.complying")
    assert pres.state == PresentationState.COMPLYING
    story.presentation = pres
    assert step(story.honour, "presentation.honoured").state == PresentationState.HONOURED
    assert step(story.reimburse, "presentation.reimbursed").state == PresentationState.REIMBURSED
    assert step(story.settle, "presentation.settled").state == PresentationState.SETTLED
    story.credit.refresh_from_db()
    assert story.credit.state == CreditState.SETTLED
    sequenced()
    result = services_verify()
    assert result.ok and result.checked == Entry.objects.count()
    # The credit's eleven acts, after the seeded parties and people (ledgered too, issue 14).
    assert Entry.objects.filter(subject=f"lc:{story.credit_id}").count() == 11


def services_verify() -> Any:
    import ledger

    return ledger.verify()


def test_discrepant_presentation_waived_then_honoured(story: Story, sequenced: Any) -> None:
    story.issued()
    story.advise()
    docs = example_documents()
    docs[2].data["on_board_date"] = "2025-06-02"  # after the 44C latest shipment 2025-05-31 (a Saturday)
    story.present(documents=docs)
    pres = story.examine()
    assert pres.state == PresentationState.DISCREPANT
    assert "C14" in set(pres.discrepancies.values_list("code", flat=True))
    step(lambda: services.request_waiver(actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk,
                                         now=story.at(100)), "presentation.waiver_requested")
    pres.refresh_from_db()
    assert pres.state == PresentationState.WAIVER_REQUESTED
    assert pres.examination_deadline == dt.date(2025, 6, 23)  # art. 16(b): the clock does not stop
    step(lambda: services.decide_waiver(actor=story.cast.users["hhl.treasury"], presentation_id=pres.pk,
                                        waive=True, now=story.at(100, 15)), "presentation.waived")
    assert step(story.honour, "presentation.honoured").state == PresentationState.HONOURED
    story.reimburse()
    story.settle()
    story.credit.refresh_from_db()
    assert story.credit.state == CreditState.SETTLED
    sequenced()
    assert services_verify().ok


def test_discrepant_presentation_refused_with_one_notice(story: Story, sequenced: Any) -> None:
    story.issued()
    docs = example_documents()
    docs[5].data["issue_date"] = "2025-05-29"  # insurance dated after the on-board date 05-28
    story.present(documents=docs)
    pres = story.examine()
    assert pres.state == PresentationState.DISCREPANT
    notice = step(lambda: services.refuse_presentation(
        actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk, disposal="hold_pending_instructions",
        now=story.at(100, 15)), "presentation.refused")
    pres.refresh_from_db()
    assert pres.state == PresentationState.REFUSED
    codes = [d["code"] for d in notice.discrepancies]
    assert "C24" in codes
    assert "We refuse to honour" in notice.text and "pending further instructions" in notice.text
    sequenced()
    assert services_verify().ok
