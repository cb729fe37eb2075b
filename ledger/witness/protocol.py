"""The C2SP tlog-witness add-checkpoint exchange: request and response bodies, and a client.

Request (POST <submission prefix>/add-checkpoint):

    old <previous size, ASCII decimal, no leading zeroes>
    <base64 consistency proof hash>          # 0..63 lines; none when the old size is 0
    <empty line>
    <signed checkpoint note>

Responses: 200 with one or more cosignature lines; 409 with `<size>\\n` as text/x.tlog.size
(the size the witness last cosigned; also for a same-size checkpoint with another root);
422 bad consistency proof; 403 no trusted log signature; 404 unknown origin; 400 malformed
(including an old size above the checkpoint's).
"""

from __future__ import annotations

import base64
import binascii
import http.client
import re
import urllib.parse
from dataclasses import dataclass

from ledger import note
from ledger.note import NoteError
from ledger.witness.cosignature import Cosignature, from_raw

MAX_PROOF_LINES = 63
MAX_BODY = 64 * 1024  # a 63-hash proof and a note with 100 signatures fit several times
SIZE_TYPE = "text/x.tlog.size"
COSIGNATURE_TYPE = "text/plain; charset=utf-8"
_OLD = re.compile(r"old (0|[1-9][0-9]*)")
_MAX_SIZE = 2**63 - 1


class ProtocolError(ValueError):
    """The request cannot be served; `status` is the HTTP status the spec assigns."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class AddCheckpoint:
    old_size: int
    proof: list[bytes]
    note: str


def format_request(old_size: int, proof: list[bytes], note: str) -> bytes:
    lines = [f"old {old_size}\n", *(base64.b64encode(h).decode("ascii") + "\n" for h in proof), "\n"]
    return ("".join(lines) + note).encode("utf-8")


def parse_request(body: bytes) -> AddCheckpoint:
    """Split an add-checkpoint body; anything malformed is a 400."""
    if len(body) > MAX_BODY:
        raise ProtocolError(400, f"request body over {MAX_BODY} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ProtocolError(400, "request body is not UTF-8") from exc
    head, sep, note = text.partition("\n\n")
    if not sep:
        raise ProtocolError(400, "no empty line between the proof and the checkpoint")
    old_line, *proof_lines = head.split("\n")
    match = _OLD.fullmatch(old_line)
    if match is None or int(match.group(1)) > _MAX_SIZE:
        raise ProtocolError(400, "the first line must be 'old <size>'")
    if len(proof_lines) > MAX_PROOF_LINES:
        raise ProtocolError(400, f"more than {MAX_PROOF_LINES} consistency proof lines")
    return AddCheckpoint(int(match.group(1)), [_hash(line) for line in proof_lines], note)


def _hash(line: str) -> bytes:
    try:
        raw = base64.b64decode(line.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ProtocolError(400, "a consistency proof line is not base64") from exc
    if len(raw) != 32 or base64.b64encode(raw).decode("ascii") != line:
        raise ProtocolError(400, "a consistency proof line is not one canonical base64 SHA-256 hash")
    return raw


def format_size(size: int) -> bytes:
    return f"{size}\n".encode("ascii")


def parse_size(body: bytes) -> int:
    text = body.decode("ascii", "replace")
    if not re.fullmatch(r"(0|[1-9][0-9]*)\n", text):
        raise ValueError(f"not a text/x.tlog.size body: {text[:40]!r}")
    return int(text)


def parse_signature_lines(body: bytes) -> list[tuple[str, bytes]]:
    """The 200 response as (key name, raw signature) pairs: one or more note signature lines,
    each ending in a newline. Syntax only. The spec has clients ignore cosignatures from keys
    they do not know, so only the lines of a trusted key (name and key id) are read as
    cosignature/v1; another key's bytes (its own signature type, or its timestamp) never spoil
    the reply."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError("the cosignature response is not UTF-8") from exc
    if not text.endswith("\n"):
        raise ValueError("the cosignature response must end with a newline")
    try:
        return [note._parse_signature_line(line) for line in text[:-1].split("\n")]
    except NoteError as exc:
        raise ValueError(f"malformed signature line: {exc}") from exc


def parse_cosignatures(body: bytes) -> list[Cosignature]:
    """Every line of a 200 response read as a cosignature/v1 (strict: a reply from one witness key)."""
    try:
        return [from_raw(name, raw) for name, raw in parse_signature_lines(body)]
    except NoteError as exc:
        raise ValueError(f"malformed cosignature line: {exc}") from exc


# --- client ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    status: int
    content_type: str
    body: bytes


class WitnessConnection:
    """One keep-alive HTTP connection to a witness's submission prefix (the spec asks clients
    to reuse connections). Not thread-safe: one per thread."""

    def __init__(self, url: str, timeout: float) -> None:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"witness URL {url!r} is not http(s)://host[:port][/prefix]")
        self.url = url
        self._path = parts.path.rstrip("/") + "/add-checkpoint"
        cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        self._conn = cls(parts.hostname, parts.port, timeout=timeout)

    def add_checkpoint(self, body: bytes) -> Reply:
        try:
            return self._post(body)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed an idle keep-alive connection. Sending again is safe: if the
            # first request did arrive, the witness now answers 409 with the size it holds.
            self._conn.close()
            return self._post(body)

    def _post(self, body: bytes) -> Reply:
        self._conn.request("POST", self._path, body=body, headers={"Content-Type": "text/plain"})
        response = self._conn.getresponse()
        data = response.read(MAX_BODY + 1)
        return Reply(response.status, response.getheader("Content-Type", ""), data)

    def close(self) -> None:
        self._conn.close()
