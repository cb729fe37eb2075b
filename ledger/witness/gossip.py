"""Gossip: compare the checkpoints different witnesses cosigned, to expose a split view.

A log that shows one history to one witness and another history to a second witness cannot
be caught by either witness alone: each sees a consistent log. Anyone holding two checkpoints
of the same log, both signed by the log key, with the same size and different roots, holds
proof that the log forked. Views of different sizes need the log's consistency proof to be
compared; `find_forks` takes it as an optional function.

Fetching a view verifies it twice: the log's signature (the statement is the log's) and the
witness's cosignature (it is what this witness actually saw).
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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


def find_forks(views: Sequence[View], proof: ProofSource | None = None) -> list[Fork]:
    """Every pair of views that cannot both be true of one append-only log."""
    forks = []
    for a, b in combinations(views, 2):
        old, new = (a, b) if a.size <= b.size else (b, a)
        if old.size == new.size:
            if old.root != new.root:
                forks.append(Fork(old, new, f"two roots for size {old.size}, both signed by the log"))
        elif proof is not None:
            try:
                path = proof(old.size, new.size)
            except Exception as exc:  # the log could not prove it: as damning as a failed proof
                forks.append(Fork(old, new, f"the log gave no consistency proof: {exc}"))
                continue
            if not verify_consistency(old.size, new.size, old.root, new.root, path):
                forks.append(Fork(old, new, f"size {new.size} is not consistent with size {old.size}"))
    return forks


def view_of(source: str, note: str, origin: str, logs: Sequence[Verifier]) -> View:
    """A view from a log-signed note; NoteError when the log did not sign it."""
    body, _ = open_note(note, logs)
    cp_origin, size, root, _ = parse_checkpoint(body)
    if cp_origin != origin:
        raise NoteError(f"checkpoint of {cp_origin!r}, not {origin!r}")
    return View(source, size, root, note)


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
