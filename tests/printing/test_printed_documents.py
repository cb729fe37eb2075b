"""The printed documents render in English and Traditional Chinese: each is checked the way a
person would, by turning page 1 into a picture (pdftoppm) and reading its text (pdftotext),
and each renders to the same bytes (so the same SHA-256) from the same facts."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from lc.examination.samples import worked_example_credit
from lc.printing import (
    AdviceFacts,
    EvidenceFacts,
    RefusalFacts,
    amendment_advice,
    credit_advice,
    evidence_summary,
    refusal_notice,
    render,
)
from lc.swift import amendment_to_mt707, terms_to_mt700

ADVICE = AdviceFacts(credit_number="VHBK2025000123", issuing_bank="Victoria Harbour Bank Ltd",
                     advising_bank="Ningbo Coastal Bank", applicant="Harbour Homewares Ltd",
                     beneficiary="Ningbo Everbright Flask Co., Ltd.", advised_on=dt.date(2025, 3, 11))
REFUSAL = RefusalFacts(
    credit_number="VHBK2025000123", presentation_number=1, currency="USD", amount_claimed=Decimal("125000.00"),
    presented_on=dt.date(2025, 6, 16), refusing_bank="Ningbo Coastal Bank", sent_on=dt.date(2025, 6, 18),
    discrepancies=(("C14", "UCP 600 art. 20(a)(ii), 29(c)", "Late shipment: on board 2025-06-02, latest 2025-05-31."),
                   ("C25", "UCP 600 art. 14(d)", "Invoice quantity conflicts with the packing list.")),
    disposal="hold_pending_instructions",
)
EVIDENCE = EvidenceFacts(
    credit_number="VHBK2025000123",
    parties=(("Applicant", "Harbour Homewares Ltd"), ("Issuing bank", "Victoria Harbour Bank Ltd")),
    versions=((1, "2025-03-10T02:00:00Z", "ab" * 32),),
    entries=(("41", "Credit issued (MT700)", "2025-03-10T02:00:00Z", "org:vhb", "anchored"),
             ("", "Credit advised", "2025-03-11T03:00:00Z", "org:ncb", "pending")),
    checkpoint="size 57, root 3f2a…", bundle_sha256="cd" * 32,
)


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _first_page_png(pdf: bytes, tmp_path: Path) -> Path:
    path = tmp_path / "page.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")],
                   check=True, capture_output=True)
    (png,) = tmp_path.glob("page*.png")
    return png


def _inked_share(png: Path) -> float:
    """Share of the page that is not white: a page whose text failed to render is blank."""
    image = Image.open(png).convert("L")
    dark = sum(count for value, count in enumerate(image.histogram()) if value < 200)
    return dark / (image.width * image.height)


def _documents(lang: str) -> dict[str, bytes]:
    credit = worked_example_credit()
    mt700 = terms_to_mt700(credit)
    changes = {"amount": "130000.00", "expiry_date": "2025-07-31"}
    mt707 = amendment_to_mt707(base=credit, changes=changes, number=1, amendment_date=dt.date(2025, 4, 2))
    return {
        "credit": render(credit_advice(mt700, ADVICE, lang), lang),
        "amendment": render(amendment_advice(mt707, ADVICE, 1, dt.date(2025, 4, 2), lang), lang),
        "refusal": render(refusal_notice(REFUSAL, lang), lang),
        "evidence": render(evidence_summary(EVIDENCE, lang), lang),
    }


@pytest.mark.parametrize("lang", ["en", "zh-Hant"])
def test_each_document_renders_a_readable_first_page(lang: str, tmp_path: Path) -> None:
    for name, pdf in _documents(lang).items():
        assert pdf.startswith(b"%PDF-"), name
        folder = tmp_path / name
        folder.mkdir()
        assert _inked_share(_first_page_png(pdf, folder)) > 0.01, name


def test_the_credit_advice_lays_out_the_mt700_fields_for_the_beneficiary(tmp_path: Path) -> None:
    text = _pdf_text(_documents("en")["credit"], tmp_path)
    assert "Advice of documentary credit" in text and "VHBK2025000123" in text
    assert "31D Date and Place of Expiry" in text and "32B" in text and "USD125000," in text
    assert "46A" in text and "apparent" in text  # art. 9(b) note
    zh = _pdf_text(_documents("zh-Hant")["credit"], tmp_path)
    assert "跟單信用證通知書" in zh and "到期日及到期地點" in zh and "31D" in zh


def test_the_amendment_advice_shows_the_changed_fields_and_art_10(tmp_path: Path) -> None:
    text = _pdf_text(_documents("en")["amendment"], tmp_path)
    assert "Advice of amendment" in text and "26E" in text and ("32B" in text or "33B" in text)
    assert "10(e)" in text
    assert "修改通知書" in _pdf_text(_documents("zh-Hant")["amendment"], tmp_path)


def test_the_refusal_notice_carries_what_article_16c_requires(tmp_path: Path) -> None:
    text = _pdf_text(_documents("en")["refusal"], tmp_path)
    assert "We refuse to honour or negotiate." in text
    assert "C14" in text and "C25" in text and "Late shipment" in text
    assert "holding the documents pending further instructions" in text
    zh = _pdf_text(_documents("zh-Hant")["refusal"], tmp_path)
    assert "本行拒絕承付或議付" in zh and "不符點" in zh and "C14" in zh


def test_the_evidence_summary_names_versions_entries_and_the_bundle(tmp_path: Path) -> None:
    text = _pdf_text(_documents("en")["evidence"], tmp_path)
    assert "Credit evidence summary" in text and "cd" * 32 in text.replace("\n", "").replace(" ", "")
    assert "anchored" in text and "pending" in text and "size 57" in text
    assert "已錨定" in _pdf_text(_documents("zh-Hant")["evidence"], tmp_path)


def test_the_same_facts_give_the_same_bytes_and_other_facts_other_bytes() -> None:
    first, again = _documents("en"), _documents("en")
    for name in first:
        assert hashlib.sha256(first[name]).digest() == hashlib.sha256(again[name]).digest(), name
    other = RefusalFacts(**{**REFUSAL.__dict__, "disposal": "returning"})
    assert render(refusal_notice(other, "en"), "en") != first["refusal"]


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        render(refusal_notice(REFUSAL, "fr"), "fr")
