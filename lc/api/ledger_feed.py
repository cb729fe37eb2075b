"""A credit's ledger history for the API: sequenced entries (cursor-paginated by seq) with
their proof status, and the committed-but-not-yet-sequenced entries at the tail.

Proof status: pending (no seq yet), sequenced (in the chain), anchored (covered by a
checkpoint: seq <= the latest checkpoint's tree size). The checkpoint machinery lives in
the ledger app and may not be installed yet; without it entries are at most "sequenced".
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from ledger.models import Entry, EntryQuerySet, PendingEntry

log = logging.getLogger(__name__)


def sequenced(subject: str) -> EntryQuerySet:
    return Entry.objects.filter(subject=subject)


def with_status(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    entries = list(entries)
    proofs = proof_statuses([e.seq for e in entries])
    return [_row(e, e.seq, bytes(e.hash).hex(), *proofs.get(e.seq, ("sequenced", None))) for e in entries]


def pending(subject: str) -> list[dict[str, Any]]:
    rows = PendingEntry.objects.filter(subject=subject).order_by("id")
    return [_row(p, None, None, "pending", None) for p in rows]


def _row(entry: Entry | PendingEntry, seq: int | None, digest: str | None, status: str,
         checkpoint_size: int | None) -> dict[str, Any]:
    return {"seq": seq, "kind": entry.kind, "subject": entry.subject, "actor": entry.actor,
            "actor_org": entry.actor_org, "at": entry.at, "hash": digest,
            "payload": json.loads(bytes(entry.payload)), "proof_status": status,
            "checkpoint_size": checkpoint_size}


def proof_statuses(seqs: list[int]) -> dict[int, tuple[str, int | None]]:
    """seq -> (status, size of the first checkpoint containing it)."""
    if not seqs:
        return {}
    try:
        from ledger.proofs import proof_status
    except ImportError:
        return _by_checkpoint(seqs)
    out: dict[int, tuple[str, int | None]] = {}
    for seq, proof in proof_status(seqs).items():
        anchored = bool(proof.get("anchored")) if isinstance(proof, Mapping) else proof == "anchored"
        size = proof.get("checkpoint_size") if isinstance(proof, Mapping) else None
        out[int(seq)] = ("anchored", size) if anchored else ("sequenced", None)
    return out


def _by_checkpoint(seqs: list[int]) -> dict[int, tuple[str, int | None]]:
    try:
        from ledger.models import Checkpoint  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return {seq: ("sequenced", None) for seq in seqs}
    size = Checkpoint.objects.order_by("-size").values_list("size", flat=True).first() or 0
    return {seq: ("anchored", None) if seq <= size else ("sequenced", None) for seq in seqs}
