"""The complying corpus: credits worded as real credits are, presented in styles an examiner accepts."""

from __future__ import annotations

import pytest
from corpus import DEALS, STYLES, corpus

from lc.banking import BankingCalendar
from lc.examination.engine import examine

CAL = BankingCalendar()
CORPUS = corpus()


def test_corpus_is_large_enough_and_covers_every_style():
    assert len(CORPUS) >= 60
    assert {name.rsplit("-", 1)[1] for name, _, _ in CORPUS} == set(STYLES)
    assert len(DEALS) >= 10


@pytest.mark.parametrize(("name", "terms", "presentation"), CORPUS, ids=[c[0] for c in CORPUS])
def test_complying_presentation_has_no_certain_discrepancy(name, terms, presentation):
    result = examine(terms, presentation, CAL)
    assert result.complying, [d.text for d in result.certain]
    # Nothing is even put to the examiner: every word of these documents is one the engine reads.
    assert not result.for_examiner, [d.text for d in result.for_examiner]
    assert {"C14", "C16", "C21", "C22", "C25", "C27"} <= set(result.checks_run)
