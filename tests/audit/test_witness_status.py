"""Witness status (issue 19) in the audit views and on bank staff's dashboard: two real witness
processes, one of them down while the log moves on, so its lag and the unmet quorum show."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from ledger.anchoring import anchor_checkpoint
from ledger.witnessing import cosign_latest, witnessing_status
from tests.ledger.conftest import LOG_VKEY, ledger_settings, record  # noqa: F401
from tests.portal.conftest import verified_client
from tests.witness.conftest import witnesses  # noqa: F401

pytestmark = pytest.mark.django_db


def row(page: str, name: str) -> str:
    found = re.search(rf'<tr data-witness="{name}">(.*?)</tr>', page, re.S)
    assert found, name
    return re.sub(r"\s+", " ", found.group(1))


def test_a_witness_that_fell_behind_shows_its_lag_and_the_quorum_not_met(
    witnesses: Any, record: Any, ledger_settings: Any, tmp_path: Path, cast: Any  # noqa: F811
) -> None:
    a = witnesses("witness.bank-a.test/w1", [LOG_VKEY])
    b = witnesses("witness.bank-b.test/w1", [LOG_VKEY])
    policy = tmp_path / "policy"
    policy.write_text(f"log {LOG_VKEY}\nwitness bank-a {a.vkey} {a.url}\nwitness bank-b {b.vkey} {b.url}\n"
                      "group both all bank-a bank-b\nquorum both\n")
    ledger_settings.LEDGER_WITNESS_POLICY_FILE = str(policy)
    ledger_settings.LEDGER_WITNESS_ATTEMPTS = 1
    ledger_settings.LEDGER_WITNESS_TIMEOUT = 2
    record(3)  # after the cast's own entries (people, organisations)
    old = anchor_checkpoint()
    assert cosign_latest() == {"bank-a": "cosigned", "bank-b": "cosigned"}
    b.stop()
    record(4)
    new = anchor_checkpoint()
    assert old is not None and new is not None and new.size == old.size + 4
    assert cosign_latest()["bank-b"].startswith("unreachable")

    status = witnessing_status()

    assert status is not None and (status.newest_size, status.quorum_met) == (new.size, False)
    lag_a, lag_b = status.witnesses
    assert (lag_a.name, lag_a.cosigned_size, lag_a.lag_entries, lag_a.lag_seconds, lag_a.error) == (
        "bank-a", new.size, 0, 0, "")
    assert (lag_b.name, lag_b.cosigned_size, lag_b.lag_entries, lag_b.last_status) == ("bank-b", old.size, 4, 0)
    assert lag_b.lag_seconds is not None and lag_b.lag_seconds > 0
    assert lag_b.lag_seconds == pytest.approx((new.created_at - old.created_at).total_seconds())
    assert lag_b.error.startswith("unreachable") and lag_b.contacted_at is not None
    assert lag_b.key == f"witness.bank-b.test/w1+{b.verifier.key_id.hex()}"

    page = verified_client(cast.users["vhb.auditor"]).get(reverse("audit:witnesses")).content.decode()
    assert "quorum not met" in page and f"Newest checkpoint: size {new.size}" in page and "all of (bank-a, bank-b)" in page
    assert "up to date" in row(page, "bank-a") and f'<td class="mono">{new.size}</td>' in row(page, "bank-a")
    shown_b = row(page, "bank-b")
    assert f'<td class="mono">{old.size}</td>' in shown_b and "4 entries" in shown_b and "unreachable" in shown_b
    assert f"{lag_b.lag_seconds:.1f} s" in shown_b

    # Bank staff see the same panel, read-only, on their dashboard; a company's staff do not.
    dashboard = verified_client(cast.users["vhb.maker"]).get(reverse("portal:dashboard")).content.decode()
    assert "quorum not met" in dashboard and "4 entries" in row(dashboard, "bank-b")
    assert 'id="witnesses"' not in verified_client(cast.users["hhl.treasury"]).get(
        reverse("portal:dashboard")).content.decode()

    # bank-b back (same key, state and port): it catches up and the quorum is met.
    witnesses("witness.bank-b.test/w1", [LOG_VKEY], port=int(b.url.rsplit(":", 1)[1]))
    assert cosign_latest() == {"bank-b": "cosigned"}
    status = witnessing_status()
    assert status is not None and status.quorum_met and [w.lag_entries for w in status.witnesses] == [0, 0]
    assert "quorum met" in verified_client(cast.users["vhb.auditor"]).get(reverse("audit:witnesses")).content.decode()


def test_the_witness_page_is_for_auditors_only(cast: Any) -> None:
    url = reverse("audit:witnesses")
    for username in ("vhb.maker", "vhb.checker", "ncb.examiner", "hhl.treasury"):
        assert verified_client(cast.users[username]).get(url).status_code in (403, 404), username
    auditor = verified_client(cast.users["vhb.auditor"])
    page = auditor.get(url)
    assert page.status_code == 200 and b"Witnessing is off" in page.content  # no policy in this test
    assert auditor.post(url).status_code == 405


def test_the_auditors_ledger_browser_marks_witnessed_entries_and_the_checkpoint_that_witnessed_them(
    witnesses: Any, record: Any, ledger_settings: Any, tmp_path: Path, cast: Any  # noqa: F811
) -> None:
    a = witnesses("witness.bank-a.test/w1", [LOG_VKEY])
    policy = tmp_path / "policy"
    policy.write_text(f"log {LOG_VKEY}\nwitness bank-a {a.vkey} {a.url}\nquorum bank-a\n")
    ledger_settings.LEDGER_WITNESS_POLICY_FILE = str(policy)
    auditor = cast.users["vhb.auditor"]
    subject = auditor.organization.ledger_id  # within the issuing bank's auditor's scope
    record(2, subject=subject)
    first = anchor_checkpoint()
    assert first is not None and cosign_latest() == {"bank-a": "cosigned"}
    a.stop()
    later = record(1, subject=subject)
    assert anchor_checkpoint() is not None

    html = verified_client(auditor).get(reverse("audit:ledger"), {"subject": subject}).content.decode()

    statuses = {int(seq): status for status, seq in re.findall(r'<tr class="entry entry-(\w+)" data-seq="(\d+)">', html)}
    witnessed = [seq for seq in statuses if seq <= first.size]
    assert len(witnessed) >= 2 and later[0] in statuses
    assert statuses == {seq: "witnessed" if seq <= first.size else "anchored" for seq in statuses}
    assert html.count(f"witnessed at {first.size}") == len(witnessed)
