"""Gossip: compare the checkpoints different witnesses cosigned, to expose a split view.

A log that shows one history to one witness and another history to a second witness cannot
be caught by either witness alone: each sees a consistent log. Anyone holding two checkpoints
of the same log, both signed by the log key, with the same size and different roots, holds
proof that the log forked. Views of different sizes are compared through the log's RFC 9162
consistency proof from the smaller to the larger (`log_proofs` fetches it from the log's
/consistency/<old>/<new>): a proof that does not verify against the two signed roots, or a log
that answers but will not prove it, is a fork. A log that cannot be reached leaves the pair
*unchecked*, never silently consistent: a network error is not evidence either way.

Fetching a view verifies it twice: the log's signature (the statement is the log's) and the
witness's cosignature (it is what this witness actually saw).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

from ledger.merkle import verify_consistency
from ledger.note import NoteError, Verifier, open_note, parse_checkpoint
from ledger.witness.cosignature import CosignatureVerifier, check, split_note
from ledger.witness.protocol import MAX_BODY


@dataclass(frozen=True)
class View:
    source: str  # who reported it: a witness name, "bundle", "log"
    size: int
    root: bytes
    note: str  # the note as reported, log signature first


@dataclass(frozen=True)
class Fork:
    first: View
    second: View
    reason: str

    def describe(self) -> str:
        return (f"FORK: {self.first.source} saw size {self.first.size} root {self.first.root.hex()[:16]}..., "
                f"{self.second.source} saw size {self.second.size} root {self.second.root.hex()[:16]}...: {self.reason}")


ProofSource = Callable[[int, int], list[bytes]]


class ProofUnavailable(Exception):
    """The log could not be asked (network error, 5xx): says nothing about the two views."""


@dataclass
class Comparison:
    forks: list[Fork] = field(default_factory=list)
    unchecked: list[Fork] = field(default_factory=list)  # pairs of sizes no proof could be had for


def compare(views: Sequence[View], proof: ProofSource | None = None) -> Comparison:
    """Every pair of views that cannot both be true of one append-only log, and every pair of
    different sizes that could not be checked (no proof source, or the log unreachable)."""
    result = Comparison()
    proofs: dict[tuple[int, int], list[bytes] | Exception] = {}
    for a, b in combinations(views, 2):
        old, new = (a, b) if a.size <= b.size else (b, a)
        if old.size == new.size:
            if old.root != new.root:
                result.forks.append(Fork(old, new, f"two roots for size {old.size}, both signed by the log"))
            continue
        if proof is None:
            result.unchecked.append(Fork(old, new, "sizes differ and no log to ask for a consistency proof"))
            continue
        key = (old.size, new.size)
        if key not in proofs:
            proofs[key] = _fetch(proof, old.size, new.size)
        path = proofs[key]
        if isinstance(path, ProofUnavailable):
            result.unchecked.append(Fork(old, new, f"no consistency proof could be fetched: {path}"))
        elif isinstance(path, Exception):
            result.forks.append(Fork(old, new, f"the log gave no consistency proof: {path}"))
        elif not verify_consistency(old.size, new.size, old.root, new.root, path):
            result.forks.append(Fork(old, new, f"size {new.size} is not consistent with size {old.size}"))
    return result


def _fetch(proof: ProofSource, old: int, new: int) -> list[bytes] | Exception:
    if old == 0:
        return []  # from the empty tree: nothing to prove (verify_consistency checks the root)
    try:
        return proof(old, new)
    except Exception as exc:  # whatever the source raised is reported with the pair
        return exc


def find_forks(views: Sequence[View], proof: ProofSource | None = None) -> list[Fork]:
    """The forks among `views` (see `compare` for the pairs left unchecked)."""
    return compare(views, proof).forks


def log_proofs(url: str, timeout: float = 5.0) -> ProofSource:
    """Consistency proofs from the log at `url` (GET <url>/consistency/<old>/<new>, JSON with the
    proof's hashes in hex). ProofUnavailable when the log cannot be reached; ValueError when it
    answers with a refusal or with something that is not the proof asked for."""
    base = url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise ValueError(f"log URL {url!r} is not http(s)")

    def fetch(old: int, new: int) -> list[bytes]:
        try:
            with urllib.request.urlopen(f"{base}/consistency/{old}/{new}", timeout=timeout) as response:  # noqa: S310
                data = json.loads(response.read(MAX_BODY))
        except urllib.error.HTTPError as exc:
            if exc.code >= 500:
                raise ProofUnavailable(f"the log answered {exc.code}") from exc
            raise ValueError(f"the log refused: {exc.code} {exc.read(500).decode('utf-8', 'replace').strip()}") from exc
        except (OSError, TimeoutError) as exc:
            raise ProofUnavailable(str(exc)) from exc
        return _proof_of(data, old, new)

    return fetch


def _proof_of(data: object, old: int, new: int) -> list[bytes]:
    if not isinstance(data, dict) or (data.get("old_size"), data.get("new_size")) != (old, new):
        raise ValueError(f"not the proof from {old} to {new}")
    hashes = data.get("proof")
    if not isinstance(hashes, list) or not all(isinstance(h, str) for h in hashes):
        raise ValueError("the proof is not a list of hex hashes")
    return [bytes.fromhex(h) for h in hashes]


def view_of(source: str, note: str, origin: str, logs: Sequence[Verifier]) -> View:
    """A view from a log-signed note; NoteError when the log did not sign it."""
    body, _ = open_note(note, logs)
    cp_origin, size, root, _ = parse_checkpoint(body)
    if cp_origin != origin:
        raise NoteError(f"checkpoint of {cp_origin!r}, not {origin!r}")
    return View(source, size, root, note)


def fetch_log_view(url: str, origin: str, logs: Sequence[Verifier], timeout: float = 5.0) -> View:
    """The log's own latest checkpoint (GET <url>/checkpoint), as source "log"."""
    target = url.rstrip("/") + "/checkpoint"
    if not target.startswith(("http://", "https://")):
        raise ValueError(f"log URL {url!r} is not http(s)")
    with urllib.request.urlopen(target, timeout=timeout) as response:  # noqa: S310 - scheme checked
        return view_of("log", response.read(MAX_BODY).decode("utf-8"), origin, logs)


def fetch_view(name: str, url: str, witness: CosignatureVerifier, origin: str, logs: Sequence[Verifier],
               timeout: float = 5.0) -> View:
    """What witness `name` says it last cosigned for `origin` (GET <url>/checkpoint)."""
    target = url.rstrip("/") + "/checkpoint?" + urllib.parse.urlencode({"origin": origin})
    if not target.startswith(("http://", "https://")):
        raise ValueError(f"witness URL {url!r} is not http(s)")
    with urllib.request.urlopen(target, timeout=timeout) as response:  # noqa: S310 - scheme checked
        text = response.read(MAX_BODY).decode("utf-8")
    view = view_of(name, text, origin, logs)
    body, signatures = split_note(text)
    (checked,) = check(body, signatures, [witness])
    if not checked.valid:
        raise NoteError(f"witness {name}: {checked.problem}")
    return view
