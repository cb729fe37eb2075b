"""A credit's ledger history for the API: sequenced entries (cursor-paginated by seq) with
their proof status, and the committed-but-not-yet-sequenced entries at the tail.

Proof status: pending (no seq yet), sequenced (in the chain), anchored (covered by a signed
checkpoint), witnessed (covered by a checkpoint whose witness cosignatures met the policy, issue
19), as `ledger.proof_status` reports it.

Each row is what the caller's organisation may see (lc.services.visibility): entries about an
amendment it may not see yet are left out (a page may then hold fewer rows than its size; the
cursor still moves by seq), others' people are shown as their organisation, others' internal
notes are taken out of the payload and named in `redacted`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import ledger
from lc.services.visibility import Audience, redact, shown_actor, visible
from ledger.models import Entry, EntryQuerySet, PendingEntry


def sequenced(subject: str) -> EntryQuerySet:
    return ledger.history(subject)


def with_status(audience: Audience, entries: Iterable[Entry]) -> list[dict[str, Any]]:
    entries = list(entries)
    proofs = ledger.proof_status([e.seq for e in entries])
    out = []
    for e in entries:
        proof = proofs.get(e.seq, {})
        status = "witnessed" if proof.get("witnessed") else "anchored" if proof.get("anchored") else "sequenced"
        out.append(_row(audience, e, e.seq, bytes(e.hash).hex(), status, proof.get("checkpoint_size"),
                        proof.get("witnessed_size")))
    return [row for row in out if row is not None]


def pending(audience: Audience, subject: str) -> list[dict[str, Any]]:
    rows = [_row(audience, p, None, None, "pending", None, None) for p in ledger.pending(subject)]
    return [row for row in rows if row is not None]


def _row(audience: Audience, entry: Entry | PendingEntry, seq: int | None, digest: str | None, status: str,
         checkpoint_size: int | None, witnessed_size: int | None) -> dict[str, Any] | None:
    payload = json.loads(bytes(entry.payload))
    if not visible(audience, payload):
        return None
    shown, redacted = redact(audience, entry.kind, entry.actor_org, payload)
    actor, actor_name = shown_actor(audience, entry.actor, entry.actor_org)
    return {"seq": seq, "kind": entry.kind, "subject": entry.subject, "actor": actor, "actor_name": actor_name,
            "actor_org": entry.actor_org, "at": entry.at, "hash": digest, "payload": shown, "redacted": redacted,
            "proof_status": status, "checkpoint_size": checkpoint_size, "witnessed_size": witnessed_size}
