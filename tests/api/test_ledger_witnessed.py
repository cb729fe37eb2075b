"""The API's ledger feed says "witnessed" (issue 19): an entry covered by a checkpoint that the
policy's quorum of real witness processes cosigned, "anchored" for one only a later, unwitnessed
checkpoint covers, and the first witnessed checkpoint's size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ledger.anchoring import anchor_checkpoint
from ledger.models import Entry
from ledger.witnessing import cosign_latest
from tests.ledger.conftest import LOG_VKEY, ledger_settings  # noqa: F401
from tests.witness.conftest import witnesses  # noqa: F401

CREDITS = "/api/v1/credits/"


def test_ledger_history_says_which_entries_the_counterparty_banks_witnessed(
    story: Any, api_as: Any, sequenced: Any, witnesses: Any, ledger_settings: Any, tmp_path: Path  # noqa: F811
) -> None:
    a = witnesses("witness.bank-a.test/w1", [LOG_VKEY])
    b = witnesses("witness.bank-b.test/w1", [LOG_VKEY])
    policy = tmp_path / "policy"
    policy.write_text(f"log {LOG_VKEY}\nwitness bank-a {a.vkey} {a.url}\nwitness bank-b {b.vkey} {b.url}\n"
                      "group both all bank-a bank-b\nquorum both\n")
    ledger_settings.LEDGER_WITNESS_POLICY_FILE = str(policy)
    ledger_settings.LEDGER_WITNESS_ATTEMPTS = 1
    ledger_settings.LEDGER_WITNESS_TIMEOUT = 2
    story.issued()
    sequenced()
    first = anchor_checkpoint()
    assert first is not None and cosign_latest() == {"bank-a": "cosigned", "bank-b": "cosigned"}
    story.advise()
    sequenced()
    b.stop()  # the next checkpoint gets one cosignature of the two the quorum needs
    second = anchor_checkpoint()
    assert second is not None and cosign_latest()["bank-b"].startswith("unreachable")

    url = f"{CREDITS}{story.credit_id}/ledger/"
    rows = api_as("vhb.maker").get(url).json()["results"]

    seqs = list(Entry.objects.filter(subject=f"lc:{story.credit_id}").order_by("seq").values_list("seq", flat=True))
    assert [r["seq"] for r in rows] == seqs and seqs[-1] > first.size
    for r in rows:
        if r["seq"] <= first.size:
            assert (r["proof_status"], r["witnessed_size"]) == ("witnessed", first.size), r
        else:
            assert (r["proof_status"], r["checkpoint_size"], r["witnessed_size"]) == ("anchored", second.size, None), r
    assert {r["proof_status"] for r in rows} == {"witnessed", "anchored"}
