"""SR2026 readiness (issue 18): a goods line's Incoterm and HS codes are structured terms that
today's MT700 carries in 45A and reads back unchanged; lines without them read as before."""

from __future__ import annotations

from dataclasses import replace

from lc.examination.samples import worked_example_credit
from lc.examination.types import CreditTerms
from lc.swift import mt700_to_terms, parse, serialise, terms_to_mt700
from lc.swift.fieldcodec import directory_of
from lc.swift.phrases import goods_item, read_goods_item


def _round_trip(terms: CreditTerms) -> CreditTerms:
    messages = [parse(serialise(m)) for m in terms_to_mt700(terms)]
    banks = [terms.banks.issuing, terms.banks.advising, terms.banks.nominated, terms.banks.drawee]
    return mt700_to_terms(messages, directory=directory_of([b for b in banks if b is not None])).terms


def test_a_goods_lines_incoterm_and_hs_codes_travel_in_45a_and_read_back() -> None:
    base = worked_example_credit()
    line = replace(base.goods[0], incoterm="CIF", hs_codes=("961700", "7323930000"))
    terms = replace(base, goods=(line, *base.goods[1:]))
    assert "INCOTERM CIF HS CODE 961700 7323930000" in serialise(terms_to_mt700(terms)[0])
    assert _round_trip(terms) == terms


def test_a_plain_description_carries_its_codes_too() -> None:
    line = replace(worked_example_credit().goods[0], quantity=None, unit_price=None, unit="", model="",
                   hs_codes=("961700",))
    assert read_goods_item(goods_item(line, "USD") or "") == line


def test_existing_goods_lines_are_unchanged() -> None:
    base = worked_example_credit()
    assert all(g.hs_codes == () and g.incoterm == "" for g in base.goods)
    assert _round_trip(base) == base
    stored_before = base.to_dict()  # terms stored before the codes existed have no such keys
    for line in stored_before["goods"]:  # type: ignore[union-attr]
        line.pop("incoterm")  # type: ignore[union-attr]
        line.pop("hs_codes")  # type: ignore[union-attr]
    assert CreditTerms.from_dict(stored_before) == base
