"""tlog-witness add-checkpoint: the spec's request example, every status code, atomicity, and
the same exchange over HTTP with a real witness process."""

from __future__ import annotations

import http.client
import threading
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from ledger.witness.cosignature import CosignatureVerifier, Cosigner, check, generate_cosigner, split_note
from ledger.witness.protocol import format_request, parse_cosignatures, parse_request, parse_signature_lines
from ledger.witness.server import Witness, parse_logs
from ledger.witness.store import Store
from tests.witness.conftest import SyntheticLog, make_log

SPEC_REQUEST = (
    "old 20852014\n"
    "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n"
    "jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n"
    "5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n"
    "/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n"
    "\n"
    "example.com/behind-the-sofa\n"
    "20852163\n"
    "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    "\n"
    "\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
    "\u2014 example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n"
)


# c2sp.org/tlog-witness, "Example response body": two lines from witness.example/w1, one from w2.
SPEC_RESPONSE = (
    "\u2014 witness.example/w1 CMp+6LWBU0anHGH5aNDTJkH/gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up69HVOw==\n"
    "\u2014 witness.example/w1 I7rEps0pvK2UqkS2gSpVUDhrhVtQV9lgF6pRrWAvjJHjyWpW7VcE3SiOlVlbQNt64vWhO+DlkL0+UfzuOBMh9ChdMkP1vi/lCAsmlw==\n"
    "\u2014 witness.example/w2 AWui8Sk55XjYLOijihBjhqEH6nS1ndDymE0a+6idX7pLcnoB+dhnz0854aLZgrrKbYKA7nC3HNJhm/kWl7oJlqU3rXXvpysAdyP3wQ==\n"
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000

    def __call__(self) -> int:
        self.now += 1
        return self.now


@pytest.fixture
def witness(tmp_path: Path, synthetic_log: SyntheticLog) -> Witness:
    skey, _ = generate_cosigner("witness.test/w1")
    return Witness(Cosigner.from_string(skey), Store(tmp_path / "state.sqlite"),
                   parse_logs(f"log {synthetic_log.vkey}\n"), clock=Clock())


def test_the_specs_example_request_parses_into_old_size_proof_and_checkpoint() -> None:
    request = parse_request(SPEC_REQUEST.encode())

    assert request.old_size == 20852014 and len(request.proof) == 4
    assert request.proof[0].hex().startswith("3e544d0a")
    assert request.note.startswith("example.com/behind-the-sofa\n20852163\n") and request.note.count("\u2014") == 2
    assert format_request(request.old_size, request.proof, request.note) == SPEC_REQUEST.encode()


def test_the_specs_example_response_is_three_signature_lines_of_76_bytes() -> None:
    lines = parse_signature_lines(SPEC_RESPONSE.encode())

    assert [name for name, _ in lines] == ["witness.example/w1", "witness.example/w1", "witness.example/w2"]
    assert [raw[:4].hex() for _, raw in lines] == ["08ca7ee8", "23bac4a6", "016ba2f1"]
    assert {len(raw) for _, raw in lines} == {76}  # key id, timestamp, Ed25519 signature
    # The example's bytes are placeholders: two "timestamps" are above 2**63 - 1, so they are not
    # valid cosignature/v1 lines, which only a client that reads every line would trip on.
    with pytest.raises(ValueError, match="timestamp"):
        parse_cosignatures(SPEC_RESPONSE.encode())


@pytest.mark.parametrize("body", [SPEC_RESPONSE[:-1], SPEC_RESPONSE.replace("\u2014 ", "- ", 1), "", "\n"])
def test_a_response_not_made_of_newline_terminated_signature_lines_is_malformed(body: str) -> None:
    with pytest.raises(ValueError):
        parse_signature_lines(body.encode())

def test_the_specs_example_request_to_a_witness_that_does_not_know_the_log_is_404(witness: Witness) -> None:
    assert witness.add_checkpoint(SPEC_REQUEST.encode()).status == 404


def test_first_checkpoint_is_cosigned_with_a_line_that_verifies(witness: Witness, synthetic_log: SyntheticLog) -> None:
    reply = witness.add_checkpoint(synthetic_log.request(0, 5))

    assert reply.status == 200 and reply.body.endswith(b"\n")
    (cosignature,) = parse_cosignatures(reply.body)
    body, signatures = split_note(synthetic_log.note(5) + cosignature.line)
    assert [c.valid for c in check(body, signatures, [witness.cosigner.verifier()])] == [True]
    assert cosignature.timestamp == witness.clock.now  # type: ignore[attr-defined]


def test_growth_with_a_good_consistency_proof_is_cosigned_and_stored(witness: Witness, synthetic_log: SyntheticLog) -> None:
    witness.add_checkpoint(synthetic_log.request(0, 5))

    assert witness.add_checkpoint(synthetic_log.request(5, 13)).status == 200
    assert witness.add_checkpoint(synthetic_log.request(13, 13)).status == 200  # same checkpoint again
    assert [s.size for s in witness.store.history(synthetic_log.origin)] == [5, 13, 13]


def test_a_stale_or_conflicting_old_size_is_409_with_the_known_size(witness: Witness, synthetic_log: SyntheticLog) -> None:
    witness.add_checkpoint(synthetic_log.request(0, 8))

    reply = witness.add_checkpoint(synthetic_log.request(0, 9))

    assert (reply.status, reply.content_type, reply.body) == (409, "text/x.tlog.size", b"8\n")


def test_a_smaller_tree_than_seen_is_refused(witness: Witness, synthetic_log: SyntheticLog) -> None:
    witness.add_checkpoint(synthetic_log.request(0, 8))

    assert witness.add_checkpoint(synthetic_log.request(0, 5)).status == 409  # old 0 is not 8
    assert witness.add_checkpoint(synthetic_log.request(8, 5)).status == 400  # old above the checkpoint
    assert witness.store.seen(synthetic_log.origin).size == 8


def test_same_size_with_another_root_is_409_and_kept_as_evidence(witness: Witness, synthetic_log: SyntheticLog) -> None:
    witness.add_checkpoint(synthetic_log.request(0, 8))
    fork = synthetic_log.forked()

    reply = witness.add_checkpoint(format_request(8, [], fork.note(8)))

    assert reply.status == 409 and reply.body == b"8\n"
    (refusal,) = witness.store.refusals()
    assert refusal.note == fork.note(8) and "forked" in refusal.reason


def test_signature_lines_from_unknown_keys_are_ignored_and_not_cosigned(witness: Witness, synthetic_log: SyntheticLog) -> None:
    """tlog-witness: the witness MUST ignore signatures from unknown keys (here the spec's example
    response lines, as a note already cosigned by other witnesses carries them)."""
    note = synthetic_log.note(5) + SPEC_RESPONSE

    reply = witness.add_checkpoint(format_request(0, [], note))

    assert reply.status == 200
    (cosignature,) = parse_cosignatures(reply.body)
    assert witness.cosigner.verifier().verify(split_note(synthetic_log.note(5))[0], cosignature)
    assert witness.store.seen(synthetic_log.origin).size == 5

@pytest.mark.parametrize("damage", ["drop", "flip", "extra"])
def test_a_bad_consistency_proof_is_422(witness: Witness, synthetic_log: SyntheticLog, damage: str) -> None:
    witness.add_checkpoint(synthetic_log.request(0, 6))
    proof = synthetic_log.proof(6, 13)
    if damage == "drop":
        proof = proof[:-1]
    elif damage == "flip":
        proof[0] = bytes([proof[0][0] ^ 1]) + proof[0][1:]
    else:
        proof = [*proof, proof[0]]

    reply = witness.add_checkpoint(format_request(6, proof, synthetic_log.note(13)))

    assert reply.status == 422
    assert witness.store.seen(synthetic_log.origin).size == 6


def test_a_first_checkpoint_with_a_nonempty_proof_is_422(witness: Witness, synthetic_log: SyntheticLog) -> None:
    assert witness.add_checkpoint(format_request(0, synthetic_log.proof(3, 5), synthetic_log.note(5))).status == 422


def test_a_checkpoint_not_signed_by_the_trusted_key_is_403(witness: Witness, synthetic_log: SyntheticLog) -> None:
    impostor = make_log(synthetic_log.origin)  # same origin, another key

    assert witness.add_checkpoint(impostor.request(0, 5)).status == 403


@pytest.mark.parametrize("body", [
    b"",
    b"old 01\n\n",
    b"old 5\nnot-base64!\n\nx",
    b"new 5\n\nx",
    b"old 5\n" + b"AAAA\n" + b"\nx",  # not a 32-byte hash
    b"old 0\nno blank line",
    "old 0\n\norigin\n5\nbad root\n\n\u2014 k AAAA\n".encode(),
    b"old 0\n" + b"".join(b"PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\n" for _ in range(64)) + b"\nx",
])
def test_malformed_requests_are_400(witness: Witness, body: bytes) -> None:
    assert witness.add_checkpoint(body).status == 400


def test_racing_requests_never_roll_the_witness_back(witness: Witness, synthetic_log: SyntheticLog) -> None:
    """The spec's race: from the same old size, only one request wins; the others get 409 and
    the stored size is the one that was cosigned."""
    witness.add_checkpoint(synthetic_log.request(0, 10))
    results: dict[int, int] = {}

    def submit(size: int) -> None:
        results[size] = witness.add_checkpoint(synthetic_log.request(10, size)).status

    threads = [threading.Thread(target=submit, args=(size,)) for size in range(11, 31)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    winners = [size for size, status in results.items() if status == 200]
    assert len(winners) == 1 and set(results.values()) == {200, 409}
    assert witness.store.seen(synthetic_log.origin).size == winners[0]


# --- over HTTP, a real witness process -------------------------------------------------------------


def _post(url: str, body: bytes) -> tuple[int, str, bytes]:
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("POST", "/add-checkpoint", body=body)
        response = conn.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        conn.close()


def test_a_witness_process_speaks_the_protocol_over_http(witnesses: Any, synthetic_log: SyntheticLog) -> None:
    w = witnesses("witness.test/http", [synthetic_log.vkey])

    status, ctype, body = _post(w.url, synthetic_log.request(0, 7))
    assert status == 200 and ctype.startswith("text/plain")
    (cosignature,) = parse_cosignatures(body)
    assert CosignatureVerifier.from_string(w.vkey).verify(split_note(synthetic_log.note(7))[0], cosignature)

    assert _post(w.url, synthetic_log.request(0, 9))[:3] == (409, "text/x.tlog.size", b"7\n")
    assert _post(w.url, format_request(7, synthetic_log.proof(7, 9)[:-1], synthetic_log.note(9)))[0] == 422
    assert _post(w.url, make_log(synthetic_log.origin).request(7, 7))[0] == 403
    assert _post(w.url, make_log("witness.test/unknown").request(0, 3))[0] == 404
    assert _post(w.url, b"old x\n\n")[0] == 400


def test_a_restarted_witness_remembers_what_it_cosigned(witnesses: Any, synthetic_log: SyntheticLog) -> None:
    w = witnesses("witness.test/restart", [synthetic_log.vkey])
    assert _post(w.url, synthetic_log.request(0, 12))[0] == 200
    w.stop()

    again = witnesses("witness.test/restart", [synthetic_log.vkey])

    assert again.vkey == w.vkey
    assert _post(again.url, synthetic_log.request(0, 20))[2] == b"12\n"
    assert _post(again.url, synthetic_log.request(12, 20))[0] == 200


def test_a_witness_that_cannot_store_its_state_cosigns_nothing(witnesses: Any, synthetic_log: SyntheticLog) -> None:
    """The checkpoint is stored before the reply: when the write fails (here a trigger the test
    puts into the witness's SQLite file, standing in for a full or failing disk), the request
    gets a 500 without a cosignature and the state is as before."""
    import sqlite3

    w = witnesses("witness.test/disk", [synthetic_log.vkey])
    assert _post(w.url, synthetic_log.request(0, 4))[0] == 200
    with sqlite3.connect(w.state) as db:
        db.execute("CREATE TRIGGER disk_full BEFORE INSERT ON history BEGIN SELECT RAISE(ABORT, 'disk full'); END")

    status, _, body = _post(w.url, synthetic_log.request(4, 9))

    assert status == 500 and "\u2014" not in body.decode()
    assert Store(w.state).seen(synthetic_log.origin).size == 4  # the upsert of `latest` was rolled back too
    with sqlite3.connect(w.state) as db:
        db.execute("DROP TRIGGER disk_full")
    assert _post(w.url, synthetic_log.request(4, 9))[0] == 200

def test_the_witness_and_the_bundle_verifier_never_import_django() -> None:
    """A counterparty bank runs the witness as its own program, without our stack."""
    import subprocess
    import sys

    code = ("import sys, ledger.witness.__main__, ledger.witness.gossip, ledger.witness.bundle, ledger.verify_bundle; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'lc', 'tradechain')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2], env={"PATH": "/usr/bin:/bin"})
    assert out.stdout.strip() == "[]"
