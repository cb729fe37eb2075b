"""Issue 14's acceptance in a real browser: the issuing bank's auditor signs in with TOTP,
filters the ledger browser (kind and one day), opens a credit's history with its documents'
hashes, downloads the credit's evidence bundle and has the offline verifier
(`python -m ledger.verify_bundle`, a separate process) check it, sees those reads in the
read-access log, and runs "verify the chain" on a real Celery worker (fed by the outbox relay)
until the htmx progress bar reports the result; then a changed entry makes the next run
report the chain broken, and a changed byte makes the verifier refuse the bundle.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from lc import events
from lc.audit.models import ReadAccess, VerificationRun
from lc.demo import DEMO_PASSWORD, ensure_cast, totp_key
from lc.models import Document
from lc.scenarios import Story, example_start
from ledger.anchoring import anchor_checkpoint
from ledger.models import Entry, PendingEntry
from ledger.sequencer import drain
from ledger.verify_bundle import dump_bundle

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
VERIFY_TIMEOUT_MS = 90_000


@pytest.fixture
def cast(db: Any) -> Any:
    return ensure_cast(password=DEMO_PASSWORD, with_totp=True)


@pytest.fixture
def two_credits(cast: Any, settings: Any, tmp_path: Path) -> tuple[Story, Story]:
    """Two credits of the issuing bank, issued a week apart; the first advised and presented,
    everything sequenced and anchored (the evidence bundle proves against a checkpoint)."""
    settings.LEDGER_TLOG_DIR = tmp_path / "tlog"  # the checkpoint's publication lands here, not in var/
    first = Story(cast, example_start())
    first.issued()
    first.advise()
    first.present()
    second = Story(cast, example_start(), shift_days=7)
    second.issued()
    drain()
    assert anchor_checkpoint() is not None
    return first, second


def sign_in_auditor(page: Page, shot: Callable[[Page, str], None]) -> None:
    page.goto("/login/?next=/audit/")
    page.fill("#id_username", "vhb.auditor")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button.btn-primary")
    page.wait_for_url("**/login/verify/")
    page.fill("#id_token", f"{TOTP(bytes.fromhex(totp_key('vhb.auditor'))).token():06d}")
    shot(page, "audit-01-otp")
    page.click("form.form button.btn-primary")
    expect(page.get_by_role("heading", name="Audit", exact=True)).to_be_visible()
    shot(page, "audit-02-overview")


def filter_ledger(page: Page, story: Story, shot: Callable[[Page, str], None]) -> None:
    """kind = lc.issued on the first credit's issue day: exactly that credit's issue entry."""
    page.get_by_role("link", name="Ledger browser").first.click()
    rows = page.locator("#ledger-rows tr.entry")
    expect(rows.first).to_be_visible()
    assert len({k.strip() for k in rows.locator("td:nth-child(3)").all_inner_texts()}) > 1  # unfiltered: many kinds
    day = story.at(0, 11).date().isoformat()
    page.select_option("#f-kind", events.CREDIT_ISSUED.kind)
    page.fill("#f-from", day)
    page.fill("#f-to", day)
    page.click("button[data-submit=filter]")
    page.wait_for_url(re.compile(rf"kind={re.escape(events.CREDIT_ISSUED.kind)}.*from={day}"))
    expect(rows).to_have_count(1)
    expect(rows.first.locator("td:nth-child(3)")).to_have_text(events.CREDIT_ISSUED.kind)
    expect(rows.first.get_by_role("link", name=f"lc:{story.credit_id}")).to_be_visible()
    shot(page, "audit-03-ledger-filtered")


def open_history(page: Page, story: Story, shot: Callable[[Page, str], None]) -> None:
    page.locator("#ledger-rows").get_by_role("link", name=f"lc:{story.credit_id}").click()
    expect(page.get_by_role("heading", name=re.compile(story.reference))).to_be_visible()
    history = page.locator("#history tr.entry td:nth-child(3)")
    kinds = [k.strip() for k in history.all_inner_texts()]
    expected = list(Entry.objects.filter(subject=f"lc:{story.credit_id}").order_by("seq").values_list("kind", flat=True))
    assert kinds[: len(expected)] == expected and len(expected) >= 4, kinds
    hashes = set(Document.objects.filter(presentation__credit_id=story.credit_id).values_list("sha256", flat=True))
    assert hashes and all(len(h) == 64 for h in hashes)
    assert {h.strip() for h in page.locator("#documents td.hash").all_inner_texts()} == hashes
    shot(page, "audit-04-credit-history")


def download_and_verify_bundle(page: Page, story: Story, tmp_path: Path) -> Path:
    with page.expect_download() as download:
        page.click("#evidence-download")
    bundle = tmp_path / "evidence.json"
    download.value.save_as(bundle)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "audit-evidence.json").write_bytes(bundle.read_bytes())
    assert json.loads(bundle.read_bytes())["subject"] == f"lc:{story.credit_id}"
    result = verifier(bundle)
    assert result.returncode == 0 and "RESULT: HOLDS" in result.stdout, result.stdout + result.stderr
    return bundle


def verifier(bundle: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ledger.verify_bundle", str(bundle)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def read_log_shows(page: Page, story: Story, shot: Callable[[Page, str], None]) -> None:
    page.get_by_role("link", name="Read-access log").first.click()
    for what in ("history", "evidence"):
        expect(page.locator("tr", has_text=f"lc:{story.credit_id}").filter(has_text=what).first).to_be_visible()
    got = set(ReadAccess.objects.filter(username="vhb.auditor", target=f"lc:{story.credit_id}")
              .values_list("what", flat=True))
    assert {"history", "evidence"} <= got, got
    shot(page, "audit-05-read-log")


def run_verification(page: Page) -> VerificationRun:
    page.get_by_role("link", name="Audit overview").first.click()
    page.click("button[data-submit=verify]")
    page.wait_for_url(re.compile(r"/audit/verify/[0-9a-f-]{36}/$"))
    expect(page.locator("#verify-progress")).to_have_attribute("data-state", "done", timeout=VERIFY_TIMEOUT_MS)
    expect(page.locator("#verify-progress progress")).to_have_attribute("value", "100")
    run_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    return VerificationRun.objects.get(pk=run_id)


def tamper_with_one_entry(seq: int) -> None:
    """What an insider with database rights would do: change a sequenced entry in place."""
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_no_update_delete")
        cur.execute("UPDATE ledger_entry SET payload = convert_to('{\"amount\":\"925000.00\"}', 'UTF8') "
                    "WHERE seq = %s", [seq])
        cur.execute("ALTER TABLE ledger_entry ENABLE ALWAYS TRIGGER ledger_entry_no_update_delete")


def test_bank_auditor_browses_verifies_and_downloads_evidence(
        two_credits: tuple[Story, Story], celery_worker_thread: Any, new_page: Callable[[], Page],
        shot: Callable[[Page, str], None], tmp_path: Path) -> None:
    first, _ = two_credits
    page = new_page()
    sign_in_auditor(page, shot)
    filter_ledger(page, first, shot)
    open_history(page, first, shot)
    bundle = download_and_verify_bundle(page, first, tmp_path)
    read_log_shows(page, first, shot)

    run = run_verification(page)
    expect(page.locator("#verify-result")).to_contain_text("The chain is intact")
    shot(page, "audit-06-verified")
    assert run.state == VerificationRun.State.DONE and run.ok is True
    assert run.result["chain"]["checked"] == Entry.objects.count()  # nothing sequences during the test
    auditor = first.cast.users["vhb.auditor"]
    recorded = [json.loads(bytes(p)) for p in PendingEntry.objects.filter(
        kind=events.CHAIN_VERIFIED.kind, actor=auditor.ledger_id).values_list("payload", flat=True)]
    assert [r["run"] for r in recorded] == [str(run.pk)] and recorded[0]["ok"] is True

    tamper_with_one_entry(Entry.objects.filter(subject=f"lc:{first.credit_id}").order_by("seq")[1].seq)
    broken = run_verification(page)
    expect(page.locator("#verify-result")).to_contain_text("Verification failed")
    shot(page, "audit-07-verification-failed")
    assert broken.ok is False

    data = json.loads(bundle.read_bytes())
    data["entries"][0]["actor"] = first.cast.users["vhb.auditor"].ledger_id  # a different author, re-dumped tidily
    changed = tmp_path / "changed.json"
    changed.write_bytes(dump_bundle(data))
    result = verifier(changed)
    assert result.returncode == 1 and "entries[0]" in result.stdout, result.stdout
