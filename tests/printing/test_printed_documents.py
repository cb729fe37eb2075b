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
    versions=(("1", "2025-03-10 02:00:00", "", "ab" * 32),),
    entries=(("41", "Credit issued (MT700)", "2025-03-10 02:00:00", "org:vhb", "57", "anchored"),
             ("", "Credit advised", "2025-03-11 03:00:00", "org:ncb", "", "pending")),
    checkpoint="size 57, root 3f2a…", bundle_sha256="cd" * 32,
    produced_by="Iris Tse, Victoria Harbour Bank Ltd", produced_at="2025-03-12 01:00:00", state="Advised",
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
        png = _first_page_png(pdf, folder)
        assert Image.open(png).size == A4_AT_60_DPI, name
        assert _inked_share(png) > 0.005, name
        # The title is drawn (for zh-Hant, in the Chinese face): glyphs missing from the PDF and
        # the reader would leave this band white while the Latin values below still ink the page.
        title = Image.open(png).convert("L").crop((40, 38, 300, 60))
        assert sum(title.histogram()[:200]) / (title.width * title.height) > 0.05, name


A4_AT_60_DPI = (497, 702)  # 595.3 x 841.9 pt at 60 pixels per inch, rounded up by pdftoppm


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
    assert "anchored" in text and "pending" in text and "size 57" in text and "not yet" in text
    assert "Iris Tse, Victoria Harbour Bank Ltd" in text
    zh = _pdf_text(_documents("zh-Hant")["evidence"], tmp_path)
    assert "跟單信用證證據摘要" in zh and "已錨定" in zh and "尚未" in zh and "證據包" in zh


def test_zh_hant_documents_embed_their_font_and_read_back_in_chinese(tmp_path: Path) -> None:
    """The Chinese face is embedded (a subset), so the page renders without the reader's fonts;
    its text extracts with the trade-finance terms."""
    docs = _documents("zh-Hant")
    for name, pdf in docs.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(pdf)
        fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
        assert "UMingHK" in fonts and " yes yes yes " in fonts, (name, fonts)
    credit = _pdf_text(docs["credit"], tmp_path)
    for term in ("跟單信用證", "受益人", "開證申請人", "開證行", "通知行", "幣別及金額"):
        assert term in credit, term
    assert "拒付通知書" in _pdf_text(docs["refusal"], tmp_path)


def test_the_same_facts_give_the_same_bytes_and_other_facts_other_bytes() -> None:
    first, again = _documents("en"), _documents("en")
    for name in first:
        assert hashlib.sha256(first[name]).digest() == hashlib.sha256(again[name]).digest(), name
    other = RefusalFacts(**{**REFUSAL.__dict__, "disposal": "returning"})
    assert render(refusal_notice(other, "en"), "en") != first["refusal"]


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="language"):
        render(refusal_notice(REFUSAL, "fr"), "fr")
