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
    # Every presentation differs from every other: no style is a no-op for any deal.
    assert len({repr(presentation) for _, _, presentation in CORPUS}) == len(CORPUS)
    assert sum(1 for deal in DEALS if deal.conditions) >= 3  # 47A as real credits word it


@pytest.mark.parametrize(("name", "terms", "presentation"), CORPUS, ids=[c[0] for c in CORPUS])
def test_complying_presentation_has_no_certain_discrepancy(name, terms, presentation):
    result = examine(terms, presentation, CAL)
    assert result.complying, [d.text for d in result.certain]
    # Nothing is even put to the examiner: every word of these documents is one the engine reads.
    assert not result.for_examiner, [d.text for d in result.for_examiner]
    assert {"C14", "C16", "C21", "C22", "C25", "C27"} <= set(result.checks_run)
