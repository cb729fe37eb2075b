"""Round trips as properties: spec-generated messages of every type, and valid credit terms."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lc.examination.types import CreditTerms
from lc.swift import directory_of, mt700_to_terms, parse, serialise, terms_to_mt700, validate
from lc.swift.notation import compiled, matcher
from lc.swift.specs import SPECS
from tests.swift.strategies import credit_terms, messages

FIELD_CODES = {"M60", "T12", "T26", "T27", "T28", "T29", "T50", "T52", "T40", "C03", "T08", "ORDER", "UNKNOWN",
               "OPTION", "REPEAT", "MISSING"}


@pytest.mark.parametrize("mt", sorted(SPECS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_spec_generated_messages_serialise_and_parse_back_identical(mt: str, data: st.DataObject) -> None:
    message = data.draw(messages(SPECS[mt]))
    text = serialise(message)
    back = parse(text)
    assert back == message
    assert type(back).mt == mt
    # The generator follows the spec, so the validator finds nothing wrong field by field.
    assert [f for f in validate(back) if f.code in FIELD_CODES] == []


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(terms=credit_terms())
def test_valid_terms_go_to_mt700_and_mt701s_and_back_to_the_same_terms(terms: CreditTerms) -> None:
    sent = [serialise(m) for m in terms_to_mt700(terms)]
    received = [parse(text) for text in sent]
    assert all(validate(m) == [] for m in received)
    banks = [b for b in (terms.banks.issuing, terms.banks.advising, terms.banks.confirming, terms.banks.nominated,
                         terms.banks.reimbursing, terms.banks.drawee) if b is not None]
    assert mt700_to_terms(received, directory=directory_of(banks)).terms == terms


_FORMATS = sorted({fmt for spec in SPECS.values() for fspec in spec.fields for fmt in fspec.formats.values()})
_BLOCK_TEXT = st.lists(st.text(st.sampled_from("aZ09,/-:+ {=\r\té$"), max_size=70), min_size=1, max_size=102)


@given(fmt=st.sampled_from(_FORMATS), value=st.one_of(_BLOCK_TEXT.map("\n".join), st.text(max_size=300)))
@settings(max_examples=2000, suppress_health_check=[HealthCheck.too_slow])
def test_the_fast_format_test_agrees_with_the_format_pattern(fmt: str, value: str) -> None:
    assert matcher(fmt)(value) is (compiled(fmt).fullmatch(value) is not None)


@pytest.mark.parametrize("fmt", ["100*65z", "4*35x", "6*35z", "3*35x"])
def test_a_block_format_fails_on_each_kind_of_departure(fmt: str) -> None:
    width, lines = int(fmt.split("*")[1][:2]), int(fmt.split("*")[0])
    good = "\n".join(["A" * width] * lines)
    assert matcher(fmt)(good)
    for bad in (good + "\nA", good.replace("A", "AA", 1), "\n" + good[1:], good[:-1] + "\n", good.replace("A", "$", 1),
                good.replace("A", "é", 1), good.replace("A", "\r", 1), ""):
        assert not matcher(fmt)(bad), bad
