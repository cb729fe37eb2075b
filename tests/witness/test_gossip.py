"""Gossip across sizes: two parties who saw checkpoints of the same log, of the same or of
different sizes, find out whether both can be true of one append-only history. Every view is a
real checkpoint signed by a log key; the consistency proofs come from a synthetic log, and then
from our log over HTTP (/ledger/consistency) with real witness processes and the CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from ledger.anchoring import anchor_checkpoint
from ledger.merkle import verify_consistency
from ledger.models import Checkpoint
from ledger.note import Signer, checkpoint_body, sign_note
from ledger.witness.gossip import ProofUnavailable, View, compare, find_forks, view_of
from ledger.witness.policy import parse_policy
from ledger.witness.protocol import format_request
from ledger.witnessing import ask, cosign_latest
from tests.ledger.conftest import LOG_KEY, LOG_VKEY, ledger_settings, record  # noqa: F401
from tests.witness.conftest import SyntheticLog

ROOT = Path(__file__).resolve().parents[2]
ORIGIN = "tradechain.test/ledger"


def seen(log: SyntheticLog, source: str, size: int, root: bytes | None = None) -> View:
    """A view as a verifier builds it: from the note, checking the log's signature."""
    return view_of(source, log.note(size, root), log.origin, [log.signer.verifier()])


# --- the comparison, on a synthetic log ------------------------------------------------------------


def test_same_size_same_root_is_consistent(synthetic_log: SyntheticLog) -> None:
    found = compare([seen(synthetic_log, "a", 7), seen(synthetic_log, "b", 7)], synthetic_log.proof)

    assert found.forks == [] and found.unchecked == []


def test_same_size_different_root_is_a_split_view_without_asking_the_log(synthetic_log: SyntheticLog) -> None:
    fork = synthetic_log.forked()
    asked: list[tuple[int, int]] = []

    def proof(old: int, new: int) -> list[bytes]:
        asked.append((old, new))
        return synthetic_log.proof(old, new)

    found = compare([seen(synthetic_log, "a", 7), seen(fork, "b", 7)], proof)

    assert [(f.first.source, f.second.source, f.reason) for f in found.forks] == [
        ("a", "b", "two roots for size 7, both signed by the log")]
    assert asked == []


def test_different_sizes_of_one_history_are_proven_consistent(synthetic_log: SyntheticLog) -> None:
    views = [seen(synthetic_log, "a", 9), seen(synthetic_log, "b", 4), seen(synthetic_log, "c", 64)]
    asked: list[tuple[int, int]] = []

    def proof(old: int, new: int) -> list[bytes]:
        asked.append((old, new))
        return synthetic_log.proof(old, new)

    found = compare(views, proof)

    assert found.forks == [] and found.unchecked == []
    assert sorted(asked) == [(4, 9), (4, 64), (9, 64)]  # always smaller -> larger


def test_a_larger_checkpoint_of_another_history_is_not_consistent(synthetic_log: SyntheticLog) -> None:
    # The log signed size 5 of one history for a, size 9 of another for b. The honest tree's
    # proof from 5 to 9 cannot bind b's root, and no proof can: the first leaf differs.
    other = synthetic_log.forked()
    small, large = seen(synthetic_log, "a", 5), seen(other, "b", 9)

    for proof in (synthetic_log.proof, other.proof):
        forks = find_forks([large, small], proof)
        assert [(f.first.size, f.second.size, f.reason) for f in forks] == [
            (5, 9, "size 9 is not consistent with size 5")]


def test_a_history_that_forks_later_is_consistent_with_the_shared_prefix_only(synthetic_log: SyntheticLog) -> None:
    # Shares the first 6 leaves and differs after: size 9 of it extends size 5, not size 8.
    other = SyntheticLog(synthetic_log.origin, synthetic_log.signer, synthetic_log.vkey,
                         synthetic_log.hashes[:6] + [bytes(32)] * 10)
    honest5, fork9, honest8 = seen(synthetic_log, "a", 5), seen(other, "b", 9), seen(synthetic_log, "c", 8)

    assert find_forks([honest5, fork9], other.proof) == []
    for proof in (synthetic_log.proof, other.proof):
        assert [(f.first.size, f.second.size) for f in find_forks([fork9, honest8], proof)] == [(8, 9)]


def test_the_log_unreachable_leaves_the_pair_unchecked_and_a_refusal_is_a_fork(synthetic_log: SyntheticLog) -> None:
    a, b = seen(synthetic_log, "a", 3), seen(synthetic_log, "b", 6)

    def down(old: int, new: int) -> list[bytes]:
        raise ProofUnavailable("connection refused")

    def refuses(old: int, new: int) -> list[bytes]:
        raise ValueError("the log refused: 404 no proof from 3 to 6")

    unreachable = compare([a, b], down)
    assert unreachable.forks == []
    assert [u.reason for u in unreachable.unchecked] == ["no consistency proof could be fetched: connection refused"]
    assert [u.reason for u in compare([a, b]).unchecked] == ["sizes differ and no log to ask for a consistency proof"]
    assert [f.reason for f in find_forks([a, b], refuses)] == [
        "the log gave no consistency proof: the log refused: 404 no proof from 3 to 6"]
    # A proof with one bit flipped, or one element short, is not a proof.
    good = synthetic_log.proof(3, 6)
    flipped = [good[0][:-1] + bytes([good[0][-1] ^ 1]), *good[1:]]
    assert find_forks([a, b], lambda o, n: flipped) and find_forks([a, b], lambda o, n: good[:-1])
    assert not find_forks([a, b], lambda o, n: good)


# --- our log over HTTP, real witnesses, the command line -------------------------------------------


def gossip(policy: Path, log_url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ledger.witness", "gossip", "--policy", str(policy), "--origin", ORIGIN,
                           "--log", log_url], cwd=ROOT, capture_output=True, text=True, timeout=60)


@pytest.mark.django_db
def test_the_log_serves_consistency_proofs_between_its_checkpoints(record: Any) -> None:  # noqa: F811
    record(5)
    anchor_checkpoint()
    record(4)
    anchor_checkpoint()
    roots = dict(Checkpoint.objects.values_list("size", "root"))
    client = Client()

    answer = client.get("/ledger/consistency/5/9").json()

    assert (answer["old_size"], answer["new_size"]) == (5, 9)
    assert verify_consistency(5, 9, bytes(roots[5]), bytes(roots[9]), [bytes.fromhex(h) for h in answer["proof"]])
    assert client.get("/ledger/consistency/9/9").json()["proof"] == []
    for beyond in ("/ledger/consistency/9/10", "/ledger/consistency/0/9", "/ledger/consistency/9/5"):
        assert client.get(beyond).status_code == 404, beyond


@pytest.mark.django_db(transaction=True)
def test_gossip_across_sizes_with_the_logs_proofs(witnesses: Any, record: Any, live_server: Any,  # noqa: F811
                                                  ledger_settings: Any, tmp_path: Path) -> None:  # noqa: F811
    a = witnesses("witness.bank-a.test/w1", [LOG_VKEY])
    b = witnesses("witness.bank-b.test/w1", [LOG_VKEY])
    honest = tmp_path / "honest"
    honest.write_text(f"log {LOG_VKEY}\nwitness a {a.vkey} {a.url}\nwitness b {b.vkey} {b.url}\n"
                      "group both all a b\nquorum both\n")
    ledger_settings.LEDGER_WITNESS_POLICY_FILE = str(honest)
    ledger_settings.LEDGER_WITNESS_ATTEMPTS = 1
    ledger_settings.LEDGER_WITNESS_TIMEOUT = 2
    record(5)
    anchor_checkpoint()
    assert cosign_latest() == {"a": "cosigned", "b": "cosigned"}
    b.stop()
    record(4)
    anchor_checkpoint()
    assert cosign_latest()["a"] == "cosigned"  # a holds 9, b still 5
    b = witnesses("witness.bank-b.test/w1", [LOG_VKEY], port=int(b.url.rsplit(":", 1)[1]))
    log_url = live_server.url + "/ledger"

    consistent = gossip(honest, log_url)

    assert consistent.returncode == 0, consistent.stdout
    assert "a: size 9" in consistent.stdout and "b: size 5" in consistent.stdout and "log: size 9" in consistent.stdout
    assert "RESULT: 3 views, no fork" in consistent.stdout

    # The log key signs a size-7 checkpoint of another history for a third witness.
    c = witnesses("witness.bank-c.test/w1", [LOG_VKEY])
    fork = sign_note(checkpoint_body(ORIGIN, 7, bytes(range(32))), [Signer.from_string(LOG_KEY)])
    forked = tmp_path / "forked"
    forked.write_text(honest.read_text().replace("group both", f"witness c {c.vkey} {c.url}\ngroup both"))
    assert ask(parse_policy(forked.read_text()).witnesses["c"], format_request(0, [], fork), "").status == 200

    split = gossip(forked, log_url)

    assert split.returncode == 1, split.stdout
    assert "FORK: b saw size 5 root" in split.stdout and "c saw size 7 root 0001020304050607...: " \
        "size 7 is not consistent with size 5" in split.stdout
    assert "size 9 is not consistent with size 7" in split.stdout and fork in split.stdout

    # With the log down, pairs of different sizes are reported unchecked, not consistent.
    down = gossip(honest, "http://127.0.0.1:9/ledger")
    assert down.returncode == 2, down.stdout
    assert "UNCHECKED: b size 5, a size 9: no consistency proof could be fetched" in down.stdout
