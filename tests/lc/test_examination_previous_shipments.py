"""Issue 16: earlier drawings of the same credit feed the engine's cumulative checks (art. 30-32).

A presentation's quantity is read against what the credit's drawn presentations already shipped;
before, the engine was given their amounts only, so a second shipment beyond the credit's quantity
passed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from lc import services
from lc.examination.types import PreviousShipment
from lc.scenarios import Story, example_documents, example_start
from lc.services.examination import engine_input

M = Decimal


def documents(story: Story, units: int, *, vessel: str, shipped: str, drawn: str) -> list[Any]:
    """The example's documents for ``units`` flasks at 12.50, shipped on ``vessel`` on ``shipped``."""
    amount = M(units) * M("12.50")
    docs = example_documents(story.shift)
    by_type = {d.data["type"]: d.data for d in docs}
    by_type["commercial_invoice"]["total_amount"] = str(amount)
    by_type["commercial_invoice"]["lines"][0].update(quantity=str(units), amount=str(amount))
    for kind in ("packing_list", "inspection_certificate"):
        by_type[kind]["lines"][0]["quantity"] = str(units)
    by_type["draft"].update(amount=str(amount), issue_date=drawn)
    by_type["ocean_bill_of_lading"].update(vessel=vessel, on_board_date=shipped, issue_date=shipped)
    by_type["insurance_certificate"].update(vessel=vessel, insured_amount=str(amount * M("1.1")))
    return docs


def drawn_first_half(cast: Any) -> Story:
    """5,000 of the credit's 10,000 units shipped on 28 May, presented 4 June, honoured."""
    story = Story(cast, example_start(), partial_shipments="ALLOWED")
    story.issued()
    story.present(
        86,
        documents(story, 5000, vessel="MV Pacific Dawn", shipped="2025-05-28", drawn="2025-06-04"),
        amount=M("62500.00"),
    )
    story.examine(87)
    assert story.presentation is not None and story.presentation.state == "complying"
    story.honour(88)
    return story


def second(story: Story, units: int) -> Any:
    pres = story.present(
        98,
        documents(story, units, vessel="MV Ocean Grace", shipped="2025-05-30", drawn="2025-06-16"),
        amount=M(units) * M("12.50"),
    )
    services.record_engine_result(presentation_id=pres.pk, now=story.at(99, 9))
    return pres


def test_the_engine_is_given_what_earlier_drawn_presentations_shipped(cast: Any) -> None:
    story = drawn_first_half(cast)
    pres = second(story, 5000)
    _, data = engine_input(pres)
    assert data.previous_shipments == (
        PreviousShipment(shipment_date=dt.date(2025, 5, 28), quantity=M(5000), amount=M("62500")),
    )
    assert data.previous_drawings == M("62500")
    assert not pres.discrepancies.exists()  # the rest of the quantity: complying


def test_a_second_shipment_beyond_the_credits_quantity_is_charged(cast: Any) -> None:
    """5,000 + 5,200 units of a 10,000-unit credit: units get no 30(b) tolerance, so C17, though
    the amount (127,500) is within the credit's 5% (131,250)."""
    story = drawn_first_half(cast)
    pres = second(story, 5200)
    codes = {(d.code, d.field, d.certainty) for d in pres.discrepancies.all()}
    assert ("C17", "quantity", "certain") in codes, codes
    assert {c for c, _, _ in codes} == {"C17"}, codes


def test_a_refused_presentation_shipped_nothing_the_credit_counts(cast: Any) -> None:
    story = Story(cast, example_start(), partial_shipments="ALLOWED")
    story.issued()
    first = story.present(
        86,
        documents(story, 5000, vessel="MV Pacific Dawn", shipped="2025-05-28", drawn="2025-06-04"),
        amount=M("62500.00"),
    )
    pres = second(story, 5200)
    assert first.state != "honoured"
    _, data = engine_input(pres)
    assert data.previous_shipments == ()


INSTALMENTS = [
    {"latest": "2025-05-15", "quantity": "5000"},
    {"earliest": "2025-05-16", "latest": "2025-05-31", "quantity": "5000"},
]


def test_the_second_instalment_is_read_as_the_second_once_the_first_was_drawn(cast: Any) -> None:
    """Art. 32: 5,000 units by 15 May, 5,000 from 16 to 31 May. The first instalment, shipped on
    14 May, was drawn; the second, shipped on 28 May, is examined as the second instalment (before,
    with no earlier shipment given, it was read as the first and charged C19 as late)."""
    story = Story(cast, example_start(), partial_shipments="ALLOWED", instalments=INSTALMENTS)
    story.issued()
    first = documents(story, 5000, vessel="MV Pacific Dawn", shipped="2025-05-14", drawn="2025-06-03")
    for doc in first:
        if doc.data["type"] in ("insurance_certificate", "certificate_of_origin", "inspection_certificate"):
            doc.data["issue_date"] = "2025-05-13"
        if doc.data["type"] == "inspection_certificate":
            doc.data["inspection_date"] = "2025-05-13"
    story.present(85, first, amount=M("62500.00"))
    story.examine(86)
    assert story.presentation is not None and story.presentation.state == "complying"
    story.honour(87)
    pres = second(story, 5000)
    _, data = engine_input(pres)
    assert [s.shipment_date for s in data.previous_shipments] == [dt.date(2025, 5, 14)]
    assert not pres.discrepancies.exists(), [d.text for d in pres.discrepancies.all()]
