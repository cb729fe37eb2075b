"""The examiner's side: engine findings confirmed, withdrawn with a reason or added; the
single refusal notice is built from the confirmed list only."""

from __future__ import annotations

from typing import Any

import pytest

from lc import services
from lc.errors import Forbidden, InvalidInput, NotAllowed
from lc.scenarios import Story, example_documents, example_start
from ledger.models import PendingEntry

START = example_start()


@pytest.fixture
def discrepant(cast: Any) -> tuple[Story, Any]:
    story = Story(cast, START)
    story.issued()
    docs = example_documents()
    docs[2].data["on_board_date"] = "2025-06-02"  # C14 late shipment
    docs[5].data["issue_date"] = "2025-06-03"  # C24 insurance dated after shipment
    pres = story.present(documents=docs)
    services.record_engine_result(presentation_id=pres.pk, now=story.at(99, 9))
    return story, pres


def test_engine_findings_are_proposed_with_their_rules(discrepant: tuple[Story, Any]) -> None:
    _, pres = discrepant
    found = {d.code: d for d in pres.discrepancies.all()}
    assert {"C14", "C24"} <= set(found)
    assert all(d.status == "proposed" and d.source == "engine" and d.rule and d.text for d in found.values())
    assert "29(c)" in found["C14"].rule or "20" in found["C14"].rule


def test_examiner_must_decide_every_finding_before_concluding(discrepant: tuple[Story, Any]) -> None:
    story, pres = discrepant
    with pytest.raises(NotAllowed, match="confirm or withdraw"):
        services.conclude_examination(actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk)


def test_withdrawing_needs_a_reason_and_is_ledgered(discrepant: tuple[Story, Any]) -> None:
    story, pres = discrepant
    examiner = story.cast.users["ncb.examiner"]
    c24 = pres.discrepancies.get(code="C24")
    with pytest.raises(InvalidInput):
        services.decide_discrepancy(actor=examiner, discrepancy_id=c24.pk, confirm=False)
    services.decide_discrepancy(actor=examiner, discrepancy_id=c24.pk, confirm=False,
                                reason="insurance effective date covers the shipment")
    latest = PendingEntry.objects.order_by("-id").first()
    assert latest.kind == "discrepancy.withdrawn" and b"insurance effective date" in bytes(latest.payload)


def test_only_the_examining_banks_examiner_decides(discrepant: tuple[Story, Any]) -> None:
    story, pres = discrepant
    disc = pres.discrepancies.first()
    with pytest.raises(Forbidden):
        services.decide_discrepancy(actor=story.cast.users["vhb.examiner"], discrepancy_id=disc.pk, confirm=True)
    with pytest.raises(Forbidden):
        services.decide_discrepancy(actor=story.cast.users["ncb.maker"], discrepancy_id=disc.pk, confirm=True)


def test_refusal_notice_lists_every_confirmed_discrepancy_and_no_withdrawn_one(discrepant: tuple[Story, Any]) -> None:
    story, pres = discrepant
    examiner = story.cast.users["ncb.examiner"]
    for disc in pres.discrepancies.all():
        if disc.code == "C24":
            services.decide_discrepancy(actor=examiner, discrepancy_id=disc.pk, confirm=False, reason="covered")
        else:
            services.decide_discrepancy(actor=examiner, discrepancy_id=disc.pk, confirm=True)
    services.add_discrepancy(actor=examiner, presentation_id=pres.pk, code="C25", rule="UCP 600 art. 14(d)",
                             text="Packing list marks conflict with the bill of lading.", reason="seen on the original")
    pres = services.conclude_examination(actor=examiner, presentation_id=pres.pk, now=story.at(100, 9))
    assert pres.state == "discrepant"
    notice = services.refuse_presentation(actor=examiner, presentation_id=pres.pk, disposal="hold_until_waiver",
                                          now=story.at(100))
    codes = [d["code"] for d in notice.discrepancies]
    assert "C24" not in codes and "C14" in codes and "C25" in codes
    assert codes == sorted(codes)
    assert "Packing list marks conflict" in notice.text and "until a waiver" in notice.text


def test_all_findings_withdrawn_concludes_complying(discrepant: tuple[Story, Any]) -> None:
    story, pres = discrepant
    examiner = story.cast.users["ncb.examiner"]
    for disc in pres.discrepancies.all():
        services.decide_discrepancy(actor=examiner, discrepancy_id=disc.pk, confirm=False, reason="waived in law")
    assert services.conclude_examination(actor=examiner, presentation_id=pres.pk).state == "complying"


def test_engine_does_not_run_twice_on_a_presentation(discrepant: tuple[Story, Any]) -> None:
    _, pres = discrepant
    assert services.record_engine_result(presentation_id=pres.pk) is None
    assert pres.engine_runs.count() == 1


def test_non_documentary_condition_is_flagged_at_issuance_and_disregarded_at_examination(cast: Any) -> None:
    import json

    story = Story(cast, START)
    story.terms["additional_conditions"] = ["Goods must be shipped on a vessel not older than 15 years"]
    story.issued()
    issued = PendingEntry.objects.filter(kind="lc.issued").order_by("-id").first()
    warnings = json.loads(bytes(issued.payload))["warnings"]
    assert any(w["code"] == "C08" for w in warnings)
    pres = story.present()
    services.record_engine_result(presentation_id=pres.pk, now=story.at(99, 9))
    assert pres.discrepancies.count() == 0  # art. 14(h): disregarded
