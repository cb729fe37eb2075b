"""A credit's ledger history for the API: sequenced entries (cursor-paginated by seq) with
their proof status, and the committed-but-not-yet-sequenced entries at the tail.

Proof status: pending (no seq yet), sequenced (in the chain), anchored (covered by a signed
checkpoint), as `ledger.proof_status` reports it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import ledger
from ledger.models import Entry, EntryQuerySet, PendingEntry


def sequenced(subject: str) -> EntryQuerySet:
    return ledger.history(subject)


def with_status(entries: Iterable[Entry]) -> list[dict[str, Any]]:
    entries = list(entries)
    proofs = ledger.proof_status([e.seq for e in entries])
    out = []
    for e in entries:
        proof = proofs.get(e.seq, {})
        status = "anchored" if proof.get("anchored") else "sequenced"
        out.append(_row(e, e.seq, bytes(e.hash).hex(), status, proof.get("checkpoint_size")))
    return out


def pending(subject: str) -> list[dict[str, Any]]:
    return [_row(p, None, None, "pending", None) for p in ledger.pending(subject)]


def _row(entry: Entry | PendingEntry, seq: int | None, digest: str | None, status: str,
         checkpoint_size: int | None) -> dict[str, Any]:
    return {"seq": seq, "kind": entry.kind, "subject": entry.subject, "actor": entry.actor,
            "actor_org": entry.actor_org, "at": entry.at, "hash": digest,
            "payload": json.loads(bytes(entry.payload)), "proof_status": status,
            "checkpoint_size": checkpoint_size}
