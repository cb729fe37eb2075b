"""The printed evidence summary's proof column says "witnessed" (issue 19) for the entries of a
checkpoint that a real witness process cosigned to the policy's quorum, and "anchored" for an
entry only a later, uncosigned checkpoint covers. The column's rows are read as the summary is
built (lc.services.evidence._entries): its rendering and read-back are test_evidence_summary's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lc import services
from lc.scenarios import Story
from lc.services.evidence import _entries
from lc.services.visibility import audience_for
from ledger.anchoring import anchor_checkpoint
from ledger.witnessing import cosign_latest
from tests.ledger.conftest import LOG_VKEY, ledger_settings  # noqa: F401
from tests.witness.conftest import witnesses  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_printed_summary_says_which_entries_were_witnessed(
    story: Story, sequenced: Any, witnesses: Any, ledger_settings: Any, tmp_path: Path  # noqa: F811
) -> None:
    w = witnesses("witness.bank-a.test/w1", [LOG_VKEY])
    policy = tmp_path / "policy"
    policy.write_text(f"log {LOG_VKEY}\nwitness bank-a {w.vkey} {w.url}\nquorum bank-a\n")
    ledger_settings.LEDGER_WITNESS_POLICY_FILE = str(policy)
    story.issued()
    story.advise()
    sequenced()
    first = anchor_checkpoint()
    assert first is not None and cosign_latest() == {"bank-a": "cosigned"}
    w.stop()
    services.propose_amendment(actor=story.cast.users["hhl.treasury"], credit_id=story.credit_id,
                               changes={"amount": "130000.00"}, now=story.at(10))
    sequenced()
    assert anchor_checkpoint() is not None

    bank = story.cast.users["vhb.maker"].organization
    rows = _entries(audience_for(bank, story.credit), story.credit.subject, "en")

    proof = {int(seq): status for seq, _, _, _, _, status in rows if seq}
    witnessed = [seq for seq in proof if seq <= first.size]
    assert len(witnessed) >= 4 and len(proof) > len(witnessed)
    assert proof == {seq: "witnessed" if seq <= first.size else "anchored" for seq in proof}
