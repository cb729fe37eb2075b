"""Printable documents (PDF, English and Traditional Chinese), pure Python:

    render(credit_advice(messages, facts, lang), lang) -> bytes
    render(amendment_advice(messages, facts, number, date, lang), lang)
    render(refusal_notice(facts, lang), lang)
    render(evidence_summary(facts, lang), lang)
"""

from lc.printing.documents import (
    DISPOSALS,
    AdviceFacts,
    EvidenceFacts,
    RefusalFacts,
    amendment_advice,
    credit_advice,
    evidence_summary,
    refusal_notice,
)
from lc.printing.layout import LANGUAGES, PrintDocument, Row, Section, render

__all__ = [
    "DISPOSALS", "LANGUAGES", "AdviceFacts", "EvidenceFacts", "PrintDocument", "RefusalFacts", "Row", "Section",
    "amendment_advice", "credit_advice", "evidence_summary", "refusal_notice", "render",
]
