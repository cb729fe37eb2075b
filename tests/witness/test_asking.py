"""How the log asks (issue 19): in parallel, and with retries and exponential backoff on errors
that may pass (5xx, unreachable), never on a refusal. The witnesses are real processes; in
front of one sits a flaky HTTP front end (as a bastion or a proxy restarting would be) that
fails the first requests with 503 and then passes them through."""

from __future__ import annotations

import http.client
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ledger.anchoring import anchor_checkpoint
from ledger.witness.cosignature import generate_cosigner, split_note
from ledger.witness.policy import parse_policy
from ledger.witness.protocol import format_request
from ledger.witnessing import ask, cosign_latest
from tests.ledger.conftest import LOG_VKEY, ledger_settings, record  # noqa: F401
from tests.witness.conftest import witnesses  # noqa: F401


class Flaky:
    """An HTTP front end for `target`: 503 for the first `failures` requests, then a proxy."""

    def __init__(self, target: str, failures: int) -> None:
        self.arrivals: list[float] = []
        flaky = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                flaky.arrivals.append(time.monotonic())
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if len(flaky.arrivals) <= failures:
                    status, ctype, data = 503, "text/plain", b"restarting\n"
                else:
                    parts = urllib.parse.urlsplit(target)
                    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=5)
                    conn.request("POST", "/add-checkpoint", body=body)
                    reply = conn.getresponse()
                    status, ctype, data = reply.status, reply.getheader("Content-Type", ""), reply.read()
                    conn.close()
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def gaps(self) -> list[float]:
        return [b - a for a, b in zip(self.arrivals, self.arrivals[1:], strict=False)]


@pytest.fixture
def flaky() -> Iterator[Any]:
    made: list[Flaky] = []

    def make(target: str, failures: int) -> Flaky:
        made.append(Flaky(target, failures))
        return made[-1]

    yield make
    for f in made:
        f.server.shutdown()
        f.server.server_close()


@pytest.fixture
def silent() -> Iterator[Any]:
    """Listening sockets that accept connections (the kernel does) and never answer."""
    socks: list[socket.socket] = []

    def make() -> str:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(16)
        socks.append(s)
        return f"http://127.0.0.1:{s.getsockname()[1]}"

    yield make
    for s in socks:
        s.close()


def policy_for(members: dict[str, tuple[str, str]]) -> Any:
    lines = [f"log {LOG_VKEY}\n"] + [f"witness {name} {vkey} {url}\n" for name, (vkey, url) in members.items()]
    return parse_policy("".join(lines) + f"group all all {' '.join(members)}\nquorum all\n")


@pytest.mark.django_db
def test_a_failing_witness_is_retried_with_exponential_backoff_until_it_cosigns(
    witnesses: Any, flaky: Any, record: Any, ledger_settings: Any  # noqa: F811
) -> None:
    w = witnesses("witness.bank-a.test/w1", [LOG_VKEY])
    front = flaky(w.url, failures=2)
    ledger_settings.LEDGER_WITNESS_ATTEMPTS = 3
    ledger_settings.LEDGER_WITNESS_BACKOFF = 0.2
    record(3)
    cp = anchor_checkpoint()
    assert cp is not None
    witness = policy_for({"bank-a": (w.vkey, front.url)}).witnesses["bank-a"]

    outcome = ask(witness, format_request(0, [], cp.note), split_note(cp.note)[0])

    assert outcome.detail == "cosigned" and len(front.arrivals) == 3
    first, second = front.gaps()
    # Backoff 0.2 s doubled, with jitter in [0.5, 1]: 0.1-0.2 s, then 0.2-0.4 s (upper bounds
    # loose: a loaded machine adds to each gap, never subtracts).
    assert 0.1 <= first < 0.5 and 0.2 <= second < 1.0, front.gaps()


@pytest.mark.django_db
def test_retries_stop_at_the_configured_attempts_and_a_refusal_is_never_retried(
    witnesses: Any, flaky: Any, record: Any, ledger_settings: Any  # noqa: F811
) -> None:
    w = witnesses("witness.bank-a.test/w1", [LOG_VKEY])
    ledger_settings.LEDGER_WITNESS_ATTEMPTS = 3
    ledger_settings.LEDGER_WITNESS_BACKOFF = 0.05
    record(3)
    cp = anchor_checkpoint()
    assert cp is not None
    body = split_note(cp.note)[0]

    down = flaky(w.url, failures=10)
    gone = ask(policy_for({"bank-a": (w.vkey, down.url)}).witnesses["bank-a"], format_request(0, [], cp.note), body)
    assert (gone.status, len(down.arrivals)) == (503, 3)

    refusing = flaky(w.url, failures=0)
    witness = policy_for({"bank-a": (w.vkey, refusing.url)}).witnesses["bank-a"]
    assert ask(witness, format_request(0, [], cp.note), body).status == 200
    stale = ask(witness, format_request(0, [], cp.note), body)  # old 0 again: 409, asked once
    assert (stale.status, stale.known_size, len(refusing.arrivals)) == (409, cp.size, 2)


@pytest.mark.django_db
def test_the_witnesses_are_asked_in_parallel(silent: Any, record: Any, ledger_settings: Any,  # noqa: F811
                                             tmp_path: Path) -> None:
    keys = {name: generate_cosigner(f"witness.{name}.test/w1")[1] for name in ("bank-a", "bank-b", "bank-c")}
    members = {name: (vkey, silent()) for name, vkey in keys.items()}
    policy = tmp_path / "policy"
    policy.write_text(policy_for(members).text)
    ledger_settings.LEDGER_WITNESS_POLICY_FILE = str(policy)
    ledger_settings.LEDGER_WITNESS_ATTEMPTS = 1
    ledger_settings.LEDGER_WITNESS_TIMEOUT = 1.0
    record(2)
    assert anchor_checkpoint() is not None

    started = time.monotonic()
    outcomes = cosign_latest()
    elapsed = time.monotonic() - started

    assert set(outcomes) == set(keys) and all(o.startswith("unreachable") for o in outcomes.values()), outcomes
    assert 1.0 <= elapsed < 2.0, elapsed  # one timeout, not three after one another
