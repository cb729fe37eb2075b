"""The ledger app: an append-only, hash-chained journal with a verifiable Merkle log.

The public API, typed, imported lazily so that `python -m ledger.verify_bundle` and the pure
modules chain/merkle/note never import Django:

    ledger.append(kind=..., subject=..., actor=..., actor_org=..., at=..., payload=...)
    ledger.history(subject)      # sequenced entries of one subject, oldest first
    ledger.pending(subject)      # committed but not yet sequenced
    ledger.sequence()            # run one sequencer pass (tests, the beat safety net)
    ledger.verify(start, end)    # walk the chain
    ledger.proof_status(seqs)    # anchored / witnessed, and by which checkpoint first, per seq
    ledger.inclusion_proof_for(seq)   # RFC 9162 proof against the latest checkpoint

Identities are opaque strings (`user:<id>`, `bank:<BIC>`, `system:timers`); the ledger knows
nothing of what they name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ledger.models import EntryQuerySet, PendingEntry
    from ledger.proofs import InclusionProof
    from ledger.services import Appended
    from ledger.verification import VerifyResult

# A payload is canonical JSON (RFC 8785): strings, numbers (Decimal, int), booleans, None,
# dates, and lists and mappings of them. Floats are refused by the encoder.
Payload = Mapping[str, Any]


def append(*, kind: str, subject: str, actor: str, actor_org: str, at: dt.datetime, payload: Payload) -> Appended:
    from ledger.services import append as _append

    return _append(kind=kind, subject=subject, actor=actor, actor_org=actor_org, at=at, payload=payload)


def history(subject: str) -> EntryQuerySet:
    from ledger.services import history as _history

    return _history(subject)


def pending(subject: str) -> QuerySet[PendingEntry]:
    from ledger.services import pending as _pending

    return _pending(subject)


def sequence(batch_size: int = 5000) -> int:
    from ledger.sequencer import sequence_pending

    return sequence_pending(batch_size=batch_size)


def verify(start: int | None = None, end: int | None = None, *,
           on_progress: Callable[[int, int], None] | None = None, canonical: bool = False) -> VerifyResult:
    from ledger.verification import verify_chain

    return verify_chain(start=start, end=end, on_progress=on_progress, canonical=canonical)


def proof_status(seqs: Iterable[int]) -> dict[int, dict[str, Any]]:
    from ledger.proofs import proof_status as _proof_status

    return _proof_status(seqs)


def inclusion_proof_for(seq: int, size: int | None = None) -> InclusionProof:
    from ledger.proofs import inclusion_proof_for as _inclusion_proof_for

    return _inclusion_proof_for(seq, size)
