"""Refusal and honour exclude each other: a refused presentation is honoured only after the
applicant waives following the refusal (art. 16(c)(iii)), never by an honour racing the refusal."""

from __future__ import annotations

from typing import Any

import pytest

from lc import services
from lc.errors import NotAllowed
from lc.models import PresentationState
from lc.scenarios import example_documents
from ledger.models import PendingEntry


def discrepant(story: Any) -> Any:
    story.issued()
    docs = example_documents()
    docs[2].data["on_board_date"] = "2025-06-02"  # late shipment: a certain discrepancy
    story.present(documents=docs)
    pres = story.examine()
    assert pres.state == PresentationState.DISCREPANT
    services.request_waiver(actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk, now=story.at(99, 12))
    return pres


def refuse(story: Any, pres: Any, day: int) -> None:
    services.refuse_presentation(actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk,
                                 disposal="hold_until_waiver", now=story.at(day))


def waive(story: Any, pres: Any, day: int) -> None:
    services.decide_waiver(actor=story.cast.users["hhl.treasury"], presentation_id=pres.pk, waive=True,
                           now=story.at(day))


def test_a_waiver_given_before_the_refusal_does_not_reopen_honour(story: Any) -> None:
    pres = discrepant(story)
    waive(story, pres, 99)
    refuse(story, pres, 100)
    entries = PendingEntry.objects.count()
    with pytest.raises(NotAllowed, match="refused"):
        story.honour(101)
    assert PendingEntry.objects.count() == entries


def test_the_applicants_waiver_after_the_refusal_allows_honour(story: Any) -> None:
    pres = discrepant(story)
    refuse(story, pres, 100)
    waive(story, pres, 101)
    assert story.honour(102).state == PresentationState.HONOURED


def test_an_honoured_presentation_cannot_be_refused(story: Any) -> None:
    pres = discrepant(story)
    waive(story, pres, 99)
    story.honour(100)
    with pytest.raises(NotAllowed):
        refuse(story, pres, 100)
