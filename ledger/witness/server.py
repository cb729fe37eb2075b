"""The witness: C2SP tlog-witness add-checkpoint over a threaded stdlib HTTP server.

`Witness.add_checkpoint` is the whole protocol as a function from request body to reply, so
tests and the benchmark can call it without sockets; `serve` puts it behind HTTP/1.1
keep-alive.

Group commit. The reply may only leave once the new checkpoint is on disk, so every cosigned
checkpoint costs an fsync, which on our shared disk takes 0.5 to 4 ms: one transaction per
request caps a witness at 250-1,000 requests/s whatever the CPU. Parsing and the log-signature
check run in the request threads; the decisions (old size, root, proof, cosign, store) run in
one writer thread, which takes every request waiting, decides them one after another in one
transaction, commits once, and only then releases their replies. Each decision sees the ones
before it, so the check-and-store stays atomic as the spec requires. Order of checks, as the spec lists them: malformed body (400), unknown origin
(404), no valid signature from a trusted log key (403), old size above the checkpoint's (400),
then, holding the state's write lock: old size not the size last cosigned (409 + that size),
same size with another root (409), consistency proof failing (422). Only then is the new
checkpoint stored, and the cosignature is returned after the commit.

Monitoring: GET /checkpoint?origin=<origin> returns the checkpoint last cosigned for that log
with a fresh cosignature appended, so that anyone can compare what different witnesses saw
(ledger.witness.gossip).
"""

from __future__ import annotations

import logging
import queue
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ledger.merkle import verify_consistency
from ledger.note import NoteError, Verifier, open_note, parse_checkpoint
from ledger.witness.cosignature import Cosigner, split_note
from ledger.witness.protocol import (
    COSIGNATURE_TYPE,
    MAX_BODY,
    SIZE_TYPE,
    AddCheckpoint,
    ProtocolError,
    Reply,
    format_size,
    parse_request,
)
from ledger.witness.store import Refusal, Store, Transaction, now

log = logging.getLogger("ledger.witness")


def parse_logs(text: str) -> dict[str, list[Verifier]]:
    """Trusted logs, one `log <vkey> [<url>]` line each (tlog-policy syntax); the key name is
    the log's origin, and several keys per origin are allowed (a key rotation)."""
    logs: dict[str, list[Verifier]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        if fields[0] != "log" or len(fields) not in (2, 3):
            raise ValueError(f"line {number}: expected 'log <vkey> [<url>]'")
        try:
            verifier = Verifier.from_string(fields[1])
        except NoteError as exc:
            raise ValueError(f"line {number}: {exc}") from exc
        logs.setdefault(verifier.name, []).append(verifier)
    return logs


@dataclass
class _Job:
    request: AddCheckpoint
    origin: str
    size: int
    root: bytes
    body: str
    reply: Reply | None = None
    done: threading.Event = field(default_factory=threading.Event)


class Witness:
    MAX_BATCH = 256

    def __init__(self, cosigner: Cosigner, store: Store, logs: dict[str, list[Verifier]],
                 clock: Callable[[], int] = now) -> None:
        self.cosigner = cosigner
        self.store = store
        self.logs = logs
        self.clock = clock
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        threading.Thread(target=self._writer, name="witness-writer", daemon=True).start()

    def add_checkpoint(self, body: bytes) -> Reply:
        try:
            request = parse_request(body)
            origin, size, root, note_body = self._authentic(request.note)
            if request.old_size > size:
                raise ProtocolError(400, f"old size {request.old_size} is above the checkpoint's size {size}")
        except ProtocolError as exc:
            return _text(exc.status, str(exc))
        job = _Job(request, origin, size, root, note_body)
        self._jobs.put(job)
        job.done.wait()
        assert job.reply is not None
        return job.reply

    def _writer(self) -> None:
        while True:
            batch = [self._jobs.get()]
            while len(batch) < self.MAX_BATCH:
                try:
                    batch.append(self._jobs.get_nowait())
                except queue.Empty:
                    break
            self._commit(batch)

    def _commit(self, batch: list[_Job]) -> None:
        try:
            with self.store.transaction() as tx:
                replies = [self._decide(tx, job) for job in batch]
        except Exception:  # nothing was stored, so nothing may be cosigned
            log.exception("witness state could not be written")
            replies = [_text(500, "the witness could not store its state")] * len(batch)
        for job, reply in zip(batch, replies, strict=True):
            job.reply = reply
            job.done.set()  # only now, after the commit: the reply never outruns the disk

    def _decide(self, tx: Transaction, job: _Job) -> Reply:
        request, origin, size, root = job.request, job.origin, job.size, job.root
        seen = tx.seen(origin)
        refusal = _refusal(seen.size, seen.root, request.old_size, size, root, request.proof)
        if refusal is not None:
            status, reason = refusal
            if reason:  # evidence of a fork or a bad proof, not merely a stale client
                tx.refused(Refusal(origin, request.old_size, size, root, request.note, status, reason, self.clock()))
            log.info("refused %s size %s: %s", origin, size, reason or f"old size is not {seen.size}")
            return Reply(status, SIZE_TYPE, format_size(seen.size)) if status == 409 else _text(status, reason)
        at = self.clock()
        cosignature = self.cosigner.cosign(job.body, at)
        tx.cosigned(origin, size, root, request.note, at)
        return Reply(200, COSIGNATURE_TYPE, cosignature.line.encode())

    def _authentic(self, note: str) -> tuple[str, int, bytes, str]:
        """(origin, size, root, body) of a note signed by a key we trust for its origin."""
        try:
            body, _ = split_note(note)
            origin, size, root, _ = parse_checkpoint(body)
        except NoteError as exc:
            raise ProtocolError(400, f"not a signed checkpoint: {exc}") from exc
        trusted = self.logs.get(origin)
        if not trusted:
            raise ProtocolError(404, f"unknown log origin {origin!r}")
        try:
            open_note(note, trusted)
        except NoteError as exc:
            raise ProtocolError(403, f"no valid signature from a trusted key of {origin}: {exc}") from exc
        return origin, size, root, body

    def latest(self, origin: str) -> Reply:
        seen = self.store.seen(origin)
        if not seen.note:
            return _text(404, f"no checkpoint cosigned for {origin!r}")
        body, _ = split_note(seen.note)
        line = self.cosigner.cosign(body, self.clock()).line
        return Reply(200, COSIGNATURE_TYPE, (seen.note + line).encode())


def _refusal(seen_size: int, seen_root: bytes, old: int, size: int, root: bytes,
             proof: list[bytes]) -> tuple[int, str] | None:
    """None when the checkpoint may be cosigned, else (status, evidence reason or "")."""
    if old != seen_size:
        return 409, ""
    if size == seen_size:
        if root != seen_root:
            return 409, f"a second root for size {size}: the log forked"
        return None if not proof else (422, "a consistency proof between equal sizes must be empty")
    if not verify_consistency(old, size, seen_root, root, proof):
        return 422, f"consistency proof from {old} to {size} does not verify"
    return None


def _text(status: int, message: str) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message + "\n").encode())


# --- HTTP --------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the spec asks
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
    witness: Witness

    def do_POST(self) -> None:
        if not urllib.parse.urlsplit(self.path).path.endswith("/add-checkpoint"):
            self._reply(_text(404, "not found"))
            return
        length = self.headers.get("Content-Length", "")
        if not length.isdigit() or int(length) > MAX_BODY:
            self._reply(_text(400, "a Content-Length of at most 64 KiB is required"), close=True)
            return
        self._reply(self.witness.add_checkpoint(self.rfile.read(int(length))))

    def do_GET(self) -> None:
        parts = urllib.parse.urlsplit(self.path)
        origin = urllib.parse.parse_qs(parts.query).get("origin", [""])[0]
        if parts.path.rstrip("/").endswith("/checkpoint") and origin:
            self._reply(self.witness.latest(origin))
        else:
            self._reply(_text(404, "GET /checkpoint?origin=<origin>"))

    def _reply(self, reply: Reply, close: bool = False) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


class WitnessServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # a burst of log and benchmark connections must not be refused


def make_server(witness: Witness, host: str, port: int) -> WitnessServer:
    handler = type("BoundHandler", (Handler,), {"witness": witness})
    return WitnessServer((host, port), handler)
