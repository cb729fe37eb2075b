"""Printed documents in Traditional Chinese (issue 20): when the organisation a document is
addressed to reads zh-Hant (the beneficiary for the advices, the presenter for the refusal
notice), the action prints it in English and in zh-Hant, each its own file, PrintedDocument row
and {kind, sha256, lang} item in the entry's documents. Each file is checked as a person would:
page 1 as a picture (pdftoppm) and as text (pdftotext)."""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from lc.audit.record import Operator
from lc.audit.services import change_organization
from lc.models import Language, Organization, PrintedDocument
from lc.scenarios import Story
from tests.portal.conftest import verified_client
from tests.printing.test_printed_actions import _advised, _amended, _entry, _refused

pytestmark = pytest.mark.django_db

A4_AT_60_DPI = (497, 702)  # 595.3 x 841.9 pt at 60 pixels per inch, rounded up by pdftoppm
TITLE_BAND = (40, 38, 300, 60)  # pixels at 60 dpi: the first 260 x 22 of the 16 pt title line


def _inked(image: Image.Image) -> float:
    """Share of the picture that is not white."""
    return sum(count for value, count in enumerate(image.histogram()) if value < 200) / (image.width * image.height)


@pytest.fixture
def store(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "store"
    return Path(settings.MEDIA_ROOT)


def reads_chinese(org: Organization) -> None:
    """The organisation's language set the way an operator sets it: a ledgered change."""
    change_organization(actor=Operator("test"), org_id=org.pk, changes={"language": Language.ZH_HANT})


def _files(story: Story, kind: str) -> dict[str, bytes]:
    """lang -> the stored bytes of each document the entry of `kind` names, checked against it."""
    from lc import storage

    out = {}
    for doc in _entry(story, kind)["documents"]:
        data = storage.read(doc["sha256"])
        assert hashlib.sha256(data).hexdigest() == doc["sha256"]
        row = PrintedDocument.objects.get(credit_id=story.credit_id, sha256=doc["sha256"])
        assert (row.kind, row.lang) == (doc["kind"], doc["lang"])
        out[doc["lang"]] = data
    return out


def _page_one(pdf: bytes, folder: Path) -> str:
    """Page 1 renders to a non-blank A4 picture; its text, blanks collapsed."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "doc.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(folder / "page")],
                   check=True, capture_output=True)
    (png,) = folder.glob("page*.png")
    image = Image.open(png).convert("L")
    assert image.size == A4_AT_60_DPI
    assert _inked(image) > 0.005, "page 1 is blank"
    # The title (in Chinese, all of it but "UCP 600") is drawn: glyphs a reader lacked would
    # leave this band white while the Latin text below still inked the page.
    assert _inked(image.crop(TITLE_BAND)) > 0.05, "the title did not render"
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return re.sub(r"\s+", " ", text)


def test_a_beneficiary_reading_chinese_gets_the_advice_in_english_and_zh_hant(story: Story, store: Path,
                                                                               tmp_path: Path) -> None:
    reads_chinese(story.cast.orgs["exporter"])
    _advised(story)
    assert [(d["kind"], d["lang"]) for d in _entry(story, "lc.advised")["documents"]] == [
        ("credit_advice", "en"), ("credit_advice", "zh-Hant")]
    files = _files(story, "lc.advised")
    assert files["en"] != files["zh-Hant"]
    english = _page_one(files["en"], tmp_path / "en")
    assert "Advice of documentary credit" in english and "跟單" not in english
    chinese = _page_one(files["zh-Hant"], tmp_path / "zh")
    for term in ("跟單信用證通知書", "信用證號碼", "開證行", "通知行", "開證申請人", "受益人", "幣別及金額",
                 "到期日及到期地點"):
        assert term in chinese, term
    assert story.reference in chinese and story.cast.orgs["exporter"].name in chinese


def test_the_amendment_advice_follows_the_beneficiary_language(story: Story, store: Path, tmp_path: Path) -> None:
    _advised(story)
    reads_chinese(story.cast.orgs["exporter"])  # from now on
    amendment = _amended(story)
    assert [d["lang"] for d in _entry(story, "lc.advised")["documents"]] == ["en"]
    files = _files(story, "amendment.issued")
    assert sorted(files) == ["en", "zh-Hant"]
    assert PrintedDocument.objects.filter(amendment=amendment).count() == 2
    chinese = _page_one(files["zh-Hant"], tmp_path / "zh")
    assert "跟單信用證修改通知書" in chinese and "修改次數" in chinese and "USD5000," in chinese


def test_a_presenter_reading_chinese_gets_the_refusal_notice_in_both(story: Story, store: Path,
                                                                      tmp_path: Path) -> None:
    _advised(story)
    reads_chinese(story.cast.orgs["exporter"])
    notice = _refused(story)
    files = _files(story, "presentation.refused")
    assert sorted(files) == ["en", "zh-Hant"]
    chinese = _page_one(files["zh-Hant"], tmp_path / "zh")
    assert "拒付通知書" in chinese and "本行拒絕承付或議付" in chinese and "不符點" in chinese
    assert "本行現持有單據，等待交單人進一步指示" in chinese
    for disc in notice.discrepancies:
        assert disc["code"] in chinese
    assert "We refuse to honour or negotiate." in _page_one(files["en"], tmp_path / "en")
    pres = story.presentation
    assert pres is not None
    page = verified_client(story.cast.users["nef.exports"]).get(
        reverse("portal:refusal", args=[story.credit_id, pres.pk])).content.decode()
    for data in files.values():
        assert reverse("portal:printed", args=[story.credit_id, hashlib.sha256(data).hexdigest()]) in page
    assert "Refusal notice · 中文 (PDF)" in page


def test_an_advising_bank_reading_chinese_changes_nothing_for_an_english_beneficiary(story: Story,
                                                                                     store: Path) -> None:
    reads_chinese(story.cast.orgs["advising"])  # the printer's language is not the reader's
    _advised(story)
    assert [d["lang"] for d in _entry(story, "lc.advised")["documents"]] == ["en"]


def test_each_language_is_offered_for_download_to_the_parties(story: Story, store: Path) -> None:
    reads_chinese(story.cast.orgs["exporter"])
    _advised(story)
    page = verified_client(story.cast.users["hhl.treasury"]).get(reverse("portal:credit", args=[story.credit_id]))
    html = page.content.decode()
    for row in PrintedDocument.objects.filter(credit_id=story.credit_id):
        url = reverse("portal:printed", args=[story.credit_id, row.sha256])
        assert url in html
        resp = verified_client(story.cast.users["nef.exports"]).get(url)
        assert resp.status_code == 200 and hashlib.sha256(resp.content).hexdigest() == row.sha256
        assert verified_client(story.cast.users["tmb.maker"]).get(url).status_code == 404
    assert "· 中文 (PDF)" in html
