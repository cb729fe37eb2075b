"""The credit evidence summary (issue 20): printing it is a ledgered act by a named person
(lc.evidence_summary_printed, with the file's SHA-256); the page lists the credit's parties,
versions, every ledger entry its printer's organisation sees with its seq, event, checkpoint
and proof status, and the SHA-256 of the credit's evidence bundle; it renders (pdftoppm) and
reads back (pdftotext) in English and zh-Hant; it is the printer's organisation's alone (the
credit's other parties and strangers get 404), in the portal and the API."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

import ledger
from lc import storage
from lc.integrations.keys import create_api_key
from lc.models import PrintedDocument, TermsVersion
from lc.scenarios import Story
from ledger.anchoring import anchor_checkpoint
from ledger.evidence import export_evidence
from ledger.models import Checkpoint
from tests.api.conftest import client_with_key
from tests.portal.conftest import verified_client
from tests.printing.test_printed_languages import TITLE_BAND, _inked, reads_chinese

pytestmark = pytest.mark.django_db

KIND = "lc.evidence_summary_printed"
A4_AT_60_DPI = (497, 702)


@pytest.fixture
def store(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "store"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def anchored(story: Story, store: Path, sequenced: Any) -> Story:
    """An advised credit whose entries are sequenced and covered by a signed checkpoint, then one
    more entry (the amendment proposal) sequenced after that checkpoint."""
    story.issued()
    story.advise()
    sequenced()
    assert anchor_checkpoint() is not None
    from lc import services

    services.propose_amendment(actor=story.cast.users["hhl.treasury"], credit_id=story.credit_id,
                               changes={"amount": "130000.00"}, now=story.at(10))
    sequenced()
    return story


def api(story: Story, username: str) -> Any:
    return client_with_key(create_api_key(user=story.cast.users[username], name="summary test")[1])


def _entries(story: Story) -> list[Any]:
    subject = f"lc:{story.credit_id}"
    return [*ledger.history(subject).order_by("seq"), *ledger.pending(subject).order_by("id")]


def _text(pdf: bytes, folder: Path) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "summary.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(path), str(folder / "page")],
                   check=True, capture_output=True)
    (png,) = folder.glob("page*.png")
    image = Image.open(png).convert("L")
    assert image.size == A4_AT_60_DPI and _inked(image) > 0.005 and _inked(image.crop(TITLE_BAND)) > 0.05
    pages = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+1$", pages, re.M), "the summary of a short history fits on one page"
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_a_party_prints_the_summary_through_the_api_and_the_entry_holds_its_hash(anchored: Story,
                                                                                  tmp_path: Path) -> None:
    story = anchored
    before = _entries(story)
    bundle = hashlib.sha256(export_evidence(f"lc:{story.credit_id}").to_bytes()).hexdigest()
    resp = api(story, "vhb.maker").post(f"/api/v1/credits/{story.credit_id}/evidence-summary/")
    assert resp.status_code == 201, resp.content
    (doc,) = resp.json()
    assert (doc["kind"], doc["lang"]) == ("evidence_summary", "en")

    new = [e for e in _entries(story) if e not in before]
    assert [e.kind for e in new] == [KIND]
    payload = json.loads(bytes(new[0].payload))
    assert payload["documents"] == [{"kind": "evidence_summary", "sha256": doc["sha256"], "lang": "en"}]
    assert payload["bundle_sha256"] == bundle
    assert new[0].actor == story.cast.users["vhb.maker"].ledger_id

    pdf = api(story, "vhb.checker").get(f"/api/v1/credits/{story.credit_id}/printed/{doc['sha256']}/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == doc["sha256"] == hashlib.sha256(
        storage.read(doc["sha256"])).hexdigest()

    text = _text(pdf.content, tmp_path)
    flat, dense = re.sub(r"\s+", " ", text), re.sub(r"\s+", "", text)  # dense: hashes wrap in their cells
    assert "Credit evidence summary" in flat and story.reference in flat and bundle in dense
    assert "May Chan, Victoria Harbour Bank Ltd" in flat
    for org in ("importer", "exporter", "issuing", "advising"):
        assert story.cast.orgs[org].name in flat
    version = TermsVersion.objects.get(credit_id=story.credit_id, number=1)
    assert hashlib.sha256(ledger.chain.canonical(version.terms)).hexdigest() in dense
    cp = Checkpoint.objects.latest_first().first()
    assert cp is not None and f"size{cp.size},root{bytes(cp.root).hex()}" in dense
    rows = {line.split()[0]: line for line in text.splitlines() if line.strip() and line.split()[0].isdigit()}
    assert len(before) >= 4
    for entry in before:  # every entry of the credit by its seq, its first checkpoint and proof status
        line = rows[str(entry.seq)]
        first = ledger.proof_status([entry.seq])[entry.seq]["checkpoint_size"]
        expected = (str(first), "anchored") if entry.seq <= cp.size else ("not yet", "sequenced")
        assert first == (cp.size if entry.seq <= cp.size else None)
        assert all(word in line for word in expected), line
    assert "Amendment proposed" in flat  # the issuing bank sees the applicant's proposal


def test_the_summary_lists_only_what_the_printers_organisation_sees(anchored: Story, tmp_path: Path) -> None:
    """The applicant's proposal is between it and the issuing bank until issued (art. 10): the
    advising bank's summary leaves it out, as its timeline does."""
    story = anchored
    (proposal,) = ledger.history(f"lc:{story.credit_id}").filter(kind="amendment.proposed")
    (doc,) = api(story, "ncb.examiner").post(f"/api/v1/credits/{story.credit_id}/evidence-summary/").json()
    text = _text(storage.read(doc["sha256"]), tmp_path)
    seqs = {line.split()[0] for line in text.splitlines() if line.strip() and line.split()[0].isdigit()}
    assert str(proposal.seq) not in seqs and str(proposal.seq - 1) in seqs
    assert "Amendment proposed" not in text and "Chen Jing, Ningbo Coastal Bank" in re.sub(r"\s+", " ", text)


def test_the_summary_is_the_printers_organisation_s_alone(anchored: Story) -> None:
    story = anchored
    (doc,) = api(story, "ncb.examiner").post(f"/api/v1/credits/{story.credit_id}/evidence-summary/").json()
    url = f"/api/v1/credits/{story.credit_id}/printed/{doc['sha256']}/"
    assert api(story, "ncb.maker").get(url).status_code == 200  # a colleague
    for username in ("nef.exports", "vhb.maker", "tmb.maker", "rkw.treasury"):  # other parties, strangers
        refused = api(story, username).get(url)
        assert refused.status_code == 404 and refused["Content-Type"] == "application/problem+json", username
    listed = api(story, "nef.exports").get(f"/api/v1/credits/{story.credit_id}/printed/").json()["results"]
    assert doc["sha256"] not in {d["sha256"] for d in listed}
    portal = reverse("portal:printed", args=[story.credit_id, doc["sha256"]])
    assert verified_client(story.cast.users["ncb.maker"]).get(portal).status_code == 200
    assert verified_client(story.cast.users["nef.exports"]).get(portal).status_code == 404
    page = verified_client(story.cast.users["nef.exports"]).get(reverse("portal:credit", args=[story.credit_id]))
    assert portal not in page.content.decode()


def test_strangers_cannot_print_it_and_nothing_is_recorded(anchored: Story) -> None:
    story = anchored
    before = len(_entries(story))
    for username in ("tmb.maker", "rkw.treasury"):
        resp = api(story, username).post(f"/api/v1/credits/{story.credit_id}/evidence-summary/")
        assert resp.status_code == 404 and resp["Content-Type"] == "application/problem+json"
        portal = verified_client(story.cast.users[username]).post(
            reverse("portal:evidence-summary", args=[story.credit_id]))
        assert portal.status_code == 404
    assert len(_entries(story)) == before
    assert not PrintedDocument.objects.filter(kind="evidence_summary").exists()


def test_an_auditor_prints_it_in_the_portal_in_english_and_chinese(anchored: Story, tmp_path: Path) -> None:
    story = anchored
    reads_chinese(story.cast.orgs["issuing"])
    auditor = verified_client(story.cast.users["vhb.auditor"])
    page = auditor.get(reverse("portal:credit", args=[story.credit_id])).content.decode()
    assert reverse("portal:evidence-summary", args=[story.credit_id]) in page
    resp = auditor.post(reverse("portal:evidence-summary", args=[story.credit_id]))
    assert resp.status_code == 302
    rows = {p.lang: p for p in PrintedDocument.objects.filter(credit_id=story.credit_id, kind="evidence_summary")}
    assert sorted(rows) == ["en", "zh-Hant"] and resp["Location"] == reverse(
        "portal:printed", args=[story.credit_id, rows["en"].sha256])
    (entry,) = ledger.pending(f"lc:{story.credit_id}").filter(kind=KIND)
    assert [d["sha256"] for d in json.loads(bytes(entry.payload))["documents"]] == [rows["en"].sha256,
                                                                                   rows["zh-Hant"].sha256]
    chinese = auditor.get(reverse("portal:printed", args=[story.credit_id, rows["zh-Hant"].sha256]))
    assert hashlib.sha256(chinese.content).hexdigest() == rows["zh-Hant"].sha256
    text = re.sub(r"\s+", " ", _text(chinese.content, tmp_path))
    for term in ("跟單信用證證據摘要", "開證申請人", "受益人", "開證行", "通知行", "分類帳記錄", "已錨定", "尚未",
                 "證據包", "列印人", "信用證已通知"):
        assert term in text, term
    assert "Iris Tse, Victoria Harbour Bank Ltd" in text


def test_the_printing_labels_read_in_traditional_chinese() -> None:
    from django.utils import translation

    from lc import events
    from lc.models import PrintedKind

    assert events.event(KIND) is events.EVIDENCE_SUMMARY_PRINTED and not events.EVIDENCE_SUMMARY_PRINTED.webhook
    with translation.override("zh-hant"):
        assert str(events.EVIDENCE_SUMMARY_PRINTED.label) == "已列印證據摘要"
        assert str(PrintedKind.EVIDENCE_SUMMARY.label) == "證據摘要"
        assert translation.gettext("Print evidence summary") == "列印證據摘要"


def test_the_audit_view_of_the_credit_offers_the_summary_to_a_bank_auditor(anchored: Story) -> None:
    story = anchored
    page = verified_client(story.cast.users["vhb.auditor"]).get(reverse("audit:credit", args=[story.credit_id]))
    assert page.status_code == 200
    assert reverse("portal:evidence-summary", args=[story.credit_id]) in page.content.decode()
