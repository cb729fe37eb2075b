"""Anchoring: extend the node table to the chain head, prove the new tree, sign the checkpoint.

Safe to run twice at once or twice in a row (Redis redelivers unacknowledged tasks):
  - one anchorer at a time: a transaction-scoped pg_try_advisory_xact_lock; a second caller
    returns at once, and after the first commits it finds nothing new to anchor;
  - one transaction: nodes, checkpoint and receipts commit together or not at all;
  - the database itself refuses two checkpoints of one size (unique) or a fork (one-to-one
    predecessor), even if something bypassed the lock.

A log must never sign two checkpoints that are inconsistent with each other, so before
signing the anchorer trusts nothing in the database but the previous *signed note*:
  1. the previous note verifies with our keys, and its (size, root) are taken from the note;
  2. the stored frontier of that tree (its <= 64 perfect subtrees) folds to that root;
  3. the last anchored entry is the last leaf of that signed tree (inclusion proof), and every
     new entry chains from it, each hash recomputed from its fields and canonical payload;
  4. the consistency proof from the previous checkpoint to the new tree verifies.
Any failure raises AnchorError and nothing is signed. External publication runs after commit
as separate tasks (ledger.tasks.publish_receipt), one per configured publisher.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ledger.chain import GENESIS, entry_hash, is_canonical
from ledger.keys import signers, verifiers
from ledger.merkle import (
    EMPTY_ROOT,
    Coord,
    assemble_proof,
    distinct_coords,
    inclusion_proof_coords,
    leaf_hash,
    new_nodes,
    root_coords,
    root_from_nodes,
    verify_consistency,
    verify_inclusion_hash,
)
from ledger.models import Checkpoint, Receipt
from ledger.note import NoteError, checkpoint_body, open_note, parse_checkpoint, sign_note
from ledger.proofs import ProofError, consistency_proof_between, fetch_nodes, latest_checkpoint
from ledger.sequencer import TIME_SQL

log = logging.getLogger(__name__)

# Fixed key for pg_try_advisory_xact_lock: "TCANC" (the sequencer uses "TCSEQ").
ANCHOR_LOCK = 0x5443414E43
# Entries hashed and nodes written per round trip: bounds memory when a large backlog
# (a first anchoring of an existing log) is anchored in one checkpoint.
CHUNK = 50_000


class AnchorError(Exception):
    """The log does not extend the last signed checkpoint: nothing was signed."""


def anchor_checkpoint(now: dt.datetime | None = None) -> Checkpoint | None:
    """Sign the next checkpoint if the chain has grown; None when there is nothing to do
    or another anchorer holds the lock."""
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_xact_lock(%s)", [ANCHOR_LOCK])
        if not cur.fetchone()[0]:
            return None
        prev = latest_checkpoint()
        old_size = prev.size if prev else 0
        cur.execute("SELECT coalesce(max(seq), 0) FROM ledger_entry")
        head = cur.fetchone()[0]
        if head <= old_size:
            return None
        old_root = _signed_root(prev)
        frontier = _trusted_frontier(old_size, old_root)
        link = _last_anchored_hash(cur, old_size, old_root)
        frontier = _extend(cur, old_size, head, link, frontier)
        new_root = root_from_nodes(head, frontier)
        _check_consistency(old_size, old_root, head, new_root)
        return _record(prev, head, new_root, now or timezone.now())


def _signed_root(prev: Checkpoint | None) -> bytes:
    if prev is None:
        return EMPTY_ROOT
    try:
        body, _ = open_note(prev.note, verifiers())
        origin, size, root, _ = parse_checkpoint(body)
    except NoteError as exc:
        raise AnchorError(f"checkpoint {prev.size} does not verify with our keys: {exc}") from exc
    if (origin, size, root) != (settings.LEDGER_ORIGIN, prev.size, bytes(prev.root)):
        raise AnchorError(f"checkpoint {prev.size}: the signed note disagrees with its row or our origin")
    return root


def _trusted_frontier(old_size: int, old_root: bytes) -> dict[Coord, bytes]:
    frontier = fetch_nodes(root_coords(old_size))
    try:
        ok = root_from_nodes(old_size, frontier) == old_root
    except KeyError:
        ok = False
    if not ok:
        raise AnchorError(
            f"the stored tree of {old_size} entries does not fold to the signed root of checkpoint "
            f"{old_size}: the node table or the history was rewritten"
        )
    return frontier


def _last_anchored_hash(cur: Any, old_size: int, old_root: bytes) -> bytes:
    """The chain hash that the first new entry must link to, proven to be in the signed tree."""
    if old_size == 0:
        return GENESIS
    cur.execute("SELECT hash FROM ledger_entry WHERE seq = %s", [old_size])
    row = cur.fetchone()
    last = bytes(row[0]) if row else b""
    coords = inclusion_proof_coords(old_size - 1, old_size)
    nodes = fetch_nodes(distinct_coords(coords))
    try:
        proof = assemble_proof(coords, nodes)
    except KeyError:
        proof = []
    if not (row and verify_inclusion_hash(leaf_hash(last), old_size - 1, old_size, proof, old_root)):
        raise AnchorError(f"entry {old_size} is not the last leaf of signed checkpoint {old_size}: history was rewritten")
    return last


def _extend(cur: Any, old_size: int, head: int, prev_hash: bytes, frontier: dict[Coord, bytes]) -> dict[Coord, bytes]:
    """Hash-check the entries old_size+1..head, write their nodes; return the new frontier."""
    size = old_size
    raw = connection.connection.cursor(name="ledger_anchor")
    try:
        raw.execute(
            f"SELECT seq, kind, subject, actor, actor_org, {TIME_SQL}, payload, prev_hash, hash "
            "FROM ledger_entry WHERE seq > %s AND seq <= %s ORDER BY seq",
            [old_size, head],
        )
        while rows := raw.fetchmany(CHUNK):
            leaves, prev_hash = _checked_leaves(rows, size, prev_hash)
            nodes = new_nodes(size, leaves, _lookup(frontier))
            _copy_nodes(cur, nodes)
            size += len(leaves)
            known = {**frontier, **{(level, index): h for level, index, h in nodes}}
            frontier = {c: known[c] for c in root_coords(size)}
    finally:
        raw.close()
    if size != head:
        raise AnchorError(f"entries {size + 1}..{head} are missing from the chain")
    return frontier


def _checked_leaves(rows: list[tuple[Any, ...]], size: int, prev: bytes) -> tuple[list[bytes], bytes]:
    """Leaf hashes of a batch of entries, each re-verified: what we sign must be the chain."""
    leaves = []
    for expected, (seq, kind, subject, actor, org, at, payload, prev_hash, stored) in enumerate(rows, size + 1):
        payload, stored = bytes(payload), bytes(stored)
        if seq != expected:
            raise AnchorError(f"entry {expected} is missing from the chain; refusing to sign")
        digest = entry_hash(seq=seq, kind=kind, subject=subject, actor=actor, actor_org=org, at=at,
                            payload=payload, prev_hash=bytes(prev_hash))
        if digest != stored or bytes(prev_hash) != prev or not is_canonical(payload):
            raise AnchorError(f"entry {seq} does not match its hash, its link or its canonical payload; refusing to sign")
        prev = stored
        leaves.append(leaf_hash(stored))
    return leaves, prev


def _lookup(frontier: dict[Coord, bytes]) -> Callable[[int, int], bytes]:
    # new_nodes asks only for left siblings that predate the batch: all in the frontier.
    return lambda level, index: frontier[(level, index)]


def _copy_nodes(cur: Any, nodes: list[tuple[int, int, bytes]]) -> None:
    with cur.cursor.copy("COPY ledger_node (level, index, hash) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types(["int2", "int8", "bytea"])
        for row in nodes:
            copy.write_row(row)


def _check_consistency(old_size: int, old_root: bytes, new_size: int, new_root: bytes) -> None:
    if old_size == 0:
        return
    try:
        proof = consistency_proof_between(old_size, new_size)
    except ProofError as exc:
        raise AnchorError(str(exc)) from exc
    if not verify_consistency(old_size, new_size, old_root, new_root, proof):
        raise AnchorError(f"the tree of {new_size} entries is not consistent with checkpoint {old_size}")


def _record(prev: Checkpoint | None, size: int, root: bytes, now: dt.datetime) -> Checkpoint:
    origin = settings.LEDGER_ORIGIN
    note = sign_note(checkpoint_body(origin, size, root), signers())
    cp = Checkpoint.objects.create(origin=origin, size=size, root=root, note=note, previous=prev, created_at=now)
    receipts = Receipt.objects.bulk_create(
        Receipt(checkpoint=cp, publisher=path, created_at=now, updated_at=now) for path in settings.LEDGER_PUBLISHERS
    )
    # Outbox messages in this transaction: the publications are committed with the checkpoint,
    # whatever the broker says, and relayed to it once it answers.
    schedule_publication([r.id for r in receipts])
    log.info("signed checkpoint %s", size)
    return cp


PUBLISH_TASK = "ledger.tasks.publish_receipt"


def schedule_publication(receipt_ids: list[int]) -> None:
    """Queue each receipt's publication as an outbox message, by task name (this module never
    imports ledger.tasks); at most one waiting message per receipt."""
    import outbox

    with transaction.atomic():
        for receipt_id in receipt_ids:
            outbox.enqueue(PUBLISH_TASK, str(receipt_id), subject=f"receipt:{receipt_id}", unique=True)


def requeue_stale_receipts(now: dt.datetime | None = None) -> int:
    """Queue again the pending receipts nobody has touched for a while (a lost task)."""
    quiet = dt.timedelta(seconds=2 * settings.LEDGER_PUBLISH_BACKOFF_MAX + 60)
    cutoff = (now or timezone.now()) - quiet
    ids = list(
        Receipt.objects.filter(status=Receipt.Status.PENDING, updated_at__lt=cutoff).values_list("id", flat=True)[:100]
    )
    if ids:
        schedule_publication(ids)
    return len(ids)


@dataclass(frozen=True)
class Lag:
    head: int
    anchored: int
    entries: int  # entries in the chain not yet in a checkpoint
    oldest_waiting_seconds: float  # how long the oldest of them has been sequenced
    checkpoint_age_seconds: float | None


def anchoring_lag(now: dt.datetime | None = None) -> Lag:
    """Time and entries between the chain head and the latest checkpoint (for the admin)."""
    now = now or timezone.now()
    cp = latest_checkpoint()
    anchored = cp.size if cp else 0
    with connection.cursor() as cur:
        cur.execute(
            "SELECT (SELECT coalesce(max(seq), 0) FROM ledger_entry), "
            "(SELECT sequenced_at FROM ledger_entry WHERE seq = %s)",
            [anchored + 1],
        )
        head, oldest = cur.fetchone()
    return Lag(
        head=head, anchored=anchored, entries=max(head - anchored, 0),
        oldest_waiting_seconds=(now - oldest).total_seconds() if oldest else 0.0,
        checkpoint_age_seconds=(now - cp.created_at).total_seconds() if cp else None,
    )
