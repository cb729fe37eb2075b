"""The ledger app: an append-only, hash-chained journal with a verifiable Merkle log.

Public API (imported lazily so that `python -m ledger.verify_bundle` and the pure
modules chain/merkle/note never import Django):

    ledger.append(kind=..., subject=..., actor=..., actor_org=..., at=..., payload=...)
    ledger.history(subject)      # sequenced entries of one subject, oldest first
    ledger.pending(subject)      # committed but not yet sequenced
    ledger.sequence()            # run one sequencer pass (tests, the beat safety net)
    ledger.verify(start, end)    # walk the chain
    ledger.proof_status(seqs)    # pending / sequenced / anchored, per seq
    ledger.inclusion_proof_for(seq)   # RFC 9162 proof against the latest checkpoint
"""

from __future__ import annotations

from typing import Any


def append(**kwargs: Any) -> Any:
    from ledger.services import append as _append

    return _append(**kwargs)


def history(subject: str) -> Any:
    from ledger.services import history as _history

    return _history(subject)


def pending(subject: str) -> Any:
    from ledger.services import pending as _pending

    return _pending(subject)


def sequence(batch_size: int = 5000) -> int:
    from ledger.sequencer import sequence_pending

    return sequence_pending(batch_size=batch_size)


def verify(start: int | None = None, end: int | None = None, **kwargs: Any) -> Any:
    from ledger.verification import verify_chain

    return verify_chain(start=start, end=end, **kwargs)


def proof_status(seqs: Any) -> Any:
    from ledger.proofs import proof_status as _proof_status

    return _proof_status(seqs)


def inclusion_proof_for(seq: int, size: int | None = None) -> Any:
    from ledger.proofs import inclusion_proof_for as _inclusion_proof_for

    return _inclusion_proof_for(seq, size)
