"""The printed documents wired to the actions that produce them (issue 20): advising a credit
prints the advice of credit, issuing an amendment the advice of amendment, refusing a
presentation the refusal notice. Each file is stored, its SHA-256 is the one in the action's
ledger entry, page 1 reads as it should (pdftotext), only the credit's parties can download it
(portal and API; others get 404), downloads are in the read-access log, a store that cannot be
written fails the action whole, and the orphan sweeper keeps printed files."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

import ledger
from lc import services, storage
from lc.audit.models import ReadAccess
from lc.integrations.keys import create_api_key
from lc.models import CreditState, PrintedDocument, RefusalNotice
from lc.scenarios import Story, example_documents
from lc.tasks import sweep_orphan_files
from tests.api.conftest import client_with_key
from tests.portal.conftest import verified_client

pytestmark = pytest.mark.django_db

PARTIES = ["nef.exports", "hhl.treasury", "ncb.examiner", "vhb.maker"]
STRANGERS = ["tmb.maker", "rkw.treasury"]


@pytest.fixture
def store(tmp_path: Path, settings: Any) -> Path:
    settings.MEDIA_ROOT = tmp_path / "store"
    return Path(settings.MEDIA_ROOT)


def _entry(story: Story, kind: str) -> dict[str, Any]:
    """The payload of the (one) ledger entry of `kind` for the credit, sequenced or pending."""
    subject = f"lc:{story.credit_id}"
    rows: list[Any] = [*ledger.history(subject).filter(kind=kind), *ledger.pending(subject).filter(kind=kind)]
    assert len(rows) == 1, kind
    return dict(json.loads(bytes(rows[0].payload)))


def _printed(story: Story, kind: str, printed_kind: str) -> tuple[str, bytes]:
    """The SHA-256 the entry holds for its one printed document, and the stored bytes under it."""
    (doc,) = _entry(story, kind)["documents"]
    assert doc["kind"] == printed_kind and doc["lang"] == "en"
    data = storage.read(doc["sha256"])
    assert hashlib.sha256(data).hexdigest() == doc["sha256"]
    assert PrintedDocument.objects.get(credit_id=story.credit_id, sha256=doc["sha256"]).kind == printed_kind
    return doc["sha256"], data


def _page_one(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "printed.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    return re.sub(r"\s+", " ", text)


def _advised(story: Story) -> Story:
    story.issued()
    story.advise()
    return story


def _amended(story: Story) -> Any:
    users = story.cast.users
    amendment = services.propose_amendment(actor=users["hhl.treasury"], credit_id=story.credit_id,
                                           changes={"amount": "130000.00"}, now=story.at(10))
    services.prepare_amendment(actor=users["vhb.maker"], amendment_id=amendment.pk, now=story.at(10, 11))
    return services.issue_amendment(actor=users["vhb.checker"], amendment_id=amendment.pk, now=story.at(10, 12))


def _refused(story: Story) -> RefusalNotice:
    docs = example_documents()
    docs[5].data["issue_date"] = "2025-05-29"  # insurance dated after shipment: a C24 discrepancy
    story.present(documents=docs)
    pres = story.examine()
    return services.refuse_presentation(actor=story.cast.users["ncb.examiner"], presentation_id=pres.pk,
                                        disposal="hold_pending_instructions", now=story.at(100, 15))


def test_advising_prints_the_advice_of_credit_with_its_hash_in_the_entry(story: Story, store: Path,
                                                                            tmp_path: Path) -> None:
    _advised(story)
    _, pdf = _printed(story, "lc.advised", "credit_advice")
    text = _page_one(pdf, tmp_path)
    assert "Advice of documentary credit" in text
    assert story.reference in text and "USD125000," in text  # 20 and 32B as the MT700 carries them
    assert story.cast.orgs["exporter"].name in text and story.cast.orgs["advising"].name in text


def test_issuing_an_amendment_prints_its_advice(story: Story, store: Path, tmp_path: Path) -> None:
    _advised(story)
    amendment = _amended(story)
    _, pdf = _printed(story, "amendment.issued", "amendment_advice")
    assert PrintedDocument.objects.get(amendment=amendment).kind == "amendment_advice"
    text = _page_one(pdf, tmp_path)
    assert "Advice of amendment" in text and story.reference in text
    assert "USD5000," in text  # 32B: the increase of the amount (125,000 to 130,000)


def test_refusing_prints_the_refusal_notice_with_each_discrepancy(story: Story, store: Path, tmp_path: Path) -> None:
    _advised(story)
    notice = _refused(story)
    _, pdf = _printed(story, "presentation.refused", "refusal_notice")
    text = _page_one(pdf, tmp_path)
    assert "We refuse to honour or negotiate." in text and story.reference in text
    assert "USD 125000.00" in text
    assert notice.discrepancies, "the example must refuse for something"
    for disc in notice.discrepancies:
        assert disc["code"] in text and " ".join(disc["text"].split()[:6]) in text
    assert "holding the documents pending further instructions" in text


@pytest.fixture
def printed_world(story: Story, store: Path) -> dict[str, str]:
    """A credit with all three printed documents: kind -> SHA-256."""
    _advised(story)
    _amended(story)
    _refused(story)
    return {p.kind: p.sha256 for p in PrintedDocument.objects.filter(credit_id=story.credit_id)}


def test_parties_download_in_the_portal_and_others_get_404(story: Story, printed_world: dict[str, str]) -> None:
    users = story.cast.users
    credit_page = verified_client(users["nef.exports"]).get(reverse("portal:credit", args=[story.credit_id]))
    for sha in printed_world.values():
        assert reverse("portal:printed", args=[story.credit_id, sha]) in credit_page.content.decode()
    pres = story.presentation
    assert pres is not None
    refusal_page = verified_client(users["nef.exports"]).get(reverse("portal:refusal", args=[story.credit_id, pres.pk]))
    assert reverse("portal:printed", args=[story.credit_id, printed_world["refusal_notice"]]) in refusal_page.content.decode()
    for sha in printed_world.values():
        url = reverse("portal:printed", args=[story.credit_id, sha])
        for username in PARTIES:
            resp = verified_client(users[username]).get(url)
            assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf", username
            assert hashlib.sha256(resp.content).hexdigest() == sha and resp["ETag"] == f'"{sha}"'
        for username in STRANGERS:
            assert verified_client(users[username]).get(url).status_code == 404, username
    unknown = reverse("portal:printed", args=[story.credit_id, "0" * 64])
    assert verified_client(users["nef.exports"]).get(unknown).status_code == 404


def test_parties_download_through_the_api_and_others_get_404(story: Story, printed_world: dict[str, str]) -> None:
    users = story.cast.users

    def api(username: str) -> Any:
        return client_with_key(create_api_key(user=users[username], name="printing test")[1])

    listed = api("nef.exports").get(f"/api/v1/credits/{story.credit_id}/printed/").json()["results"]
    assert {d["kind"]: d["sha256"] for d in listed} == printed_world
    for sha in printed_world.values():
        url = f"/api/v1/credits/{story.credit_id}/printed/{sha}/"
        resp = api("ncb.examiner").get(url, HTTP_ACCEPT="application/pdf")
        assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
        assert hashlib.sha256(resp.content).hexdigest() == sha
        for username in STRANGERS:
            refused = api(username).get(url)
            assert refused.status_code == 404 and refused["Content-Type"] == "application/problem+json"
    for username in STRANGERS:
        assert api(username).get(f"/api/v1/credits/{story.credit_id}/printed/").status_code == 404
    missing = api("nef.exports").get(f"/api/v1/credits/{story.credit_id}/printed/{'0' * 64}/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/problem+json"


def test_downloads_are_in_the_read_access_log(story: Story, printed_world: dict[str, str]) -> None:
    sha = printed_world["credit_advice"]
    verified_client(story.cast.users["nef.exports"]).get(reverse("portal:printed", args=[story.credit_id, sha]))
    _, secret = create_api_key(user=story.cast.users["ncb.examiner"], name="reader")
    client_with_key(secret).get(f"/api/v1/credits/{story.credit_id}/printed/{sha}/")
    verified_client(story.cast.users["tmb.maker"]).get(reverse("portal:printed", args=[story.credit_id, sha]))
    rows = list(ReadAccess.objects.filter(what="printed").order_by("seq").values_list("username", "target"))
    assert rows == [("nef.exports", f"printed:{sha}"), ("ncb.examiner", f"printed:{sha}")]  # a 404 is no read


@pytest.fixture
def read_only_store(tmp_path: Path, settings: Any) -> Iterator[Path]:
    """MEDIA_ROOT on a tmpfs of its own, remounted read-only by the test (the suite runs as root)."""
    root = tmp_path / "ro-store"
    root.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(root)], check=True)
    settings.MEDIA_ROOT = root
    try:
        yield root
    finally:
        subprocess.run(["umount", "-l", str(root)], check=True)


def test_a_document_that_cannot_be_stored_fails_the_action_whole(story: Story, read_only_store: Path) -> None:
    story.issued()
    subprocess.run(["mount", "-o", "remount,ro", str(read_only_store)], check=True)
    subject = f"lc:{story.credit_id}"
    with pytest.raises(storage.StoreUnavailable):
        story.advise()
    assert story.credit is not None
    story.credit.refresh_from_db()
    assert story.credit.state == CreditState.ISSUED
    assert not PrintedDocument.objects.exists()
    assert not ledger.pending(subject).filter(kind="lc.advised").exists()


def test_the_orphan_sweeper_keeps_printed_files(story: Story, store: Path) -> None:
    _advised(story)
    sha = PrintedDocument.objects.get(credit_id=story.credit_id).sha256
    orphan = storage.store(b"%PDF-1.7\n an action that rolled back")
    two_hours_ago = time.time() - 7200
    for digest in (sha, orphan.sha256):
        os.utime(storage.path_for(digest), (two_hours_ago, two_hours_ago))
    assert sweep_orphan_files() == 1
    assert storage.path_for(sha).exists() and not storage.path_for(orphan.sha256).exists()
